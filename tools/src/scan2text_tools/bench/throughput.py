"""Throughput benchmark: `scan2text run` end to end against the bound of Tesseract alone.

(a) the bound: Tesseract on the pages scan2text cleaned, with each page's right language, one
    single-threaded process per core — what the machine can do if nothing else costs anything. A
    `tesseract` is started for each page, as the default engine does; the stricter (a') gives each core one
    `tesseract` per language, which loads its model once and reads a list of pages (the same words);
(b) `scan2text run` on the raw scans of the same N pages, and then again on the finished batch, where
    every page is reused and nothing is read: that re-run is the run's fixed cost (imports, Prefect's API
    server, hashing, segmentation, the store), and the pages' rate is N / (T_run - T_rerun). Two timed
    runs of different sizes would give the same figure in theory but, on a shared 2-core machine, a
    difference of two noisy timings.
Peak memory is each run's own maximum resident set, read from the kernel when it exits.

Alongside pages per minute, the bench counts CPU seconds: those of the run less its re-run against those of
the bound, per page. Their ratio is the share of the run's work that is Tesseract's reading; it does not
drift with the machine's speed the way wall time does on a shared machine, so it shows a change that a
ratio of wall times, varying by ±0.1 from round to round, hides.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel

from scan2text.ocr import engines
from scan2text.store.run_folder import RunFolder


class RunFigures(BaseModel):
    pages: int
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float = 0.0  # of the run and every process it waited for (Tesseract, the Prefect server)


class Round(BaseModel):
    """One run, its re-run and the bound, timed back to back so that they share the machine's state."""

    bound_pages_per_min: float
    bound_cpu_seconds: float = 0.0
    list_bound_pages_per_min: float = 0.0
    list_bound_cpu_seconds: float = 0.0
    run: RunFigures
    rerun: RunFigures

    @property
    def steady_pages_per_min(self) -> float:
        return self.run.pages / max(self.run.seconds - self.rerun.seconds, 1e-6) * 60

    @property
    def ratio(self) -> float:
        return self.steady_pages_per_min / self.bound_pages_per_min if self.bound_pages_per_min else 0.0

    @property
    def list_ratio(self) -> float:
        return self.steady_pages_per_min / self.list_bound_pages_per_min if self.list_bound_pages_per_min else 0.0

    @property
    def list_cpu_ratio(self) -> float:
        return self.list_bound_cpu_seconds / self.run.pages / self.cpu_per_page if self.cpu_per_page > 0 else 0.0

    @property
    def cpu_per_page(self) -> float:
        """CPU seconds per page of the run, its fixed cost (the re-run's) left out."""
        return (self.run.cpu_seconds - self.rerun.cpu_seconds) / max(self.run.pages, 1)

    @property
    def cpu_ratio(self) -> float:
        """The bound's CPU seconds over the run's, per page: what the ratio would be at a steady machine speed
        with every core busy."""
        return self.bound_cpu_seconds / self.run.pages / self.cpu_per_page if self.cpu_per_page > 0 else 0.0


class ThroughputReport(BaseModel):
    """Medians over rounds: on a shared 2-core machine the speed of both sides drifts by 10-20 % within
    minutes, so each ratio pairs a run with the bound measured right after it."""

    workers: int
    rounds: list[Round]

    def median(self, figure: Callable[[Round], float]) -> float:
        """A figure of each round, its median over the rounds."""
        return statistics.median(figure(r) for r in self.rounds)

    @property
    def run(self) -> RunFigures:
        return max((r.run for r in self.rounds), key=lambda f: f.peak_rss_mb)


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
    # stderr to a file: a pipe nobody reads until the end would stall a run that reports many failed pages
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            errors.seek(0)
            raise RuntimeError(f"{' '.join(args)} failed: {errors.read().decode(errors='replace')[-2000:]}")
    return RunFigures(pages=0, seconds=round(seconds, 2), peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
                      cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2))


def _cleaned_pages(out: RunFolder, languages: dict[str, str]) -> list[tuple[Path, str]]:
    return [(path, languages[page_id]) for page_id, path in out.cleaned_images()]


def _timed_tesseracts(jobs: list[tuple[Path, str]], workers: int, psm: int, pages: int) -> tuple[float, float]:
    """Pages per minute and CPU seconds of one `tesseract` per job (an image, or a list of images), `workers`
    at a time."""
    def one(job: tuple[Path, str]) -> None:
        engines.run_command(str(job[0]), "-", "-l", job[1], "--psm", str(psm)).check_returncode()

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, jobs))
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return pages / seconds * 60, cpu


def tesseract_bound(out: RunFolder, languages: dict[str, str], workers: int, psm: int = 4) -> tuple[float, float]:
    """Pages per minute of plain Tesseract over the cleaned pages, one single-threaded process per core, and the
    CPU seconds its processes took."""
    jobs = _cleaned_pages(out, languages)
    return _timed_tesseracts(jobs, workers, psm, len(jobs))


def tesseract_list_bound(
    out: RunFolder, languages: dict[str, str], workers: int, psm: int = 4
) -> tuple[float, float]:
    """As `tesseract_bound`, but each core's pages of a language go to one `tesseract` as a list of images, so
    each model is loaded once per core rather than once per page."""
    by_language: dict[str, list[Path]] = {}
    for path, lang in _cleaned_pages(out, languages):
        by_language.setdefault(lang, []).append(path)
    shares = [(lang, core, paths[core::workers]) for lang, paths in by_language.items() for core in range(workers)]
    jobs = []
    # the longest lists first, so that the cores finish together
    for lang, core, share in sorted((s for s in shares if s[2]), key=lambda s: -len(s[2])):
        listing = out.pages_dir / f"bound-{lang}-{core}.txt"
        listing.write_text("".join(f"{path}\n" for path in share), encoding="utf-8")
        jobs.append((listing, lang))
    return _timed_tesseracts(jobs, workers, psm, sum(len(paths) for paths in by_language.values()))


def throughput_bench(
    root: Path, pages: int = 40, workers: int | None = None, mixed: bool = False, rounds: int = 1,
    engine: str | None = None,
) -> ThroughputReport:
    workers = workers or os.cpu_count() or 1
    done = []
    with tempfile.TemporaryDirectory(prefix="scan2text-bench-") as tmp:
        base = Path(tmp)
        languages = make_batch(root, base / "in", pages, mixed)
        cli = [sys.executable, "-m", "scan2text", "run", "--quiet", "--workers", str(workers), str(base / "in"),
               "--out", str(base / "out"), *(["--engine", engine] if engine else [])]
        for _ in range(rounds):
            shutil.rmtree(base / "out", ignore_errors=True)
            run = timed_run(cli)
            rerun = timed_run(cli)
            run.pages, rerun.pages = pages, pages
            bound, bound_cpu = tesseract_bound(RunFolder(base / "out"), languages, workers)
            list_bound, list_cpu = tesseract_list_bound(RunFolder(base / "out"), languages, workers)
            done.append(Round(bound_pages_per_min=round(bound, 1), bound_cpu_seconds=round(bound_cpu, 2),
                              list_bound_pages_per_min=round(list_bound, 1), list_bound_cpu_seconds=round(list_cpu, 2),
                              run=run, rerun=rerun))
    return ThroughputReport(workers=workers, rounds=done)


def format_report(report: ThroughputReport) -> str:
    n, m = len(report.rounds), report.median
    rows = [
        f"workers: {report.workers}" + (f"; medians of {n} rounds (run, re-run, bound back to back)" if n > 1 else ""),
        f"(a) Tesseract alone, cleaned pages, right language: {m(lambda r: r.bound_pages_per_min):.1f} pages/min",
        f"(b) scan2text run, {report.run.pages} pages: peak RSS {report.run.peak_rss_mb:.0f} MB",
        f"    re-run of the finished batch (fixed cost, no page read): {m(lambda r: r.rerun.seconds):.1f} s",
        f"    pages: {m(lambda r: r.steady_pages_per_min):.1f} pages/min",
        f"ratio (b)/(a): {m(lambda r: r.ratio):.2f}",
        f"CPU seconds per page: (a) {m(lambda r: r.bound_cpu_seconds / r.run.pages):.2f},"
        f" (b) {m(lambda r: r.cpu_per_page):.2f}; ratio (a)/(b): {m(lambda r: r.cpu_ratio):.2f}",
        f"(a') the same, a tesseract per core and language reading a list of pages (each model loaded once): "
        f"{m(lambda r: r.list_bound_pages_per_min):.1f} pages/min, CPU seconds per page "
        f"{m(lambda r: r.list_bound_cpu_seconds / r.run.pages):.2f}; "
        f"ratio (b)/(a'): {m(lambda r: r.list_ratio):.2f}, CPU {m(lambda r: r.list_cpu_ratio):.2f}",
    ]
    if n > 1:
        rows.append("rounds (bound, run pages/min, ratio; CPU ratio): " + "; ".join(
            f"{r.bound_pages_per_min:.1f}, {r.steady_pages_per_min:.1f}, {r.ratio:.2f}; {r.cpu_ratio:.2f}"
            for r in report.rounds))
    return "\n".join(rows)
