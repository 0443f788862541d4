"""A run killed mid-task: the pages it finished are reused by the next run, whatever the store heard of."""

from __future__ import annotations

import shutil

import pytest

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
