"""The output folder's layout, the one 'is this a run folder' answer, and a run's pages read back from the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_store import make_page, make_record

from scan2text.settings import Settings
from scan2text.store import StoreError
from scan2text.store.run_folder import NotARunFolder, RunFolder

pytestmark = pytest.mark.unit


def test_the_layout_is_the_one_runs_have_always_written(tmp_path: Path) -> None:
    folder = RunFolder(tmp_path)
    assert folder.store_path == tmp_path / "scan2text.sqlite"
    assert folder.records_path == tmp_path / "records.jsonl"
    assert folder.errors_path == tmp_path / "errors.jsonl"
    # a frame's '#' and a dot in the id stay in the file name; the suffix is appended, never swapped
    assert folder.page_json("eng/f1/scan.v2#1") == tmp_path / "pages" / "eng/f1/scan.v2#1.json"
    assert folder.page_text("0213") == tmp_path / "pages" / "0213.txt"
    assert folder.clean_image("eng/0213") == tmp_path / "pages" / "eng" / "0213.clean.png"
    assert folder.relative(folder.clean_image("eng/0213")) == "pages/eng/0213.clean.png"
    assert folder.resolve("pages/eng/0213.clean.png") == folder.clean_image("eng/0213")


def test_a_folder_without_a_store_is_refused_with_one_message(tmp_path: Path) -> None:
    with pytest.raises(NotARunFolder) as caught:
        RunFolder.existing(tmp_path)
    assert str(caught.value) == f"{tmp_path}: no scan2text.sqlite here; is it the --out folder of `scan2text run`?"
    with pytest.raises(NotARunFolder):
        RunFolder.of_store(tmp_path)
    assert not list(tmp_path.iterdir()), "asking must not create the store"


def test_a_store_file_of_another_name_makes_its_folder_a_run_folder(tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    RunFolder(tmp_path, store_path=copy).open_store().close()
    folder = RunFolder.of_store(copy)
    assert (folder.root, folder.store_path) == (tmp_path, copy)


def test_read_only_opens_only_a_store_that_exists_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        RunFolder(tmp_path).open_store(read_only=True)
    assert not list(tmp_path.iterdir())
    folder = RunFolder(tmp_path)
    with folder.open_store() as store:
        store.begin_run("in", Settings(), {})
    before = folder.store_path.read_bytes()
    with folder.open_store(read_only=True) as store:
        assert [r.input_dir for r in store.runs()] == ["in"]
    assert folder.store_path.read_bytes() == before


def test_one_runs_pages_and_documents_read_back_as_that_run_stored_them(tmp_path: Path) -> None:
    with RunFolder(tmp_path).open_store() as store:
        first = store.begin_run("in", Settings(), {})
        store.save_page(first, make_page("p1"))
        store.save_page(first, make_page("p2", texts=["two"]))
        store.save_records(first, [make_record("d1", pages=["p1", "p2"])])
        second = store.begin_run("in", Settings(), {})
        store.save_page(second, make_page("p1", texts=["newer"]))
        assert store.run_page_ids(first) == [("p1", False), ("p2", True)]
        assert store.run_page(first, "p1") == make_page("p1")
        assert store.run_page(second, "p1").text == "newer"
        assert store.run_documents(first) == {"d1": ["p1", "p2"]}
        assert store.run_documents(second) == {}
        with pytest.raises(StoreError, match="stored no page p2"):
            store.run_page(second, "p2")
