"""The same flow on a Dask cluster: two worker processes started here, reached by address like a real one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scan2text.store.run_folder import RunFolder

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("e2e")]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    # more threads than this machine has cores, so that a run sized to the cluster shows
    with LocalCluster(n_workers=2, threads_per_worker=3, processes=True, dashboard_address=None) as c:
        yield c


def test_run_on_a_dask_cluster(cluster, tmp_path):
    truth = json.loads((ROOT / "samples" / "truth.json").read_text(encoding="utf-8"))
    src = tmp_path / "in"
    images = [p["image"] for p in truth["pages"] if p["image"].endswith(".png")][:2]
    for image in images:
        (src / image).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "samples" / image, src / image)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "scan2text", "run", str(src), "--out", str(out), "--dask-address",
         cluster.scheduler_address],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    for image in images:
        assert (out / "pages" / Path(image).with_suffix(".json")).exists()
    # the pages really ran on the cluster's workers, not in the client
    # (each computed task passes through the "memory" state once on the scheduler)
    computed = {name: dict(prefix.state_counts) for name, prefix in cluster.scheduler.task_prefixes.items()}
    assert sum(c.get("memory", 0) for name, c in computed.items() if "page" in name) == len(images), computed
    assert (out / "records.jsonl").read_text(encoding="utf-8").strip()
    # the run kept the cluster's 6 threads busy, not this machine's cores
    assert RunFolder(out).open_store().runs()[-1].settings["workers"] == 6


def _engine_in_use() -> str | None:
    from scan2text.ocr import tesseract

    return tesseract._engine.name if tesseract._engine else None


def test_the_engine_chosen_on_the_command_line_reads_on_the_workers(cluster, tmp_path):
    # The workers' environment is not the client's: only the run's settings can tell them the engine.
    from distributed import Client

    image = "eng/fund-200/inv-1/file-271/0213.png"
    (tmp_path / "in" / image).parent.mkdir(parents=True)
    shutil.copy(ROOT / "samples" / image, tmp_path / "in" / image)
    proc = subprocess.run(
        [sys.executable, "-m", "scan2text", "run", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
         "--dask-address", cluster.scheduler_address, "--engine", "tesserocr"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    with Client(cluster) as client:
        engines = set(client.run(_engine_in_use).values())
    assert "tesserocr" in engines, engines
    page = json.loads((tmp_path / "out" / "pages" / "eng/fund-200/inv-1/file-271/0213.json").read_text("utf-8"))
    assert "Yerevan" in " ".join(line["text"] for line in page["lines"])


def test_a_relative_input_and_out_reach_the_workers_as_absolute_paths(cluster, tmp_path):
    # The workers run in their own working directory: a path relative to the client's would name nothing there.
    image = "eng/fund-200/inv-1/file-271/0213.png"
    (tmp_path / "in" / image).parent.mkdir(parents=True)
    shutil.copy(ROOT / "samples" / image, tmp_path / "in" / image)
    proc = subprocess.run(
        [sys.executable, "-m", "scan2text", "run", "in", "--out", "out", "--dask-address", cluster.scheduler_address,
         "-q"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    page = json.loads((tmp_path / "out" / "pages" / "eng/fund-200/inv-1/file-271/0213.json").read_text("utf-8"))
    assert "Yerevan" in " ".join(line["text"] for line in page["lines"])
