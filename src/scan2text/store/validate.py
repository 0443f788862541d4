"""Which record fields a reviewer may correct, and what a valid value looks like.

Field names are Record attributes (`date`, `place`, `sheets` …) or a dotted path into a cited
source or publication (`cited_source.0.sheets`, `published_in.0.year`).
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

from scan2text.errors import CorrectionError
from scan2text.models import CitedSource, Publication, Record

# Derived or bookkeeping fields are not edited by hand.
_READ_ONLY = {"id", "pages", "confidence", "ocr_conf", "cited_source", "published_in"}
_LISTS: dict[str, type] = {"cited_source": CitedSource, "published_in": Publication}
_MAX_ITEMS = 20

_VERSO = r"(?:v|r|об\.?|ob\.?|reverse|verso|շրջ\.?)"
_ONE = rf"\d{{1,5}}\s*{_VERSO}?"
_SPAN = rf"{_ONE}(?:\s*[–—-]\s*{_ONE})?"
_PREFIX = r"(?:(?:sheets?|ff?\.|лл?\.|թթ?\.)\s*)?"
SHEETS_RE = re.compile(rf"^{_PREFIX}{_SPAN}(?:\s*[,;]\s*{_SPAN})*$", re.IGNORECASE)
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def field_names() -> list[str]:
    """Top-level Record fields a reviewer may correct."""
    return [name for name in Record.model_fields if name not in _READ_ONLY]


def check_path(field: str) -> tuple[str, int | None, str | None]:
    """Split and check a field path; raises CorrectionError naming the field when unknown."""
    parts = field.split(".")
    if len(parts) == 1 and field in Record.model_fields and field not in _READ_ONLY:
        return field, None, None
    if len(parts) == 3 and parts[0] in _LISTS and parts[1].isdigit():
        index = int(parts[1])
        item_model = _LISTS[parts[0]]
        if index < _MAX_ITEMS and parts[2] in item_model.model_fields:
            return parts[0], index, parts[2]
    raise CorrectionError(f"'{field}' is not a record field that can be corrected")


def parse_date(value: str) -> tuple[date, date]:
    """An ISO 8601 date, year-month or year, or a range 'start/end'; raises ValueError."""
    parts = value.split("/")
    if len(parts) > 2:
        raise ValueError("a date range has one '/'")
    spans = [_one_date(p.strip()) for p in parts]
    start, end = spans[0][0], spans[-1][1]
    if start > end:
        raise ValueError("the range ends before it starts")
    return start, end


def _one_date(text: str) -> tuple[date, date]:
    if not _DATE_RE.match(text):
        raise ValueError(f"'{text}' is not YYYY-MM-DD, YYYY-MM or YYYY")
    pieces = [int(p) for p in text.split("-")]
    year = pieces[0]
    if len(pieces) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month = pieces[1]
    if len(pieces) == 2:
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} does not exist")
        last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
        return date(year, month, 1), date(year, month, last)
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a calendar date ({exc})") from exc
    return day, day


def parse_sheets(value: str) -> tuple[int, int, bool]:
    """First and last sheet number and whether the span ends on a verso; raises ValueError."""
    if not SHEETS_RE.match(value.strip()):
        raise ValueError(f"'{value}' is not a sheet or sheet range such as 213, 41v, 213–214 or 230 об.")
    numbers = [int(n) for n in re.findall(r"\d+", value)]
    for first, last in itertools.pairwise(numbers):
        if last < first:
            raise ValueError(f"'{value}' runs backwards ({first} before {last})")
    verso = bool(re.search(rf"\d\s*{_VERSO}\s*$", value.strip(), re.IGNORECASE))
    return numbers[0], numbers[-1], verso


# C0 and C1 controls (tab, CR and LF aside), DEL, and the two non-characters XML 1.0 cannot carry either
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def strip_controls(text: str) -> str:
    """`text` without control characters: pasted from a word processor or a PDF they are invisible, and no XML
    format can carry them (a vertical tab made a non-well-formed PAGE file)."""
    return _CONTROLS.sub("", text)


def normalise(field: str, value: Any) -> Any:
    """Check a new value for a field path and return it in stored form (None clears the field)."""
    _, _, attr = check_path(field)
    name = attr or field
    if isinstance(value, str):
        value = strip_controls(value).strip()
        if value == "" and name not in {"text", "language"}:
            value = None
    if value is None:
        return None
    try:
        if name == "date":
            parse_date(str(value))
        elif name == "sheets":
            parse_sheets(str(value))
    except ValueError as exc:
        raise CorrectionError(f"{field}: {exc}") from exc
    if name == "signatories" and isinstance(value, str):
        value = [s.strip() for s in value.split(";") if s.strip()]
    return value


def apply_fields(record: Record, values: dict[str, Any]) -> Record:
    """The record with corrected field values applied; raises CorrectionError when the result is invalid."""
    data = record.model_dump(mode="json")
    # A corrected `sheets` of a source drives its numbers, unless those were corrected themselves.
    for field in sorted(values, key=lambda f: (f.count("."), not f.endswith(".sheets"), f)):
        name, index, attr = check_path(field)
        value = values[field]
        if index is None:
            data[name] = value
            continue
        items = data.setdefault(name, [])
        while len(items) <= index:
            items.append(_LISTS[name]().model_dump(mode="json") if name == "cited_source" else {"text": ""})
        items[index][attr] = value
        if name == "cited_source" and attr == "sheets" and value:
            first, last, verso = parse_sheets(str(value))
            items[index].update(sheet_first=first, sheet_last=last, verso=verso)
    try:
        return Record.model_validate(data)
    except ValueError as exc:
        raise CorrectionError(f"record {record.id}: corrected value is invalid: {exc}") from exc
