"""OCR engines: tesserocr (models kept loaded) reads exactly what the default pytesseract engine reads."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from typer.testing import CliRunner

from scan2text.cli import app
from scan2text.errors import OcrError
from scan2text.ingest import discover
from scan2text.models import Line
from scan2text.ocr import tesseract
from scan2text.ocr.engines import ENGINE_ENV, Engine, EngineUnavailableError, PytesseractEngine, TesserocrEngine
from scan2text.pipeline.batch import run_pages
from scan2text.pipeline.page import cache_key
from scan2text.settings import Settings

MONO = "/usr/share/fonts/truetype/freefont/FreeMono.ttf"
PAGE = [
    "Telegram from the Minister of Foreign Affairs",
    "Yerevan,   May 3, 1920.   No. 2800",
    "Телеграмма министра иностранных дел",
    "The government proposes to open talks",
]


def render(lines: list[str], size: int = 40) -> np.ndarray:
    img = Image.new("L", (1300, 100 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for n, text in enumerate(lines):
        draw.text((60, 50 + 70 * n), text, font=ImageFont.truetype(MONO, size), fill=0)
    return np.asarray(img)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return render(PAGE)


@pytest.fixture(scope="module")
def engines() -> dict[str, Engine]:
    return {"pytesseract": PytesseractEngine(), "tesserocr": TesserocrEngine()}


@pytest.fixture
def restore_engine() -> Iterator[None]:
    before = tesseract._engine
    yield
    tesseract._engine = before


def read(engine: Engine, image: np.ndarray, lang: str, psm: int) -> list[Line]:
    return tesseract.lines_from_tsv(engine.words(image, lang, psm, 1), lang)


def assert_same_reading(a: list[Line], b: list[Line], px: int = 2) -> None:
    assert [ln.text for ln in a] == [ln.text for ln in b]
    for la, lb in zip(a, b, strict=True):
        assert [w.text for w in la.words] == [w.text for w in lb.words]
        for wa, wb in zip(la.words, lb.words, strict=True):
            da = np.array([wa.box.x, wa.box.y, wa.box.w, wa.box.h])
            db = np.array([wb.box.x, wb.box.y, wb.box.w, wb.box.h])
            assert np.abs(da - db).max() <= px, (wa, wb)
            assert abs(wa.conf - wb.conf) <= 1.0, (wa, wb)


@pytest.mark.integration
@pytest.mark.parametrize(("lang", "psm"), [("eng+rus", 4), ("eng", 6)])
def test_both_engines_read_the_same_lines_words_and_boxes(page, engines, lang, psm):
    ours = read(engines["pytesseract"], page, lang, psm)
    theirs = read(engines["tesserocr"], page, lang, psm)
    assert len(ours) == len(PAGE)
    assert ours[0].text == PAGE[0]  # a real reading, not two agreeing empty results
    assert_same_reading(ours, theirs)


def read_with_geometry(engine: Engine, image: np.ndarray, lang: str) -> list[Line]:
    return tesseract.lines_from_tsv(engine.words(image, lang, 4, 1, geometry=True), lang)


@pytest.mark.integration
def test_both_engines_keep_tesseracts_line_geometry_from_the_same_reading(page, engines):
    # turned 1.5° counter-clockwise: every line rises to the right, as on a scan put on the glass askew
    tilted = np.asarray(Image.fromarray(page).rotate(1.5, expand=True, fillcolor=255))
    for image in (page, tilted):
        ours = read_with_geometry(engines["pytesseract"], image, "eng+rus")
        theirs = read_with_geometry(engines["tesserocr"], image, "eng+rus")
        assert_same_reading(ours, theirs)
        assert [ln.text for ln in ours] == [ln.text for ln in read(engines["pytesseract"], image, "eng+rus", 4)]
        geometry = [(ln.baseline, ln.x_size, ln.x_height, ln.x_descenders, ln.block) for ln in ours]
        assert geometry == [(ln.baseline, ln.x_size, ln.x_height, ln.x_descenders, ln.block) for ln in theirs]
        for line in ours:
            assert line.baseline is not None and line.block is not None
            x1, y1, x2, y2 = line.baseline
            assert (x1, x2) == (line.box.x, line.box.x2)
            assert line.box.y < min(y1, y2) and max(y1, y2) <= line.box.y2 + 1  # on the line, below its tops
            assert 0 < line.x_height < line.x_size
            slope = (y2 - y1) / (x2 - x1)
            if image is tilted:
                assert slope == pytest.approx(-np.tan(np.radians(1.5)), abs=0.006)
            else:
                assert abs(slope) < 0.004
    assert ours[0].x_size == pytest.approx(40, rel=0.35)  # the type is 40 px from ascenders to descenders


@pytest.mark.integration
def test_blank_page_reads_as_nothing(engines):
    blank = np.full((200, 400), 255, dtype=np.uint8)
    for engine in engines.values():
        assert read(engine, blank, "eng", 4) == []


@pytest.mark.integration
def test_threads_each_get_their_own_api_and_read_like_one_thread(page, engines):
    engine = engines["tesserocr"]
    other = render(PAGE[::-1])
    serial = [read(engine, image, "eng+rus", 4) for image in (page, other)]
    with ThreadPoolExecutor(2) as pool:
        parallel = list(pool.map(lambda image: read(engine, image, "eng+rus", 4), [page, other, page, other]))
    for got, want in zip(parallel, serial * 2, strict=True):
        assert got == want


@pytest.mark.integration
def test_environment_picks_the_engine_and_recognize_uses_it(page, monkeypatch, restore_engine):
    monkeypatch.setenv(ENGINE_ENV, "tesserocr")
    tesseract._engine = None
    assert tesseract.current_engine().name == "tesserocr"
    lines = tesseract.recognize(page, "eng+rus")
    assert lines[0].text == PAGE[0]
    assert tesseract.version() == PytesseractEngine().version()  # same Tesseract build as the command
    assert tesseract.use_engine("pytesseract").name == "pytesseract"
    assert tesseract.recognize(page, "eng+rus") == lines


@pytest.mark.unit
def test_unknown_engine_is_refused_by_name(restore_engine):
    with pytest.raises(EngineUnavailableError, match=r"'tesserac'.*pytesseract, tesserocr"):
        tesseract.use_engine("tesserac")


@pytest.mark.unit
def test_missing_tesserocr_names_the_extra_to_install(monkeypatch, restore_engine):
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # what `import tesserocr` sees when it is not installed
    with pytest.raises(EngineUnavailableError, match=r"pip install scan2text\[tesserocr\]"):
        tesseract.use_engine("tesserocr")


@pytest.mark.integration
def test_a_run_reads_with_the_engine_its_settings_name(samples_dir, tmp_path, monkeypatch, restore_engine):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    tesseract._engine = None
    source = next(s for s in discover(samples_dir / "eng") if s.id.endswith("0214"))
    texts = {}
    for name in ("tesserocr", "pytesseract"):
        settings = Settings.model_validate({"ocr": {"lang": "eng", "engine": name}})
        (outcome,) = run_pages([source], tmp_path / name, settings, [None])
        assert outcome.error is None, outcome.error
        assert tesseract.current_engine().name == name
        texts[name] = outcome.page.text
    assert "Yerevan" in texts["tesserocr"]  # a real reading, not two agreeing empty ones
    assert texts["tesserocr"] == texts["pytesseract"]


@pytest.mark.unit
def test_changing_the_engine_keeps_finished_pages_finished():
    # Both engines read the same words, so a page read by one is not read again by the other.
    assert cache_key("ab" * 32, 0, Settings.model_validate({"ocr": {"engine": "tesserocr"}})) == cache_key(
        "ab" * 32, 0, Settings()
    )
    assert cache_key("ab" * 32, 0, Settings.model_validate({"ocr": {"psm": 6}})) != cache_key("ab" * 32, 0, Settings())


@pytest.mark.unit
def test_the_cli_refuses_an_engine_that_cannot_run_before_reading_anything(
    samples_dir, tmp_path, monkeypatch, restore_engine
):
    monkeypatch.setitem(sys.modules, "tesserocr", None)
    result = CliRunner().invoke(app, ["run", str(samples_dir / "eng"), "--out", str(tmp_path / "out"),
                                      "--engine", "tesserocr", "--quiet"])
    assert result.exit_code == 2
    assert "pip install scan2text[tesserocr]" in result.output
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(app, ["run", str(samples_dir / "eng"), "--engine", "tesserac", "--quiet"])
    assert result.exit_code == 2
    assert "'pytesseract' or 'tesserocr'" in result.output


@pytest.mark.integration
@pytest.mark.parametrize("name", ["pytesseract", "tesserocr"])
def test_a_reading_over_the_time_limit_fails_in_either_engine_and_the_next_one_reads(name: str) -> None:
    engine = {"pytesseract": PytesseractEngine, "tesserocr": TesserocrEngine}[name]()
    long_page = render(PAGE * 3)
    engine.timeout = 0.001
    with pytest.raises(OcrError, match=r"no answer within 0.001 s \(eng\)"):
        engine.words(long_page, "eng", 4, 1)
    engine.timeout = 300.0
    assert read(engine, long_page, "eng", 4)[0].text == PAGE[0]
