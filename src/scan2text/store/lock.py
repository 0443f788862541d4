"""One run at a time per output folder: a lock file in OUT, held (flock) for the whole run.

The operating system releases the lock when its holder dies, kill -9 included, so a lock left by a killed run
is never in the way: the next run takes it over and marks the dead run `interrupted` in the store. The file
also says who holds it (process, host, start, run id), for the message a second run gives.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from pathlib import Path
from typing import Self

from scan2text.errors import OutputError
from scan2text.store.db import now, when

LOCK_FILE = ".scan2text.lock"


class RunLockedError(OutputError):
    """Another run holds the output folder."""


class RunLock:
    """The lock of the output folder `root`; `acquire` it for a run, `release` (or leave the `with`) after."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, wait: bool = False, **holder: object) -> Self:
        """Take the lock, or raise RunLockedError naming the holder; `wait` blocks until the holder ends."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create the run lock: {exc.strerror or exc}", str(self.path)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RunLockedError(f"another scan2text run is writing here ({self.holder()}); wait for it to end, or "
                                 "pass --wait", str(self.root)) from None
        self._fd = fd
        self.describe(pid=os.getpid(), host=socket.gethostname(), started=now(), **holder)
        return self

    def probe(self) -> None:
        """Raise RunLockedError if another run holds the lock now; hold nothing."""
        self.acquire().release()

    def describe(self, **holder: object) -> None:
        """Record who holds the lock (merged with what it says already), for a second run's message."""
        if self._fd is None:
            return
        data = {**self._read(), **holder}
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(data).encode(), 0)

    def holder(self) -> str:
        data = self._read()
        if not data:
            return "its details are not written yet"
        run = f"run {data['run_id']}, " if data.get("run_id") else ""
        return f"{run}process {data.get('pid')} on {data.get('host')}{when(data.get('started'))}"

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor releases the flock

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
