"""A row of uncovered ink that the block re-reading left mostly unread is read again as a single line.

On the real Armenian print strip (Haratch, 1925) the block reading of its last line, slanted print cut at the
strip's foot, came back as the one letter «ե»; read as a line, it reads whole."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein
from test_preprocess import HYE

from scan2text.models import Box, Line, Word
from scan2text.ocr.coverage import retry_single_rows
from scan2text.settings import OcrSettings


def italic_lines(lines: list[str], size: int = 44) -> tuple[np.ndarray, list[Box]]:
    """Armenian italic print on greyish paper, and the ink box of each line."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf", size)
    pitch = int(size * 1.4)
    canvas = Image.new("L", (size * 30, pitch * len(lines) + size), 235)
    draw = ImageDraw.Draw(canvas)
    boxes = []
    for n, text in enumerate(lines):
        x0, y0, x1, y1 = draw.textbbox((size // 2, size // 2 + n * pitch), text, font=font)
        draw.text((size // 2, size // 2 + n * pitch), text, font=font, fill=40)
        boxes.append(Box(x=x0, y=y0, w=x1 - x0, h=y1 - y0))
    return np.array(canvas), boxes


@pytest.mark.integration
def test_a_row_read_as_one_letter_is_read_again_as_a_line() -> None:
    image, boxes = italic_lines(HYE[:1])
    row = boxes[0]
    letter = Line.of_words([Word(text="ե", box=Box(x=row.x + 200, y=row.y, w=30, h=row.h), conf=79)], "hye")
    lh = float(row.h)
    (_, line), = retry_single_rows(image, [(row, letter)], lh, "hye", OcrSettings())
    assert line is not None and Levenshtein.normalized_distance(line.text, HYE[0]) < 0.15, line
    # within the page, where the row was
    assert line.box.y >= row.y - lh and line.box.y2 <= row.y2 + lh
    # the budget is a setting: with none, the first reading stays
    assert retry_single_rows(image, [(row, letter)], lh, "hye", OcrSettings(row_retries=0)) == [(row, letter)]


@pytest.mark.integration
def test_rows_read_well_or_of_two_lines_are_not_read_again() -> None:
    image, boxes = italic_lines(HYE[:2])
    first, second = boxes
    read = Line.of_words([Word(text="x", box=first, conf=90)], "hye")  # a reading across the row's width
    assert retry_single_rows(image, [(first, read)], float(first.h), "hye", OcrSettings()) == [(first, read)]
    # a row holding two lines is no single line: reading it as one would run them together
    both = Box.union([first, second])
    assert retry_single_rows(image, [(both, None)], float(first.h), "hye", OcrSettings()) == [(both, None)]
