"""Rebuilding only the documents around a corrected page gives the records a whole run would."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_store import make_out_dir, make_page

from scan2text.export.refresh import refresh_records, run_extract_settings, window
from scan2text.extract import build_records
from scan2text.grammar import load_grammar
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


# An archive's grammar that knows a document type the default one does not: its bulletins start documents.
BULLETIN_GRAMMAR = '[languages.eng]\ndoc_types = { bulletin = "bulletin" }\n'
BULLETIN_FOLDER = "eng/fund-1/inv-1/file-1"


def _bulletin_pages() -> list[Page]:
    texts = [["TELEGRAM FROM THE MINISTER OF FOREIGN AFFAIRS", "Yerevan, May 3, 1920",
              "The delegation leaves tomorrow.",
              "Source: Central State Historical Archive of Armenia, Fund 200, Inventory 1, File 271, Sheet 5."],
             ["BULLETIN OF THE GENERAL STAFF", "Yerevan, May 5, 1920", "The front is quiet.",
              "Source: Central State Historical Archive of Armenia, Fund 200, Inventory 1, File 271, Sheet 6."]]
    return [make_page(f"{BULLETIN_FOLDER}/000{n}", texts=t, language="eng", ys=[40 + 40 * i for i in range(len(t))],
                      confs=[90.0] * len(t)) for n, t in enumerate(texts, 1)]


def _run_with_grammar(tmp_path: Path, keep_text: bool = True) -> tuple[RunFolder, Path]:
    """An output folder whose latest run read its documents with the bulletin grammar; `keep_text=False`: a run
    from before runs kept their grammar's text (only its path is in the settings)."""
    path = tmp_path / "archive.toml"
    path.write_text(BULLETIN_GRAMMAR, encoding="utf-8")
    pages = _bulletin_pages()
    records = build_records(pages, load_grammar(path))
    assert "bulletin" in [r.doc_type for r in records] and "bulletin" not in [r.doc_type for r in build_records(pages)]
    folder = RunFolder(make_out_dir(tmp_path, pages=pages, records=records))
    with folder.open_store() as store:
        run = store.begin_run(input_dir="in", settings=Settings(grammar=str(path)), versions={},
                              grammar=BULLETIN_GRAMMAR if keep_text else None)
        store.save_records(run, records)
        store.finish_run(run)
    return folder, path


def _correct(folder: RunFolder, old: str, new: str) -> list[Record]:
    """Correct the line reading `old` as a reviewer or an import does; the records after it."""
    page_id = f"{BULLETIN_FOLDER}/0002"
    with folder.open_store() as store:
        line = next(s for s in store.page_state(page_id).lines if s.text == old)
        with store.transaction():
            store.correct_line(page_id, line.line_id, new, "ann", line.version)
            return refresh_records(folder, store, [page_id])


def test_a_correction_rebuilds_documents_with_the_grammar_the_run_was_given(tmp_path: Path) -> None:
    folder, path = _run_with_grammar(tmp_path)
    with folder.open_store() as store:
        assert store.runs()[-1].grammar == BULLETIN_GRAMMAR  # kept with the run
    path.unlink()  # the run kept the file's text: where the file went does not matter
    records = _correct(folder, "The front is quiet.", "The front is calm.")
    bulletin = next(r for r in records if r.doc_type == "bulletin")
    assert "The front is calm." in bulletin.text and bulletin.title == "BULLETIN OF THE GENERAL STAFF"


def test_a_run_from_before_runs_kept_their_grammar_uses_its_file_while_it_exists(tmp_path, caplog) -> None:
    folder, path = _run_with_grammar(tmp_path, keep_text=False)
    assert "bulletin" in [r.doc_type for r in _correct(folder, "The front is quiet.", "The front is calm.")]
    path.unlink()
    with caplog.at_level("WARNING", logger="scan2text.export.refresh"):
        records = _correct(folder, "The front is calm.", "The front is still.")
    assert "bulletin" not in [r.doc_type for r in records]  # the default grammar: no bulletins
    assert [r.message for r in caplog.records] == [
        f"run 2: its grammar file {path} no longer exists: documents rebuilt with the default grammar"]
