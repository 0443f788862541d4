"""Align two transcriptions of one page grapheme by grapheme and cut the alignment into lines.

The whole page is aligned at once (lines joined with "\\n", as dinglehopper does), so a line that OCR
split in two or merged with its neighbour costs one edit, not two whole lines. The alignment is then cut
at the reference's line ends: each reference line becomes a row holding whatever the hypothesis put
against it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from scan2text.diff.classify import classify_edit
from scan2text.diff.metrics import (
    EditCounts,
    TextOptions,
    _graphemes,
    _tokens,
    counts_from_sequences,
    fold_cluster,
    opcodes,
)
from scan2text.diff.sources import SourceLine
from scan2text.models import Box

Tag = Literal["equal", "replace", "insert", "delete", "ignored"]


class Segment(BaseModel):
    """A run of aligned text with one tag; `ignored` is text the comparison options left out."""

    tag: Tag
    ref: str = ""
    hyp: str = ""
    error_class: str | None = None


class LineDiff(BaseModel):
    index: int
    ref_line_id: str | None = None
    hyp_line_ids: list[str] = []
    ref_text: str = ""
    hyp_text: str = ""
    segments: list[Segment] = []
    chars: EditCounts = EditCounts()
    error_classes: dict[str, int] = {}
    box: Box | None = None
    box_side: Literal["ref", "hyp"] | None = None

    @property
    def changed(self) -> bool:
        return self.chars.edits > 0

    @property
    def cer(self) -> float:
        return self.chars.rate


class PageDiff(BaseModel):
    page_id: str
    ref_id: str | None = None
    hyp_id: str | None = None
    status: Literal["compared", "missing_in_hypothesis", "missing_in_reference"] = "compared"
    lines: list[LineDiff] = []
    chars: EditCounts = EditCounts()
    words: EditCounts = EditCounts()
    error_classes: dict[str, int] = {}
    ref_image: str | None = None
    hyp_image: str | None = None

    @property
    def cer(self) -> float:
        return self.chars.rate

    @property
    def wer(self) -> float:
        return self.words.rate

    @property
    def changed_lines(self) -> list[LineDiff]:
        return [line for line in self.lines if line.changed]


@dataclass
class _Cluster:
    text: str
    line: int
    key: str | None  # folded form compared, None when the options drop it


def _clusters(lines: list[SourceLine], options: TextOptions) -> list[_Cluster]:
    out: list[_Cluster] = []
    for no, line in enumerate(lines):
        raw = _graphemes(line.text, TextOptions())
        if no < len(lines) - 1:
            raw.append("\n")
        out.extend(_Cluster(g, no, fold_cluster(g, options)) for g in raw)
    return out


@dataclass
class _Item:
    tag: Tag
    ref: _Cluster | None
    hyp: _Cluster | None
    row: int


def _left_aligned(ops: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """Re-pair each run of edits between two equal blocks as substitutions first, then the surplus.

    Inside such a run no character matches, so every pairing with min(len) substitutions costs the same;
    rapidfuzz's choice may put an insertion first and pair "։" with the wrong neighbour. Pairing from the
    left keeps "։" -> ":" together and pushes extra text to the end, where OCR usually adds it.
    """
    out: list[tuple[str, int, int, int, int]] = []
    run: list[tuple[str, int, int, int, int]] = []

    def flush() -> None:
        if not run:
            return
        r0, h0 = run[0][1], run[0][3]
        r1, h1 = run[-1][2], run[-1][4]
        n = min(r1 - r0, h1 - h0)
        if n:
            out.append(("replace", r0, r0 + n, h0, h0 + n))
        if r1 - r0 > n:
            out.append(("delete", r0 + n, r1, h0 + n, h0 + n))
        if h1 - h0 > n:
            out.append(("insert", r0 + n, r0 + n, h0 + n, h1))
        run.clear()

    for op in ops:
        if op[0] == "equal":
            flush()
            out.append(op)
        else:
            run.append(op)
    flush()
    return out


def _items(ref: list[_Cluster], hyp: list[_Cluster], n_ref_lines: int) -> list[_Item]:
    """The page alignment as a flat list of aligned cluster pairs, each assigned to a reference row."""
    ref_kept = [i for i, c in enumerate(ref) if c.key is not None]
    hyp_kept = [i for i, c in enumerate(hyp) if c.key is not None]
    ops = _left_aligned(opcodes([ref[i].key or "" for i in ref_kept], [hyp[i].key or "" for i in hyp_kept]))
    items: list[_Item] = []
    ri = hi = 0  # next ref / hyp cluster (original index) not yet emitted
    row = 0

    def ref_row(c: _Cluster) -> int:
        return c.line

    def after(c: _Cluster) -> int:
        # text inserted after a reference line's "\n" belongs to the next line
        return c.line + 1 if c.text == "\n" else c.line

    def hyp_row(c: _Cluster) -> int:
        return c.line if n_ref_lines == 0 else min(row, max(n_ref_lines - 1, 0))

    def flush_ref(upto: int) -> None:
        nonlocal ri, row
        while ri < upto:
            c = ref[ri]
            items.append(_Item("ignored", c, None, ref_row(c)))
            row = after(c)
            ri += 1

    def flush_hyp(upto: int) -> None:
        nonlocal hi
        while hi < upto:
            c = hyp[hi]
            items.append(_Item("ignored", None, c, hyp_row(c)))
            hi += 1

    for tag, r0, r1, h0, h1 in ops:
        n = max(r1 - r0, h1 - h0)
        for k in range(n):
            r = ref_kept[r0 + k] if r0 + k < r1 else None
            h = hyp_kept[h0 + k] if h0 + k < h1 else None
            if r is not None:
                flush_ref(r)
            if h is not None:
                flush_hyp(h)
            if r is not None and h is not None:
                kind: Tag = "equal" if tag == "equal" else "replace"
            else:
                kind = "delete" if r is not None else "insert"
            if r is not None:
                rc = ref[r]
                hc = hyp[h] if h is not None else None
                items.append(_Item(kind, rc, hc, ref_row(rc)))
                row = after(rc)
                ri = r + 1
            if h is not None:
                if r is None:
                    items.append(_Item(kind, None, hyp[h], hyp_row(hyp[h])))
                hi = h + 1
    flush_ref(len(ref))
    flush_hyp(len(hyp))
    return items


def _segments(items: list[_Item]) -> list[Segment]:
    runs: list[tuple[Tag, str | None, list[str], list[str]]] = []
    for item in items:
        ref = item.ref.text if item.ref else ""
        hyp = item.hyp.text if item.hyp else ""
        cls = classify_edit(item.tag, ref, hyp) if item.tag in ("replace", "insert", "delete") else None
        if runs and runs[-1][0] == item.tag and runs[-1][1] == cls:
            runs[-1][2].append(ref)
            runs[-1][3].append(hyp)
        else:
            runs.append((item.tag, cls, [ref], [hyp]))
    return [Segment(tag=tag, ref="".join(r), hyp="".join(h), error_class=cls) for tag, cls, r, h in runs]


def _row_counts(items: list[_Item]) -> EditCounts:
    c = Counter(item.tag for item in items)
    return EditCounts(
        reference_length=sum(1 for i in items if i.ref is not None and i.ref.key is not None),
        hypothesis_length=sum(1 for i in items if i.hyp is not None and i.hyp.key is not None),
        substitutions=c["replace"],
        insertions=c["insert"],
        deletions=c["delete"],
    )


def diff_page(
    page_id: str,
    ref_lines: list[SourceLine],
    hyp_lines: list[SourceLine],
    options: TextOptions | None = None,
    *,
    crop_side: Literal["ref", "hyp"] | None = "hyp",
) -> PageDiff:
    """Align one page; `crop_side` says whose line boxes locate a row's image crop (None: no crops)."""
    options = options or TextOptions()
    ref = _clusters(ref_lines, options)
    hyp = _clusters(hyp_lines, options)
    items = _items(ref, hyp, len(ref_lines))
    n_rows = len(ref_lines) if ref_lines else len(hyp_lines)
    by_row: list[list[_Item]] = [[] for _ in range(n_rows)]
    for item in items:
        by_row[item.row].append(item)

    rows: list[LineDiff] = []
    classes: Counter[str] = Counter()
    for no, row_items in enumerate(by_row):
        hyp_nos = sorted({i.hyp.line for i in row_items if i.hyp is not None and i.hyp.text != "\n"})
        if not hyp_nos:
            hyp_nos = sorted({i.hyp.line for i in row_items if i.hyp is not None})
        ref_line = ref_lines[no] if ref_lines else None
        hyp_text = "".join(i.hyp.text for i in row_items if i.hyp is not None)
        segments = _segments(row_items)
        line_classes: Counter[str] = Counter()
        for item in row_items:
            if item.tag in ("replace", "insert", "delete"):
                ref_text = item.ref.text if item.ref else ""
                line_classes[classify_edit(item.tag, ref_text, item.hyp.text if item.hyp else "")] += 1
        classes.update(line_classes)
        line = LineDiff(
            index=no,
            ref_line_id=ref_line.id if ref_line else None,
            hyp_line_ids=[hyp_lines[n].id or f"#{n}" for n in hyp_nos],
            ref_text=ref_line.text if ref_line else "",
            hyp_text=hyp_text.replace("\n", " ").strip(),
            segments=segments,
            chars=_row_counts(row_items),
            error_classes=dict(line_classes),
        )
        line.box, line.box_side = _row_box(crop_side, ref_line, [hyp_lines[n] for n in hyp_nos])
        rows.append(line)

    chars = sum((r.chars for r in rows), EditCounts())
    words = counts_from_sequences(
        _tokens("\n".join(line.text for line in ref_lines), options),
        _tokens("\n".join(line.text for line in hyp_lines), options),
    )
    return PageDiff(page_id=page_id, lines=rows, chars=chars, words=words, error_classes=dict(classes))


def _row_box(
    side: Literal["ref", "hyp"] | None, ref_line: SourceLine | None, hyp_lines: list[SourceLine]
) -> tuple[Box | None, Literal["ref", "hyp"] | None]:
    hyp_boxes = [line.box for line in hyp_lines if line.box is not None]
    if side == "hyp" and hyp_boxes:
        return Box.union(hyp_boxes), "hyp"
    if side in ("hyp", "ref") and ref_line is not None and ref_line.box is not None:
        return ref_line.box, "ref"
    if side == "ref" and hyp_boxes:
        return Box.union(hyp_boxes), "hyp"
    return None, None
