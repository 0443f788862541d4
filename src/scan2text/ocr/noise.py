"""Lines that are not typescript: stamps, handwriting, specks and blots that Tesseract reads as junk.

Real scans carry a received-stamp, a signature, notes in the margin. Tesseract reads each as a line of
one- and two-letter fragments at low confidence ("LL ue,", "cS - '", "G}"), which would land in the text
and the records. A line is set aside when Tesseract is unsure of it and most of its words are not words
(fewer than half have three letters). Faded or damaged typed lines keep their words and stay: on the
project's hard pages no typed line is set aside. Set-aside lines stay in the page JSON for review.
"""

from __future__ import annotations

from scan2text.models import Line


def looks_like_noise(line: Line, max_conf: float) -> bool:
    if line.conf >= max_conf or not line.words:
        return False
    wordlike = sum(1 for w in line.words if sum(ch.isalpha() for ch in w.text) >= 3)
    return wordlike * 2 < len(line.words)


def set_aside_noise(lines: list[Line], max_conf: float) -> tuple[list[Line], list[Line]]:
    """(lines kept, lines set aside as stamps, handwriting or specks)."""
    kept: list[Line] = []
    aside: list[Line] = []
    for line in lines:
        (aside if looks_like_noise(line, max_conf) else kept).append(line)
    return kept, aside
