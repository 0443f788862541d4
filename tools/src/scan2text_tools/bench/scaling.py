"""Scaling benchmark: the same batch with 1 and 2 local workers, and on a local Dask cluster.

Each configuration runs `scan2text run` on the same archive-like batch (see `throughput.make_batch`),
each into a fresh output folder. Pages per minute are given end to end and without the fixed start-up,
which is timed once as a re-run of a finished batch (no page is read).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from pydantic import BaseModel

from scan2text_tools.bench.throughput import make_batch, timed_run


class ScalingRow(BaseModel):
    setup: str
    pages: int
    seconds: float
    pages_per_min: float
    pages_per_min_after_startup: float


def scaling_bench(root: Path, pages: int = 24, dask_workers: int = 2) -> tuple[list[ScalingRow], float]:
    """Rows for 1 worker, 2 workers and a local Dask cluster; and the start-up seconds."""
    from distributed import LocalCluster

    rows = []
    with tempfile.TemporaryDirectory(prefix="scan2text-scale-") as tmp:
        batch = Path(tmp) / "in"
        make_batch(root, batch, pages)
        cli = [sys.executable, "-m", "scan2text", "run", "--quiet", str(batch)]
        setups: list[tuple[str, list[str]]] = [
            ("1 local worker", ["--workers", "1"]),
            (f"{os.cpu_count()} local workers", ["--workers", str(os.cpu_count() or 1)]),
        ]
        runs = [(name, timed_run([*cli, "--out", str(Path(tmp) / f"out-{n}"), *extra]))
                for n, (name, extra) in enumerate(setups)]
        startup = timed_run([*cli, "--out", str(Path(tmp) / "out-0")]).seconds
        with LocalCluster(n_workers=dask_workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            runs.append((f"Dask, {dask_workers} worker processes",
                         timed_run([*cli, "--out", str(Path(tmp) / "out-dask"), "--dask-address",
                                    cluster.scheduler_address])))
    for name, run in runs:
        working = max(run.seconds - startup, 1e-6)
        rows.append(ScalingRow(setup=name, pages=pages, seconds=run.seconds,
                               pages_per_min=round(pages / run.seconds * 60, 1),
                               pages_per_min_after_startup=round(pages / working * 60, 1)))
    return rows, startup


def format_scaling(rows: list[ScalingRow], startup: float) -> str:
    lines = [f"{'setup':28s} pages  seconds  pages/min  pages/min after start-up ({startup:.1f} s)"]
    for r in rows:
        lines.append(f"{r.setup:28s} {r.pages:5d}  {r.seconds:7.1f}  {r.pages_per_min:9.1f}  "
                     f"{r.pages_per_min_after_startup:9.1f}")
    return "\n".join(lines)
