"""Throughput benchmark: `scan2text run` end to end against the bound of Tesseract alone.

(a) the bound: Tesseract on the pages scan2text cleaned, with each page's right language, one
    single-threaded process per core — what the machine can do if nothing else costs anything;
(b) `scan2text run` on the raw scans, twice (N/2 and N pages), so the steady-state rate comes apart
    from the fixed costs: rate = (N - N/2) / (T_N - T_N/2). The fixed start-up (imports, Prefect's API
    server, the store) is timed on its own, as a re-run of the finished N/2 batch, where no page is read.
Peak memory is each run's own maximum resident set, read from the kernel when it exits.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel

from scan2text.outputs import PAGES_DIR


class RunFigures(BaseModel):
    pages: int
    seconds: float
    peak_rss_mb: float


class ThroughputReport(BaseModel):
    workers: int
    bound_pages_per_min: float
    half: RunFigures
    full: RunFigures
    steady_pages_per_min: float
    startup_seconds: float

    @property
    def ratio(self) -> float:
        return self.steady_pages_per_min / self.bound_pages_per_min if self.bound_pages_per_min else 0.0


def make_batch(root: Path, target: Path, pages: int, mixed: bool = False) -> dict[str, str]:
    """Copy single-frame sample pages round-robin into a batch of `pages`; returns page id → language.

    By default the batch is laid out as archives deliver it, a folder per file and each file in one
    language (`<lang>/file-<k>/<n>`, a file per round through the samples). `mixed` puts every page in one
    flat folder whose language changes every few pages: the worst case for the guess of a page's language.
    """
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    singles = [p for p in truth["pages"] if p["frame"] == 0 and not p["image"].endswith((".tif", ".tiff"))]
    target.mkdir(parents=True, exist_ok=True)
    languages = {}
    for n in range(pages):
        page = singles[n % len(singles)]
        stem = f"p{n:05d}"
        page_id = stem if mixed else f"{page['language']}/file-{n // len(singles)}/{stem}"
        destination = target / f"{page_id}{Path(page['image']).suffix}"
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / page["image"], destination)
        languages[page_id] = page["language"]
    return languages


def timed_run(args: list[str]) -> RunFigures:
    """Run a command, returning its wall time and peak RSS (of itself and its waited-for children)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return RunFigures(pages=0, seconds=round(seconds, 2), peak_rss_mb=round(usage.ru_maxrss / 1024, 1))


def tesseract_bound(clean_dir: Path, languages: dict[str, str], workers: int, psm: int = 4) -> float:
    """Pages per minute of plain Tesseract over the cleaned pages, one single-threaded process per core."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    jobs = [
        (path, languages[path.relative_to(clean_dir).as_posix().removesuffix(".clean.png")])
        for path in sorted(clean_dir.rglob("*.clean.png"))
    ]

    def one(job: tuple[Path, str]) -> None:
        subprocess.run(["tesseract", str(job[0]), "-", "-l", job[1], "--psm", str(psm)],
                       env=env, check=True, capture_output=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, jobs))
    return len(jobs) / (time.perf_counter() - started) * 60


def throughput_bench(root: Path, pages: int = 40, workers: int | None = None, mixed: bool = False) -> ThroughputReport:
    workers = workers or os.cpu_count() or 1
    half = pages // 2
    with tempfile.TemporaryDirectory(prefix="scan2text-bench-") as tmp:
        base = Path(tmp)
        languages = make_batch(root, base / "full", pages, mixed)
        make_batch(root, base / "half", half, mixed)
        cli = [sys.executable, "-m", "scan2text", "run", "--quiet", "--workers", str(workers)]
        small = timed_run([*cli, str(base / "half"), "--out", str(base / "out-half")])
        # Every page of a finished batch is reused: what is left is the fixed cost of a run.
        rerun = timed_run([*cli, str(base / "half"), "--out", str(base / "out-half")])
        large = timed_run([*cli, str(base / "full"), "--out", str(base / "out-full")])
        small.pages, large.pages = half, pages
        bound = tesseract_bound(base / "out-full" / PAGES_DIR, languages, workers)
    steady = (pages - half) / max(large.seconds - small.seconds, 1e-6) * 60
    startup = rerun.seconds
    return ThroughputReport(workers=workers, bound_pages_per_min=round(bound, 1), half=small, full=large,
                            steady_pages_per_min=round(steady, 1), startup_seconds=round(startup, 1))


def format_report(report: ThroughputReport) -> str:
    rows = [
        f"workers: {report.workers}",
        f"(a) Tesseract alone, cleaned pages, right language: {report.bound_pages_per_min:.1f} pages/min",
        f"(b) scan2text run, {report.half.pages} pages: {report.half.seconds:.1f} s, peak RSS "
        f"{report.half.peak_rss_mb:.0f} MB",
        f"    scan2text run, {report.full.pages} pages: {report.full.seconds:.1f} s, peak RSS "
        f"{report.full.peak_rss_mb:.0f} MB",
        f"    steady state: {report.steady_pages_per_min:.1f} pages/min",
        f"    start-up (re-run of the finished {report.half.pages}-page batch): {report.startup_seconds:.1f} s",
        f"ratio (b)/(a): {report.ratio:.2f}",
    ]
    return "\n".join(rows)
