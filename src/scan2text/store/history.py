"""Reading back what reviewers did, and full-text search over the current text."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from scan2text.store.base import StoreBase
from scan2text.store.views import Correction, SearchHit


def fts_query(text: str) -> str | None:
    """A user's search words as an FTS5 query: every word must occur, each as a prefix.

    Quoting each word keeps FTS5 syntax characters (-, ", *, :) in user input from being parsed.
    """
    words = re.findall(r"\w+", text)
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


class HistoryMixin(StoreBase):
    def history(
        self, page_id: str | None = None, line_id: str | None = None, record_id: str | None = None,
        field: str | None = None, limit: int = 200,
    ) -> list[Correction]:
        """Corrections and approvals, newest first, for a line, a page, a record field, a record or all.

        A line's history follows the line across runs even when a re-run renumbered it.
        """
        clauses: list[str] = []
        args: list[Any] = []
        with self._read() as db:
            if line_id is not None and page_id is not None:
                slot = db.execute(
                    "SELECT id FROM line_slots WHERE page_id = ? AND line_id = ?", (page_id, line_id)
                ).fetchone()
                if slot is None:
                    return []
                clauses.append("c.line_slot = ?")
                args.append(slot[0])
            elif page_id is not None:
                clauses.append("c.page_id = ?")
                args.append(page_id)
            if record_id is not None:
                clauses.append("c.record_id = ?")
                args.append(record_id)
            if field is not None:
                clauses.append("c.field = ?")
                args.append(field)
            where = " AND ".join(clauses) or "1"
            rows = db.execute(
                f"""SELECT c.*, COALESCE(s.line_id, c.line_id) AS now_line
                    FROM corrections c LEFT JOIN line_slots s ON s.id = c.line_slot
                    WHERE {where} ORDER BY c.id DESC LIMIT ?""",
                (*args, limit),
            ).fetchall()
        return [_correction(r) for r in rows]

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Lines and record fields whose current text contains all the words (prefix match)."""
        query = fts_query(text)
        if query is None:
            return []
        with self._read() as db:
            try:
                rows = db.execute(
                    """SELECT d.kind, d.page_id, d.line_id, d.record_id, d.field, d.text,
                              snippet(search_fts, 0, '[', ']', '…', 12) AS snippet
                       FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
                       WHERE search_fts MATCH ? ORDER BY rank LIMIT ?""",
                    (query, limit),
                ).fetchall()
            except sqlite3.OperationalError:
                return []
        return [SearchHit(kind=r["kind"], page_id=r["page_id"], line_id=r["line_id"], record_id=r["record_id"],
                          field=r["field"], text=r["text"], snippet=r["snippet"]) for r in rows]


def _correction(row: sqlite3.Row) -> Correction:
    def value(raw: str | None) -> Any:
        if raw is None or row["kind"] != "field":
            return raw
        return json.loads(raw)

    return Correction(
        id=row["id"], kind=row["kind"], page_id=row["page_id"], line_id=row["now_line"], record_id=row["record_id"],
        field=row["field"], old_value=value(row["old_value"]), new_value=value(row["new_value"]),
        version=row["version"], author=row["author"], at=row["at"], run_id=row["run_id"], source=row["source"],
    )
