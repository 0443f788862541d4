"""Connection handling, transactions, runs and per-file errors."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from scan2text.settings import Settings
from scan2text.store.db import StoreError, connect, connect_read_only, now
from scan2text.store.views import ErrorEntry, RunInfo


class StoreBase:
    """One SQLite file per output folder. Safe to share between threads of one process (calls are
    serialised by a lock) and to open from several processes at once (WAL, busy timeout)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()
        self._depth = 0

    @classmethod
    def open(cls, path: Path | str, read_only: bool = False) -> Self:
        """The store at `path`, created or migrated as needed; `read_only` opens an existing one as it is."""
        path = Path(path)
        return cls(path, connect_read_only(path) if read_only else connect(path))

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls join the outer one, so a caller can make several
        store calls atomic (the importer does one per file)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for multi-query reads (joins a running write transaction)."""
        with self._lock:
            if self._depth:
                yield self._conn
                return
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    # --- runs -----------------------------------------------------------------------------

    def begin_run(self, input_dir: str, settings: Settings, versions: dict[str, str], grammar: str | None = None,
                  ) -> int:
        """A new run's row; `grammar` is the text of its grammar file (settings.grammar), None for the default."""
        stamp = now()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO batches(input_dir, created_at) VALUES (?, ?) ON CONFLICT(input_dir) DO NOTHING",
                (input_dir, stamp),
            )
            batch = db.execute("SELECT id FROM batches WHERE input_dir = ?", (input_dir,)).fetchone()[0]
            cur = db.execute(
                "INSERT INTO runs(batch_id, input_dir, started_at, settings, versions, grammar) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (batch, input_dir, stamp, json.dumps(settings.model_dump(mode="json")), json.dumps(versions), grammar),
            )
            return int(cur.lastrowid or 0)

    def check(self) -> None:
        """Raise StoreError, before a run writes anything, when the database file is damaged: SQLite otherwise
        finds out only when a page's rows reach the damaged part, halfway through a batch."""
        with self._lock:
            try:
                problems = [row[0] for row in self._conn.execute("PRAGMA quick_check(3)").fetchall()]
            except sqlite3.DatabaseError as exc:
                problems = [str(exc)]
        if problems != ["ok"]:
            raise StoreError(f"the store is damaged ({'; '.join(problems)}): restore it from a backup, or run into "
                             "a new --out", str(self.path))

    def interrupt_stale_runs(self) -> list[int]:
        """Mark `interrupted` every run still `running`: called by a run that holds the output folder's lock, so
        any other run still `running` was killed (or lost its disk) before it could say so. Returns their ids."""
        with self.transaction() as db:
            ids = [row[0] for row in db.execute("SELECT id FROM runs WHERE status = 'running'").fetchall()]
            # finished_at stays empty: when it died is not known
            db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        return ids

    def finish_run(self, run_id: int, status: str = "ok", failures: int = 0) -> None:
        """`status`: ok, failed (some pages), or interrupted (stopped before its end; a re-run resumes it)."""
        if status not in {"ok", "failed", "interrupted"}:
            raise StoreError(f"run status must be 'ok', 'failed' or 'interrupted', not {status!r}", str(self.path))
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE runs SET status = ?, failures = ?, finished_at = ? WHERE id = ?",
                (status, failures, now(), run_id),
            )
            if cur.rowcount == 0:
                raise StoreError(f"no run {run_id}", str(self.path))

    def runs(self) -> list[RunInfo]:
        with self._read() as db:
            rows = db.execute("SELECT * FROM runs ORDER BY id").fetchall()
        return [_run(row) for row in rows]

    def run(self, run_id: int) -> RunInfo:
        with self._read() as db:
            row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"no run {run_id}", str(self.path))
        return _run(row)

    def record_error(self, run_id: int, path: str, stage: str, reason: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO errors(run_id, path, stage, reason, at) VALUES (?, ?, ?, ?, ?)",
                (run_id, path, stage, reason, now()),
            )

    def errors(self, run_id: int | None = None) -> list[ErrorEntry]:
        with self._read() as db:
            if run_id is None:
                rows = db.execute("SELECT * FROM errors ORDER BY id").fetchall()
            else:
                rows = db.execute("SELECT * FROM errors WHERE run_id = ? ORDER BY id", (run_id,)).fetchall()
        return [ErrorEntry(run_id=r["run_id"], path=r["path"], stage=r["stage"], reason=r["reason"], at=r["at"])
                for r in rows]

    def _require_run(self, db: sqlite3.Connection, run_id: int) -> None:
        if db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
            raise StoreError(f"no run {run_id}: call begin_run first", str(self.path))


def _run(row: sqlite3.Row) -> RunInfo:
    return RunInfo(
        id=row["id"], input_dir=row["input_dir"], started_at=row["started_at"], finished_at=row["finished_at"],
        status=row["status"], failures=row["failures"], settings=json.loads(row["settings"]),
        versions=json.loads(row["versions"]),
        grammar=dict(row).get("grammar"),  # none in a store of before, opened read-only (not migrated)
    )
