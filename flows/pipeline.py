"""The scan2text Prefect flow: pages in parallel through preprocess + OCR, then documents and records.

Tasks only wrap library functions; the task runner decides where pages run: threads on this
machine by default (Tesseract runs in its own processes, OpenCV releases the GIL), or an
existing Dask cluster with `dask_address`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from scan2text.flows.api_server import API_URL_ENV

from scan2text.pipeline.batch import BatchSummary, PageOutcome, finish_batch, plan_batch, run_pages
from scan2text.settings import Settings, coerce_settings
from scan2text.store import StoreError


def _pages_run_name() -> str:
    """A task run named by its pages, as the Prefect UI lists it: 'pages eng/file-1/0001 … 0004 (4)'."""
    from prefect.runtime import task_run

    ids = [source["id"] for source in task_run.parameters.get("sources", [])]
    if len(ids) < 2:
        return f"pages {ids[0] if ids else '-'}"
    return f"pages {ids[0]} … {ids[-1].rsplit('/', 1)[-1]} ({len(ids)})"


def _batch_run_name() -> str:
    """A flow run named by the folders it reads and writes: 'scan2text fund-200 → out/fund-200'."""
    from prefect.runtime import flow_run

    parameters = flow_run.parameters
    return f"scan2text {Path(parameters.get('input_path', '?')).name} → {parameters.get('out_dir', '?')}"


@task(name="pages", cache_policy=NO_CACHE, persist_result=False, retries=0, task_run_name=_pages_run_name)
def pages_task(
    sources: list[dict], out_dir: str, settings: dict, hints: list[str | None], chain: bool, keys: list[str | None]
) -> list[PageOutcome]:
    # Plain dicts cross the wire to Dask workers; the models are rebuilt on the worker.
    return run_pages(sources, Path(out_dir), Settings.model_validate(settings), hints, chain, keys)


@flow(name="scan2text-run", persist_result=False, validate_parameters=False, log_prints=False,
      flow_run_name=_batch_run_name)
def run_batch(
    input_path: str,
    out_dir: str,
    settings: Settings | dict | str | None = None,
    manifest: str | None = None,
    force: bool = False,
    wait: bool = False,
) -> BatchSummary:
    """OCR every page under `input_path` into `out_dir`; finished pages are reused unless `force`. Another run
    writing `out_dir` stops this one (RunLockedError), unless it is to `wait` for it. `settings`: the model, or its
    dict or JSON as a deployment's parameters give it (checked: ConfigError before any page)."""
    settings = coerce_settings(settings)
    plan = plan_batch(Path(input_path), Path(out_dir), settings, Path(manifest) if manifest else None, force, wait)
    settings_blob = settings.model_dump(mode="json")
    workers = settings.workers or os.cpu_count() or 1
    # A bounded window of tasks in flight: each finished task's pages are stored and released before the next
    # is submitted, so memory does not grow with the batch (a future keeps its pages until dropped).
    window = max(2, 2 * workers)
    pending: set[PrefectFuture] = set()
    try:
        while True:
            # Each page carries its folder's language so far, so only a folder's first pages detect the script.
            while len(pending) < window and (chosen := plan.take(len(pending), workers)):
                sources, hints = [src.model_dump() for src, _ in chosen], [hint for _, hint in chosen]
                keys = [plan.keys.get(src.id) for src, _ in chosen]
                pending.add(pages_task.submit(sources, out_dir, settings_blob, hints, plan.chaining(), keys))
            if not pending:
                break
            done = next(as_completed(list(pending)))
            pending.discard(done)
            for outcome in done.result():
                plan.accept(outcome)
            del done
        return finish_batch(plan)
    except sqlite3.DatabaseError as exc:  # found halfway: a damaged part of the file, a full disk
        plan.abandon()
        raise StoreError(f"the store cannot be used: {exc}", str(plan.store.path)) from exc
    except BaseException:
        plan.abandon()
        raise


def cluster_threads(dask_address: str) -> int:
    """Worker threads of the Dask cluster at `dask_address`: a run keeps that many tasks going, not this machine's
    core count. If the cluster cannot be asked, this machine's cores (the run itself will then fail with a clear
    error soon enough)."""
    from distributed import Client

    try:
        with Client(dask_address, timeout=30) as client:
            return sum(client.nthreads().values()) or 1
    except (OSError, TimeoutError):
        return os.cpu_count() or 1


def make_runner(workers: int, dask_address: str | None = None) -> ThreadPoolTaskRunner:
    """Threads on this machine, or the tasks shipped to an existing Dask scheduler."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)  # type: ignore[return-value]
    return ThreadPoolTaskRunner(max_workers=workers or os.cpu_count() or 1)


def run(
    input_path: Path,
    out_dir: Path,
    settings: Settings,
    manifest: Path | None = None,
    force: bool = False,
    dask_address: str | None = None,
    wait: bool = False,
) -> BatchSummary:
    if dask_address:
        # Workers open the pages and write OUT by these paths, each in its own working directory (or machine).
        input_path, out_dir = input_path.resolve(), out_dir.resolve()
        manifest = manifest.resolve() if manifest else None
    if dask_address and not settings.workers:
        settings = settings.model_copy(update={"workers": cluster_threads(dask_address)})
    runner = make_runner(settings.workers, dask_address)
    with contextlib.ExitStack() as stack:
        if dask_address and not os.environ.get(API_URL_ENV):
            # the run's own API server is out of the workers' reach, and gone after the run: see dask_workers
            from scan2text.flows.dask_workers import prefect_quiet_on_workers  # distributed loads only for Dask

            stack.enter_context(prefect_quiet_on_workers(dask_address))
        return run_batch.with_options(task_runner=runner)(
            str(input_path), str(out_dir), settings, str(manifest) if manifest else None, force, wait
        )
