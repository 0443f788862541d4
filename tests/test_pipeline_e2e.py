"""End to end through the real CLI, Prefect flow, OpenCV and Tesseract, on the project's samples."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scan2text.models import Record

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("e2e")]

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CLI = [sys.executable, "-m", "scan2text"]


def scan2text(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=900, cwd=ROOT)


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str], float]:
    out = tmp_path_factory.mktemp("samples-out")
    started = time.monotonic()
    proc = scan2text("run", str(SAMPLES), "--out", str(out))
    return out, proc, time.monotonic() - started


def _records(out: Path) -> list[Record]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return [Record.model_validate_json(line) for line in lines if line.strip()]


def test_run_succeeds_and_writes_every_page(sample_run, truth):
    out, proc, _ = sample_run
    assert proc.returncode == 0, proc.stderr
    for page in truth["pages"]:
        stem = Path(page["image"]).with_suffix("").as_posix()
        if Path(page["gt"]).name.removesuffix(".gt.txt").endswith(f"_{page['frame'] + 1}"):
            stem = f"{stem}_{page['frame'] + 1}"
        text = (out / "pages" / f"{stem}.txt").read_text(encoding="utf-8")
        assert text.strip(), f"no text for {stem}"
        data = json.loads((out / "pages" / f"{stem}.json").read_text(encoding="utf-8"))
        assert data["lines"] and data["lines"][0]["words"][0]["box"]
        assert (out / "pages" / f"{stem}.clean.png").exists()


def test_every_truth_document_is_found_with_its_fields(sample_run, truth):
    from scan2text_tools.evaluate import evaluate, format_table

    out, _, _ = sample_run
    records = _records(out)
    report = evaluate(records, truth)
    table = format_table(report)
    detail = table + "\n" + "\n".join(map(str, report.mismatches))
    assert report.overall.f1 == 1.0, detail
    # never silently wrong: a field OCR damaged beyond repair carries a flag for the reviewer
    assert report.overall.wrong_unflagged == 0, detail
    assert report.overall.perfect >= report.overall.documents - 1, detail


def test_records_carry_their_pages_and_sheet_references(sample_run):
    out, _, _ = sample_run
    records = _records(out)
    with_pages = [r for r in records if r.doc_type]
    assert all(r.pages and r.pages[0].image for r in with_pages)
    assert any(len(r.pages) > 1 for r in with_pages), "a document spanning two pages"
    assert any(p.sheet and p.sheet.sheet for r in with_pages for p in r.pages)


def test_store_holds_the_same_pages_and_records(sample_run, truth):
    out, _, _ = sample_run
    db = sqlite3.connect(f"file:{out / 'scan2text.sqlite'}?mode=ro", uri=True)
    tables = {row[0] for row in db.execute("select name from sqlite_master where type='table'")}
    assert {"runs", "pages", "lines"} <= tables
    assert db.execute("select count(distinct id) from pages").fetchone()[0] == len(truth["pages"])


def test_rerun_reuses_finished_pages_whichever_engine_reads(sample_run, truth):
    out, _, first = sample_run
    before = (out / "records.jsonl").read_text(encoding="utf-8")
    started = time.monotonic()
    # The other engine reads the same words, so what the first run read stands.
    proc = scan2text("run", str(SAMPLES), "--out", str(out), "--engine", "tesserocr")
    assert proc.returncode == 0, proc.stderr
    assert f"0 processed, {len(truth['pages'])} reused" in proc.stderr
    assert time.monotonic() - started < first
    assert (out / "records.jsonl").read_text(encoding="utf-8") == before
    db = sqlite3.connect(f"file:{out / 'scan2text.sqlite'}?mode=ro", uri=True)
    engines = [json.loads(v)["engine"] for (v,) in db.execute("select versions from runs order by id")]
    assert engines[0] == "pytesseract" and engines[-1] == "tesserocr"


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path, truth):
    src = tmp_path / "in"
    good = truth["pages"][0]["image"]
    (src / Path(good).parent).mkdir(parents=True)
    shutil.copy(SAMPLES / good, src / good)
    (src / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    (src / "empty.jpg").write_bytes(b"")
    out = tmp_path / "out"
    proc = scan2text("run", str(src), "--out", str(out), "--lang", "auto")
    assert proc.returncode == 1
    assert "broken.png" in proc.stderr and "empty.jpg" in proc.stderr
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert {Path(e["file"]).name for e in errors} == {"broken.png", "empty.jpg"}
    assert all(e["stage"] == "ingest" and e["reason"] for e in errors)
    assert (out / "pages" / Path(good).with_suffix(".txt")).exists()
    assert _records(out)


def test_batch_killed_with_sigkill_resumes_without_loss_or_duplicates(tmp_path, truth):
    import os
    import re
    import signal

    src = tmp_path / "in"
    singles = [p["image"] for p in truth["pages"] if p["frame"] == 0 and not p["image"].endswith(".tif")][:6]
    for image in singles:
        (src / image).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / image, src / image)
    out = tmp_path / "out"
    proc = subprocess.Popen([*CLI, "run", str(src), "--out", str(out), "--workers", "1"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list((out / "pages").rglob("*.json"))) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list((out / "pages").rglob("*.json")))
    assert 2 <= done_before < len(singles), "the kill should land mid-batch"

    resumed = scan2text("run", str(src), "--out", str(out))
    assert resumed.returncode == 0, resumed.stderr
    counts = re.search(r"(\d+) processed, (\d+) reused", resumed.stderr)
    assert counts and int(counts.group(2)) == done_before, "every page finished before the kill is reused"
    assert int(counts.group(1)) + int(counts.group(2)) == len(singles)
    db = sqlite3.connect(f"file:{out / 'scan2text.sqlite'}?mode=ro", uri=True)
    assert db.execute("select count(distinct id) from pages").fetchone()[0] == len(singles)
    ids = [r.id for r in _records(out)]
    assert len(ids) == len(set(ids))


def test_page_xml_round_trip_survives_a_rerun(tmp_path, truth):
    """Export PAGE-XML, fix a word in the XML, import it, re-run: the fix is in records and exports."""
    src = tmp_path / "in"
    image = next(p["image"] for p in truth["pages"] if p["language"] == "eng" and p["image"].endswith(".png"))
    (src / image).parent.mkdir(parents=True)
    shutil.copy(SAMPLES / image, src / image)
    out = tmp_path / "out"
    assert scan2text("run", str(src), "--out", str(out), "--quiet").returncode == 0
    assert scan2text("export", str(out), "--format", "page", "--to", str(tmp_path / "xml")).returncode == 0
    (xml,) = (tmp_path / "xml").rglob("*.xml")
    text = xml.read_text(encoding="utf-8")
    assert "Telegram" in text
    xml.write_text(text.replace("Telegram", "TELEGRAMME", 1), encoding="utf-8")

    imported = scan2text("import", str(out), str(xml), "--author", "archivist")
    assert imported.returncode == 0, imported.stderr
    assert scan2text("run", str(src), "--out", str(out), "--force", "--quiet").returncode == 0

    assert "TELEGRAMME" in (out / "records.jsonl").read_text(encoding="utf-8")
    assert scan2text("export", str(out), "--format", "txt", "--to", str(tmp_path / "txt")).returncode == 0
    assert any("TELEGRAMME" in f.read_text(encoding="utf-8") for f in (tmp_path / "txt").rglob("*.txt"))
