"""Short lines read again on their own ink: a typed page number at the head of a page, as real pages showed it
(five of ten real English pages had theirs read as 'eS', 'ils' or 'Bee')."""

from __future__ import annotations

import numpy as np
import pytest
from test_preprocess import ENG

from scan2text.models import Box, Line, Word
from scan2text.ocr import ocr_page
from scan2text.ocr.orientation import decide_up_down
from scan2text.ocr.short_lines import reread_short_lines
from scan2text.preprocess import preprocess
from scan2text.settings import OcrSettings, PreprocessSettings
from scan2text_tools.samplegen.render import render_page

# (page number as typed, seed of the ink and paper grain): each of these reads as junk in the main reading
NUMBERED = [("- 2 -", 1), ("-3-", 1), ("-12-", 2)]


def numbered_page(number: str, seed: int) -> np.ndarray:
    """A 100 DPI typed continuation page, its number centred above the text, on grey grainy paper."""
    page = render_page([" " * 28 + number, "", *ENG[:4]], "eng", dpi=100, seed=seed, top_in=0.5, left_in=0.7,
                       height_in=3.0)
    grain = np.random.default_rng(seed).normal(0, 14, page.shape)
    return np.clip(page.astype(np.float32) - 40 + grain, 0, 255).astype(np.uint8)


def read(page: np.ndarray, **ocr: object):
    cleaned, _ = preprocess(page, PreprocessSettings(), "eng", read_up_down=decide_up_down)
    return ocr_page(cleaned, OcrSettings(lang="eng", **ocr))


@pytest.mark.integration
@pytest.mark.parametrize(("number", "seed"), NUMBERED)
def test_a_page_number_is_read_as_typed(number: str, seed: int) -> None:
    result = read(numbered_page(number, seed))
    assert result.lines[0].text == number
    assert result.lines[0].reason and "short line" in result.lines[0].reason
    # the typed lines below it are read as before
    assert [line.text for line in result.lines[1:3]] == ENG[:2]


@pytest.mark.integration
def test_without_reading_short_lines_again_the_page_numbers_are_lost() -> None:
    # the fault the step exists for, on the same pages: if this starts to pass, the fixture no longer shows it
    for number, seed in NUMBERED:
        result = read(numbered_page(number, seed), short_line_width=0)
        assert all(line.text != number for line in result.lines), number


@pytest.mark.integration
def test_a_short_line_read_surely_or_on_no_better_evidence_is_left_as_it_was() -> None:
    page = numbered_page("- 2 -", 1)
    cleaned, _ = preprocess(page, PreprocessSettings(), "eng", read_up_down=decide_up_down)
    first = ocr_page(cleaned, OcrSettings(lang="eng")).lines[1]
    # a typed line read surely is no candidate, however short
    sure = Line.of_words([Word(text="Sir:", box=first.words[0].box, conf=93)], "eng", "l0099")
    assert reread_short_lines(cleaned, [first, sure], [], "eng", OcrSettings()) == ([first, sure], [], 0)
    # a blank patch of paper read as a letter has no ink to read again: it stays as it was, to be judged as before
    blank = Line.of_words([Word(text="e", box=Box(x=5, y=cleaned.shape[0] - 30, w=12, h=14), conf=20)], "eng", "l9")
    assert reread_short_lines(cleaned, [first], [blank], "eng", OcrSettings()) == ([first], [blank], 0)
