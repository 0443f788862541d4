"""Score records against samples/truth.json: document boundaries and per-field accuracy per language.

A boundary is the page (image, frame) where a document starts plus its ordinal among the documents
starting on that page. Predicted documents are matched to truth documents on the same first page by
title similarity; a truth document left unmatched counts as wrong for every field.

A wrong field is either flagged (the record asks a reviewer to check it: its name, or for a citation
field 'cited_source', is in `Record.flags`) or silent. Silent errors are the ones that reach users
unseen, so they are counted apart; a document missed altogether counts as silent for every field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from scan2text.ingest import discover
from scan2text.models import Box, Line, Page, Record

FIELDS = ("title", "doc_type", "number", "date", "place", "archive", "fund", "inventory", "file", "sheets", "form")
SOURCE_FIELDS = ("archive", "fund", "inventory", "file", "sheets", "form")
MIN_TITLE_SIMILARITY = 60.0  # to pair a record with a truth document at all
TITLE_RIGHT = 90.0  # a title this similar is right: OCR damaged a letter or two, but nothing was cut off


class FieldScore(BaseModel):
    correct: int = 0
    total: int = 0
    wrong_flagged: int = 0
    wrong_unflagged: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def add(self, other: FieldScore) -> None:
        self.correct += other.correct
        self.total += other.total
        self.wrong_flagged += other.wrong_flagged
        self.wrong_unflagged += other.wrong_unflagged


class Mismatch(str):
    """One wrong field; reads as a line of text ('page 'title': field 'want' != 'got' [flagged]')."""

    language: str
    page: str
    title: str | None
    field: str
    expected: Any
    got: Any
    flagged: bool

    def __new__(cls, *, language: str, page: str, title: str | None, field: str, expected: Any, got: Any,
                flagged: bool) -> Mismatch:
        if field == "document":
            text = f"{page} {title!r}: not found"
        else:
            text = f"{page} {title!r}: {field} {expected!r} != {got!r}"
        obj = super().__new__(cls, f"{text} [{'flagged' if flagged else 'SILENT'}]")
        obj.language, obj.page, obj.title, obj.field = language, page, title, field
        obj.expected, obj.got, obj.flagged = expected, got, flagged
        return obj


class LanguageReport(BaseModel):
    language: str
    documents: int = 0
    predicted: int = 0
    boundaries_matched: int = 0
    matched: int = 0
    perfect: int = 0
    fields: dict[str, FieldScore] = {}

    @property
    def wrong_flagged(self) -> int:
        return sum(f.wrong_flagged for f in self.fields.values())

    @property
    def wrong_unflagged(self) -> int:
        """Wrong fields no flag points a reviewer at."""
        return sum(f.wrong_unflagged for f in self.fields.values())

    @property
    def precision(self) -> float:
        return self.boundaries_matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.boundaries_matched / self.documents if self.documents else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


class EvalReport(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    languages: dict[str, LanguageReport] = {}
    overall: LanguageReport = LanguageReport(language="all")
    mismatches: list[Mismatch] = []


def _norm(value: Any) -> str | None:
    if value is None:
        return None
    text = re.sub(r"[-‐‑‒–—―]", "–", str(value))
    text = re.sub(r"\s*–\s*", "–", text)
    text = re.sub(r"\s+", " ", text).strip(" .,;։").casefold()
    return text or None


def _archive_forms(name: str | None, abbr: str | None = None) -> set[str]:
    """A printed archive name and its variants with/without the bracketed abbreviation."""
    forms = {_norm(name)}
    if name and (m := re.match(r"^(.*?)\s*\(([^()]+)\)$", name)):
        forms |= {_norm(m.group(1)), _norm(m.group(2))}
    if abbr:
        forms.add(_norm(abbr))
    return {f for f in forms if f}


def _source_values(sources: list[dict[str, Any]], name: str) -> list[str | None]:
    return [_norm(s.get(name)) for s in sources]


def _field_ok(name: str, truth: dict[str, Any], rec: Record) -> tuple[bool, Any, Any]:
    if name == "title":
        want, got = truth.get("title"), rec.title
        if want is None or got is None:
            return want == got, want, got
        return fuzz.ratio(_norm(want) or "", _norm(got) or "") >= TITLE_RIGHT, want, got
    if name not in SOURCE_FIELDS:
        want, got = truth.get(name), getattr(rec, name)
        return _norm(want) == _norm(got), want, got
    tsrc = truth.get("cited_source") or []
    psrc = [s.model_dump() for s in rec.cited_source]
    want = [s.get(name) for s in tsrc]
    got = [s.get(name) for s in psrc]
    if len(tsrc) != len(psrc):
        return False, want, got
    if name == "archive":
        ok = all(
            _archive_forms(t.get("archive"), t.get("archive_abbr")) & _archive_forms(p["archive"], p["archive_abbr"])
            or (t.get("archive") is None and p["archive"] is None)
            for t, p in zip(tsrc, psrc, strict=True)
        )
        return ok, want, got
    return _source_values(tsrc, name) == _source_values(psrc, name), want, got


def _flagged(name: str, rec: Record) -> bool:
    return name in rec.flags or (name in SOURCE_FIELDS and "cited_source" in rec.flags)


def _first_page(pages: list[Any]) -> tuple[str, int]:
    p = pages[0]
    if isinstance(p, dict):
        return p["image"], int(p.get("frame", 0))
    return p.image, p.frame


def _ordinals(keys: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    seen: dict[tuple[str, int], int] = {}
    out = []
    for key in keys:
        out.append((*key, seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return out


def _match(truth_docs: list[dict[str, Any]], records: list[Record]) -> dict[int, int]:
    """truth index -> record index, one to one, same first page, best title similarity first."""
    pairs = []
    for ti, doc in enumerate(truth_docs):
        page = _first_page(doc["pages"])
        for ri, rec in enumerate(records):
            if not rec.pages or _first_page(rec.pages) != page:
                continue
            sim = fuzz.ratio(_norm(doc.get("title")) or "", _norm(rec.title) or "")
            if sim >= MIN_TITLE_SIMILARITY or (doc.get("title") is None and rec.title is None):
                pairs.append((sim, ti, ri))
    pairs.sort(reverse=True)
    out: dict[int, int] = {}
    used: set[int] = set()
    for _sim, ti, ri in pairs:
        if ti not in out and ri not in used:
            out[ti] = ri
            used.add(ri)
    return out


def evaluate(records: list[Record], truth: dict[str, Any]) -> EvalReport:
    """Boundary precision/recall/F1 and per-field accuracy of `records` against a truth.json dict."""
    docs: list[dict[str, Any]] = truth.get("documents", [])
    if not any(d.get("doc_type") is None for d in docs):
        records = [r for r in records if r.doc_type is not None or r.title is not None]
    records = [r for r in records if r.pages]
    report = EvalReport()

    def lang_report(lang: str) -> LanguageReport:
        if lang not in report.languages:
            report.languages[lang] = LanguageReport(language=lang, fields={f: FieldScore() for f in FIELDS})
        return report.languages[lang]

    truth_bounds = _ordinals([_first_page(d["pages"]) for d in docs])
    pred_bounds = _ordinals([_first_page(r.pages) for r in records])
    pred_set = set(pred_bounds)
    for doc, bound in zip(docs, truth_bounds, strict=True):
        lr = lang_report(doc.get("language", ""))
        lr.documents += 1
        lr.boundaries_matched += bound in pred_set
    for rec in records:
        lang_report(rec.language).predicted += 1

    matches = _match(docs, records)
    for ti, doc in enumerate(docs):
        lang = doc.get("language", "")
        lr = lang_report(lang)
        rec = records[matches[ti]] if ti in matches else None
        where = "{}#{}".format(*_first_page(doc["pages"]))
        lr.matched += rec is not None
        if rec is None:
            report.mismatches.append(Mismatch(language=lang, page=where, title=doc.get("title"), field="document",
                                              expected=doc.get("title"), got=None, flagged=False))
        all_ok = rec is not None
        for name in FIELDS:
            score = lr.fields[name]
            score.total += 1
            if rec is None:
                score.wrong_unflagged += 1
                continue
            ok, want, got = _field_ok(name, doc, rec)
            all_ok &= ok
            if ok:
                score.correct += 1
                continue
            flagged = _flagged(name, rec)
            score.wrong_flagged += flagged
            score.wrong_unflagged += not flagged
            report.mismatches.append(Mismatch(language=lang, page=where, title=doc.get("title"), field=name,
                                              expected=want, got=got, flagged=flagged))
        lr.perfect += all_ok

    overall = LanguageReport(language="all", fields={f: FieldScore() for f in FIELDS})
    for lr in report.languages.values():
        overall.documents += lr.documents
        overall.predicted += lr.predicted
        overall.boundaries_matched += lr.boundaries_matched
        overall.matched += lr.matched
        overall.perfect += lr.perfect
        for name in FIELDS:
            overall.fields[name].add(lr.fields[name])
    report.overall = overall
    return report


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def format_table(report: EvalReport, details: bool = True) -> str:
    """A plain-text table: one row per language plus 'all'; `silent` counts wrong fields without a flag.

    With `details`, a second table gives each field's wrong values as flagged/silent, then every mismatch.
    """
    reports = [*sorted(report.languages.values(), key=lambda r: r.language), report.overall]
    head = ["lang", "docs", "pred", "P", "R", "F1", "all-ok", "flagged", "silent", *FIELDS]
    rows = [head]
    for lr in reports:
        rows.append([
            lr.language or "?", str(lr.documents), str(lr.predicted),
            f"{lr.precision:.2f}", f"{lr.recall:.2f}", f"{lr.f1:.2f}", f"{lr.perfect}/{lr.documents}",
            str(lr.wrong_flagged), str(lr.wrong_unflagged),
            *(f"{lr.fields[f].accuracy:.2f}" if lr.fields[f].total else "-" for f in FIELDS),
        ])
    lines = _table(rows)
    if not details or not report.mismatches:
        return "\n".join(lines)
    rows = [["wrong: flagged/silent", *FIELDS]]
    for lr in reports:
        rows.append([lr.language or "?",
                     *(f"{lr.fields[f].wrong_flagged}/{lr.fields[f].wrong_unflagged}" for f in FIELDS)])
    lines += ["", *_table(rows), "", *report.mismatches]
    return "\n".join(lines)


def ground_truth_pages(samples: Path, truth: dict[str, Any]) -> list[Page]:
    """The sample pages in batch order, each holding its ground-truth lines as if OCR read them
    perfectly: `build_records` on these measures segmentation and extraction apart from OCR."""
    gt = {(p["image"], int(p.get("frame", 0))): p["gt"] for p in truth.get("pages", [])}
    pages = []
    for src in discover(samples):
        if (src.image, src.frame) not in gt:
            continue
        path = samples / gt[(src.image, src.frame)]
        try:
            texts = [t for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
        except OSError as exc:
            raise FileNotFoundError(f"{path}: cannot read ground truth ({exc.strerror or exc})") from exc
        lines = [Line(id=f"l{i:04d}", text=t, box=Box(x=0, y=40 * i, w=1000, h=30), conf=100.0, language="")
                 for i, t in enumerate(texts)]
        pages.append(Page(id=src.id, image=src.image, frame=src.frame, sheet=src.sheet, lines=lines))
    return pages
