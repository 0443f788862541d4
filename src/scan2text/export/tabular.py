"""Records as JSON Lines and as a spreadsheet-ready CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from scan2text.models import CitedSource, Record
from scan2text.store.files import atomic_write_bytes

_SCALARS = ["id", "doc_type", "title", "language", "date", "date_text", "place", "number", "collection_number",
            "sender", "addressee", "subject", "sheets"]
_SOURCE = [name for name in CitedSource.model_fields if name != "confidence"]


def write_jsonl(records: list[Record], path: Path) -> Path:
    data = "".join(record.model_dump_json() + "\n" for record in records)
    atomic_write_bytes(path, data.encode("utf-8"))
    return path


def csv_rows(records: list[Record]) -> list[list[str]]:
    """Header and one row per record; each cited source gets its own numbered block of columns."""
    sources = max((len(r.cited_source) for r in records), default=0) or 1
    header = [*_SCALARS, "pages", "images", "signatories"]
    header += [f"source{i}_{name}" for i in range(1, sources + 1) for name in _SOURCE]
    header += ["published_in", "flags", "ocr_conf", "text"]
    rows = [header]
    for record in records:
        row = [_cell(getattr(record, name)) for name in _SCALARS]
        row += [
            "; ".join(p.page_id for p in record.pages),
            "; ".join(p.image if not p.frame else f"{p.image}[{p.frame}]" for p in record.pages),
            "; ".join(record.signatories),
        ]
        for i in range(sources):
            source = record.cited_source[i] if i < len(record.cited_source) else None
            row += [_cell(getattr(source, name)) if source else "" for name in _SOURCE]
        row += [
            " | ".join(p.text for p in record.published_in),
            "; ".join(record.flags),
            f"{record.ocr_conf:.1f}",
            record.text,
        ]
        rows.append(row)
    return rows


def write_csv(records: list[Record], path: Path) -> Path:
    """UTF-8 with a byte-order mark so spreadsheet programs detect the encoding (Cyrillic, Armenian)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(csv_rows(records))
    atomic_write_bytes(path, buf.getvalue().encode("utf-8-sig"))
    return path


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
