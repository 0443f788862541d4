"""Merging a page's OCR lines with its line corrections into what users see."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from scan2text.errors import CorrectionError
from scan2text.models import Box, Line, Page, Word
from scan2text.store.geometry import IDENTITY, invert, rect_to_box
from scan2text.store.validate import strip_controls
from scan2text.store.views import LineState

HUMAN_CONF = 100.0  # a corrected line is as certain as the text gets


@dataclass
class Loaded:
    page: Page  # current: corrections applied, lines corrected to "" left out
    lines: list[LineState]  # everything a reviewer sees, including emptied and orphaned lines ([] if not asked)
    ocr_id: int
    run_id: int
    input_dir: str
    approved_by: str | None
    approved_at: str | None


def page_hash(lines: list[LineState]) -> str:
    blob = "\n".join(f"{line.line_id}\t{line.text}" for line in lines)
    return hashlib.sha256(blob.encode()).hexdigest()


def retext_words(words: list[Word], text: str, box: Box) -> list[Word]:
    """Words for a corrected line: OCR boxes kept when the word count still matches, otherwise
    the line box shared out by word length, so word-level formats stay consistent with the text."""
    tokens = text.split()
    if not tokens:
        return []
    if len(tokens) == len(words):
        return [w.model_copy(update={"text": t, "conf": HUMAN_CONF, "flagged": False}) for w, t in zip(
            words, tokens, strict=True)]
    total = sum(len(t) + 1 for t in tokens) - 1
    out: list[Word] = []
    pos = 0
    for token in tokens:
        x1 = box.x + box.w * pos // total
        pos += len(token)
        x2 = box.x + box.w * pos // total
        pos += 1
        out.append(Word(text=token, box=Box(x=x1, y=box.y, w=max(1, x2 - x1), h=box.h), conf=HUMAN_CONF))
    return out


def clean_line_text(text: str) -> str:
    if "\n" in text.strip("\r\n") or "\r" in text.strip("\r\n"):
        raise CorrectionError("a line cannot contain a line break; correct each line on its own")
    return strip_controls(text).replace("\t", " ").strip()


def orphan_id(line_id: str, slot_id: int, used: set[str], was_orphan: bool) -> str:
    """A line id for a correction whose line vanished from the new OCR, unique within the page and a
    valid XML id, so exports and the review app can address it."""
    original = line_id[1:] if line_id.startswith("\x00") else line_id
    if was_orphan and original not in used:
        return original
    base = re.sub(r"-c\d+$", "", original)
    candidate = f"{base}-c{slot_id}"
    while candidate in used:
        candidate += "x"
    return candidate


GEOMETRY_FIELDS = ("baseline", "x_size", "x_height", "x_descenders", "block")


def geometry_json(line: Line) -> str | None:
    """The line's Tesseract geometry for the store's `lines.geometry` column (None when it has none)."""
    values = {name: getattr(line, name) for name in GEOMETRY_FIELDS if getattr(line, name) is not None}
    return json.dumps(values) if values else None


def geometry_of(row: sqlite3.Row) -> dict[str, Any]:
    return json.loads(row["geometry"]) if row["geometry"] else {}


_STATES = TypeAdapter(list[LineState])
_WORDS = TypeAdapter(list[Word])


def merge(
    page_row: sqlite3.Row, line_rows: list[sqlite3.Row], words: dict[int, list[dict[str, Any]]],
    slots: list[sqlite3.Row], with_states: bool = True,
) -> Loaded:
    """One page's OCR lines and line corrections as (current Page, review states).

    Works on plain dicts and validates once per page at the end: pydantic's validator builds the
    tens of thousands of Word objects of a batch far faster than one constructor call each.
    """
    meta: dict[str, Any] = json.loads(page_row["meta"])
    by_line = {s["line_id"]: s for s in slots}
    states: list[dict[str, Any]] = []
    for row in line_rows:
        box = {"x": row["x"], "y": row["y"], "w": row["w"], "h": row["h"]}
        ocr_words = words.get(row["id"], [])
        slot = by_line.pop(row["line_id"], None)
        if slot is None:
            states.append({"line_id": row["line_id"], "text": row["text"], "ocr_text": row["text"], "box": box,
                           "conf": row["conf"], "words": ocr_words, "language": row["language"],
                           "geometry": geometry_of(row)})
            continue
        fixed = retext_words(_WORDS.validate_python(ocr_words), slot["text"], Box(**box))
        # a corrected line still sits where Tesseract found it: its geometry stays
        states.append({**_slot_state(slot, row["text"], box, fixed, row["language"]), "geometry": geometry_of(row)})
    # Corrections whose line is gone from this run: shown where they were, in reading order by height.
    back = invert(meta.get("preprocessing", {}).get("to_original", IDENTITY))
    for slot in sorted(by_line.values(), key=lambda s: (s["ay"], s["ax"])):
        box = rect_to_box((slot["ax"], slot["ay"], slot["ax2"], slot["ay2"]), back)
        state = _slot_state(slot, None, box.model_dump(), retext_words([], slot["text"], box), meta.get("language", ""))
        at = next((i for i, s in enumerate(states) if s["box"]["y"] > box.y), len(states))
        states.insert(at, state)
    lines = [
        {"id": s["line_id"], "text": s["text"], "box": s["box"], "conf": s["conf"], "words": s["words"],
         "language": s["language"], **s.get("geometry", {})}
        for s in states if s["text"]
    ]
    page = Page.model_validate({**meta, "lines": lines})
    for s in states:
        del s["language"]
        s.pop("geometry", None)
    return Loaded(page=page, lines=_STATES.validate_python(states) if with_states else [],
                  ocr_id=page_row["current_ocr"],
                  run_id=page_row["run_id"], input_dir=page_row["input_dir"], approved_by=page_row["approved_by"],
                  approved_at=page_row["approved_at"])


def _slot_state(
    slot: sqlite3.Row, ocr_text: str | None, box: dict[str, int], words: list[Word], language: str
) -> dict[str, Any]:
    return {
        "line_id": slot["line_id"], "text": slot["text"], "ocr_text": ocr_text, "box": box, "conf": HUMAN_CONF,
        "words": [w.model_dump() for w in words], "version": slot["version"], "corrected": True,
        "needs_review": bool(slot["needs_review"]), "orphan": bool(slot["orphan"]), "author": slot["author"],
        "updated_at": slot["updated_at"], "language": language,
    }
