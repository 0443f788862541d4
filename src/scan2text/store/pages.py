"""Pages: OCR per run, line corrections kept apart, and the current view that merges the two."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from scan2text.errors import CorrectionError
from scan2text.models import Box, Line, Page, Word
from scan2text.store.base import StoreBase
from scan2text.store.db import StoreError, now, when
from scan2text.store.geometry import match_boxes, to_original
from scan2text.store.merge import (
    HUMAN_CONF,
    Loaded,
    clean_line_text,
    geometry_json,
    geometry_of,
    merge,
    orphan_id,
    page_hash,
)
from scan2text.store.views import PageState, QueueItem, StaleVersion

# A word read below this confidence is one to check (the review app colours it red).
LOW_CONF = 60.0


class PagesMixin(StoreBase):
    # --- writing OCR ----------------------------------------------------------------------

    def save_page(self, run_id: int, page: Page, key: str | None = None) -> None:
        """Store one page's OCR from a run (atomically) and carry the page's corrections over to it."""
        seen: set[str] = set()
        for line in page.lines:
            if line.id in seen:
                raise StoreError(f"page {page.id} has line id {line.id} twice", page.id)
            seen.add(line.id)
        meta = page.model_dump_json(exclude={"lines"})
        stamp = now()
        with self.transaction() as db:
            self._require_run(db, run_id)
            db.execute(
                "INSERT INTO pages(id, image, frame) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET image = excluded.image, frame = excluded.frame",
                (page.id, page.image, page.frame),
            )
            db.execute("DELETE FROM page_ocr WHERE run_id = ? AND page_id = ?", (run_id, page.id))
            ocr_id = db.execute(
                "INSERT INTO page_ocr(run_id, page_id, cache_key, meta, mean_conf, saved_at) VALUES (?,?,?,?,?,?)",
                (run_id, page.id, key, meta, page.mean_conf, stamp),
            ).lastrowid
            for seq, line in enumerate(page.lines):
                b = line.box
                row = db.execute(
                    "INSERT INTO lines(ocr_id, seq, line_id, text, x, y, w, h, conf, language, geometry) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (ocr_id, seq, line.id, line.text, b.x, b.y, b.w, b.h, line.conf, line.language,
                     geometry_json(line)),
                ).lastrowid
                db.executemany(
                    "INSERT INTO words(line_row, seq, text, x, y, w, h, conf, flagged) VALUES (?,?,?,?,?,?,?,?,?)",
                    [(row, i, w.text, w.box.x, w.box.y, w.box.w, w.box.h, w.conf, int(w.flagged))
                     for i, w in enumerate(line.words)],
                )
            db.execute("UPDATE pages SET current_ocr = ? WHERE id = ?", (ocr_id, page.id))
            self._rekey_lines(db, page)
            self._after_page_change(db, page.id)

    def _rekey_lines(self, db: sqlite3.Connection, page: Page) -> None:
        """Point each corrected line of the page at its line in the new OCR (same id while the boxes
        still overlap, else the best-overlapping line); a correction whose line is gone stays as an
        extra line marked for review, so no correction is ever dropped."""
        slots = db.execute("SELECT * FROM line_slots WHERE page_id = ?", (page.id,)).fetchall()
        if not slots:
            return
        rects = {line.id: to_original(line.box, page.preprocessing) for line in page.lines}
        texts = {line.id: line.text for line in page.lines}
        anchors = {s["id"]: (s["line_id"], (s["ax"], s["ay"], s["ax2"], s["ay2"])) for s in slots}
        matched = match_boxes(anchors, rects)
        # Park every slot on a private id first so UNIQUE(page_id, line_id) holds while renumbering.
        db.execute("UPDATE line_slots SET line_id = char(0) || id WHERE page_id = ?", (page.id,))
        used = set(rects)
        for s in slots:
            line_id = matched.get(s["id"])
            if line_id is not None:
                new_text = texts[line_id]
                changed = new_text != s["base_text"] and new_text != s["text"]
                db.execute(
                    "UPDATE line_slots SET line_id = ?, base_text = ?, ax = ?, ay = ?, ax2 = ?, ay2 = ?, orphan = 0,"
                    " needs_review = ? WHERE id = ?",
                    (line_id, new_text, *rects[line_id], int(bool(s["needs_review"]) or changed), s["id"]),
                )
            else:
                line_id = orphan_id(s["line_id"], s["id"], used, bool(s["orphan"]))
                # Flag when it is first left without a line; a reviewer's approval then sticks.
                db.execute(
                    "UPDATE line_slots SET line_id = ?, orphan = 1, needs_review = ? WHERE id = ?",
                    (line_id, int(bool(s["needs_review"]) or not s["orphan"]), s["id"]),
                )
            used.add(line_id)

    def page_done(self, page_id: str, key: str) -> bool:
        """True when the page's current OCR was produced under this cache key (resume skips it)."""
        with self._read() as db:
            row = db.execute(
                "SELECT 1 FROM pages p JOIN page_ocr o ON o.id = p.current_ocr WHERE p.id = ? AND o.cache_key = ?",
                (page_id, key),
            ).fetchone()
        return row is not None

    # --- reading ----------------------------------------------------------------------------

    def current_pages(self, with_words: bool = True, page_ids: list[str] | None = None) -> list[Page]:
        """Every page's (or only `page_ids`') newest OCR with line corrections applied, in (image, frame) order.

        Without words, a large batch's lines fit in a fraction of the memory (segmentation reads lines only).
        """
        with self._read() as db:
            return [loaded.page for loaded in self._load(db, with_states=False, with_words=with_words,
                                                         page_ids=page_ids)]

    def current_page(self, page_id: str) -> Page:
        return self.page_state(page_id).page

    def run_pages(self, run_id: int) -> list[Page]:
        """The OCR exactly as one run stored it (no corrections), in (image, frame) order."""
        with self._read() as db:
            return self._run_pages(db, run_id)

    def run_page(self, run_id: int, page_id: str) -> Page:
        """One page's OCR exactly as one run stored it (no corrections)."""
        with self._read() as db:
            pages = self._run_pages(db, run_id, page_id)
        if not pages:
            raise StoreError(f"run {run_id} stored no page {page_id}", page_id)
        return pages[0]

    def run_page_ids(self, run_id: int) -> list[tuple[str, bool]]:
        """(page id, whether the run's OCR is still the page's current one) of every page the run stored, in
        (image, frame) order: files on disk, such as the cleaned image, belong to the current OCR only."""
        with self._read() as db:
            rows = db.execute(
                "SELECT o.page_id, o.id = p.current_ocr FROM page_ocr o JOIN pages p ON p.id = o.page_id "
                "WHERE o.run_id = ? ORDER BY p.image, p.frame, p.id", (run_id,),
            ).fetchall()
        return [(r[0], bool(r[1])) for r in rows]

    def _run_pages(self, db: sqlite3.Connection, run_id: int, page_id: str | None = None) -> list[Page]:
        where, args = ("AND o.page_id = ?", (run_id, page_id)) if page_id is not None else ("", (run_id,))
        rows = db.execute(
            f"SELECT o.id, o.meta FROM page_ocr o JOIN pages p ON p.id = o.page_id WHERE o.run_id = ? {where} "
            "ORDER BY p.image, p.frame, p.id", args,
        ).fetchall()
        pages = []
        for row in rows:
            lines = []
            for line in db.execute("SELECT * FROM lines WHERE ocr_id = ? ORDER BY seq", (row["id"],)).fetchall():
                words = [
                    Word(text=w["text"], box=Box(x=w["x"], y=w["y"], w=w["w"], h=w["h"]), conf=w["conf"],
                         flagged=bool(w["flagged"]))
                    for w in db.execute("SELECT * FROM words WHERE line_row = ? ORDER BY seq", (line["id"],))
                ]
                lines.append(Line(id=line["line_id"], text=line["text"], conf=line["conf"],
                                  language=line["language"], words=words,
                                  box=Box(x=line["x"], y=line["y"], w=line["w"], h=line["h"]), **geometry_of(line)))
            pages.append(Page.model_validate({**json.loads(row["meta"]), "lines": lines}))
        return pages

    def page_index(self) -> list[tuple[str, str, int]]:
        """(page id, image path, frame) of every page with OCR, in (image, frame) order."""
        with self._read() as db:
            rows = db.execute(
                "SELECT id, image, frame FROM pages WHERE current_ocr IS NOT NULL ORDER BY image, frame, id"
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def page_ids(self) -> list[str]:
        with self._read() as db:
            rows = db.execute(
                "SELECT id FROM pages WHERE current_ocr IS NOT NULL ORDER BY image, frame, id"
            ).fetchall()
        return [r[0] for r in rows]

    def page_state(self, page_id: str) -> PageState:
        """A page as the review app shows it: current lines with versions, OCR text and review marks."""
        with self._read() as db:
            loaded = self._load(db, page_id)
            if not loaded:
                raise CorrectionError(f"no page {page_id} in this output folder", page_id)
            records = [r[0] for r in db.execute(
                "SELECT r.record_id FROM record_pages rp JOIN records r ON r.id = rp.record_row "
                "WHERE rp.page_id = ? AND r.set_id = (SELECT MAX(id) FROM record_sets) ORDER BY r.seq",
                (page_id,),
            )]
        item = loaded[0]
        return PageState(
            page=item.page, lines=item.lines, run_id=item.run_id, input_dir=item.input_dir,
            approved=item.approved_by is not None, approved_by=item.approved_by, approved_at=item.approved_at,
            records=records,
        )

    def queue(self) -> list[QueueItem]:
        """Pages to review: unapproved before approved, pages with lines marked for review first,
        then lowest confidence first (a corrected line counts as certain)."""
        with self._read() as db:
            rows = db.execute(
                """
                SELECT p.id AS page_id, COUNT(l.id) AS lines,
                       COALESCE(AVG(CASE WHEN s.id IS NOT NULL THEN ? ELSE l.conf END), 0) AS conf,
                       COALESCE(SUM(s.id IS NOT NULL), 0) AS corrected,
                       (SELECT COUNT(*) FROM line_slots r WHERE r.page_id = p.id AND r.needs_review) AS needs_review,
                       p.approved_by IS NOT NULL AS approved,
                       (SELECT COUNT(*) FROM words w JOIN lines lw ON w.line_row = lw.id
                        WHERE lw.ocr_id = p.current_ocr AND w.conf < ? AND NOT EXISTS
                          (SELECT 1 FROM line_slots sw WHERE sw.page_id = p.id AND sw.line_id = lw.line_id)
                       ) AS low_words
                FROM pages p
                LEFT JOIN lines l ON l.ocr_id = p.current_ocr
                LEFT JOIN line_slots s ON s.page_id = p.id AND s.line_id = l.line_id
                WHERE p.current_ocr IS NOT NULL
                GROUP BY p.id
                ORDER BY approved, needs_review = 0, conf, p.image, p.frame
                """,
                (HUMAN_CONF, LOW_CONF),
            ).fetchall()
        return [QueueItem(page_id=r["page_id"], conf=round(r["conf"], 1), lines=r["lines"],
                          corrected=r["corrected"], needs_review=r["needs_review"], approved=bool(r["approved"]),
                          low_words=r["low_words"])
                for r in rows]

    def _load(
        self, db: sqlite3.Connection, page_id: str | None = None, with_states: bool = True, with_words: bool = True,
        page_ids: list[str] | None = None,
    ) -> list[Loaded]:
        where, args = ("AND p.id = ?", (page_id,)) if page_id is not None else ("", ())
        if page_ids is not None:
            # one JSON parameter instead of one per page: no limit on how many pages are asked for
            where, args = "AND p.id IN (SELECT value FROM json_each(?))", (json.dumps(page_ids),)
        pages = db.execute(
            f"""SELECT p.id, p.current_ocr, p.approved_by, p.approved_at, o.meta, o.run_id, r.input_dir
                FROM pages p JOIN page_ocr o ON o.id = p.current_ocr JOIN runs r ON r.id = o.run_id
                WHERE 1 {where} ORDER BY p.image, p.frame, p.id""",
            args,
        ).fetchall()
        lines: dict[int, list[sqlite3.Row]] = {}
        for row in db.execute(
            f"SELECT l.* FROM lines l JOIN pages p ON l.ocr_id = p.current_ocr WHERE 1 {where} ORDER BY l.seq", args
        ):
            lines.setdefault(row["ocr_id"], []).append(row)
        words: dict[int, list[dict[str, Any]]] = {}
        cur = db.cursor()
        cur.row_factory = None  # plain tuples: this loop touches every word of the batch
        word_rows = cur.execute(
            f"""SELECT w.line_row, w.text, w.x, w.y, w.w, w.h, w.conf, w.flagged
                FROM words w JOIN lines l ON w.line_row = l.id JOIN pages p ON l.ocr_id = p.current_ocr
                WHERE 1 {where} ORDER BY w.line_row, w.seq""",
            args,
        ) if with_words else ()
        for line_row, text, x, y, w, h, conf, flagged in word_rows:
            words.setdefault(line_row, []).append(
                {"text": text, "box": {"x": x, "y": y, "w": w, "h": h}, "conf": conf, "flagged": bool(flagged)}
            )
        slots: dict[str, list[sqlite3.Row]] = {}
        for row in db.execute(f"SELECT s.* FROM line_slots s JOIN pages p ON p.id = s.page_id WHERE 1 {where}", args):
            slots.setdefault(row["page_id"], []).append(row)
        return [
            merge(p, lines.get(p["current_ocr"], []), words, slots.get(p["id"], []), with_states)
            for p in pages
        ]

    # --- corrections ------------------------------------------------------------------------

    def correct_line(
        self, page_id: str, line_id: str, new_text: str, author: str, expected_version: int,
        source: str = "review",
    ) -> int:
        """Save a reviewer's text for a line; returns the line's new version.

        Raises ConflictError (StaleVersion) when the line was saved by someone else since
        `expected_version` was read, and CorrectionError when page or line do not exist.
        """
        text = clean_line_text(new_text)
        _check_author(author)
        with self.transaction() as db:
            page = db.execute(
                "SELECT p.current_ocr, o.meta, o.run_id FROM pages p JOIN page_ocr o ON o.id = p.current_ocr "
                "WHERE p.id = ?", (page_id,),
            ).fetchone()
            if page is None:
                raise CorrectionError(f"no page {page_id} in this output folder", page_id)
            slot = db.execute(
                "SELECT * FROM line_slots WHERE page_id = ? AND line_id = ?", (page_id, line_id)
            ).fetchone()
            ocr = db.execute(
                "SELECT * FROM lines WHERE ocr_id = ? AND line_id = ?", (page["current_ocr"], line_id)
            ).fetchone()
            if slot is None and ocr is None:
                raise CorrectionError(f"page {page_id} has no line {line_id}", page_id)
            version = slot["version"] if slot else 0
            if expected_version != version:
                who = slot["author"] if slot else None
                at = when(slot["updated_at"] if slot else None)
                raise StaleVersion(
                    f"line {line_id} was saved by {who or 'someone else'}{at} "
                    f"(version {version}) after you loaded version {expected_version}; your text was not saved",
                    current_version=version, current_value=slot["text"] if slot else ocr["text"], author=who,
                    updated_at=slot["updated_at"] if slot else None, path=page_id,
                )
            current = slot["text"] if slot else ocr["text"]
            if text == current and not (slot and slot["needs_review"]):
                return version
            stamp = now()
            if slot is None:
                preprocessing = Page.model_validate_json(page["meta"]).preprocessing
                rect = to_original(Box(x=ocr["x"], y=ocr["y"], w=ocr["w"], h=ocr["h"]), preprocessing)
                slot_id = db.execute(
                    "INSERT INTO line_slots(page_id, line_id, text, base_text, version, ax, ay, ax2, ay2, author,"
                    " updated_at) VALUES (?,?,?,?,1,?,?,?,?,?,?)",
                    (page_id, line_id, text, ocr["text"], *rect, author, stamp),
                ).lastrowid
            else:
                slot_id = slot["id"]
                db.execute(
                    "UPDATE line_slots SET text = ?, version = version + 1, needs_review = 0, author = ?,"
                    " updated_at = ? WHERE id = ?",
                    (text, author, stamp, slot_id),
                )
            db.execute(
                "INSERT INTO corrections(kind, page_id, line_slot, line_id, old_value, new_value, version, author,"
                " at, run_id, source) VALUES ('line',?,?,?,?,?,?,?,?,?,?)",
                (page_id, slot_id, line_id, current, text, version + 1, author, stamp, page["run_id"], source),
            )
            self._after_page_change(db, page_id)
            return version + 1

    def approve_page(self, page_id: str, author: str) -> None:
        """Mark the page's current text as checked; clears its review marks. A later change to the
        text (a correction or a re-run that reads differently) withdraws the approval."""
        _check_author(author)
        with self.transaction() as db:
            loaded = self._load(db, page_id)
            if not loaded:
                raise CorrectionError(f"no page {page_id} in this output folder", page_id)
            stamp = now()
            db.execute(
                "UPDATE pages SET approved_by = ?, approved_at = ?, approved_hash = ? WHERE id = ?",
                (author, stamp, page_hash(loaded[0].lines), page_id),
            )
            db.execute("UPDATE line_slots SET needs_review = 0 WHERE page_id = ?", (page_id,))
            db.execute(
                "INSERT INTO corrections(kind, page_id, author, at, run_id, source) VALUES ('approve_page',?,?,?,?,?)",
                (page_id, author, stamp, loaded[0].run_id, "review"),
            )

    def _after_page_change(self, db: sqlite3.Connection, page_id: str) -> None:
        """Re-index the page's current text for search and withdraw a stale approval."""
        loaded = self._load(db, page_id)
        if not loaded:
            return
        item = loaded[0]
        db.execute("DELETE FROM search_docs WHERE kind = 'line' AND page_id = ?", (page_id,))
        db.executemany(
            "INSERT INTO search_docs(kind, page_id, line_id, text) VALUES ('line', ?, ?, ?)",
            [(page_id, line.line_id, line.text) for line in item.lines if line.text],
        )
        row = db.execute("SELECT approved_hash FROM pages WHERE id = ?", (page_id,)).fetchone()
        if row["approved_hash"] is not None and row["approved_hash"] != page_hash(item.lines):
            db.execute(
                "UPDATE pages SET approved_by = NULL, approved_at = NULL, approved_hash = NULL WHERE id = ?",
                (page_id,),
            )


def _check_author(author: str) -> None:
    if not author or not author.strip():
        raise CorrectionError("a correction needs an author (the reviewer's name)")
