"""Exports: PAGE-XML and ALTO validate against the official schemas, coordinates are in the original
image, corrections are applied in every format, and the CSV opens in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pypdfium2
import pytest
from lxml import etree
from PIL import Image
from test_store import PAGE, make_out_dir, make_page, make_record
from typer.testing import CliRunner

from scan2text.cli import app
from scan2text.export import ExportError, export, export_pdf
from scan2text.models import CitedSource, PreprocessReport
from scan2text.store.run_folder import NotARunFolder, RunFolder

pytestmark = pytest.mark.unit

SCHEMAS = Path(__file__).parent / "data" / "schemas"
PAGE_NS = {"pc": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}
ALTO_NS = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}


class _LocalXlink(etree.Resolver):
    """ALTO imports xlink.xsd from the web; use the copy beside it (no network in tests or archives)."""

    def resolve(self, url: str, pubid: str | None, context: object) -> object:
        if url.endswith("xlink.xsd"):
            return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
        return None


@pytest.fixture(scope="module")
def alto_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXlink())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "alto-4-4.xsd"), parser))


@pytest.fixture(scope="module")
def page_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "page-2019-07-15.xsd")))


def _skewed(page_id: str) -> object:
    """A page deskewed by 2° and cropped: boxes map back to a rotated quad in the original."""
    page = make_page(page_id, texts=["Telegram from <Yerevan> & \"Tiflis\"", "No. 2800 — May 6, 1920"],
                     language="eng")
    a = math.radians(2.0)
    page.preprocessing = PreprocessReport(
        steps=["deskew", "crop"], skew_angle=2.0,
        to_original=[[math.cos(a), -math.sin(a), 40.0], [math.sin(a), math.cos(a), 12.0]],
    )
    return page


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export")
    pages = [
        make_page(PAGE, scale=1.5, offset=(20, 10)),
        make_page("hye/0007", texts=["ՀԵՌԱԳԻՐ ՀԱՅԱՍՏԱՆԻ", "Երևան, 1920 թ. մայիսի 3"], language="hye"),
        _skewed("eng/0001#p2"),
        make_page("blank/0001", texts=[]),
    ]
    two_sources = make_record("doc-2", pages=["hye/0007"], date="1920-05-06/1920-05-07")
    two_sources.cited_source.append(CitedSource(archive="ՀԱԱ", fund="195", sheets="8 reverse", verso=True,
                                                text="ՀԱԱ, ֆ. 195, ց. 1, գ. 2, թ. 8 շրջ.։"))
    two_sources.text = "first paragraph\nsecond, \"quoted\" paragraph"
    out = make_out_dir(root, pages=pages, records=[make_record("doc-1"), two_sources])
    with RunFolder(out).open_store() as store:
        store.correct_line(PAGE, "l0001", "Ереван, 5 мая 1920 г.", "ann", 0)
        store.correct_field("doc-1", "date", "1920-05-05", "ann", 0)
    return out


@pytest.fixture(scope="module")
def exported(out_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    to = tmp_path_factory.mktemp("exported")
    return {fmt: export(out_dir, fmt, to / fmt) for fmt in ["page", "alto", "hocr", "txt", "jsonl", "csv"]}


def _by_page(paths: list[Path], name: str) -> Path:
    return next(p for p in paths if p.name.startswith(name))


def test_page_xml_validates_against_the_2019_schema(exported: dict[str, list[Path]], page_schema) -> None:
    assert len(exported["page"]) == 4
    for path in exported["page"]:
        doc = etree.parse(str(path))
        assert page_schema.validate(doc), f"{path.name}: {page_schema.error_log}"


def test_alto_validates_against_the_4_4_schema(exported: dict[str, list[Path]], alto_schema) -> None:
    assert len(exported["alto"]) == 4
    for path in exported["alto"]:
        doc = etree.parse(str(path))
        assert alto_schema.validate(doc), f"{path.name}: {alto_schema.error_log}"


def test_schema_check_would_catch_a_broken_export(exported: dict[str, list[Path]], page_schema, alto_schema) -> None:
    page = etree.parse(str(_by_page(exported["page"], "0213")))
    page.find(".//pc:TextLine/pc:Coords", PAGE_NS).set("points", "-5,3 7,8")
    assert not page_schema.validate(page)
    alto = etree.parse(str(_by_page(exported["alto"], "0213")))
    alto.find(".//a:String", ALTO_NS).attrib.pop("CONTENT")
    assert not alto_schema.validate(alto)


def test_coordinates_are_in_the_original_image(exported: dict[str, list[Path]]) -> None:
    # make_page put line 1 of PAGE at x=30, y=90, 500x30 in the original; the cleaned image was scaled 1.5x.
    page = etree.parse(str(_by_page(exported["page"], "0213")))
    line = page.find(".//pc:TextLine[@id='l0001']/pc:Coords", PAGE_NS)
    assert line.get("points") == "30,90 530,90 530,120 30,120"
    assert page.find("pc:Page", PAGE_NS).get("imageWidth") == "600"
    alto = etree.parse(str(_by_page(exported["alto"], "0213")))
    alto_line = alto.findall(".//a:TextLine", ALTO_NS)[1]
    assert [alto_line.get(k) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")] == ["30", "90", "500", "30"]
    hocr = _by_page(exported["hocr"], "0213").read_text()
    assert 'title="bbox 30 90 530 120; x_wconf 100"' in hocr


def test_a_deskewed_page_exports_rotated_outlines(exported: dict[str, list[Path]]) -> None:
    page = etree.parse(str(_by_page(exported["page"], "0001_p2")))
    points = page.find(".//pc:TextLine/pc:Coords", PAGE_NS).get("points").split()
    xs = {p.split(",")[0] for p in points}
    assert len(points) == 4 and len(xs) == 4  # a rotated quad, not an axis-aligned box


def test_corrections_are_in_every_format(exported: dict[str, list[Path]]) -> None:
    fixed = "Ереван, 5 мая 1920 г."
    page = etree.parse(str(_by_page(exported["page"], "0213")))
    assert page.find(".//pc:TextLine[@id='l0001']/pc:TextEquiv/pc:Unicode", PAGE_NS).text == fixed
    words = page.findall(".//pc:TextLine[@id='l0001']/pc:Word//pc:Unicode", PAGE_NS)
    assert " ".join(w.text for w in words) == fixed
    alto = etree.parse(str(_by_page(exported["alto"], "0213")))
    strings = alto.findall(".//a:TextLine", ALTO_NS)[1].findall("a:String", ALTO_NS)
    assert " ".join(s.get("CONTENT") for s in strings) == fixed
    assert fixed.split()[1] in _by_page(exported["hocr"], "0213").read_text()
    assert _by_page(exported["txt"], "0213").read_text().splitlines()[1] == fixed
    records = [json.loads(line) for line in exported["jsonl"][0].read_text().splitlines()]
    assert records[0]["date"] == "1920-05-05"


def test_markup_characters_and_scripts_survive(exported: dict[str, list[Path]]) -> None:
    page = etree.parse(str(_by_page(exported["page"], "0001_p2")))
    assert page.find(".//pc:TextLine/pc:TextEquiv/pc:Unicode", PAGE_NS).text == (
        "Telegram from <Yerevan> & \"Tiflis\"")
    hye = etree.parse(str(_by_page(exported["alto"], "0007")))
    assert hye.find(".//a:String", ALTO_NS).get("CONTENT") == "ՀԵՌԱԳԻՐ"
    assert hye.find(".//a:TextBlock", ALTO_NS).get("LANG") == "hy"
    hocr = etree.parse(str(_by_page(exported["hocr"], "0001_p2")))  # well-formed XHTML
    assert hocr.getroot().get("lang") == "en"


def test_csv_opens_in_a_spreadsheet(exported: dict[str, list[Path]]) -> None:
    raw = exported["csv"][0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == ["doc-1", "doc-2"]
    assert rows[0]["date"] == "1920-05-05"
    assert rows[0]["source1_archive"] == "ЦГИА РА" and rows[0]["source2_archive"] == ""
    second = (rows[1]["source2_archive"], rows[1]["source2_sheets"], rows[1]["source2_verso"])
    assert second == ("ՀԱԱ", "8 reverse", "yes")
    assert rows[1]["text"] == "first paragraph\nsecond, \"quoted\" paragraph"
    assert rows[1]["pages"] == "hye/0007"


def test_blank_page_still_exports(exported: dict[str, list[Path]]) -> None:
    assert next(p for p in exported["txt"] if "blank" in str(p)).read_text().strip() == ""
    blank = etree.parse(str(next(p for p in exported["page"] if "blank" in str(p))))
    assert blank.find(".//pc:TextRegion", PAGE_NS) is None


def test_unknown_format_and_missing_store_are_refused(out_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format 'docx'"):
        export(out_dir, "docx", tmp_path)
    with pytest.raises(NotARunFolder, match=r"no scan2text\.sqlite"):
        export(tmp_path, "page", tmp_path / "x")


def test_control_characters_in_a_correction_never_reach_the_xml(tmp_path: Path, page_schema, alto_schema) -> None:
    out = make_out_dir(tmp_path / "run", pages=[make_page()])
    with RunFolder(out).open_store() as store:
        store.correct_line(PAGE, "l0001", "Ереван,\x0b 5\x00 мая\x1b 1920\tг.\x7f", "ann", 0)
        assert store.current_page(PAGE).lines[1].text == "Ереван, 5 мая 1920 г."  # stripped at the door
    with RunFolder(out).open_store() as store, store.transaction() as db:
        # a store written before the door was there, or OCR text with a stray control: still well-formed XML
        db.execute("UPDATE lines SET text = 'ПИСЬМО\x0bПРЕДСЕДАТЕЛЯ\x01' WHERE line_id = 'l0000'")
    for fmt in ("page", "alto", "hocr"):
        path = _by_page(export(out, fmt, tmp_path / fmt), "0213")
        doc = etree.parse(str(path))  # raises on a non-well-formed file
        assert b"\x0b" not in path.read_bytes() and b"&#11;" not in path.read_bytes()
        if fmt == "page":
            assert page_schema.validate(doc), page_schema.error_log
            assert doc.find(".//pc:TextLine/pc:TextEquiv/pc:Unicode", PAGE_NS).text == "ПИСЬМОПРЕДСЕДАТЕЛЯ"
        if fmt == "alto":
            assert alto_schema.validate(doc), alto_schema.error_log


def test_a_multi_page_tiff_makes_one_pdf_and_a_failed_page_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "run"
    tiff = root / "input" / "rus" / "file-9" / "0300.tif"
    tiff.parent.mkdir(parents=True)
    frames = [Image.new("L", (600, 400), shade) for shade in (230, 220, 210)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(200, 200))
    pages = [make_page(f"rus/file-9/0300#p{n + 1}", image="rus/file-9/0300.tif", frame=n,
                       texts=[f"Лист {n + 1}", "Ереван, 3 мая 1920 г."]) for n in range(2)]
    pages.append(make_page("eng/0001", image="eng/0001.png", texts=["Telegram"], language="eng"))
    out = make_out_dir(root, pages=pages)
    with RunFolder(out).open_store() as store:
        store.correct_line(pages[1].id, "l0001", "Ереван, 5 мая 1920 г.", "ann", 0)
        run = store.runs()[-1].id
        store.record_error(run, str(tiff), "ocr", "blank page: the image has no contrast")
        store.record_error(run, str(root / "input" / "eng" / "0002.png"), "ingest", "file is empty (0 bytes)")
    result = export_pdf(out, tmp_path / "pdf")
    assert sorted(p.relative_to(tmp_path / "pdf").as_posix() for p in result.written) == [
        "eng/0001.pdf", "rus/file-9/0300.pdf"]
    doc = pypdfium2.PdfDocument(str(tmp_path / "pdf" / "rus" / "file-9" / "0300.pdf"))
    assert len(doc) == 3  # every frame of the file, the failed one as the scan alone
    assert doc[0].get_size() == pytest.approx((600 * 72 / 200, 400 * 72 / 200))  # the scan's own resolution
    texts = [doc[i].get_textpage().get_text_range().split() for i in range(3)]
    assert texts[0][:2] == ["Лист", "1"]
    assert "5" in texts[1] and "3" not in texts[1]  # the correction, not the OCR
    assert texts[2] == []
    assert len(result.problems) == 2
    assert "0300.tif: page 3 of 3 has no text layer (ocr: blank page" in result.problems[0]
    assert "0002.png: no PDF written" in result.problems[1] and "file is empty" in result.problems[1]


def test_the_cli_writes_pdfs_and_exits_1_naming_a_file_that_was_not_read(tmp_path: Path) -> None:
    out = make_out_dir(tmp_path / "run", pages=[make_page()])
    with RunFolder(out).open_store() as store:
        store.record_error(store.runs()[-1].id, "/in/rus/0214.png", "ingest", "file is empty (0 bytes)")
    result = CliRunner().invoke(app, ["export", str(out), "--format", "pdf", "--to", str(tmp_path / "pdf")])
    assert result.exit_code == 1
    assert "/in/rus/0214.png: no PDF written" in result.output and "1 files written" in result.output
    assert (tmp_path / "pdf" / Path(PAGE).with_suffix(".pdf")).exists()
