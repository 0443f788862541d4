"""SQLite connection and schema migrations.

The schema version lives in PRAGMA user_version; MIGRATIONS[i] moves a database from version i
to i + 1. Append new migrations, never edit a shipped one: an output folder written by an older
scan2text must open (and be upgraded) by a newer one.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from scan2text.errors import OutputError

_V1 = """
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    input_dir TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    input_dir TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    failures INTEGER NOT NULL DEFAULT 0,
    settings TEXT NOT NULL,
    versions TEXT NOT NULL
);
-- One row per page ever seen; current_ocr points at the newest page_ocr row.
CREATE TABLE pages (
    id TEXT PRIMARY KEY,
    image TEXT NOT NULL,
    frame INTEGER NOT NULL DEFAULT 0,
    current_ocr INTEGER,
    approved_by TEXT,
    approved_at TEXT,
    approved_hash TEXT
);
CREATE TABLE page_ocr (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    page_id TEXT NOT NULL REFERENCES pages(id),
    cache_key TEXT,
    meta TEXT NOT NULL,
    mean_conf REAL NOT NULL,
    saved_at TEXT NOT NULL,
    UNIQUE (run_id, page_id)
);
CREATE TABLE lines (
    id INTEGER PRIMARY KEY,
    ocr_id INTEGER NOT NULL REFERENCES page_ocr(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    line_id TEXT NOT NULL,
    text TEXT NOT NULL,
    x INTEGER NOT NULL, y INTEGER NOT NULL, w INTEGER NOT NULL, h INTEGER NOT NULL,
    conf REAL NOT NULL,
    language TEXT NOT NULL,
    UNIQUE (ocr_id, line_id)
);
CREATE TABLE words (
    id INTEGER PRIMARY KEY,
    line_row INTEGER NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    x INTEGER NOT NULL, y INTEGER NOT NULL, w INTEGER NOT NULL, h INTEGER NOT NULL,
    conf REAL NOT NULL,
    flagged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX words_line ON words(line_row);

-- Human state of a line, kept apart from OCR. A slot follows its line across runs: line_id is
-- re-pointed when a new run renumbers lines; the anchor (ax..ay2) is the line's box in
-- original-image pixels, which stays comparable when preprocessing changes.
CREATE TABLE line_slots (
    id INTEGER PRIMARY KEY,
    page_id TEXT NOT NULL REFERENCES pages(id),
    line_id TEXT NOT NULL,
    text TEXT,
    base_text TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    needs_review INTEGER NOT NULL DEFAULT 0,
    orphan INTEGER NOT NULL DEFAULT 0,
    ax REAL NOT NULL, ay REAL NOT NULL, ax2 REAL NOT NULL, ay2 REAL NOT NULL,
    author TEXT,
    updated_at TEXT,
    UNIQUE (page_id, line_id)
);

CREATE TABLE record_sets (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    saved_at TEXT NOT NULL
);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES record_sets(id),
    seq INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (set_id, record_id)
);
CREATE TABLE record_pages (
    record_row INTEGER NOT NULL REFERENCES records(id),
    seq INTEGER NOT NULL,
    page_id TEXT NOT NULL
);
CREATE INDEX record_pages_page ON record_pages(page_id);
CREATE TABLE field_slots (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    base_value TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    needs_review INTEGER NOT NULL DEFAULT 0,
    orphan INTEGER NOT NULL DEFAULT 0,
    anchor_pages TEXT NOT NULL DEFAULT '[]',
    author TEXT,
    updated_at TEXT,
    UNIQUE (record_id, field)
);
CREATE TABLE record_approvals (
    record_id TEXT PRIMARY KEY,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_hash TEXT NOT NULL
);

-- Every human change, append-only: the history a reviewer or an auditor reads.
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('line', 'field', 'approve_page', 'approve_record')),
    page_id TEXT,
    line_slot INTEGER REFERENCES line_slots(id),
    line_id TEXT,
    record_id TEXT,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    version INTEGER,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    run_id INTEGER,
    source TEXT NOT NULL DEFAULT 'review'
);
CREATE INDEX corrections_slot ON corrections(line_slot);
CREATE INDEX corrections_page ON corrections(page_id);
CREATE INDEX corrections_record ON corrections(record_id, field);

CREATE TABLE errors (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    path TEXT NOT NULL,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);

-- Search: plain rows hold the current text (corrections applied), FTS5 indexes them.
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    page_id TEXT,
    line_id TEXT,
    record_id TEXT,
    field TEXT,
    text TEXT NOT NULL
);
CREATE INDEX search_docs_page ON search_docs(kind, page_id);
CREATE INDEX search_docs_record ON search_docs(kind, record_id);
CREATE VIRTUAL TABLE search_fts USING fts5(
    text, content='search_docs', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text);
END;
"""

# Tesseract's geometry of a line (baseline, sizes, block) as JSON, NULL for lines without it and for stores of
# before: a re-run fills it in.
_V2 = """
ALTER TABLE lines ADD COLUMN geometry TEXT;
"""

# The text of the grammar file a run was given (--grammar), NULL for the default grammar and for runs of before:
# a correction rebuilds documents with the grammar that found them, even once the file has changed or moved.
_V3 = """
ALTER TABLE runs ADD COLUMN grammar TEXT;
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3]


class StoreError(OutputError):
    stage = "store"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def when(stamp: str | None) -> str:
    """' at 2024-05-01 12:00 UTC' for messages, '' when unknown."""
    return f" at {stamp[:16].replace('T', ' ')} UTC" if stamp else ""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database; autocommit mode, transactions are explicit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        # NORMAL is durable across application crashes in WAL mode; only power loss can drop the
        # last transactions, never corrupt the file.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open the scan2text database: {exc}", str(path)) from exc
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open an existing database for reading: nothing is created, migrated or switched to WAL, so that reading
    another run's folder leaves it as it was."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open the scan2text database: {exc}", str(path)) from exc
    if not 0 < version <= len(MIGRATIONS):
        conn.close()
        raise StoreError(f"not a scan2text database this scan2text can read (schema version {version})", str(path))
    return conn


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Apply the migrations this database has not seen yet, each in its own transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(
            f"database schema version {version} is newer than this scan2text understands "
            f"({len(MIGRATIONS)}); upgrade scan2text",
            str(path),
        )
    for target in range(version + 1, len(MIGRATIONS) + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] >= target:
                conn.execute("COMMIT")
                continue
            for statement in _statements(MIGRATIONS[target - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a migration script on complete statements (executescript would commit on its own)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
