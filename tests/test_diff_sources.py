"""Diff inputs (run folders, ground truth, PAGE-XML), page pairing, batch totals and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from scan2text.diff.batch import compare, summary
from scan2text.diff.command import EXIT_BAD_INPUT, EXIT_GATE, EXIT_OK, diff_cli, diff_command
from scan2text.diff.resolve import open_source
from scan2text.diff.sources import (
    DiffError,
    GroundTruthSource,
    PageXmlSource,
    RunFolderSource,
    pair_pages,
)
from scan2text.models import Box, Line, Page, Record, RecordPage

pytestmark = pytest.mark.unit

LINE_H = 30


def write_run(
    root: Path,
    pages: dict[str, list[str]],
    records: dict[str, list[str]] | None = None,
    *,
    frames: dict[str, tuple[str, int]] | None = None,
) -> Path:
    """A `scan2text run` output folder: pages/<id>.txt, .json (Page model) and .clean.png, records.jsonl.

    `frames` maps a page id to (image path, frame) for pages of multi-page files.
    """
    for page_id, texts in pages.items():
        file_id = page_id.replace("#", "_")
        stem = root / "pages" / file_id
        stem.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            Line(id=f"l{i + 1:04d}", text=t, box=Box(x=10, y=10 + LINE_H * i, w=360, h=24), conf=90.0,
                 language="rus")
            for i, t in enumerate(texts)
        ]  # fmt: skip
        image, frame = (frames or {}).get(page_id, (f"{page_id}.png", 0))
        page = Page(
            id=page_id, image=image, frame=frame, width=400, height=LINE_H * len(texts) + 20,
            cleaned_image=f"pages/{file_id}.clean.png", lines=lines,
        )  # fmt: skip
        stem.with_suffix(".json").write_text(page.model_dump_json(), encoding="utf-8")
        stem.with_suffix(".txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
        im = Image.new("L", (page.width, page.height), 255)
        draw = ImageDraw.Draw(im)
        for line in lines:
            # a black bar per line: enough to see that a crop shows the right region
            draw.rectangle((line.box.x, line.box.y + 6, line.box.x2, line.box.y2 - 6), fill=0)
        im.save(stem.with_name(stem.name + ".clean.png"))
    if records:
        with (root / "records.jsonl").open("w", encoding="utf-8") as f:
            for rid, ids in records.items():
                rec = Record(id=rid, pages=[RecordPage(page_id=p, image=f"{p}.png") for p in ids])
                f.write(rec.model_dump_json() + "\n")
    return root


def write_gt(root: Path, pages: dict[str, list[str]]) -> Path:
    for stem, lines in pages.items():
        path = root / f"{stem}.gt.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return root


A_PAGES = {
    "fund-200/0001": ["ТЕЛЕГРАММА", "Ереван, 3 мая 1920 г.", "Երևան։"],
    "fund-200/0002": ["Same line", "Another line"],
    "fund-200/0003": ["only in A"],
}
B_PAGES = {
    "fund-200/0001": ["TEЛEГPAMMA", "Ереван, 3 мая 1920 г.", "Երևան:"],
    "fund-200/0002": ["Same line", "Another line"],
    "fund-200/0004": ["only in B"],
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("runs")
    a = write_run(root / "A", A_PAGES, {"doc-1": ["fund-200/0001", "fund-200/0002"], "doc-2": ["fund-200/0003"]})
    b = write_run(root / "B", B_PAGES)
    return a, b


# ---- sources ---------------------------------------------------------------------------------------


def test_run_folder_source_reads_text_boxes_and_image(runs: tuple[Path, Path]) -> None:
    a, _ = runs
    source = open_source(a)
    assert isinstance(source, RunFolderSource)
    page = source.load("fund-200/0001")
    assert page.texts == A_PAGES["fund-200/0001"]
    assert page.lines[1].box == Box(x=10, y=40, w=360, h=24)
    assert page.image is not None and page.image.name == "0001.clean.png"
    assert source.documents() == {"doc-1": ["fund-200/0001", "fund-200/0002"], "doc-2": ["fund-200/0003"]}


def test_edited_txt_wins_over_json_and_drops_stale_boxes(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"p1": ["one", "two"]})
    (run / "pages" / "p1.txt").write_text("one\ntwo\nthree added by hand\n", encoding="utf-8")
    page = RunFolderSource(run).load("p1")
    assert page.texts == ["one", "two", "three added by hand"]
    assert all(line.box is None for line in page.lines)


def test_ground_truth_pairs_with_run_pages_under_other_prefixes(tmp_path: Path) -> None:
    gt = write_gt(tmp_path / "gt", {"eng/f1/0213": ["Telegram"], "rus/f1/0213": ["Телеграмма"]})
    run = write_run(tmp_path / "run", {"samples/eng/f1/0213": ["Telegrarn"], "samples/hye/f1/0213": ["x"]})
    source = open_source(gt)
    assert isinstance(source, GroundTruthSource) and source.partial
    pairs = {p.hyp_id: p.ref_id for p in pair_pages(source, RunFolderSource(run))}
    assert pairs["samples/eng/f1/0213"] == "eng/f1/0213"
    # a bare file name shared by two ground-truth pages must not pair the Armenian page with either
    assert pairs["samples/hye/f1/0213"] is None


def test_multi_page_frames_pair_with_tesstrain_frame_files(tmp_path: Path) -> None:
    gt = write_gt(tmp_path / "gt", {"f1/0007_1": ["first frame"], "f1/0007_2": ["second frame"]})
    run = write_run(
        tmp_path / "run",
        {"f1/0007#p1": ["first frame"], "f1/0007#p2": ["secand frame"]},
        frames={"f1/0007#p1": ("f1/0007.tif", 0), "f1/0007#p2": ("f1/0007.tif", 1)},
    )
    batch = compare(GroundTruthSource(gt), RunFolderSource(run))
    assert {(p.page_id, p.ref_id) for p in batch.pages} == {("f1/0007#p1", "f1/0007_1"), ("f1/0007#p2", "f1/0007_2")}
    assert batch.chars.edits == 1


def test_page_xml_source_follows_reading_order_and_primary_text(tmp_path: Path) -> None:
    ns = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="{ns}"><Page imageFilename="scans/0009.png" imageWidth="100" imageHeight="100">
<ReadingOrder><OrderedGroup id="ro"><RegionRefIndexed index="1" regionRef="r2"/>
<RegionRefIndexed index="0" regionRef="r1"/></OrderedGroup></ReadingOrder>
<TextRegion id="r2"><TextLine id="l3"><Coords points="5,50 90,50 90,60 5,60"/>
<TextEquiv index="2"><Unicode>alternative</Unicode></TextEquiv>
<TextEquiv index="1"><Unicode>second region</Unicode></TextEquiv>
</TextLine></TextRegion>
<TextRegion id="r1"><TextLine id="l1"><Coords points="5,5 90,5 90,15 5,15"/>
<TextEquiv><Unicode>Երևան։</Unicode></TextEquiv></TextLine>
<TextLine id="l2"><Word id="w1"><TextEquiv><Unicode>from</Unicode></TextEquiv></Word>
<Word id="w2"><TextEquiv><Unicode>words</Unicode></TextEquiv></Word></TextLine></TextRegion>
</Page></PcGts>"""
    (tmp_path / "0009.xml").write_text(xml, encoding="utf-8")
    source = open_source(tmp_path)
    assert isinstance(source, PageXmlSource)
    assert source.page_keys() == {"0009": ["0009", "scans/0009"]}
    page = source.load("0009")
    assert page.texts == ["Երևան։", "from words", "second region"]
    assert page.lines[0].box == Box(x=5, y=5, w=85, h=10)


def test_unreadable_inputs_raise_errors_naming_the_file(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {"p1": ["x"]})
    (run / "pages" / "p1.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DiffError, match=r"p1\.json.*not valid JSON"):
        RunFolderSource(run)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DiffError, match="empty"):
        open_source(tmp_path / "empty")
    (tmp_path / "bad.xml").write_text("<PcGts><Page>", encoding="utf-8")
    with pytest.raises(DiffError, match=r"bad\.xml.*well-formed"):
        PageXmlSource(tmp_path / "bad.xml")


# ---- batch totals ----------------------------------------------------------------------------------


def test_two_runs_batch_documents_and_missing_pages(runs: tuple[Path, Path]) -> None:
    a, b = runs
    batch = compare(RunFolderSource(a), RunFolderSource(b))
    by_id = {p.page_id: p for p in batch.pages}
    assert by_id["fund-200/0003"].status == "missing_in_hypothesis"
    assert by_id["fund-200/0004"].status == "missing_in_reference"
    first = by_id["fund-200/0001"]
    assert first.chars.edits == 9  # eight Cyrillic letters typed as Latin look-alikes, and ։ as :
    assert first.error_classes == {"cyrillic_latin": 8, "armenian_punctuation": 1}
    assert by_id["fund-200/0002"].chars.edits == 0
    # batch CER = all edits / all reference characters, not the mean of the page CERs
    assert batch.chars.edits == sum(p.chars.edits for p in batch.pages)
    assert batch.cer == pytest.approx(batch.chars.edits / batch.chars.reference_length)
    assert batch.cer != pytest.approx(batch.mean_page_cer)
    docs = {d.id: d for d in batch.documents}
    assert docs["doc-1"].chars.edits == 9 and docs["doc-2"].cer == 1.0
    info = summary(batch, max_cer=0.02)
    assert info["gate"] == {"max_cer": 0.02, "passed": False}
    assert info["worst_lines"][0]["edits"] >= info["worst_lines"][-1]["edits"]
    assert info["error_classes"]["cyrillic_latin"] == 8


def test_ground_truth_ignores_pages_it_does_not_cover(runs: tuple[Path, Path], tmp_path: Path) -> None:
    _, b = runs
    gt = write_gt(tmp_path / "gt", {"0001": A_PAGES["fund-200/0001"]})
    batch = compare(GroundTruthSource(gt), RunFolderSource(b))
    assert [p.page_id for p in batch.pages] == ["fund-200/0001"]
    assert sorted(batch.hypothesis_only) == ["fund-200/0002", "fund-200/0004"]


# ---- the command -----------------------------------------------------------------------------------


def test_command_gate_exit_codes_and_json(runs: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = runs
    out = tmp_path / "summary.json"
    code = diff_command(a, b, None, None, str(out), 0.02, False, False, False)
    assert code == EXIT_GATE
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["batch"]["chars"]["edits"] == 9 + 9 + 9  # page 1, missing page 3 ("only in A"), page 4
    assert data["gate"]["passed"] is False
    assert diff_command(a, b, None, None, None, 0.9, False, False, False) == EXIT_OK
    assert diff_command(a, a, None, None, None, 0.0, False, False, False) == EXIT_OK
    assert diff_command(a, None, None, None, None, None, False, False, False) == EXIT_BAD_INPUT
    assert diff_command(a, tmp_path / "nope", None, None, None, None, False, False, False) == EXIT_BAD_INPUT


def test_cli_json_to_stdout_and_ignore_options(runs: tuple[Path, Path], tmp_path: Path) -> None:
    _, b = runs
    gt = write_gt(tmp_path / "gt", {"fund-200/0001": ["ТЕЛЕГРАММА", "Ереван 3 мая 1920 г", "Երևան"]})
    app = typer.Typer()
    app.command("diff")(diff_cli)
    app.command("noop")(lambda: None)  # two commands, so "diff" stays a subcommand as in the real app
    result = CliRunner().invoke(app, ["diff", str(b), "--against", str(gt), "--json", "-", "--ignore-punctuation"])
    assert result.exit_code == 0, result.output
    start = result.stdout.index("{")
    data = json.loads(result.stdout[start : result.stdout.rindex("}") + 1])
    assert data["options"]["ignore_punctuation"] is True
    assert data["batch"]["chars"]["edits"] == 8  # only the Latin look-alikes remain
    assert data["error_classes"] == {"cyrillic_latin": 8}
    result = CliRunner().invoke(app, ["diff", str(b), "--against", str(gt), "--max-cer", "0.01"])
    assert result.exit_code == EXIT_GATE
    assert "FAILED" in result.stdout


# ---- the store -------------------------------------------------------------------------------------


def _store_page(page_id: str, texts: list[str]) -> Page:
    lines = [
        Line(id=f"l{i:04d}", text=t, box=Box(x=10, y=10 + LINE_H * i, w=360, h=24), conf=80.0, language="rus")
        for i, t in enumerate(texts)
    ]
    return Page(id=page_id, image=f"{page_id}.png", width=400, height=200, lines=lines)


@pytest.fixture(scope="module")
def store_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scan2text.settings import Settings
    from scan2text.store.run_folder import RunFolder

    out = tmp_path_factory.mktemp("store-out")
    with RunFolder(out).open_store() as store:
        first = store.begin_run("in", Settings(), {})
        store.save_page(first, _store_page("p1", ["Ереван, 3 мая", "Երևան։"]))
        store.save_page(first, _store_page("p2", ["untouched page"]))
        store.finish_run(first)
        second = store.begin_run("in", Settings(), {})
        store.save_page(second, _store_page("p1", ["Epeван, 3 мая", "Երևան:"]))
        store.save_page(second, _store_page("p2", ["untouched page"]))
        store.finish_run(second)
        store.correct_line("p1", "l0001", "Երևան։", author="reviewer", expected_version=0)
    return out


def test_two_run_ids_in_one_store(store_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    code = diff_command(Path("1"), Path("2"), None, None, str(out), None, False, False, False, store=store_out)
    assert code == EXIT_OK
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["reference"], data["hypothesis"]) == ("run 1", "run 2")
    assert data["batch"]["chars"]["edits"] == 4
    assert data["error_classes"] == {"cyrillic_latin": 3, "armenian_punctuation": 1}
    code = diff_command(Path("1"), Path("9"), None, None, None, None, False, False, False, store=store_out)
    assert code == EXIT_BAD_INPUT


def test_run_against_its_corrections(store_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    code = diff_command(store_out, None, "corrections", None, str(out), None, False, False, False)
    assert code == EXIT_OK
    data = json.loads(out.read_text(encoding="utf-8"))
    # the reviewer fixed the Armenian full stop only; the Latin look-alikes are still in both texts
    assert data["batch"]["chars"]["edits"] == 1
    worst = data["worst_lines"][0]
    assert (worst["reference"], worst["hypothesis"]) == ("Երևան։", "Երևան:")
    assert data["hypothesis_only"] == ["p2"]  # never reviewed: not a reference
