"""Rebuilding only the documents around a corrected page gives the records a whole run would."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_store import make_out_dir, make_page

from scan2text.export.refresh import refresh_records, run_extract_settings, window
from scan2text.extract import build_records
from scan2text.models import Page, Record, RecordPage
from scan2text.settings import ExtractSettings, Settings
from scan2text.store.run_folder import RunFolder

pytestmark = pytest.mark.unit

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FOLDERS = ["rus/fund-200/inv-1/file-271", "hye/fund-200/inv-1/file-581"]


def _pages() -> list[list[Page]]:
    """The shipped ground truth of two archival files as pages, one list per file in batch order."""
    out = []
    for folder in FOLDERS:
        pages = []
        for gt in sorted((SAMPLES / folder).glob("*.gt.txt")):
            texts = [t for t in gt.read_text(encoding="utf-8").splitlines() if t.strip()]
            lang = "hye" if folder.startswith("hye") else "rus"
            pages.append(make_page(f"{folder}/{gt.name.removesuffix('.gt.txt')}", texts=texts, language=lang,
                                   ys=[40 + 40 * i for i in range(len(texts))], confs=[90.0] * len(texts)))
        out.append(pages)
    return out


def _dump(records: list[Record]) -> list[dict]:
    return [r.model_dump() for r in records]


def test_corrections_one_after_another_give_what_a_whole_run_gives(tmp_path: Path) -> None:
    folders = _pages()
    out = make_out_dir(tmp_path, pages=[p for f in folders for p in f],
                       records=[r for f in folders for r in build_records(f)])
    run_folder = RunFolder(out)
    # Lines that start documents turned into body text, body text turned into headers, numbers changed.
    edits = []
    for pages in folders:
        for page in pages:
            edits.append((page.id, page.lines[0].id, "прошу принять меры"))
            edits.append((page.id, page.lines[min(3, len(page.lines) - 1)].id, "ТЕЛЕГРАММА"))
            edits.append((page.id, page.lines[-1].id, page.lines[-1].text.replace("1", "7")))
    with run_folder.open_store() as store:
        for number, (page_id, line_id, text) in enumerate(edits):
            version = next(s.version for s in store.page_state(page_id).lines if s.line_id == line_id)
            with store.transaction():
                store.correct_line(page_id, line_id, text, "ann", version)
                refresh_records(run_folder, store, [page_id])
            whole = [r for f in folders for r in build_records(
                store.current_pages(with_words=False, page_ids=[p.id for p in f]))]
            assert _dump(store.extracted_records()) == _dump(whole), f"after edit {number}: {page_id} {line_id}"
        on_disk = run_folder.records_path.read_text(encoding="utf-8").splitlines()
        assert [Record.model_validate_json(line).id for line in on_disk] == [r.id for r in store.current_records()]


def _record(name: str, pages: list[str]) -> Record:
    return Record(id=name, pages=[RecordPage(page_id=p, image=f"{p}.png") for p in pages])


def test_the_window_takes_neighbours_and_never_cuts_a_document() -> None:
    members = [f"p{i}" for i in range(10)]
    records = [_record("a", ["p0", "p1"]), _record("b", ["p2"]), _record("c", ["p3", "p4", "p5"]),
               _record("d", ["p5", "p6"]), _record("e", ["p8", "p9"])]
    _, b, c, d, _ = records
    assert window(records, members, {"p3"}, reach=1) == (members[2:7], (b, d))  # b, c, d (d shares p5 with c)
    assert window(records, members, {"p0"}, reach=1) == (members[0:3], (None, b))  # from the folder's start
    assert window(records, members, {"p7"}, reach=1) == (members[3:10], (c, None))  # in no document: d, e, then c
    assert window(records, members, {"p3"})[0] == members  # two either side: all of this small folder
    assert window(records, members, {"other"}) == ([], (None, None))


def test_corrections_rebuild_documents_with_the_latest_runs_extract_settings(tmp_path: Path) -> None:
    with RunFolder(tmp_path / "out").open_store() as store:
        assert run_extract_settings(store) == ExtractSettings()  # no run yet: the defaults
        tuned = Settings(extract=ExtractSettings(flag_below=0.5, header_threshold=4))
        store.begin_run(input_dir="in", settings=Settings(), versions={})
        store.begin_run(input_dir="in", settings=tuned, versions={})
        assert run_extract_settings(store) == tuned.extract  # as that run built its records
