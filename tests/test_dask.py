"""The same flow on a Dask cluster: two worker processes started here, reached by address like a real one."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
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


def _say_on_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# What Prefect prints when it cannot reach an API: the events client's warning and its failed-item error (with the
# whole event as payload), the log shipper's error, any traceback.
PREFECT_API_NOISE = re.compile(r"Unable to connect|failed to process item|Error logging to API|Traceback|\| ERROR")


def test_workers_stay_quiet_about_the_per_run_prefect_server(tmp_path, capfd):
    # A cluster outlives runs, but each run's own Prefect API server lives only as long as that run and listens on
    # the client's loopback, which workers elsewhere cannot reach. Two runs on one cluster: in the second, Prefect on
    # the workers would still report to the first run's server, gone by then.
    from distributed import Client, LocalCluster

    image = "eng/fund-200/inv-1/file-271/0213.png"
    (tmp_path / "in" / image).parent.mkdir(parents=True)
    shutil.copy(ROOT / "samples" / image, tmp_path / "in" / image)
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0") as cluster:
        for out in (tmp_path / "first", tmp_path / "second"):
            proc = subprocess.run(
                [sys.executable, "-m", "scan2text", "run", str(tmp_path / "in"), "--out", str(out), "--dask-address",
                 cluster.scheduler_address, "-q"],
                capture_output=True, text=True, timeout=600, env=env,
            )
            assert proc.returncode == 0, proc.stderr
            assert not PREFECT_API_NOISE.search(proc.stderr), proc.stderr
            page = json.loads((out / "pages" / image).with_suffix(".json").read_text("utf-8"))
            assert "Yerevan" in " ".join(line["text"] for line in page["lines"])
        # Prefect's events client tries a vanished server for a few seconds before it gives up on an event
        time.sleep(12)
        with Client(cluster) as client:
            client.run(_say_on_stderr, "worker log captured")  # the workers' stderr is this process's: capfd has it
        worker_log = capfd.readouterr().err
    assert "worker log captured" in worker_log
    assert not PREFECT_API_NOISE.search(worker_log), worker_log[-3000:]


@pytest.fixture
def worker_elsewhere(tmp_path):
    """A scheduler here and its one worker in a network namespace of its own, like a worker on another machine: the
    worker's 127.0.0.1 is not this process's, so the client's own Prefect server is out of its reach."""
    from distributed import Client

    tag = f"s2t{os.getpid() % 100000}"
    net = f"10.{200 + os.getpid() % 50}.{os.getpid() % 250}"
    setup = [
        ["ip", "netns", "add", tag],
        ["ip", "link", "add", f"{tag}a", "type", "veth", "peer", "name", f"{tag}b"],
        ["ip", "link", "set", f"{tag}b", "netns", tag],
        ["ip", "addr", "add", f"{net}.1/24", "dev", f"{tag}a"],
        ["ip", "link", "set", f"{tag}a", "up"],
        ["ip", "netns", "exec", tag, "ip", "addr", "add", f"{net}.2/24", "dev", f"{tag}b"],
        ["ip", "netns", "exec", tag, "ip", "link", "set", f"{tag}b", "up"],
    ]
    processes: list[subprocess.Popen] = []
    try:
        for command in setup:
            if shutil.which(command[0]) is None or subprocess.run(command, capture_output=True).returncode:
                pytest.skip("no network namespaces here (needs root and iproute2)")
        dask = str(Path(sys.executable).parent / "dask")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        port = 20000 + os.getpid() % 20000
        processes.append(subprocess.Popen(
            [dask, "scheduler", "--host", f"{net}.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        ))
        log = tmp_path / "worker.log"
        with log.open("w") as sink:
            processes.append(subprocess.Popen(
                ["ip", "netns", "exec", tag, dask, "worker", f"tcp://{net}.1:{port}", "--host", f"{net}.2",
                 "--nthreads", "2", "--no-dashboard"],
                stdout=sink, stderr=subprocess.STDOUT, env=env, cwd="/",
            ))
        address = f"tcp://{net}.1:{port}"
        with Client(address, timeout=60) as client:
            client.wait_for_workers(1, timeout=60)
        yield address, log
    finally:
        for process in reversed(processes):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            if process.poll() is None:
                process.kill()
        subprocess.run(["ip", "link", "del", f"{tag}a"], capture_output=True)
        subprocess.run(["ip", "netns", "del", tag], capture_output=True)


def test_a_worker_that_cannot_reach_the_clients_prefect_server_reads_the_pages(worker_elsewhere, tmp_path):
    # Before, every page failed there: Prefect checks the API version before a task run ("Failed to reach API").
    address, worker_log = worker_elsewhere
    image = "eng/fund-200/inv-1/file-271/0213.png"
    (tmp_path / "in" / image).parent.mkdir(parents=True)
    shutil.copy(ROOT / "samples" / image, tmp_path / "in" / image)
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    proc = subprocess.run(
        [sys.executable, "-m", "scan2text", "run", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
         "--dask-address", address, "-q"],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    page = json.loads((tmp_path / "out" / "pages" / image).with_suffix(".json").read_text("utf-8"))
    assert "Yerevan" in " ".join(line["text"] for line in page["lines"])
    time.sleep(12)  # as above: time for Prefect on the worker to give up on an event
    text = worker_log.read_text(encoding="utf-8")
    assert "Starting Worker plugin scan2text" in text  # this is the worker's log, and the run reached it
    assert not PREFECT_API_NOISE.search(text), text[-3000:]
