"""Which script a page is written in, and so which Tesseract model reads it.

Tesseract's OSD cannot tell Armenian (it answers "Arabic"), so the script is read from the
characters a quick multi-model pass recognises on a band of the page.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import numpy as np

from scan2text.ocr import tesseract

SCRIPT_LANG = {"Latin": "eng", "Cyrillic": "rus", "Armenian": "hye"}
LANG_SCRIPT = {lang: script for script, lang in SCRIPT_LANG.items()}
ALL_LANGS = "+".join(SCRIPT_LANG.values())


def char_script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    code = ord(ch)
    if 0x0530 <= code <= 0x058F or 0xFB13 <= code <= 0xFB17:
        return "Armenian"
    if 0x0400 <= code <= 0x052F:
        return "Cyrillic"
    if unicodedata.name(ch, "").startswith("LATIN"):
        return "Latin"
    return None


def script_counts(text: str) -> Counter[str]:
    return Counter(s for s in map(char_script, text) if s)


def dominant_script(text: str) -> str | None:
    counts = script_counts(text)
    return counts.most_common(1)[0][0] if counts else None


def text_band(image: np.ndarray, rows: int = 360) -> np.ndarray:
    """A horizontal band through the middle of the inked area: enough lines to tell the script.

    Its edges are moved up to the nearest gap between lines, so that no line is cut in half: a half line
    reads as junk in every model, and Tesseract tries all three models on each junk word, which made the
    detection up to twice as slow.
    """
    ink = (image < 128).sum(axis=1)
    inked = ink > max(3, image.shape[1] // 200)
    rows_inked = np.flatnonzero(inked)
    if rows_inked.size == 0:
        return image
    top, bottom = int(rows_inked[0]), int(rows_inked[-1])
    middle = (top + bottom) // 2
    start = max(top, middle - rows // 2)
    end = min(bottom + 1, start + rows)
    end = _gap_at_or_above(inked, end - 1, start + rows // 2) + 1  # the band's last row is end - 1
    start = _gap_at_or_above(inked, start, top)
    return image[start:end]


def _gap_at_or_above(inked: np.ndarray, row: int, floor: int) -> int:
    """The nearest row at or above `row`, and not above `floor`, with no ink; `row` if there is none."""
    if row >= len(inked) or not inked[row]:
        return row
    gaps = np.flatnonzero(~inked[floor:row])
    return floor + int(gaps[-1]) if gaps.size else row


def detect_script(image: np.ndarray) -> tuple[str | None, Counter[str]]:
    """The page's main script from a fast all-models pass over a band of the page."""
    lines = tesseract.recognize(text_band(image), ALL_LANGS, psm=6)
    counts = script_counts(" ".join(line.text for line in lines if line.conf >= 40))
    return (counts.most_common(1)[0][0] if counts else None), counts


def choose_language(image: np.ndarray, requested: str) -> tuple[str, str | None]:
    """The Tesseract language to run and the script it was chosen for."""
    if requested != "auto":
        first = requested.split("+")[0]
        return requested, LANG_SCRIPT.get(first)
    script, _ = detect_script(image)
    return SCRIPT_LANG.get(script or "Latin", "eng"), script
