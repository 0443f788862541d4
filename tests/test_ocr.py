"""OCR stage with the real Tesseract: script choice, lines and boxes, the second pass on mixed pages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from scan2text.ocr import ocr_page
from scan2text.ocr.script import detect_script, dominant_script, line_sample, text_band
from scan2text.settings import OcrSettings

MONO = "/usr/share/fonts/truetype/freefont/FreeMono.ttf"
ARMENIAN = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

TEXTS = {
    "eng": ["Telegram from the Minister of Foreign Affairs", "Yerevan, May 3, 1920", "The government proposes"],
    "rus": ["Телеграмма министра иностранных дел", "Ереван, 3 мая 1920 г.", "Правительство предлагает"],
    "hye": ["Հեռագիր արտաքին գործերի նախարարից", "Երևան, 1920 թ. մայիսի 3", "Կառավարությունն առաջարկում է"],
}


def render(lines: list[tuple[str, str]], width: int = 1700) -> np.ndarray:
    """Typed lines at ~300 DPI pica size; each line with its own font."""
    img = Image.new("L", (width, 140 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for n, (text, font) in enumerate(lines):
        draw.text((80, 70 + 90 * n), text, font=ImageFont.truetype(font, 46), fill=0)
    return np.asarray(img)


@pytest.mark.integration
@pytest.mark.parametrize("lang", ["eng", "rus", "hye"])
def test_auto_picks_the_model_of_the_page_script(lang):
    font = ARMENIAN if lang == "hye" else MONO
    result = ocr_page(render([(t, font) for t in TEXTS[lang]]), OcrSettings(lang="auto"))
    assert result.language == lang
    read, truth = "\n".join(ln.text for ln in result.lines), "\n".join(TEXTS[lang])
    # a digit 3 read as Cyrillic З, Armenian և as ն: a character or two, not the wrong model's garble
    assert Levenshtein.distance(read, truth) <= 2
    assert all(ln.language == lang for ln in result.lines)


@pytest.mark.integration
@pytest.mark.parametrize(("lang", "hint"), [("rus", "eng"), ("hye", "rus"), ("eng", "hye")])
def test_a_wrong_folder_language_is_caught_and_the_page_read_in_its_own(lang, hint):
    font = ARMENIAN if lang == "hye" else MONO
    image = render([(t, font) for t in TEXTS[lang]])
    result = ocr_page(image, OcrSettings(lang="auto"), hint=hint)
    assert (result.language, result.basis) == (lang, "script detected")
    unhinted = ocr_page(image, OcrSettings(lang="auto"))
    assert [ln.text for ln in result.lines] == [ln.text for ln in unhinted.lines]


@pytest.mark.integration
def test_a_right_folder_language_reads_the_page_as_detection_would():
    image = render([(t, MONO) for t in TEXTS["rus"]])
    hinted = ocr_page(image, OcrSettings(lang="auto"), hint="rus")
    detected = ocr_page(image, OcrSettings(lang="auto"))
    assert hinted.basis == "folder language confirmed" and detected.basis == "script detected"
    assert [ln.text for ln in hinted.lines] == [ln.text for ln in detected.lines]


@pytest.mark.integration
def test_lines_keep_words_boxes_and_confidences():
    image = render([(t, MONO) for t in TEXTS["eng"]])
    result = ocr_page(image, OcrSettings(lang="eng"))
    first = result.lines[0]
    assert [w.text for w in first.words][:2] == ["Telegram", "from"]
    # boxes sit on the ink of the rendered line
    assert 60 <= first.box.y <= 90 and first.box.h < 70
    assert all(0 <= w.conf <= 100 for ln in result.lines for w in ln.words)
    assert result.mean_conf > 80
    assert [ln.id for ln in result.lines] == ["l0001", "l0002", "l0003"]


@pytest.mark.integration
def test_low_confidence_words_are_flagged():
    image = render([(t, MONO) for t in TEXTS["eng"]])
    strict = ocr_page(image, OcrSettings(lang="eng", low_conf=101))
    assert all(w.flagged for ln in strict.lines for w in ln.words)
    lenient = ocr_page(image, OcrSettings(lang="eng", low_conf=0))
    assert not any(w.flagged for ln in lenient.lines for w in ln.words)


@pytest.mark.integration
def test_mixed_page_rereads_the_foreign_line_with_its_own_model():
    lines = [(t, MONO) for t in TEXTS["rus"]] + [("Вторая строка документа", MONO)] + [
        ("Source: Russian State Military Archive, Fund 109", MONO)
    ]
    result = ocr_page(render(lines), OcrSettings(lang="auto"))
    assert result.language == "rus"
    last = result.lines[-1]
    assert last.language == "eng"
    assert last.text == "Source: Russian State Military Archive, Fund 109"
    assert result.second_pass_lines >= 1


@pytest.mark.integration
def test_script_detection_counts_characters():
    assert dominant_script("Фонд 200, опись 1") == "Cyrillic"
    assert dominant_script("Fund 200, ф.") == "Latin"
    assert dominant_script("ֆոնդ 200") == "Armenian"
    script, counts = detect_script(render([(t, ARMENIAN) for t in TEXTS["hye"]]))
    assert script == "Armenian" and counts["Armenian"] > 20


@pytest.mark.unit
def test_stamp_and_scribble_fragments_are_set_aside_but_typed_lines_stay():
    from scan2text.models import Box, Line, Word
    from scan2text.ocr.noise import set_aside_noise

    def line(text: str, conf: float) -> Line:
        words = [Word(text=t, box=Box(x=0, y=0, w=5, h=5), conf=conf) for t in text.split()]
        return Line(id="", text=text, box=Box(x=0, y=0, w=5, h=5), conf=conf, language="eng", words=words)

    typed_faded = line("necessary pipers.", 45.5)  # a faded typed line: real words, low confidence
    stamp = line("LL ue,", 25.0)
    scribble = line("cS - ‘", 15.7)
    confident = line("a p.", 90.0)  # short but read with confidence
    kept, aside = set_aside_noise([typed_faded, stamp, scribble, confident], OcrSettings(noise_conf=50.0))
    assert kept == [typed_faded, confident]
    assert [line.text for line in aside] == [stamp.text, scribble.text]
    # each kept for review with the reason it was taken out of the text
    assert all(line.reason and "stamp, handwriting or specks" in line.reason for line in aside)


@pytest.mark.unit
def test_unsure_notes_in_the_margins_are_cut_from_typed_lines_and_kept_aside():
    from scan2text.models import Box, Line, Word
    from scan2text.ocr.noise import set_aside_noise

    def line(n: int, words: list[tuple[str, int, float]]) -> Line:
        ws = [Word(text=t, box=Box(x=x, y=60 * n, w=28 * len(t), h=30), conf=c) for t, x, c in words]
        return Line(id=f"l{n:04d}", text=" ".join(w.text for w in ws), box=Box.union([w.box for w in ws]),
                    conf=sum(w.conf for w in ws) / len(ws), language="eng", words=ws)

    typed = [("typed", 300, 95.0), ("words", 600, 95.0), ("across", 900, 95.0), ("the", 1300, 95.0),
             ("sheet", 1700, 95.0)]
    body = [line(n, typed) for n in range(6)]  # the typed block: x 300 to 1840
    noted = line(6, [("U", 20, 90.0), ("Steerer", 60, 0.0), ("e", 230, 0.0), *typed, ("a", 1950, 13.0)])
    numbered = line(7, [("No.", 120, 92.0), ("2287", 200, 93.0), *typed])  # confident: typed, if outside
    wordy = line(8, [*typed, ("Atherton", 1960, 55.0)])  # a word, not a scribble, read fairly well
    alone = line(9, [("RA/MM", 40, 56.0)])  # a line of its own in the margin: judged as a whole line
    kept, aside = set_aside_noise([*body, noted, numbered, wordy, alone], OcrSettings(noise_conf=50.0))
    assert kept[:6] == body and kept[7:] == [numbered, wordy, alone]
    assert kept[6].text == "typed words across the sheet" and kept[6].id == "l0006"
    assert [(a.id, a.text) for a in aside] == [("l0006-left", "U Steerer e"), ("l0006-right", "a")]
    # too few confident words to tell where the typed block is: nothing is cut
    assert set_aside_noise([noted, alone], OcrSettings(noise_conf=50.0)) == ([noted, alone], [])
    # the bars are settings: with no bar for margin fragments, or a block needing more words, nothing is cut
    lenient = OcrSettings(noise_conf=50.0, margin_conf=0.0, margin_junk_conf=0.0)
    assert set_aside_noise([*body, noted], lenient) == ([*body, noted], [])
    assert set_aside_noise([*body, noted], OcrSettings(noise_conf=50.0, typed_block_words=100)) == ([*body, noted], [])


@pytest.mark.unit
def test_the_script_band_cuts_between_lines_not_through_them():
    page = render([(TEXTS["eng"][n % 3], MONO) for n in range(12)])
    for rows in (200, 250, 300, 360):
        band = text_band(page, rows)
        assert 0.7 * rows <= band.shape[0] <= rows + 90, rows  # at most a line taken off, or added at the top
        ink_per_row = (band < 128).sum(axis=1)
        assert ink_per_row[0] <= 8 and ink_per_row[-1] <= 8, rows  # its first and last rows lie in line gaps


@pytest.mark.integration
def test_the_first_look_at_the_script_reads_typed_lines_and_leaves_a_stamp_out():
    page = render([(TEXTS["hye"][n % 3], ARMENIAN) for n in range(9)]).copy()
    page[380:680, 100:400] = 0  # a solid stamp over the middle lines, where the sample is taken from
    sample = line_sample(page)
    assert sample is not None
    text_width = np.flatnonzero((page < 128).any(axis=0))
    assert abs(sample.shape[1] - 0.4 * (text_width[-1] + 1 - text_width[0])) <= 1
    assert sample.shape[0] < 5 * 90  # four lines and the gaps between them: with the stamp it would be taller
    assert ((sample < 128).mean(axis=1) < 0.7).all(), "no row of the stamp (dark over 80% of the width)"
    script, counts = detect_script(page)
    assert script == "Armenian" and counts["Armenian"] >= 20


@pytest.mark.unit
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60), st.integers(1, 80), st.lists(st.tuples(st.integers(0, 59), st.integers(1, 20)), max_size=8),
       st.integers(0, 2**32 - 1))
def test_the_line_sample_of_any_page_is_a_strip_of_it_or_nothing(height, width, bands, seed):
    """Any page, however small or odd, gives a sample narrower than the page, or None: never an error."""
    rng = np.random.default_rng(seed)
    page = np.full((height, width), 255, dtype=np.uint8)
    for top, rows in bands:  # rows of random ink, some of them lines
        page[top : top + rows] = np.where(rng.random((len(page[top : top + rows]), width)) < 0.3, 0, 255)
    sample = line_sample(page)
    if sample is None:
        return
    assert sample.ndim == 2 and sample.dtype == np.uint8 and sample.size > 0
    assert sample.shape[1] <= width
