"""Compare two sources page by page and total the result per document and for the batch."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel

from scan2text.diff.align import LineDiff, PageDiff, diff_page
from scan2text.diff.metrics import EditCounts, TextOptions
from scan2text.diff.sources import Source, pair_pages


class DocumentDiff(BaseModel):
    id: str
    page_ids: list[str]
    chars: EditCounts = EditCounts()
    words: EditCounts = EditCounts()

    @property
    def cer(self) -> float:
        return self.chars.rate

    @property
    def wer(self) -> float:
        return self.words.rate


class BatchDiff(BaseModel):
    reference: str
    hypothesis: str
    options: dict[str, bool] = {}
    pages: list[PageDiff] = []
    documents: list[DocumentDiff] = []
    chars: EditCounts = EditCounts()
    words: EditCounts = EditCounts()
    error_classes: dict[str, int] = {}
    hypothesis_only: list[str] = []
    reference_only: list[str] = []

    @property
    def cer(self) -> float:
        """Batch CER: all edits over all reference graphemes (not the mean of page CERs)."""
        return self.chars.rate

    @property
    def wer(self) -> float:
        return self.words.rate

    @property
    def mean_page_cer(self) -> float:
        return sum(p.cer for p in self.pages) / len(self.pages) if self.pages else 0.0

    def worst_pages(self) -> list[PageDiff]:
        """Pages in order of CER, highest first (ties: most edits first)."""
        return sorted(self.pages, key=lambda p: (-p.cer, -p.chars.edits, p.page_id))

    def worst_lines(self, limit: int | None = None) -> list[tuple[PageDiff, LineDiff]]:
        """Changed lines across the batch, most edits first."""
        lines = [(p, line) for p in self.pages for line in p.lines if line.changed]
        lines.sort(key=lambda pl: (-pl[1].chars.edits, -pl[1].cer, pl[0].page_id, pl[1].index))
        return lines[:limit] if limit is not None else lines


def compare(
    reference: Source,
    hypothesis: Source,
    options: TextOptions | None = None,
    *,
    crop_side: Literal["ref", "hyp"] | None = "hyp",
) -> BatchDiff:
    """Diff every page the two sources share (and those one of them lacks, see `Source.partial`)."""
    options = options or TextOptions()
    pages: list[PageDiff] = []
    hypothesis_only: list[str] = []
    reference_only: list[str] = []
    for pair in pair_pages(reference, hypothesis):
        if pair.ref_id is None and reference.partial:
            # ground truth and corrections cover a subset of the pages; the rest is not an error
            hypothesis_only.append(pair.page_id)
            continue
        if pair.hyp_id is None and reference.partial:
            # nor is ground truth for pages this run was not given; reported, so a lost page is still seen
            reference_only.append(pair.page_id)
            continue
        ref_page = reference.load(pair.ref_id) if pair.ref_id is not None else None
        hyp_page = hypothesis.load(pair.hyp_id) if pair.hyp_id is not None else None
        page = diff_page(
            pair.page_id,
            ref_page.lines if ref_page else [],
            hyp_page.lines if hyp_page else [],
            options,
            crop_side=crop_side,
        )
        page.ref_id, page.hyp_id = pair.ref_id, pair.hyp_id
        page.ref_image = str(ref_page.image) if ref_page and ref_page.image else None
        page.hyp_image = str(hyp_page.image) if hyp_page and hyp_page.image else None
        if ref_page is None:
            page.status = "missing_in_reference"
        elif hyp_page is None:
            page.status = "missing_in_hypothesis"
        pages.append(page)

    classes: Counter[str] = Counter()
    for page in pages:
        classes.update(page.error_classes)
    batch = BatchDiff(
        reference=reference.label,
        hypothesis=hypothesis.label,
        options={k: bool(v) for k, v in vars(options).items()},
        pages=pages,
        chars=sum((p.chars for p in pages), EditCounts()),
        words=sum((p.words for p in pages), EditCounts()),
        error_classes=dict(classes.most_common()),
        hypothesis_only=hypothesis_only,
        reference_only=reference_only,
    )
    batch.documents = _documents(batch, reference, hypothesis)
    return batch


def _documents(batch: BatchDiff, reference: Source, hypothesis: Source) -> list[DocumentDiff]:
    by_id: dict[str, PageDiff] = {}
    for page in batch.pages:
        for key in (page.page_id, page.ref_id, page.hyp_id):
            if key is not None:
                by_id.setdefault(key, page)
    docs = hypothesis.documents() or reference.documents()
    out: list[DocumentDiff] = []
    for doc_id, page_ids in docs.items():
        found = [by_id[p] for p in page_ids if p in by_id]
        if not found:
            continue
        out.append(
            DocumentDiff(
                id=doc_id,
                page_ids=[p.page_id for p in found],
                chars=sum((p.chars for p in found), EditCounts()),
                words=sum((p.words for p in found), EditCounts()),
            )
        )
    return out


def _counts(c: EditCounts) -> dict[str, Any]:
    return {**c.model_dump(), "edits": c.edits, "rate": round(c.rate, 6)}


def summary(batch: BatchDiff, *, max_cer: float | None = None, worst_lines: int = 50) -> dict[str, Any]:
    """The JSON summary scripts read: batch, documents, pages (worst first), the most changed lines."""
    out: dict[str, Any] = {
        "reference": batch.reference,
        "hypothesis": batch.hypothesis,
        "options": batch.options,
        "batch": {
            "cer": round(batch.cer, 6),
            "wer": round(batch.wer, 6),
            "mean_page_cer": round(batch.mean_page_cer, 6),
            "pages": len(batch.pages),
            "changed_pages": sum(1 for p in batch.pages if p.chars.edits),
            "chars": _counts(batch.chars),
            "words": _counts(batch.words),
        },
        "error_classes": batch.error_classes,
        "documents": [
            {
                "id": d.id,
                "pages": d.page_ids,
                "cer": round(d.cer, 6),
                "wer": round(d.wer, 6),
                "chars": _counts(d.chars),
                "words": _counts(d.words),
            }
            for d in sorted(batch.documents, key=lambda d: -d.cer)
        ],
        "pages": [
            {
                "page_id": p.page_id,
                "reference_id": p.ref_id,
                "hypothesis_id": p.hyp_id,
                "status": p.status,
                "cer": round(p.cer, 6),
                "wer": round(p.wer, 6),
                "lines": len(p.lines),
                "changed_lines": len(p.changed_lines),
                "chars": _counts(p.chars),
                "words": _counts(p.words),
                "error_classes": p.error_classes,
            }
            for p in batch.worst_pages()
        ],
        "worst_lines": [
            {
                "page_id": p.page_id,
                "line": line.index + 1,
                "reference_line_id": line.ref_line_id,
                "hypothesis_line_ids": line.hyp_line_ids,
                "reference": line.ref_text,
                "hypothesis": line.hyp_text,
                "edits": line.chars.edits,
                "cer": round(line.cer, 6),
                "error_classes": line.error_classes,
            }
            for p, line in batch.worst_lines(worst_lines)
        ],
        "hypothesis_only": batch.hypothesis_only,
        "reference_only": batch.reference_only,
    }
    if max_cer is not None:
        out["gate"] = {"max_cer": max_cer, "passed": batch.cer <= max_cer}
    return out
