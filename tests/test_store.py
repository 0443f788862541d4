"""The SQLite store: runs, OCR per run, corrections that survive re-runs, search, migrations.

The builders at the top (make_page, make_record, make_out_dir) are shared with the export, import
and review tests: they make an output folder the way the pipeline would, without running it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from scan2text.errors import ConflictError, CorrectionError
from scan2text.models import Box, CitedSource, Line, Page, PreprocessReport, Record, RecordPage, SheetRef, Word
from scan2text.settings import Settings
from scan2text.store import Store, StoreError
from scan2text.store import db as store_db
from scan2text.store.run_folder import RunFolder

pytestmark = pytest.mark.unit

PAGE = "rus/fund-200/inv-1/file-271/0213"


def make_page(
    page_id: str = PAGE,
    texts: list[str] | None = None,
    ys: list[int] | None = None,
    scale: float = 1.0,
    offset: tuple[float, float] = (0.0, 0.0),
    language: str = "rus",
    confs: list[float] | None = None,
    image: str | None = None,
    frame: int = 0,
) -> Page:
    """A page whose lines sit at `ys` in ORIGINAL pixels; the cleaned image is the original scaled by
    `scale` and shifted by `offset`, like a rescale + crop in preprocessing."""
    texts = texts if texts is not None else ["ПИСЬМО ПРЕДСЕДАТЕЛЯ", "Ереван, 3 мая 1920 г.", "Источник: ЦГИА РА"]
    ys = ys if ys is not None else [40 + 50 * i for i in range(len(texts))]
    confs = confs if confs is not None else [90.0 - 20 * (i % 3) for i in range(len(texts))]
    ox, oy = offset
    lines = []
    for i, (text, y) in enumerate(zip(texts, ys, strict=True)):
        box = Box(x=round((30 - ox) * scale), y=round((y - oy) * scale), w=round(500 * scale), h=round(30 * scale))
        words = []
        x = box.x
        for token in text.split():
            w = round(len(token) * 14 * scale)
            words.append(Word(text=token, box=Box(x=x, y=box.y, w=w, h=box.h), conf=confs[i], flagged=confs[i] < 60))
            x += w + round(10 * scale)
        lines.append(Line(id=f"l{i:04d}", text=text, box=box, conf=confs[i], language=language, words=words))
    report = PreprocessReport(
        steps=["rescale"], scale=scale,
        to_original=[[1 / scale, 0.0, ox], [0.0, 1 / scale, oy]],
    )
    stem = page_id.split("#")[0]
    return Page(
        id=page_id, image=image or f"{stem}.png", frame=frame, sheet=SheetRef(fund="200", sheet=213),
        width=600, height=400, cleaned_image=f"pages/{page_id.replace('#', '_')}.clean.png", preprocessing=report,
        language=language, lines=lines, mean_conf=sum(confs) / max(1, len(confs)),
    )


def make_record(record_id: str = "doc-1", pages: list[str] | None = None, date: str | None = "1920-05-03") -> Record:
    pages = pages or [PAGE]
    return Record(
        id=record_id, doc_type="letter", title="Письмо председателя", language="rus", date=date,
        date_text="3 мая 1920 г.", place="Ереван",
        pages=[RecordPage(page_id=p, image=f"{p}.png") for p in pages], sheets="213",
        cited_source=[CitedSource(archive="ЦГИА РА", fund="200", inventory="1", file="271", sheets="213–214",
                                  sheet_first=213, sheet_last=214, form="typescript",
                                  text="Источник: ЦГИА РА, ф. 200, оп. 1, д. 271, лл. 213–214. Машинопись.")],
        text="ПИСЬМО ПРЕДСЕДАТЕЛЯ", ocr_conf=75.0,
    )


def make_out_dir(root: Path, pages: list[Page] | None = None, records: list[Record] | None = None) -> Path:
    """OUT folder as the pipeline leaves it: pages/*.clean.png, pages/*.json, the store; plus INPUT images."""
    pages = pages if pages is not None else [make_page()]
    records = records if records is not None else [make_record(pages=[p.id for p in pages[:1]])]
    input_dir, out = root / "input", root / "out"
    for page in pages:
        original = input_dir / page.image
        original.parent.mkdir(parents=True, exist_ok=True)
        if not original.exists():
            Image.new("L", (page.width, page.height), 235).save(original)
        m = page.preprocessing.to_original
        scale = 1 / m[0][0]
        clean = Image.new("L", (round(page.width * scale), round(page.height * scale)), 255)
        draw = ImageDraw.Draw(clean)
        for line in page.lines:
            for word in line.words:
                b = word.box
                draw.rectangle([b.x, b.y + b.h // 4, b.x2, b.y2 - b.h // 4], fill=40)
        clean_path = out / (page.cleaned_image or "")
        clean_path.parent.mkdir(parents=True, exist_ok=True)
        clean.save(clean_path)
        clean_path.with_name(clean_path.name.replace(".clean.png", ".json")).write_text(page.model_dump_json())
    store = RunFolder(out).open_store()
    run = store.begin_run(input_dir=str(input_dir), settings=Settings(), versions={"scan2text": "test"})
    for page in pages:
        store.save_page(run, page, key="k1")
    store.save_records(run, records)
    store.finish_run(run, status="ok", failures=0)
    store.close()
    return out


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = RunFolder(tmp_path / "out").open_store()
    yield s
    s.close()


def _run(store: Store, *pages: Page) -> int:
    run = store.begin_run(input_dir="/in", settings=Settings(), versions={"scan2text": "test"})
    for page in pages:
        store.save_page(run, page, key=f"key-{run}")
    return run


def _texts(store: Store, page_id: str = PAGE) -> list[str]:
    return [line.text for line in next(p for p in store.current_pages() if p.id == page_id).lines]


# --- schema ----------------------------------------------------------------------------------------------


def test_new_store_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "scan2text.sqlite"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store_db.MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_later_migration_upgrades_an_existing_store_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scan2text.sqlite"
    with Store.open(path) as store:
        _run(store, make_page())
        store.correct_line(PAGE, "l0001", "Ереван, 3 мая 1920 г. (исправлено)", "ann", 0)
    monkeypatch.setattr(store_db, "MIGRATIONS", [*store_db.MIGRATIONS, "ALTER TABLE runs ADD COLUMN note TEXT;"])
    with Store.open(path) as store:
        assert _texts(store)[1] == "Ереван, 3 мая 1920 г. (исправлено)"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store_db.MIGRATIONS)
    assert "note" in [r[1] for r in conn.execute("PRAGMA table_info(runs)")]


def test_a_store_from_a_newer_scan2text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan2text.sqlite"
    Store.open(path).close()
    sqlite3.connect(path).execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer"):
        Store.open(path)


# --- runs and pages --------------------------------------------------------------------------------------


def test_runs_record_settings_versions_status_and_errors(store: Store) -> None:
    settings = Settings.model_validate({"ocr": {"lang": "rus"}})
    run = store.begin_run(input_dir="/scans", settings=settings, versions={"scan2text": "0.1", "tesseract": "5.3"})
    store.record_error(run, "/scans/bad.tif", "ingest", "not an image")
    store.finish_run(run, status="failed", failures=1)
    info = store.run(run)
    assert (info.status, info.failures, info.input_dir) == ("failed", 1, "/scans")
    assert info.settings["ocr"]["lang"] == "rus"
    assert info.versions["tesseract"] == "5.3"
    assert [(e.path, e.stage, e.reason) for e in store.errors(run)] == [("/scans/bad.tif", "ingest", "not an image")]


def test_saved_page_comes_back_unchanged_and_resume_knows_its_key(store: Store) -> None:
    page = make_page(scale=1.5, offset=(12, 7))
    run = store.begin_run(input_dir="/in", settings=Settings(), versions={})
    store.save_page(run, page, key="hash-a")
    assert store.current_pages() == [page]
    assert store.page_done(PAGE, "hash-a")
    assert not store.page_done(PAGE, "hash-b")
    assert not store.page_done("other", "hash-a")


def test_save_page_is_atomic(store: Store) -> None:
    run = _run(store, make_page())
    bad = make_page(texts=["a", "b"])
    bad.lines[1].id = bad.lines[0].id
    with pytest.raises(StoreError, match="twice"):
        store.save_page(run, bad)
    assert _texts(store) == make_page().text.split("\n")


def test_pages_come_back_in_image_and_frame_order(store: Store) -> None:
    _run(store, make_page("b/0002"), make_page("a/0009#p2", image="a/0009.tif", frame=1),
         make_page("a/0009#p1", image="a/0009.tif", frame=0))
    assert [p.id for p in store.current_pages()] == ["a/0009#p1", "a/0009#p2", "b/0002"]


# --- corrections -----------------------------------------------------------------------------------------


def test_correction_replaces_the_line_text_and_keeps_word_boxes(store: Store) -> None:
    _run(store, make_page())
    version = store.correct_line(PAGE, "l0001", "Ереван, 5 мая 1920 г.", "ann", 0)
    assert version == 1
    line = next(p for p in store.current_pages()).lines[1]
    assert line.text == "Ереван, 5 мая 1920 г."
    assert [w.text for w in line.words] == ["Ереван,", "5", "мая", "1920", "г."]
    assert [w.box for w in line.words] == [w.box for w in make_page().lines[1].words]
    assert all(w.conf == 100 for w in line.words)


def test_stale_version_is_refused_and_changes_nothing(store: Store) -> None:
    _run(store, make_page())
    store.correct_line(PAGE, "l0000", "ПИСЬМО", "ann", 0)
    with pytest.raises(ConflictError, match="saved by ann"):
        store.correct_line(PAGE, "l0000", "НОТА", "bob", 0)
    assert _texts(store)[0] == "ПИСЬМО"
    assert store.correct_line(PAGE, "l0000", "НОТА", "bob", 1) == 2


def test_unknown_page_or_line_and_line_breaks_are_refused(store: Store) -> None:
    _run(store, make_page())
    with pytest.raises(CorrectionError, match="no page"):
        store.correct_line("nope", "l0000", "x", "ann", 0)
    with pytest.raises(CorrectionError, match="no line l0099"):
        store.correct_line(PAGE, "l0099", "x", "ann", 0)
    with pytest.raises(CorrectionError, match="line break"):
        store.correct_line(PAGE, "l0000", "two\nlines", "ann", 0)
    assert store.history() == []


def test_emptied_line_leaves_the_current_page_but_stays_reviewable(store: Store) -> None:
    _run(store, make_page())
    store.correct_line(PAGE, "l0002", "", "ann", 0)
    assert _texts(store) == make_page().text.split("\n")[:2]
    assert store.page_state(PAGE).lines[2].corrected


def test_rerun_keeps_correction_and_marks_the_line_only_when_ocr_changed(store: Store) -> None:
    _run(store, make_page())
    store.correct_line(PAGE, "l0001", "Ереван, 3 мая 1920 года", "ann", 0)
    _run(store, make_page())  # same OCR again
    state = store.page_state(PAGE)
    assert state.lines[1].text == "Ереван, 3 мая 1920 года"
    assert not state.lines[1].needs_review
    _run(store, make_page(texts=["ПИСЬМО ПРЕДСЕДАТЕЛЯ", "Epeвaн, З мая 1920 r.", "Источник: ЦГИА РА"]))
    line = store.page_state(PAGE).lines[1]
    assert (line.text, line.ocr_text, line.needs_review) == ("Ереван, 3 мая 1920 года", "Epeвaн, З мая 1920 r.", True)
    # Saving the line again is the reviewer's answer: the mark goes.
    store.correct_line(PAGE, "l0001", "Ереван, 3 мая 1920 года", "ann", line.version)
    assert not store.page_state(PAGE).lines[1].needs_review


def test_correction_follows_its_line_when_a_rerun_renumbers_lines(store: Store) -> None:
    _run(store, make_page(texts=["A line", "B line", "C line"], ys=[100, 150, 200]))
    store.correct_line(PAGE, "l0001", "B fixed", "ann", 0)
    # A new run finds an extra line at the top: every id shifts by one, the boxes stay put.
    _run(store, make_page(texts=["Header", "A line", "B 1ine", "C line"], ys=[40, 100, 150, 200]))
    state = store.page_state(PAGE)
    assert [(s.line_id, s.text) for s in state.lines] == [
        ("l0000", "Header"), ("l0001", "A line"), ("l0002", "B fixed"), ("l0003", "C line")]
    assert state.lines[2].needs_review
    assert store.history(page_id=PAGE, line_id="l0002")[0].new_value == "B fixed"


def test_correction_follows_its_line_when_preprocessing_changes_the_cleaned_coordinates(store: Store) -> None:
    _run(store, make_page(texts=["A line", "B line"], ys=[100, 150]))
    store.correct_line(PAGE, "l0001", "B fixed", "ann", 0)
    _run(store, make_page(texts=["Header", "A line", "B line"], ys=[40, 100, 150], scale=2.0, offset=(15, 10)))
    assert _texts(store) == ["Header", "A line", "B fixed"]


def test_correction_whose_line_vanished_is_kept_as_an_extra_line_for_review(store: Store) -> None:
    _run(store, make_page(texts=["A line", "B line", "C line"], ys=[100, 150, 200]))
    store.correct_line(PAGE, "l0001", "B fixed", "ann", 0)
    _run(store, make_page(texts=["A line", "C line"], ys=[100, 200]))
    state = store.page_state(PAGE)
    assert [s.text for s in state.lines] == ["A line", "B fixed", "C line"]
    orphan = state.lines[1]
    assert orphan.orphan and orphan.needs_review and orphan.line_id not in {"l0000", "l0001"}
    assert _texts(store) == ["A line", "B fixed", "C line"]
    # It can still be edited, and comes back to a line when a later run finds one there again.
    store.correct_line(PAGE, orphan.line_id, "B fixed twice", "ann", orphan.version)
    _run(store, make_page(texts=["A line", "B line", "C line"], ys=[100, 150, 200]))
    line = store.page_state(PAGE).lines[1]
    assert (line.line_id, line.text, line.orphan) == ("l0001", "B fixed twice", False)


def test_corrections_are_isolated_per_page(store: Store) -> None:
    _run(store, make_page("p1"), make_page("p2"))
    store.correct_line("p1", "l0000", "only p1", "ann", 0)
    assert _texts(store, "p2")[0] == "ПИСЬМО ПРЕДСЕДАТЕЛЯ"


def test_two_connections_see_each_others_versions(tmp_path: Path) -> None:
    path = tmp_path / "scan2text.sqlite"
    with Store.open(path) as first, Store.open(path) as second:
        _run(first, make_page())
        first.correct_line(PAGE, "l0000", "from first", "ann", 0)
        with pytest.raises(ConflictError):
            second.correct_line(PAGE, "l0000", "from second", "bob", 0)
        assert _texts(second)[0] == "from first"


def test_failed_transaction_rolls_back_every_change(store: Store) -> None:
    _run(store, make_page())
    with pytest.raises(RuntimeError), store.transaction():
        store.correct_line(PAGE, "l0000", "kept?", "ann", 0)
        raise RuntimeError("import failed half way")
    assert _texts(store)[0] == "ПИСЬМО ПРЕДСЕДАТЕЛЯ"
    assert store.history() == []


def test_approval_is_withdrawn_when_the_text_changes(store: Store) -> None:
    _run(store, make_page())
    store.approve(PAGE, "ann")
    assert store.page_state(PAGE).approved
    _run(store, make_page())  # identical OCR: approval holds
    assert store.page_state(PAGE).approved
    store.correct_line(PAGE, "l0000", "ПИСЬМО", "bob", 0)
    assert not store.page_state(PAGE).approved
    assert [c.kind for c in store.history(page_id=PAGE)] == ["line", "approve_page"]


def test_queue_puts_low_confidence_and_marked_pages_first(store: Store) -> None:
    _run(store, make_page("good", confs=[95, 95, 95]), make_page("bad", confs=[30, 40, 50]),
         make_page("mid", confs=[70, 70, 70]))
    assert [q.page_id for q in store.queue()] == ["bad", "mid", "good"]
    store.approve("bad", "ann")
    assert [q.page_id for q in store.queue()] == ["mid", "good", "bad"]


# --- records ---------------------------------------------------------------------------------------------


def test_field_corrections_are_validated(store: Store) -> None:
    run = _run(store, make_page())
    store.save_records(run, [make_record()])
    for field, value, reason in [
        ("date", "3 May 1920", "YYYY-MM-DD"),
        ("date", "1920-02-30", "calendar date"),
        ("date", "1920-05-07/1920-05-06", "ends before"),
        ("sheets", "213-abc", "sheet range"),
        ("cited_source.0.sheets", "214–213", "backwards"),
        ("ocr_conf", "100", "not a record field"),
    ]:
        with pytest.raises(CorrectionError, match=reason):
            store.correct_field("doc-1", field, value, "ann", 0)
    for field, value in [("date", "1920-05-06/1920-05-07"), ("date", "1920-05"), ("sheets", "41v"),
                         ("sheets", "213–214 об."), ("cited_source.0.sheets", "8 reverse")]:
        version = store.record_state("doc-1").fields[field].version
        store.correct_field("doc-1", field, value, "ann", version)
    record = store.current_records()[0]
    assert (record.date, record.sheets) == ("1920-05", "213–214 об.")
    assert (record.cited_source[0].sheet_first, record.cited_source[0].verso) == (8, True)


def test_field_correction_survives_a_rerun_that_renames_the_record(store: Store) -> None:
    run = _run(store, make_page())
    store.save_records(run, [make_record("doc-1")])
    store.correct_field("doc-1", "date", "1920-05-04", "ann", 0)
    with pytest.raises(ConflictError):
        store.correct_field("doc-1", "date", "1920-05-05", "bob", 0)
    run = _run(store, make_page())
    store.save_records(run, [make_record("rus-0213-1", date="1920-05-08")])
    record = store.current_records()[0]
    assert (record.id, record.date) == ("rus-0213-1", "1920-05-04")
    field = store.record_state("rus-0213-1").fields["date"]
    assert (field.ocr_value, field.needs_review) == ("1920-05-08", True)


def test_search_finds_current_text_in_every_script(store: Store) -> None:
    run = _run(store, make_page(texts=["ТЕЛЕГРАММА министра", "ՀԵՌԱԳԻՐ Հայաստանի", "Telegram from Yerevan"]))
    store.save_records(run, [make_record()])
    assert [h.line_id for h in store.search("телеграмма")] == ["l0000"]
    assert [h.line_id for h in store.search("հեռագիր")] == ["l0001"]
    assert [h.line_id for h in store.search("yereva")] == ["l0002"]
    assert {h.field for h in store.search("Ереван")} == {"place"}
    assert store.search('"unbalanced -quote*') == []
    store.correct_line(PAGE, "l0002", "Telegram from Erivan", "ann", 0)
    assert store.search("yerevan") == []
    assert [h.snippet for h in store.search("erivan")] == ["Telegram from [Erivan]"]


def test_run_pages_returns_one_runs_ocr_without_corrections(store: Store) -> None:
    first = _run(store, make_page())
    store.correct_line(PAGE, "l0000", "ПИСЬМО", "ann", 0)
    second = _run(store, make_page(texts=["other"]))
    assert store.run_pages(first) == [make_page()]
    assert [p.text for p in store.run_pages(second)] == ["other"]


def test_tesseracts_line_geometry_is_kept_through_the_store_and_a_correction(store: Store) -> None:
    page = make_page()
    page.lines[1] = page.lines[1].model_copy(
        update={"baseline": (30.0, 114.5, 530.0, 116.25), "x_size": 30.5, "x_height": 14.0, "x_descenders": 7.25,
                "block": 2})
    run_id = _run(store, page)
    assert store.run_page(run_id, PAGE) == page
    store.correct_line(PAGE, "l0001", "Ереван, 5 мая 1920 г.", "ann", 0)
    kept = store.current_page(PAGE).lines
    assert (kept[1].baseline, kept[1].x_size, kept[1].x_height, kept[1].block) == ((30.0, 114.5, 530.0, 116.25),
                                                                                  30.5, 14.0, 2)
    assert kept[0].baseline is None and kept[0].block is None  # a line read without it stays without
