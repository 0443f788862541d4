"""Up or down by reading: a strip of the page and its 180° turn, read in one Tesseract run.

The strip and its turn are stacked in one image, so one run answers it, in the page's language (all three
when it is not known). Upright text reads at 85–95 mean confidence, upside-down text at 30–50. An upright
page is only turned when the turned reading is clearly better; a page read equally badly both ways (too
little text, noise) stays as it is.
"""

from __future__ import annotations

import numpy as np

from scan2text.errors import OcrError
from scan2text.models import Word, mean_conf
from scan2text.ocr import tesseract
from scan2text.ocr.script import ALL_LANGS
from scan2text.preprocess.binarize import paper_level
from scan2text.preprocess.orientation import UpDown
from scan2text.settings import PreprocessSettings

# The margins of the decision (flip_margin, hint_weak, up_down_min_words) are PreprocessSettings: the up/down
# question is the preprocess stage's, answered here because answering it takes a reading.
_DEFAULTS = PreprocessSettings()


def _stack(strip: np.ndarray) -> tuple[np.ndarray, int]:
    gap = max(10, strip.shape[0] // 4)
    turned = strip[::-1, ::-1]
    # The gap is the strip's own paper: a white band beside grey paper (a page kept as scanned) split
    # Tesseract's threshold between the two, the paper came out as ink, and nothing was read either way.
    paper = np.full((gap, strip.shape[1]), paper_level(strip), np.uint8)
    return np.ascontiguousarray(np.vstack([strip, paper, turned])), strip.shape[0] + gap // 2


def read_both_ways(strip: np.ndarray, lang: str) -> tuple[float, float, int]:
    """Mean word confidence of `strip` as it is and turned 180°, from one Tesseract run."""
    stacked, split = _stack(strip)
    try:
        lines = tesseract.recognize(stacked, lang, psm=6)
    except OcrError:
        return 0.0, 0.0, 0
    upper: list[Word] = []
    lower: list[Word] = []
    for line in lines:
        for word in line.words:
            if not any(ch.isalnum() for ch in word.text):
                continue
            centre = word.box.y + word.box.h / 2
            (upper if centre < split else lower).append(word)
    return mean_conf(upper), mean_conf(lower), min(len(upper), len(lower))


def decide_up_down(
    strip: np.ndarray, lang_hint: str | None, must_choose: bool = False, settings: PreprocessSettings = _DEFAULTS
) -> UpDown:
    """Read a text strip both ways and decide whether the page is upside down.

    `must_choose` is for a page turned from 90°/270°, where there is no "leave it" option: the better
    reading wins whatever the margin.
    """
    lang = ALL_LANGS if lang_hint in (None, "", "auto") else str(lang_hint)
    as_is, turned, words = read_both_ways(strip, lang)
    enough_words = settings.up_down_min_words
    if lang != ALL_LANGS and (words < enough_words or max(as_is, turned) < settings.hint_weak):
        # The hinted model reads neither way: the page is in another script; ask all three models.
        lang = ALL_LANGS
        as_is, turned, words = read_both_ways(strip, lang)
    return up_down_verdict(as_is, turned, words, lang, must_choose, settings)


def up_down_verdict(as_is: float, turned: float, words: int, lang: str, must_choose: bool = False,
                    settings: PreprocessSettings = _DEFAULTS) -> UpDown:
    """The decision from a strip's mean word confidence as scanned and turned, and the words read each way."""
    margin = turned - as_is
    enough = words >= settings.up_down_min_words
    # Turned only for a turned reading that reads like text: a strip read badly both ways (a real Armenian italic
    # strip at 64 DPI in all three models: 35 as scanned, 52 turned) says nothing, and scans come upright far
    # more often than not.
    flip = margin > 0 if must_choose else (enough and margin >= settings.flip_margin
                                           and turned >= settings.flip_min_conf)
    confidence = float(np.clip(abs(margin) / 50.0, 0.0, 1.0)) if enough else 0.0
    return UpDown(flip, round(confidence, 3), round(as_is, 1), round(turned, 1), words, lang)
