"""A corpus of bad inputs: each is reported with the file, the stage and a readable reason; none sinks a batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from scan2text.ingest import discover
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
