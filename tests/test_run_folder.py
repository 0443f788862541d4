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


def _damage(store: Path) -> None:
    """Overwrite a page in the middle of the file, past the header: it still opens, its tables do not read."""
    data = bytearray(store.read_bytes())
    data[3 * 4096 : 8 * 4096] = b"A" * 5 * 4096
    store.write_bytes(bytes(data))


def _folder_with_pages(root: Path) -> RunFolder:
    folder = RunFolder(root)
    with folder.open_store() as store:
        run = store.begin_run("in", Settings(), {})
        for n in range(30):
            store.save_page(run, make_page(f"p{n}", texts=[f"line {n} " * 20] * 5))
        store.finish_run(run)
    return folder


def test_a_damaged_store_is_found_by_its_check(tmp_path: Path) -> None:
    folder = _folder_with_pages(tmp_path)
    with folder.open_store() as store:
        store.check()
    _damage(folder.store_path)
    with folder.open_store() as store, pytest.raises(StoreError, match="damaged") as caught:
        store.check()
    assert str(folder.store_path) in str(caught.value)


def test_the_review_app_answers_a_damaged_store_with_a_readable_page(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from scan2text.review import create_app

    base = "http://127.0.0.1:8765"  # the app answers only under the name it is served as
    folder = _folder_with_pages(tmp_path)
    _damage(folder.store_path)
    app = create_app(tmp_path)
    with TestClient(app, base_url=base, raise_server_exceptions=False) as client:
        page = client.get("/")
        # a write as the app's own page sends it: same origin, the session's token
        token = app.state.guard.token(client.cookies["s2t_session"])
        save = client.post("/api/line", json={"page_id": "p1", "line_id": "l0001", "text": "x", "version": 0,
                                              "author": "reviewer"}, headers={"Origin": base, "X-CSRF-Token": token})
    assert page.status_code == 503 and "The store cannot be read" in page.text
    assert "restore it from a backup" in page.text
    assert save.status_code == 503 and "cannot be read" in save.json()["error"]
