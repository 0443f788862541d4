"""PAGE-XML import: edits made elsewhere become corrections; bad or foreign files change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_store import PAGE, make_out_dir, make_page

from scan2text.errors import CorrectionError
from scan2text.export import export
from scan2text.importer import import_files
from scan2text.settings import Settings
from scan2text.store import Store
from scan2text.store.run_folder import NotARunFolder, RunFolder

pytestmark = pytest.mark.unit

NS = {"pc": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return make_out_dir(tmp_path, pages=[make_page(scale=1.5, offset=(20, 10)), make_page("rus/other")])


def _exported(out_dir: Path, tmp_path: Path) -> Path:
    files = export(out_dir, "page", tmp_path / "page")
    return next(f for f in files if f.name == "0213.xml")


def _edit(path: Path, line_id: str, old: str, new: str) -> None:
    """Change a word the way an editor does: in the word and in the line's text."""
    tree = etree.parse(str(path))
    line = tree.find(f".//pc:TextLine[@id='{line_id}']", NS)
    for unicode_el in line.iter(f"{{{NS['pc']}}}Unicode"):
        unicode_el.text = unicode_el.text.replace(old, new)
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)


def _store(out_dir: Path) -> Store:
    return RunFolder(out_dir).open_store()


def test_round_trip_edit_a_word_import_and_export_carries_it(out_dir: Path, tmp_path: Path) -> None:
    xml = _exported(out_dir, tmp_path)
    _edit(xml, "l0001", "мая", "июня")
    report = import_files(out_dir, [xml], author="ann")
    assert report.ok and report.changed == 1
    assert report.files[0].page_id == PAGE
    with _store(out_dir) as store:
        assert store.current_pages()[0].lines[1].text == "Ереван, 3 июня 1920 г."
        (change,) = store.history(page_id=PAGE)
        assert (change.author, change.source, change.old_value) == ("ann", "import:0213.xml", "Ереван, 3 мая 1920 г.")
    again = export(out_dir, "txt", tmp_path / "txt")
    assert "Ереван, 3 июня 1920 г." in next(p for p in again if p.name == "0213.txt").read_text()


def test_imported_correction_survives_a_rerun_with_different_ocr(out_dir: Path, tmp_path: Path) -> None:
    xml = _exported(out_dir, tmp_path)
    _edit(xml, "l0001", "мая", "июня")
    import_files(out_dir, [xml], author="ann")
    with _store(out_dir) as store:
        run = store.begin_run(input_dir="/in", settings=Settings(), versions={})
        store.save_page(run, make_page(texts=["ПИСЬМО ПРЕДСЕДАТЕЛЯ", "Epeван, 3 мая 1920 r.", "Источник: ЦГИА РА"],
                                       scale=2.0))
        line = store.page_state(PAGE).lines[1]
        assert (line.text, line.needs_review) == ("Ереван, 3 июня 1920 г.", True)
        assert store.current_pages()[0].lines[1].text == "Ереван, 3 июня 1920 г."


def test_transkribus_style_file_is_matched_by_image_name_and_position(out_dir: Path, tmp_path: Path) -> None:
    # PAGE 2013 namespace, its own ids, only the image's file name, and an image at twice our size.
    ns = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15"
    lines = "".join(
        f'<TextLine id="tr_{i}"><Coords points="{60},{2 * y} {1060},{2 * y} {1060},{2 * y + 60} {60},{2 * y + 60}"/>'
        f"<TextEquiv><Unicode>{text}</Unicode></TextEquiv></TextLine>"
        for i, (y, text) in enumerate([(40, "ПИСЬМО ПРЕДСЕДАТЕЛЯ"), (140, "Источник: ЦГИА РА, ф. 200")])
    )
    xml = tmp_path / "0213.xml"
    xml.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><PcGts xmlns="{ns}"><Metadata><Creator>Transkribus</Creator>'
        f"<Created>2024-01-01T00:00:00</Created><LastChange>2024-01-01T00:00:00</LastChange></Metadata>"
        f'<Page imageFilename="0213.png" imageWidth="1200" imageHeight="800"><TextRegion id="r1">'
        f'<Coords points="0,0 10,0 10,10"/>{lines}</TextRegion></Page></PcGts>',
        encoding="utf-8",
    )
    report = import_files(out_dir, [xml], author="bob")
    assert report.ok and report.changed == 1, report
    with _store(out_dir) as store:
        assert [line.text for line in store.current_pages()[0].lines][2] == "Источник: ЦГИА РА, ф. 200"


def test_refused_files_change_nothing_and_say_why(out_dir: Path, tmp_path: Path) -> None:
    good = _exported(out_dir, tmp_path)
    cases: dict[str, tuple[str, str]] = {}

    def variant(name: str, reason: str, mutate) -> None:
        path = tmp_path / name
        path.write_bytes(good.read_bytes())
        mutate(path)
        cases[name] = (str(path), reason)

    variant("broken.xml", "not well-formed XML", lambda p: p.write_text(p.read_text()[:-40]))
    variant("alto.xml", "not a PAGE-XML file", lambda p: p.write_text('<alto xmlns="x"/>'))
    variant("elsewhere.xml", "not in this output folder",
            lambda p: p.write_text(p.read_text().replace(f'value="{PAGE}"', 'value="some/other/page"')))

    def moved_line(p: Path) -> None:  # one good edit plus a line nowhere near any of ours
        _edit(p, "l0000", "ПИСЬМО", "НОТА")
        p.write_text(p.read_text().replace('<Coords points="30,140 530,140 530,170 30,170"/>',
                                           '<Coords points="30,350 530,350 530,380 30,380"/>'))

    variant("moved.xml", "match no line of page", moved_line)
    variant("two-lines.xml", "line break",
            lambda p: p.write_text(p.read_text().replace("ПИСЬМО ПРЕДСЕДАТЕЛЯ</Unicode>\n        </TextEquiv>",
                                                         "ПИСЬМО\nПРЕДСЕДАТЕЛЯ</Unicode>\n        </TextEquiv>")))
    report = import_files(out_dir, [Path(path) for path, _ in cases.values()], author="ann")
    assert [f.status for f in report.files] == ["refused"] * len(cases)
    for result, (_, reason) in zip(report.files, cases.values(), strict=True):
        assert reason in result.reason, result
    with _store(out_dir) as store:
        assert store.history() == []
        assert store.current_pages()[0].lines[0].text == "ПИСЬМО ПРЕДСЕДАТЕЛЯ"


def test_untouched_lines_do_not_undo_a_newer_correction(out_dir: Path, tmp_path: Path) -> None:
    xml = _exported(out_dir, tmp_path)  # exported before the reviewer's fix below
    with _store(out_dir) as store:
        store.correct_line(PAGE, "l0002", "Источник: ЦГИА РА (fixed in the app)", "ann", 0)
    _edit(xml, "l0000", "ПИСЬМО", "НОТА")
    report = import_files(out_dir, [xml], author="bob")
    assert (report.files[0].changed, report.files[0].kept_newer) == (1, 1)
    with _store(out_dir) as store:
        assert [line.text for line in store.current_pages()[0].lines][::2] == [
            "НОТА ПРЕДСЕДАТЕЛЯ", "Источник: ЦГИА РА (fixed in the app)"]


def test_importing_an_unedited_export_changes_nothing(out_dir: Path, tmp_path: Path) -> None:
    report = import_files(out_dir, export(out_dir, "page", tmp_path / "page"), author="ann")
    assert [f.status for f in report.files] == ["unchanged", "unchanged"]
    with _store(out_dir) as store:
        assert store.history() == []


def test_import_needs_a_store_and_an_author(out_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(NotARunFolder, match="no scan2text"):
        import_files(tmp_path / "nothing", [], author="ann")
    with pytest.raises(CorrectionError, match="author"):
        import_files(out_dir, [], author=" ")


_ALPHABET = "ab ЯжՀԵՌև№—՝։-<>&\"' \t\x0b\x01é"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(alphabet=_ALPHABET, min_size=1, max_size=30), min_size=1, max_size=3))
def test_any_correction_round_trips_through_an_unchanged_export(out_dir: Path, tmp_path: Path,
                                                                  texts: list[str]) -> None:
    """Whatever reviewers type (scripts, markup characters, controls, runs of spaces), exporting PAGE-XML and
    importing it unchanged makes no correction and leaves every line as it was."""
    with _store(out_dir) as store:
        for line, text in zip(store.page_state(PAGE).lines, texts, strict=False):
            if text.strip() and text.strip() != line.text:
                store.correct_line(PAGE, line.line_id, text, "ann", line.version)
        before = [line.text for line in store.page_state(PAGE).lines]
        history = len(store.history(limit=10_000))
    to = tmp_path / f"page-{abs(hash(tuple(texts)))}"
    report = import_files(out_dir, export(out_dir, "page", to), author="bob")
    assert report.ok and report.changed == 0, report.files
    with _store(out_dir) as store:
        assert [line.text for line in store.page_state(PAGE).lines] == before
        assert len(store.history(limit=10_000)) == history
