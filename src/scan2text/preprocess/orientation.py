"""Which way is up: line direction from geometry, then up/down from recognition evidence.

Tesseract's OSD is not used for the decision: it does not know the Armenian script (it reports "Arabic" or
"Latin") and at low confidence it proposes 180° for upright pages, low-resolution Latin ones included.
Instead:

1. Text lines run along the axis whose projection profile is sharper (`line_axis`); that separates
   0°/180° from 90°/270° with nothing but the ink points the deskew step needs anyway.
2. Up or down is decided by asking Tesseract to read a small strip of the page both ways round — the
   strip and its 180° turn stacked in one image, so one Tesseract run answers it — in the page's language
   (all three when it is not known). Upright text reads at 85–95 mean confidence, upside-down text at 30–50.

An upright page is only turned when the turned reading is clearly better; a page read equally badly both
ways (too little text, noise) stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scan2text.errors import OcrError
from scan2text.ocr import tesseract
from scan2text.preprocess.deskew import profile_scores, subsample

ALL_LANGS = "eng+rus+hye"
# the turned reading must beat the upright one by this many confidence points before a page is turned
FLIP_MARGIN = 15.0
MIN_WORDS = 3


@dataclass(frozen=True)
class UpDown:
    flip: bool  # True when the page has to be turned 180°
    confidence: float  # 0-1
    conf_as_is: float
    conf_turned: float
    words: int
    lang: str


def line_axis(xs: np.ndarray, ys: np.ndarray, size: float, max_angle: float) -> tuple[bool, float]:
    """(lines run vertically?, ratio of horizontal to vertical profile sharpness).

    Both axes are searched over ±max_angle, so a skewed page is compared at its best angle either way.
    Character columns of a monospaced page also make a vertical profile, but inter-line gaps are wider
    and emptier than inter-letter gaps, so the line axis wins by a factor of 2 or more in practice.
    """
    xs, ys = subsample(xs, ys, 60_000)
    angles = np.arange(-max_angle, max_angle + 1e-9, 1.0)
    bins = max(1.0, size / 2)
    horizontal = profile_scores(xs, ys, angles, bins).max()
    vertical = profile_scores(ys, xs, angles, bins).max()
    ratio = float(horizontal / max(vertical, 1e-9))
    return ratio < 1.0, ratio


def _stack(strip: np.ndarray) -> tuple[np.ndarray, int]:
    gap = max(10, strip.shape[0] // 4)
    turned = strip[::-1, ::-1]
    white = np.full((gap, strip.shape[1]), 255, np.uint8)
    return np.ascontiguousarray(np.vstack([strip, white, turned])), strip.shape[0] + gap // 2


def _mean_conf(words: list[tuple[float, int]]) -> float:
    return sum(c for c, _ in words) / len(words) if words else 0.0


def read_both_ways(strip: np.ndarray, lang: str) -> tuple[float, float, int]:
    """Mean word confidence of `strip` as it is and turned 180°, from one Tesseract run."""
    stacked, split = _stack(strip)
    try:
        lines = tesseract.recognize(stacked, lang, psm=6)
    except OcrError:
        return 0.0, 0.0, 0
    upper: list[tuple[float, int]] = []
    lower: list[tuple[float, int]] = []
    for line in lines:
        for word in line.words:
            if not any(ch.isalnum() for ch in word.text):
                continue
            centre = word.box.y + word.box.h / 2
            (upper if centre < split else lower).append((word.conf, len(word.text)))
    return _mean_conf(upper), _mean_conf(lower), min(len(upper), len(lower))


def decide_up_down(strip: np.ndarray, lang_hint: str | None, must_choose: bool = False) -> UpDown:
    """Read a text strip both ways and decide whether the page is upside down.

    `must_choose` is for a page turned from 90°/270°, where there is no "leave it" option: the better
    reading wins whatever the margin.
    """
    lang = ALL_LANGS if lang_hint in (None, "", "auto") else str(lang_hint)
    as_is, turned, words = read_both_ways(strip, lang)
    margin = turned - as_is
    enough = words >= MIN_WORDS
    flip = margin > 0 if must_choose else (enough and margin >= FLIP_MARGIN)
    confidence = float(np.clip(abs(margin) / 50.0, 0.0, 1.0)) if enough else 0.0
    return UpDown(flip, round(confidence, 3), round(as_is, 1), round(turned, 1), words, lang)
