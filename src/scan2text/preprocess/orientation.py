"""Which way is up: line direction from geometry, then up/down from layout, and reading when unsure.

Tesseract's OSD is not used for the decision: it does not know the Armenian script (it reports "Arabic" or
"Latin") and at low confidence it proposes 180° for upright pages, low-resolution Latin ones included.
Instead:

1. Text lines run along the axis whose projection profile is sharper (`line_axis`); that separates
   0°/180° from 90°/270° with nothing but the ink points the deskew step needs anyway.
2. Typescripts are typed flush left with a ragged right edge. Turned 180°, the ragged edge is on the left.
   When many lines start at one margin and few end at one (`alignment`), the page is upright — decided
   without any OCR, which keeps the stage cheap for the common case.
3. Otherwise (short page, justified or centred text, or a page that looks upside down), a small strip of
   the page is read both ways round by the `UpDownReader` the caller hands in (the OCR stage's
   `scan2text.ocr.orientation.decide_up_down`); without one, the layout's lean decides.

An upright page is only turned when the turned reading is clearly better; a page read equally badly both
ways (too little text, noise) stays as it is unless its layout says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scan2text.preprocess.deskew import profile_scores, subsample
from scan2text.settings import PreprocessSettings

# When the layout alone settles "upright", and how few words read in a strip settle nothing: PreprocessSettings
# layout_sure, layout_min_lines and up_down_min_words.


@dataclass(frozen=True)
class UpDown:
    flip: bool  # True when the page has to be turned 180°
    confidence: float  # 0-1
    conf_as_is: float
    conf_turned: float
    words: int
    lang: str


# Reads a strip of the page both ways round and says whether to turn it: (strip, language hint, must choose
# between the two ways, the settings holding its margins). Preprocessing cannot read; the pipeline hands it
# `scan2text.ocr.orientation.decide_up_down`.
UpDownReader = Callable[[np.ndarray, str | None, bool, PreprocessSettings], UpDown]


def line_axis(xs: np.ndarray, ys: np.ndarray, size: float, max_angle: float) -> tuple[bool, float]:
    """(lines run vertically?, ratio of horizontal to vertical profile sharpness).

    Both axes are searched over ±max_angle, so a skewed page is compared at its best angle either way.
    Character columns of a monospaced page also make a vertical profile, but inter-line gaps are wider
    and emptier than inter-letter gaps, so the line axis wins by a factor of 2 or more in practice.
    """
    xs, ys = subsample(xs, ys, 30_000)
    angles = np.arange(-max_angle, max_angle + 1e-9, 1.0)
    bins = max(1.0, size / 2)
    horizontal = profile_scores(xs, ys, angles, bins).max()
    vertical = profile_scores(ys, xs, angles, bins).max()
    ratio = float(horizontal / max(vertical, 1e-9))
    return ratio < 1.0, ratio


@dataclass(frozen=True)
class TextLines:
    """Text lines found in a row profile of ink points: extents and number of points per line."""

    top: np.ndarray
    bottom: np.ndarray
    left: np.ndarray
    right: np.ndarray
    count: np.ndarray

    def __len__(self) -> int:
        return len(self.top)


def text_lines(xs: np.ndarray, ys: np.ndarray, xheight: float) -> TextLines:
    """Lines of an upright, deskewed page from its letter ink points (runs of the row profile)."""
    empty = np.zeros(0)
    if ys.size < 20:
        return TextLines(empty, empty, empty, empty, empty)
    step = max(0.5, xheight / 4)
    base = ys.min()
    idx = ((ys - base) / step).astype(np.int64)
    prof = np.bincount(idx)
    on = prof > 0.1 * np.percentile(prof[prof > 0], 90)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(np.int8), [0]])))
    starts, ends = edges[::2], edges[1::2]
    length = (ends - starts) * step
    ok = (length >= 0.5 * xheight) & (length <= 4.5 * xheight)
    starts, ends = starts[ok], ends[ok]
    if starts.size == 0:
        return TextLines(empty, empty, empty, empty, empty)
    line_of_bin = np.full(prof.size + 1, -1, np.int64)
    line_of_bin[np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])] = np.repeat(
        np.arange(starts.size), ends - starts
    )
    line = line_of_bin[idx]
    keep = line >= 0
    order = np.argsort(line[keep], kind="stable")
    lid, lx = line[keep][order], xs[keep][order]
    firsts = np.flatnonzero(np.diff(np.concatenate([[-1], lid])))
    present = lid[firsts]
    left = np.minimum.reduceat(lx, firsts)
    right = np.maximum.reduceat(lx, firsts)
    count = np.diff(np.concatenate([firsts, [lid.size]]))
    return TextLines(base + starts[present] * step, base + ends[present] * step, left, right, count)


def _aligned_share(edges: np.ndarray, xheight: float) -> float:
    """Largest share of line edges within about one letter width of each other."""
    b = np.round(edges / (xheight / 2)).astype(np.int64)
    counts = np.bincount(b - b.min())
    return float(np.convolve(counts, np.ones(3), mode="same").max() / edges.size)


def alignment(lines: TextLines, xheight: float) -> float:
    """Left-margin share minus right-edge share of lines at least a few letters long (−1 … 1).

    Positive for a flush-left typescript as scanned, negative for one upside down, near 0 when both edges
    are aligned (justified) or neither is (centred, poetry, too few lines).
    """
    wide = (lines.right - lines.left) >= 6 * xheight
    if wide.sum() < 3:
        return 0.0
    return _aligned_share(lines.left[wide], xheight) - _aligned_share(lines.right[wide], xheight)
