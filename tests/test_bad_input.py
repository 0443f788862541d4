"""A corpus of bad inputs: each is reported with the file, the stage and a readable reason; none sinks a batch."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from scan2text.ingest import discover
from scan2text.ocr.engines import private_temp_dir
from scan2text.pipeline.batch import run_page
from scan2text.settings import Settings

MONO = "/usr/share/fonts/truetype/freefont/FreeMono.ttf"
LINES = ["Telegram from the Minister of Foreign Affairs", "of Armenia to the Government of the RSFSR",
         "Yerevan, May 3, 1920", "In light of the recent declaration of a Soviet", "government in Azerbaijan we report"]


def typed_page(lines: list[str] = LINES) -> Image.Image:
    img = Image.new("L", (1700, 200 + 80 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for n, text in enumerate(lines):
        draw.text((120, 100 + 80 * n), text, font=ImageFont.truetype(MONO, 42), fill=0)
    return img


def _encrypted_pdf(path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.save(path, encryption=pikepdf.Encryption(owner="archive", user="secret"))


def _textless_pdf(path: Path) -> None:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.save(path)


def _symlink_to_nowhere(path: Path) -> None:
    path.symlink_to(path.parent / "gone.png")


def _corrupt_jpeg_bytes() -> bytes:
    """A typed page as JPEG whose scan data ends a third of the way early (a marker where data should be, as a
    flipped bit or a short write leaves it): PIL, OpenCV and PDFium all show a whole page, its lower part grey."""
    buffer = io.BytesIO()
    typed_page().save(buffer, "JPEG", quality=90)
    data = bytearray(buffer.getvalue())
    data[len(data) * 2 // 3 : len(data) * 2 // 3 + 2] = b"\xff\xd9"
    return bytes(data)


def _partly_corrupt_pdf(path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(408, 312))
    image = pikepdf.Stream(pdf, _corrupt_jpeg_bytes(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=1700, Height=600, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
                           Filter=pikepdf.Name.DCTDecode)
    _place(pdf, image)
    pdf.save(path)


def _cut_short_flate_pdf(path: Path) -> None:
    pixels = np.asarray(typed_page(), dtype=np.uint8)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(408, 312))
    data = zlib.compress(pixels.tobytes())
    image = pikepdf.Stream(pdf, data[: len(data) * 2 // 3], Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Image, Width=pixels.shape[1], Height=pixels.shape[0],
                           ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode)
    _place(pdf, image)
    pdf.save(path)


def _place(pdf: pikepdf.Pdf, image: pikepdf.Stream) -> None:
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(b"q 408 0 0 312 0 0 cm /Im0 Do Q")


def _truncated_png(path: Path) -> None:
    typed_page().save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


CORPUS = {
    "zero-byte.png": (lambda p: p.write_bytes(b""), "ingest", "empty"),
    "not-an-image.jpg": (lambda p: p.write_text("Fund 200, Inventory 1"), "ingest", "not an image"),
    "truncated.png": (_truncated_png, "ingest", "truncated"),
    "encrypted.pdf": (_encrypted_pdf, "ingest", "encrypted"),
    "text-only.pdf": (_textless_pdf, "ingest", "no scanned image"),
    "dangling.png": (_symlink_to_nowhere, "ingest", "not found"),
    "blank.png": (lambda p: Image.new("L", (1200, 1600), 250).save(p), "ocr", "blank"),
    "corrupt-scan-data.jpg": (lambda p: p.write_bytes(_corrupt_jpeg_bytes()), "ingest", "only part of the page"),
    "corrupt-scan-data.pdf": (_partly_corrupt_pdf, "ingest", "only part of the page"),
    "cut-short-scan.pdf": (_cut_short_flate_pdf, "ingest", "cut short"),
}


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_is_reported_with_stage_and_reason(tmp_path, name):
    make, stage, reason = CORPUS[name]
    target = tmp_path / "in" / name
    target.parent.mkdir()
    make(target)
    (source,) = discover(tmp_path / "in")
    outcome = run_page(source, tmp_path / "out", Settings())
    assert outcome.page is None
    assert outcome.error is not None
    assert outcome.error.file == str(target)
    assert outcome.error.stage == stage
    assert reason in outcome.error.reason


@pytest.mark.integration
def test_wrong_language_keeps_the_text_but_flags_the_page(tmp_path):
    typed_page().save(tmp_path / "english.png")
    (source,) = discover(tmp_path)
    outcome = run_page(source, tmp_path / "out", Settings.model_validate({"ocr": {"lang": "hye"}}))
    assert outcome.page is not None and outcome.page.lines
    assert outcome.error is not None and outcome.error.stage == "ocr"
    assert "looks Latin" in outcome.error.reason and "--lang eng" in outcome.error.reason


@pytest.mark.integration
def test_good_page_beside_the_corpus_still_reads(tmp_path):
    typed_page().save(tmp_path / "good.png")
    (source,) = discover(tmp_path)
    outcome = run_page(source, tmp_path / "out", Settings())
    assert outcome.error is None
    assert "Telegram" in outcome.page.text
    assert np.asarray(Image.open(tmp_path / "out" / "pages" / "good.clean.png")).ndim == 2


@pytest.mark.integration
@pytest.mark.parametrize("bits", [16, 12])
def test_a_16_bit_grey_tiff_is_read_by_its_real_range(tmp_path, bits):
    # An archival master: 16-bit grey, the scanner's 12 bits or all 16 in use; ink is dark grey, not black.
    tones = 0.1 + 0.8 * np.asarray(typed_page(), dtype=np.float64) / 255
    pixels = (tones * (2**bits - 1)).astype(np.uint16)
    Image.fromarray(pixels).save(tmp_path / "master.tif")
    (source,) = discover(tmp_path)
    outcome = run_page(source, tmp_path / "out", Settings())
    assert outcome.error is None, outcome.error
    assert "Telegram" in outcome.page.text


@pytest.mark.integration
def test_a_float_tiff_is_read_as_fractions_of_white(tmp_path):
    Image.fromarray(np.asarray(typed_page(), dtype=np.float32) / 255).save(tmp_path / "float.tif")
    (source,) = discover(tmp_path)
    outcome = run_page(source, tmp_path / "out", Settings())
    assert outcome.error is None, outcome.error
    assert "Telegram" in outcome.page.text



@pytest.mark.integration
def test_a_reading_over_its_time_limit_fails_the_page_and_leaves_no_files(tmp_path):
    typed_page().save(tmp_path / "page.png")
    (source,) = discover(tmp_path / "page.png")
    outcome = run_page(source, tmp_path / "out", Settings.model_validate({"ocr": {"lang": "eng", "timeout": 0.05}}))
    assert outcome.page is None
    assert outcome.error.stage == "ocr" and "no answer within 0.05 s" in outcome.error.reason
    assert not list(Path(private_temp_dir()).iterdir())  # pytesseract's hand-off files went with the reading
    assert run_page(source, tmp_path / "out", Settings.model_validate({"ocr": {"lang": "eng"}})).error is None
