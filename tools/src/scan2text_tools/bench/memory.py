"""Memory benchmark: peak resident memory of `scan2text run` as the batch grows.

A batch must run in bounded memory: no page image held beyond its task, segmentation over lines only.
This runs the same archive-like batch (see `throughput.make_batch`) at several sizes and samples the
resident memory of the whole process tree twice a second: the scan2text process, Prefect's API
server and the Tesseract processes it starts.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from pydantic import BaseModel

from scan2text_tools.bench.throughput import make_batch


class MemoryFigures(BaseModel):
    pages: int
    seconds: float
    pages_per_min: float
    peak_main_mb: float  # the scan2text process alone
    peak_tree_mb: float  # the scan2text process, its API server and its Tesseract processes together


def _rss(proc: psutil.Process) -> int:
    try:
        return int(proc.memory_info().rss)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0


def measured_run(args: list[str], interval: float = 0.5) -> tuple[float, float, float]:
    """Run a command; return (seconds, peak RSS of the process, peak RSS of its process tree) in MB."""
    with tempfile.TemporaryFile() as errors:  # a file: an unread pipe would stall a run reporting many failures
        started = time.perf_counter()
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=errors)
        main = psutil.Process(child.pid)
        peak_main = peak_tree = 0
        while child.poll() is None:
            own = _rss(main)
            try:
                family = main.children(recursive=True)
            except psutil.NoSuchProcess:
                family = []
            peak_main = max(peak_main, own)
            peak_tree = max(peak_tree, own + sum(_rss(p) for p in family))
            time.sleep(interval)
        seconds = time.perf_counter() - started
        if child.returncode not in (0, 1):
            errors.seek(0)
            raise RuntimeError(f"{' '.join(args)} failed: {errors.read().decode(errors='replace')[-2000:]}")
    return seconds, peak_main / 2**20, peak_tree / 2**20


def memory_bench(root: Path, sizes: list[int], workers: int | None = None) -> list[MemoryFigures]:
    results = []
    with tempfile.TemporaryDirectory(prefix="scan2text-mem-") as tmp:
        for pages in sizes:
            batch = Path(tmp) / f"in-{pages}"
            make_batch(root, batch, pages)
            out = Path(tmp) / f"out-{pages}"
            cli = [sys.executable, "-m", "scan2text", "run", "--quiet", str(batch), "--out", str(out)]
            if workers:
                cli += ["--workers", str(workers)]
            seconds, main, tree = measured_run(cli)
            results.append(MemoryFigures(pages=pages, seconds=round(seconds, 1),
                                         pages_per_min=round(pages / seconds * 60, 1),
                                         peak_main_mb=round(main, 1), peak_tree_mb=round(tree, 1)))
    return results


def format_memory(results: list[MemoryFigures]) -> str:
    rows = ["pages  seconds  pages/min  peak RSS scan2text (MB)  peak RSS with server + Tesseract (MB)"]
    rows += [f"{r.pages:5d}  {r.seconds:7.1f}  {r.pages_per_min:9.1f}  {r.peak_main_mb:23.0f}  {r.peak_tree_mb:37.0f}"
             for r in results]
    if len(results) > 1:
        first, last = results[0], results[-1]
        rows.append(f"peak RSS {last.pages} vs {first.pages} pages: {last.peak_main_mb / first.peak_main_mb:.2f}x "
                    f"(process), {last.peak_tree_mb / first.peak_tree_mb:.2f}x (tree)")
    return "\n".join(rows)
