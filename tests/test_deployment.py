"""The flow as a Prefect deployment runs it: parameters as JSON values, runs named so the UI says what they do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scan2text.errors import ConfigError

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("e2e")]

ROOT = Path(__file__).resolve().parent.parent
PAGE = "eng/fund-200/inv-1/file-271/0213.png"


def test_settings_given_as_json_values_are_validated_into_settings_and_runs_are_named(tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort, TaskRunSort
    from scan2text.flows.pipeline import run_batch

    (tmp_path / "in" / PAGE).parent.mkdir(parents=True)
    shutil.copy(ROOT / "samples" / PAGE, tmp_path / "in" / PAGE)
    with pytest.raises(ConfigError, match=r"ocr\.psm"):
        run_batch(str(tmp_path / "in"), str(tmp_path / "bad"), {"ocr": {"psm": 42}})
    assert not (tmp_path / "bad" / "pages").exists()

    summary = run_batch(str(tmp_path / "in"), str(tmp_path / "out"), {"ocr": {"lang": "eng"}, "workers": 1})
    assert summary.ok and summary.processed == 1

    with get_client(sync_client=True) as client:
        flows = [run.name for run in client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=5)]
        tasks = [run.name for run in client.read_task_runs(sort=TaskRunSort.EXPECTED_START_TIME_DESC, limit=5)]
    assert f"scan2text in → {tmp_path / 'out'}" in flows
    assert "pages eng/fund-200/inv-1/file-271/0213" in tasks
