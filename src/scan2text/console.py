"""What the command line says and how it stops: one-line messages, exit codes by fault, settings from the
command line over a settings file. `cli` builds the commands on these."""

from __future__ import annotations

import json
import signal
import sqlite3
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from scan2text.errors import ConfigError, ExitCode, Scan2TextError
from scan2text.settings import Settings, coerce_settings

err = Console(stderr=True)
out = Console()


def say(message: str, label: str | None = None) -> None:
    """A line on stderr, with a red label if any; the message is printed as it is, since file names and reasons
    may hold [brackets] that rich would take for markup (and drop)."""
    err.print((f"[red]{label}:[/] " if label else "") + escape(message), highlight=False, soft_wrap=True)


def usage_error(message: str) -> NoReturn:
    """Say what is wrong with the command line and stop with the exit code for unusable arguments."""
    say(message, "error")
    raise typer.Exit(int(ExitCode.USAGE))


def load_settings(
    config: Path | None, lang: str | None, workers: int | None, engine: str | None = None,
    grammar: Path | None = None,
) -> Settings:
    """The settings file, if any, with the command line's choices over it; a Scan2TextError names what is wrong."""
    data: dict = {}
    if config:
        try:
            raw = config.read_bytes()
            data = tomllib.loads(raw.decode()) if config.suffix == ".toml" else json.loads(raw)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read settings: {exc}", str(config)) from exc
    ocr = {key: value for key, value in (("lang", lang), ("engine", engine)) if value}
    if ocr:
        data["ocr"] = {**data.get("ocr", {}), **ocr}
    if workers is not None:
        data["workers"] = workers
    if grammar is not None:
        data["grammar"] = str(grammar.resolve())
    if data.get("grammar"):
        from scan2text.grammar import GrammarError, load_grammar

        try:
            load_grammar(data["grammar"])  # a grammar that cannot be read stops the run before any page is read
        except GrammarError as exc:
            raise ConfigError(str(exc), str(data["grammar"])) from exc
    try:
        return coerce_settings(data)
    except ConfigError as exc:
        exc.path = str(config) if config else None
        raise


@contextmanager
def stop_on_fault(verbose: bool) -> Iterator[None]:
    """A fault outside the pages ends the command with one line naming the path and the cause, and the exit code
    that tells it apart from failed pages (see ExitCode); the traceback only with --verbose."""
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops a run as Ctrl-C does: marked interrupted
    try:
        yield
    except Scan2TextError as exc:
        _stop(str(exc), exc.exit_code, verbose)
    except sqlite3.DatabaseError as exc:
        _stop(f"the store cannot be used ({exc}): if it is damaged, restore it from a backup or run into a new "
              "--out", ExitCode.OUTPUT, verbose)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _stop(f"{where}{exc.strerror or exc}", ExitCode.OUTPUT, verbose)
    except KeyboardInterrupt:
        _stop("interrupted; the pages finished so far are kept, run again to go on", ExitCode.INTERRUPTED, verbose)
    except Exception as exc:
        _stop(f"internal error: {type(exc).__name__}: {exc} (run with --verbose for the traceback)",
              ExitCode.INTERNAL, verbose)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(message: str, code: ExitCode, verbose: bool) -> NoReturn:
    if verbose:
        err.print_exception()
    say(message, "error")
    raise typer.Exit(int(code))
