"""Progress of a batch: a live bar on a terminal, plain periodic lines in logs, nothing when quiet.

The flow reports each finished page to whichever reporter the CLI installed; stages never print.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class Reporter(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, *, failed: bool = False, cached: bool = False) -> None: ...
    def finish(self) -> None: ...


class Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, *, failed: bool = False, cached: bool = False) -> None:
        pass

    def finish(self) -> None:
        pass


class _Counts:
    def __init__(self) -> None:
        self.total = self.done = self.failed = self.cached = 0
        self.started = time.monotonic()

    def count(self, failed: bool, cached: bool) -> None:
        self.done += 1
        self.failed += failed
        self.cached += cached

    @property
    def per_minute(self) -> float:
        worked = self.done - self.cached
        elapsed = time.monotonic() - self.started
        return worked / elapsed * 60 if elapsed > 0 and worked else 0.0


class LiveBar(_Counts):
    """A rich progress bar: pages done/total, pages per minute, ETA, failures so far."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        self._bar = Progress(
            TextColumn("[bold]OCR"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f} pages/min"),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._task = self._bar.add_task("pages", total=0, rate=0.0, failed=0)

    def start(self, total: int) -> None:
        self.total = total
        self.started = time.monotonic()
        self._bar.start()
        self._bar.update(self._task, total=total)

    def advance(self, *, failed: bool = False, cached: bool = False) -> None:
        self.count(failed, cached)
        self._bar.update(self._task, advance=1, rate=self.per_minute, failed=self.failed)

    def finish(self) -> None:
        self._bar.stop()


class PlainLines(_Counts):
    """For logs and pipes: a line every `every` seconds and one at the end."""

    def __init__(self, every: float = 10.0, stream=sys.stderr) -> None:
        super().__init__()
        self.every = every
        self.stream = stream
        self._last = 0.0

    def start(self, total: int) -> None:
        self.total = total
        self.started = self._last = time.monotonic()
        print(f"scan2text: {total} pages to process", file=self.stream, flush=True)

    def advance(self, *, failed: bool = False, cached: bool = False) -> None:
        self.count(failed, cached)
        if time.monotonic() - self._last >= self.every:
            self._last = time.monotonic()
            self._line()

    def finish(self) -> None:
        self._line()

    def _line(self) -> None:
        print(
            f"scan2text: {self.done}/{self.total} pages, {self.per_minute:.1f} pages/min, "
            f"{self.cached} reused, {self.failed} failed",
            file=self.stream,
            flush=True,
        )


_current: Reporter = Silent()


def current() -> Reporter:
    return _current


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    global _current
    previous, _current = _current, reporter
    try:
        yield reporter
    finally:
        _current = previous


def for_terminal(quiet: bool) -> Reporter:
    if quiet:
        return Silent()
    return LiveBar() if sys.stderr.isatty() else PlainLines()
