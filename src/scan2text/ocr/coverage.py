"""No ink left unread: typed-looking ink that no word of the reading covers is read again on its own.

Tesseract's layout analysis can take a typed line for a picture or a rule and skip it without a trace: a line
beside a stamp, a line struck through or underlined, a strip of italic print on show-through paper. After the
main reading, the page's letter-sized ink is compared with the boxes of the words read. Uncovered ink that lines
up into a row of letters is cut out, the rows stitched into one image and read once more as a block of text, in
the page's language. A row that reads as text joins the page; one that does not is set aside with its reason, so
nothing typed vanishes silently. The share of letter ink covered is reported with the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scan2text.models import Box, Line, Word
from scan2text.ocr import tesseract
from scan2text.ocr.noise import looks_like_noise
from scan2text.ocr.stitch import paper_level, stitch, words_by_slot
from scan2text.settings import OcrSettings

# What counts as covering ink and which rows are worth re-reading: OcrSettings.cover_* and row_*, with the
# reasons in their descriptions.


@dataclass
class Ink:
    """The page's letter-sized ink components: boxes (x, y, w, h), pixel counts, and the typical line height."""

    boxes: np.ndarray
    area: np.ndarray
    line_height: float
    rules: np.ndarray  # mask of the long horizontal strokes (rules, underlines, strike-throughs)


def letter_ink(image: np.ndarray, line_height: float | None) -> Ink:
    """Connected components of dark ink that are the size of letters (not rules, stamps' frames or dust)."""
    _, dark = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    lh = line_height if line_height is not None else _line_height_of(dark)
    # A rule struck through or under a typed line joins its letters into one long shape: take the rules out
    # first, so the letters count as letters again.
    rule = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, round(4 * lh)), 1))
    rules = cv2.morphologyEx(dark, cv2.MORPH_OPEN, rule)
    dark = cv2.subtract(dark, rules)
    _, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    s = stats[1:]
    w, h, area = s[:, 2], s[:, 3], s[:, 4]
    fill = area / np.maximum(w * h, 1)
    letters = (h >= 0.25 * lh) & (h <= 1.5 * lh) & (w >= 0.08 * lh) & (w <= 4.0 * lh) & (fill < 0.95) & (fill > 0.08)
    return Ink(boxes=s[letters, :4], area=area[letters], line_height=lh, rules=rules)


def _line_height_of(dark: np.ndarray) -> float:
    """A page's line height from its ink alone, for a reading with too few confident words to tell."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    w, h = stats[1:, 2], stats[1:, 3]
    sized = h[(h >= 6) & (w >= 2)]
    return float(np.median(sized)) * 1.6 if sized.size else 20.0


def typical_height(lines: list[Line]) -> float | None:
    """Median height of the confidently read words: the page's line height as Tesseract saw it."""
    heights = [w.box.h for line in lines for w in line.words if w.conf >= 60 and len(w.text) >= 2]
    return float(np.median(heights)) if len(heights) >= 3 else None


def covering_words(lines: list[Line], line_height: float, settings: OcrSettings) -> list[Word]:
    """The words that count as a reading of the ink under them."""
    tall = settings.cover_height * line_height
    weak = settings.cover_conf
    return [
        w for line in lines
        if not (line.box.h > tall and line.conf < weak)  # two typed lines read as one weak line
        for w in line.words
        if w.conf >= weak or w.box.h <= tall
    ]


def covered_parts(ink: Ink, words: list[Word], shape: tuple[int, int]) -> np.ndarray:
    """Which ink components have their centre under one of `words`."""
    mask = np.zeros(shape, np.uint8)
    pad = max(1, round(0.2 * ink.line_height))
    for w in words:
        cv2.rectangle(mask, (w.box.x - pad, w.box.y - pad), (w.box.x2 + pad, w.box.y2 + pad), 1, thickness=-1)
    if not len(ink.boxes):
        return np.zeros(0, bool)
    cx = np.clip(ink.boxes[:, 0] + ink.boxes[:, 2] // 2, 0, shape[1] - 1)
    cy = np.clip(ink.boxes[:, 1] + ink.boxes[:, 3] // 2, 0, shape[0] - 1)
    return mask[cy, cx] > 0


def uncovered_rows(ink: Ink, covered: np.ndarray, shape: tuple[int, int], settings: OcrSettings) -> list[Box]:
    """Rows of uncovered letter ink, split at wide gaps, that look like a line of type."""
    rest = ink.boxes[~covered]
    if len(rest) < settings.row_min_parts:
        return []
    lh = ink.line_height
    profile = np.zeros(shape[0] + 1, np.int32)
    np.add.at(profile, rest[:, 1], 1)
    np.add.at(profile, rest[:, 1] + rest[:, 3], -1)
    inked = np.cumsum(profile)[:-1] > 0
    # A line whose strike-through was taken out leaves a thin gap between its letters' upper and lower halves:
    # close gaps thinner than a quarter of a line.
    inked = cv2.morphologyEx(inked.astype(np.uint8)[:, None], cv2.MORPH_CLOSE,
                             np.ones((max(1, round(0.25 * lh)), 1), np.uint8))[:, 0] > 0
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked.astype(np.int8), [0]))))
    rows: list[Box] = []
    centres = rest[:, 1] + rest[:, 3] / 2
    for top, bottom in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        parts = rest[(centres >= top) & (centres < bottom)]
        if len(parts) < settings.row_min_parts:
            continue
        parts = parts[np.argsort(parts[:, 0])]
        start = 0
        right = parts[:, 0] + parts[:, 2]
        reach = np.maximum.accumulate(right)
        for i in range(1, len(parts) + 1):
            if i == len(parts) or parts[i, 0] - reach[i - 1] > settings.row_gap * lh:
                seg = parts[start:i]
                x0, y0 = int(seg[:, 0].min()), int(seg[:, 1].min())
                box = Box(x=x0, y=y0, w=int(reach[i - 1]) - x0, h=int((seg[:, 1] + seg[:, 3]).max()) - y0)
                if len(seg) >= settings.row_min_parts and box.w >= settings.row_min_width * lh:
                    rows.append(box)
                start = i
    rows.sort(key=lambda b: -b.w)
    return sorted(rows[:settings.reread_max_rows], key=lambda b: (b.y, b.x))


def coverage_share(ink: Ink, covered: np.ndarray) -> float:
    """Share of the letter ink's pixels that lie under words read (1.0 on a page without letter ink)."""
    total = float(ink.area.sum())
    return round(float(ink.area[covered].sum()) / total, 4) if total else 1.0


@dataclass
class Reread:
    lines: list[Line]
    set_aside: list[Line]
    rows: int
    coverage: float


def read_uncovered(image: np.ndarray, lines: list[Line], set_aside: list[Line], lang: str,
                   settings: OcrSettings) -> Reread:
    """Find typed-looking ink the reading left uncovered, read it again, and fold what reads as text into lines.

    Set-aside lines count as covering: they were read and judged, and are kept for review with their reason.
    """
    ink = letter_ink(image, typical_height(lines))
    covered = covered_parts(ink, covering_words(lines + set_aside, ink.line_height, settings), image.shape[:2])
    rows = uncovered_rows(ink, covered, image.shape[:2], settings)
    if not rows:
        return Reread(lines, set_aside, 0, coverage_share(ink, covered))
    # read without the rules: a line struck through reads as nothing with its rule on it
    unruled = image.copy()
    unruled[cv2.dilate(ink.rules, np.ones((3, 3), np.uint8)) > 0] = paper_level(image)  # with its soft edges
    found = _read_rows(unruled, rows, ink.line_height, lang, settings.oem)
    found = retry_single_rows(unruled, found, ink.line_height, lang, settings)
    next_id = next_line_number(lines + set_aside)
    kept, aside = list(lines), list(set_aside)
    for n, (row, line) in enumerate(found):
        line_id = f"l{next_id + n:04d}"
        if line is None:
            aside.append(Line(id=line_id, text="", box=row, conf=0.0, language=lang,
                              reason="typed-looking ink no word covered; read again, nothing read"))
        elif looks_like_noise(line, settings.noise_conf):
            aside.append(line.model_copy(update={"id": line_id, "reason": "typed-looking ink no word covered; "
                                                 "read again, not as text"}))
        else:
            line = line.model_copy(update={"id": line_id, "reason": "ink no word covered, read again"})
            kept = _merge(kept, ink.line_height, line, settings)
    kept.sort(key=lambda ln: (ln.box.y + ln.box.h // 2, ln.box.x))
    covering = covering_words(kept + aside, ink.line_height, settings)
    after = coverage_share(ink, covered_parts(ink, covering, image.shape[:2]))
    return Reread(kept, aside, len(rows), after)


def next_line_number(lines: list[Line]) -> int:
    """The number of a line id ('l0012') that no line of `lines` has yet."""
    numbers = [int(line.id[1:5]) for line in lines if line.id[:1] == "l" and line.id[1:5].isdigit()]
    return max(numbers, default=0) + 1


def _read_rows(image: np.ndarray, rows: list[Box], lh: float, lang: str, oem: int) -> list[tuple[Box, Line | None]]:
    """Each row cut out with a margin, all stacked into one image and read once as a block of text.

    A row may hold several typed lines (lines of italic print close together make one row): each line Tesseract
    reads in it comes back on its own, so their words are not shuffled into one line.
    """
    canvas, slots = stitch(image, rows, pad=max(4, round(0.35 * lh)))
    found: list[tuple[Box, Line | None]] = []
    seen: set[int] = set()
    for read in tesseract.recognize(canvas, lang, psm=6, oem=oem):
        for n, words in words_by_slot([read], slots).items():
            found.append((rows[n], Line.of_words(words, lang)))
            seen.add(n)
    return found + [(row, None) for n, row in enumerate(rows) if n not in seen]


def retry_single_rows(image: np.ndarray, found: list[tuple[Box, Line | None]], lh: float, lang: str,
                       settings: OcrSettings) -> list[tuple[Box, Line | None]]:
    """Rows of one line's height that the block reading left mostly unread, read again each as a single line.

    In a block, Tesseract may look for several lines in one: a line of slanted print cut at the foot of a strip
    came back as the single letter «ե»; read as one line it reads whole. Costs a reading per row, so only a few
    rows a page (settings.row_retries), and a retry replaces the first reading only where it reads more.
    """
    pad = max(4, round(0.35 * lh))
    out, budget = [], settings.row_retries
    for row, line in found:
        read_width = sum(w.box.w for w in line.words) if line else 0
        if budget and row.h <= 1.4 * lh and read_width < 0.5 * row.w:
            budget -= 1
            # cut out on its own: below a stitched piece's gap of paper, a single line read as nothing
            x0, y0 = max(row.x - pad, 0), max(row.y - pad, 0)
            crop = image[y0 : row.y2 + pad, x0 : row.x2 + pad]
            words = [w.model_copy(update={"box": w.box.model_copy(update={"x": w.box.x + x0, "y": w.box.y + y0})})
                     for read in tesseract.recognize(crop, lang, psm=7, oem=settings.oem) for w in read.words]
            retry = Line.of_words(words, lang) if words else None
            if retry is not None and sum(w.box.w for w in retry.words) > read_width and (
                    line is None or retry.conf >= line.conf - 10):
                line = retry
        out.append((row, line))
    return out


def _merge(lines: list[Line], line_height: float, new: Line, settings: OcrSettings) -> list[Line]:
    """Put a re-read line in place: the words it overlaps give way where they are weaker or belong to a reading
    that did not count as covering, and it joins a line on the same row."""
    out: list[Line] = []
    joined = False
    trusted = {id(w) for w in covering_words(lines, line_height, settings)}
    for line in lines:
        words = [w for w in line.words
                 if not (_inside(w.box, new.box) and (w.conf < new.conf or id(w) not in trusted))]
        if not words:
            continue
        if len(words) != len(line.words):
            line = Line.of_words(words, line.language, line.id)
        if not joined and _same_row(line.box, new.box):
            words = sorted([*words, *new.words], key=lambda w: w.box.x)
            line = Line.of_words(words, line.language, line.id).model_copy(update={"reason": new.reason})
            joined = True
        out.append(line)
    if not joined:
        out.append(new)
    return out


def _inside(box: Box, area: Box) -> bool:
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    return area.x <= cx <= area.x2 and area.y <= cy <= area.y2


def _same_row(a: Box, b: Box) -> bool:
    overlap = min(a.y2, b.y2) - max(a.y, b.y)
    return overlap >= 0.5 * min(a.h, b.h) and (a.x2 < b.x or b.x2 < a.x)
