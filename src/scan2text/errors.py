"""Typed errors. Each names the stage it belongs to and the exit code the CLI ends with when it stops a command.

A page's error is reported and the batch goes past it (exit 1 at the end). An error outside the pages stops the
command with one line naming the path and the cause: bad usage or configuration (exit 2, found before any page
is read) or an output folder or store that cannot be used (exit 3).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What `scan2text` exits with; the README and `scan2text --help` list the same table."""

    OK = 0  # every page read
    PAGES_FAILED = 1  # some pages failed (errors.jsonl names them): fix or leave them and run again
    USAGE = 2  # bad arguments, settings, language, manifest or input; found before any page is read
    OUTPUT = 3  # OUT or its store cannot be used: not a folder, not writable, disk full, store damaged, locked
    INTERNAL = 4  # a bug: the one-line message says so; --verbose shows the traceback
    INTERRUPTED = 130  # stopped by Ctrl-C or SIGTERM; the run is marked interrupted, a re-run resumes it


EXIT_CODE_HELP = (
    "Exit codes: 0 all pages read; 1 some pages failed (errors.jsonl), re-run to retry them; 2 bad usage or "
    "configuration, found before any page is read; 3 the output folder or its store cannot be used (not a folder, "
    "not writable, disk full, store damaged, another run holds it); 4 internal error; 130 interrupted."
)


class Scan2TextError(Exception):
    """Base class: a problem with one input that the batch reports and then goes past; raised outside the pages,
    it stops the command as bad usage."""

    stage = "run"
    exit_code = ExitCode.USAGE

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(Scan2TextError):
    """The file cannot be read as a page image (corrupt, empty, too large, encrypted …)."""

    stage = "ingest"


class PreprocessError(Scan2TextError):
    stage = "preprocess"


class OcrError(Scan2TextError):
    stage = "ocr"


class BlankPageError(OcrError):
    """No text was found; reported so a reviewer can check the scan, not a crash."""


class CorrectionError(Scan2TextError):
    """A correction or an imported file was refused; nothing was changed."""

    stage = "correct"


class ConflictError(CorrectionError):
    """Someone else saved this line or field since it was loaded."""


class ConfigError(Scan2TextError):
    """Settings, a language, a manifest or the input that cannot work for any page: found before the first page."""

    stage = "config"


class OutputError(Scan2TextError):
    """The output folder or its store cannot be used: the run stops, whatever page it was on."""

    stage = "output"
    exit_code = ExitCode.OUTPUT
