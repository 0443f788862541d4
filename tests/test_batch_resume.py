"""A run killed mid-task: the pages it finished are reused by the next run, whatever the store heard of."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

import scan2text
from scan2text.ocr import tesseract
from scan2text.pipeline.batch import plan_batch, run_pages
from scan2text.settings import Settings

pytestmark = pytest.mark.integration

PAGE = "eng/fund-200/inv-1/file-271/0213.png"


def _read_without_telling_the_store(root, out, settings):
    """What a task does before it ends: the page's files are written, the store is not told yet."""
    plan = plan_batch(root, out, settings)
    chosen = plan.take(running=0, workers=1)
    outcomes = run_pages([src for src, _ in chosen], out, settings, [hint for _, hint in chosen],
                         keys=[plan.keys[src.id] for src, _ in chosen])
    assert outcomes[0].error is None
    plan.close()  # as the process's end would: the store closed, the lock released, the run left `running`
    return outcomes[0].page


def test_a_page_read_by_a_task_that_never_ended_is_reused(tmp_path, samples_dir):
    root, out, settings = tmp_path / "in", tmp_path / "out", Settings.model_validate({"ocr": {"lang": "eng"}})
    (root / PAGE).parent.mkdir(parents=True)
    shutil.copy(samples_dir / PAGE, root / PAGE)
    page = _read_without_telling_the_store(root, out, settings)

    again = plan_batch(root, out, settings)
    assert [run.status for run in again.store.runs()] == ["interrupted", "running"]
    assert again.reused == 1 and not again.todo
    assert again.store.page_done(page.id, again.keys[page.id])
    assert again.store.current_page(page.id).text == page.text
    again.close()

    other = plan_batch(root, out, Settings.model_validate({"ocr": {"lang": "rus"}}))
    assert other.reused == 0 and len(other.todo) == 1, "read under other settings: read again"
    other.close()


def test_a_page_is_read_again_after_its_model_or_scan2text_changes(tmp_path, samples_dir, monkeypatch):
    # The models in a folder of their own, as TESSDATA_PREFIX points Tesseract to them.
    installed = Path(tesseract.models_used("eng")[0])
    models = tmp_path / "tessdata"
    models.mkdir()
    shutil.copy2(installed, models / installed.name)
    monkeypatch.setenv("TESSDATA_PREFIX", str(models))
    root, out, settings = tmp_path / "in", tmp_path / "out", Settings.model_validate({"ocr": {"lang": "eng"}})
    (root / PAGE).parent.mkdir(parents=True)
    shutil.copy(samples_dir / PAGE, root / PAGE)
    _read_without_telling_the_store(root, out, settings)

    same = plan_batch(root, out, settings)
    assert same.reused == 1
    same.close()

    os.utime(models / installed.name, ns=(time.time_ns(), time.time_ns()))  # a new model in its place
    upgraded_model = plan_batch(root, out, settings)
    assert upgraded_model.reused == 0 and len(upgraded_model.todo) == 1
    upgraded_model.close()

    os.utime(models / installed.name, ns=(installed.stat().st_atime_ns, installed.stat().st_mtime_ns))
    assert plan_batch(root, out, settings).close() is None  # the old model again: the page is finished
    monkeypatch.setattr(scan2text, "__version__", scan2text.__version__ + ".post1")
    upgraded_code = plan_batch(root, out, settings)
    assert upgraded_code.reused == 0 and len(upgraded_code.todo) == 1
    upgraded_code.close()
