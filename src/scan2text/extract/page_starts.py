"""Where documents of an archive file start: each page top's evidence (its header's shape, a closing at the end
of the page before, a new file, signs that it goes on) weighed against the grammar's thresholds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from scan2text.extract.shapes import ShapeHeader, ShapeReader

FILE_COUNTER = re.compile(r"[-_ .]*(?:p|page)?\d{1,4}[a-z]?$", re.IGNORECASE)


def file_key(image: str) -> str:
    """The file a page image belongs to: its name without the page counter ('EHRI-DR-19390404-US_02' →
    'EHRI-DR-19390404-US'); '' for names that are only a counter ('0213')."""
    path = PurePosixPath(image)
    return str(path.parent / FILE_COUNTER.sub("", path.stem)) if FILE_COUNTER.sub("", path.stem) else ""


@dataclass
class PageStart:
    """A document found at a page top by its shape: its header, and why a reviewer should look (if so)."""

    line: int
    header: ShapeHeader
    review: list[str]


def page_starts(reader: ShapeReader, taken_pages: set[int]) -> list[PageStart]:
    """Documents starting at page tops, by the weight of their evidence; `taken_pages` already have a
    document found at their top by the collection grammar (title and citation) and are left to it."""
    ev = reader.ev
    out: list[PageStart] = []
    for page in sorted(reader.page_first):
        if page in taken_pages:
            continue
        h = reader.header(page)
        score, reasons = h.score, list(h.reasons)
        if page > 0:
            if (k := reader.closing_at_end(page - 1)) is not None:
                score += ev.closing_before
                reasons.append(f"closing '{reader.lines[k].text[:30]}' ends the page before")
            if new_file(reader.images, page):
                score += ev.new_file
                reasons.append(f"new file {file_key(reader.images[page])}")
            if cont := reader.continues(page):
                score += ev.continuation + (ev.continuation // 2) * (len(cont) - 1)
                reasons += [f"against: {c}" for c in cont]
        h.score = score
        first = reader.page_first[page]
        if page == 0:
            if h.score >= ev.weak and h.reasons:
                out.append(PageStart(first, h, [] if h.score >= ev.start else
                                     [f"document start on weak evidence ({'; '.join(reasons)})"]))
            continue
        if score >= ev.start:
            out.append(PageStart(first, h, []))
        elif score >= ev.weak:
            out.append(PageStart(first, h, [f"document start on weak evidence ({'; '.join(reasons)})"]))
    return out


def new_file(images: list[str], page: int) -> bool:
    """Whether `page` opens another file than the page before (by its image name)."""
    if page == 0:
        return False
    before, here = file_key(images[page - 1]), file_key(images[page])
    return bool(here) and before != here
