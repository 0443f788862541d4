"""Lines that are not typescript: stamps, handwriting, specks and blots that Tesseract reads as junk.

Real scans carry a received-stamp, a signature, notes in the margin. Tesseract reads each as a line of
one- and two-letter fragments at low confidence ("LL ue,", "cS - ‘"), which would land in the text
and the records. A line is set aside when Tesseract is unsure of it and most of its words are not words
(fewer than half have three letters). Faded or damaged typed lines keep their words and stay: on the
project's hard pages no typed line is set aside. Set-aside lines stay in the page JSON for review.

A note in the margin level with a typed line is read as the start or end of that line ("U Steerer e (gues
in the name of…", "…telegram of March a"). Such a fragment lies wholly outside the typed block, so it is
cut off and set aside too, where Tesseract is unsure of it.
"""

from __future__ import annotations

from statistics import median

import numpy as np

from scan2text.models import Line, Word
from scan2text.settings import OcrSettings

NOISE = "unsure, and mostly fragments of words: a stamp, handwriting or specks"
MARGIN = "unsure fragment in the margin beside a typed line: a note, a stamp or specks"
# Lines as the main reading found them, set aside or not (re-read lines carry reasons of their own).
MAIN_READING = (None, NOISE, MARGIN)

# The bars for whole lines and margin fragments are OcrSettings.noise_conf, margin_conf, margin_junk_conf and
# typed_block_words, with the measurements behind them in their descriptions.


def _wordlike(word: Word) -> bool:
    return sum(ch.isalpha() for ch in word.text) >= 3


def looks_like_noise(line: Line, max_conf: float) -> bool:
    if line.conf >= max_conf or not line.words:
        return False
    wordlike = sum(1 for w in line.words if _wordlike(w))
    return wordlike * 2 < len(line.words)


def set_aside_noise(lines: list[Line], settings: OcrSettings) -> tuple[list[Line], list[Line]]:
    """(lines kept, lines and margin fragments set aside as stamps, handwriting or specks)."""
    max_conf = settings.noise_conf
    kept: list[Line] = []
    aside: list[Line] = []
    for line in lines:
        if looks_like_noise(line, max_conf):
            aside.append(line.model_copy(update={"reason": NOISE}))
        else:
            kept.append(line)
    # Whole lines first: a junk line cut short by its margin could pass for a typed one.
    kept, fragments = cut_margin_fragments(kept, settings)
    return kept, aside + fragments


def typed_block(lines: list[Line], min_words: int) -> tuple[float, float, float] | None:
    """(left, right, word height) of the typed block, from the words read with confidence; None if too few."""
    sure = [w for line in lines for w in line.words if w.conf >= 80 and _wordlike(w)]
    if len(sure) < min_words:
        return None
    # Percentiles, not extremes: a few confident words in a margin do not move the block's edges.
    left = float(np.percentile([w.box.x for w in sure], 2))
    right = float(np.percentile([w.box.x + w.box.w for w in sure], 98))
    return left, right, median(w.box.h for w in sure)


def cut_margin_fragments(lines: list[Line], settings: OcrSettings) -> tuple[list[Line], list[Line]]:
    """(lines without their unsure margin fragments, the fragments as lines of their own)."""
    block = typed_block(lines, settings.typed_block_words)
    if block is None:
        return lines, []
    left, right, height = block
    kept: list[Line] = []
    fragments: list[Line] = []
    for line in lines:
        words = line.words
        start = 0
        while start < len(words) and words[start].box.x + words[start].box.w < left - height:
            start += 1
        end = len(words)
        while end > start and words[end - 1].box.x > right + height:
            end -= 1
        lead, body, trail = words[:start], words[start:end], words[end:]
        if not body:  # a line wholly in a margin (a heading, a note on its own): judged whole, as before
            kept.append(line)
            continue
        for side, part in (("left", lead), ("right", trail)):
            fragment = Line.of_words(part, line.language, f"{line.id}-{side}") if part else None
            if fragment and (fragment.conf < settings.margin_junk_conf
                             or looks_like_noise(fragment, settings.margin_conf)):
                fragments.append(fragment.model_copy(update={"reason": MARGIN}))
            else:
                body = [*part, *body] if side == "left" else [*body, *part]
        kept.append(line if len(body) == len(words) else Line.of_words(body, line.language, line.id))
    return kept, fragments

