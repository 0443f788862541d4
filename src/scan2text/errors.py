"""Typed errors. Each names the stage it belongs to; the CLI maps them to messages and exit codes."""

from __future__ import annotations


class Scan2TextError(Exception):
    """Base class: a problem with one input that the batch reports and then goes past."""

    stage = "run"

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
