"""Diff sources read from an output folder's SQLite store: one run's OCR, or OCR vs reviewed text.

`--against corrections` compares the current OCR (hypothesis) with the text after review (reference),
both taken from the store so that re-exported .txt files cannot blur the two. Only reviewed pages (a
corrected line, or an approved page) are references; the rest are listed as not compared.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from scan2text.diff.sources import DiffError, Source, SourceLine, SourcePage
from scan2text.errors import Scan2TextError
from scan2text.models import Box
from scan2text.store import Store


def _open_store(path: Path) -> Store:
    try:
        return Store.open(path)
    except (sqlite3.Error, Scan2TextError) as exc:
        raise DiffError(f"cannot open the store: {exc}", str(path)) from exc


def _image(out_dir: Path, cleaned: str | None) -> Path | None:
    if not cleaned:
        return None
    path = out_dir / cleaned
    return path if path.is_file() else None


class StoreReviewSource(Source):
    """Current text of reviewed pages (`corrected=True`) or their current OCR (`corrected=False`)."""

    def __init__(self, path: Path, *, corrected: bool) -> None:
        self.path = path
        self.corrected = corrected
        self.partial = corrected
        self.label = f"{path.parent.name} ({'reviewed text' if corrected else 'OCR'})"
        self._store = _open_store(path)
        ids = self._store.page_ids()
        if corrected:
            ids = [pid for pid in ids if self._reviewed(pid)]
        self._ids = ids

    def _reviewed(self, page_id: str) -> bool:
        state = self._store.page_state(page_id)
        return state.approved or any(line.corrected for line in state.lines)

    def page_keys(self) -> dict[str, list[str]]:
        return {pid: [pid] for pid in self._ids}

    def load(self, page_id: str) -> SourcePage:
        state = self._store.page_state(page_id)
        lines: list[SourceLine] = []
        for line in state.lines:
            text = line.text if self.corrected else line.ocr_text
            if text and text.strip():
                lines.append(SourceLine(text=text.rstrip(), id=line.line_id, box=line.box))
        return SourcePage(id=page_id, lines=lines, image=_image(self.path.parent, state.page.cleaned_image))

    def documents(self) -> dict[str, list[str]]:
        return {r.id: [p.page_id for p in r.pages] for r in self._store.current_records()}


class StoreRunSource(Source):
    """The OCR one run stored, as it was (no corrections applied)."""

    def __init__(self, path: Path, run_id: int) -> None:
        self.path = path
        self.run_id = run_id
        self.label = f"run {run_id}"
        store = _open_store(path)
        try:
            store.run(run_id)  # a clear "no run N" before anything else
        except Scan2TextError as exc:
            raise DiffError(str(exc.message), str(path)) from exc
        finally:
            store.close()
        # The store has no public per-run page reader; read its tables directly, read-only.
        self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        self._db.row_factory = sqlite3.Row
        rows = self._db.execute(
            "SELECT o.id, o.page_id, o.meta, p.current_ocr FROM page_ocr o JOIN pages p ON p.id = o.page_id "
            "WHERE o.run_id = ? ORDER BY p.image, p.frame, p.id",
            (run_id,),
        ).fetchall()
        if not rows:
            raise DiffError(f"run {run_id} stored no pages", str(path))
        self._rows = {r["page_id"]: r for r in rows}

    def page_keys(self) -> dict[str, list[str]]:
        return {pid: [pid] for pid in self._rows}

    def load(self, page_id: str) -> SourcePage:
        row = self._rows[page_id]
        lines = [
            SourceLine(text=r["text"].rstrip(), id=r["line_id"], box=Box(x=r["x"], y=r["y"], w=r["w"], h=r["h"]))
            for r in self._db.execute(
                "SELECT line_id, text, x, y, w, h FROM lines WHERE ocr_id = ? ORDER BY seq", (row["id"],)
            )
            if r["text"].strip()
        ]
        image = None
        if row["id"] == row["current_ocr"]:
            # the cleaned image on disk belongs to the newest run; older runs' boxes may not fit it
            image = _image(self.path.parent, json.loads(row["meta"]).get("cleaned_image"))
        return SourcePage(id=page_id, lines=lines, image=image)

    def documents(self) -> dict[str, list[str]]:
        with closing(self._db.cursor()) as cur:
            rows = cur.execute(
                "SELECT r.record_id, rp.page_id FROM record_sets s JOIN records r ON r.set_id = s.id "
                "JOIN record_pages rp ON rp.record_row = r.id WHERE s.run_id = ? "
                "AND s.id = (SELECT MAX(id) FROM record_sets WHERE run_id = ?) ORDER BY r.seq, rp.seq",
                (self.run_id, self.run_id),
            ).fetchall()
        docs: dict[str, list[str]] = {}
        for record_id, page_id in rows:
            docs.setdefault(record_id, []).append(page_id)
        return docs


def open_store_source(path: Path, run_id: int | None, *, corrections: bool = False) -> Source:
    """A run's OCR (`run_id`), the reviewed text (`corrections=True`) or the current OCR (neither)."""
    if path.is_dir():
        path = path / "scan2text.sqlite"
    if not path.is_file():
        raise DiffError("no store found (scan2text.sqlite)", str(path))
    if run_id is not None:
        return StoreRunSource(path, run_id)
    return StoreReviewSource(path, corrected=corrections)
