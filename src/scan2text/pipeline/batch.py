"""A batch from start to end, as plain functions the Prefect flow composes.

plan_batch finds the pages and decides which are already done; run_page does one page and
never raises (a bad page becomes a reported failure, the batch goes on); run_pages does a few
pages one after another, as one task of the flow; the plan takes each outcome into the store as
it arrives; finish_batch turns the pages into documents and records.
"""

from __future__ import annotations

import errno
import logging
import math
from pathlib import Path

from pydantic import Field

from scan2text import __version__
from scan2text.errors import ConfigError, OutputError, Scan2TextError
from scan2text.extract import build_records
from scan2text.grammar import Grammar, GrammarError, default_grammar, grammar_from_text, read_grammar_text
from scan2text.ingest import PageSource, content_hash, discover, file_folder
from scan2text.models import Model, Page, Record
from scan2text.ocr import tesseract
from scan2text.pipeline.language_hints import LanguageHints
from scan2text.pipeline.page import cache_key, process_page, reader_fingerprint
from scan2text.pipeline.preflight import check_run
from scan2text.pipeline.progress import current as progress
from scan2text.settings import ExtractSettings, Settings
from scan2text.store import Store
from scan2text.store.files import PageError, now, read_page, write_errors, write_records
from scan2text.store.lock import RunLock
from scan2text.store.run_folder import RunFolder

log = logging.getLogger("scan2text")

# How far down the queue a page held back for its folder's language looks for other work: enough to reach
# the next folders of a typical delivery, without scanning a huge batch on every submission.
_LOOK_AHEAD = 256
# Pages per task. Each task costs Prefect about 0.1 s of CPU (its run recorded by client and server), 5% of a
# page's reading; four pages a task make that about 1%. Tasks shrink towards the end of the batch, so that no
# core idles while the other finishes a long task.
MAX_PAGES_PER_TASK = 4
_TASKS_PER_WORKER = 3  # tasks still to come per worker, at least, when the task size is chosen


class PageOutcome(Model):
    page_id: str
    page: Page | None = None
    error: PageError | None = None
    tried: str | None = None  # the language the page was read in first, if it was not detected


class BatchSummary(Model):
    run_id: int
    out_dir: str
    pages: int
    processed: int
    reused: int
    failed: int
    records: int
    errors: list[PageError] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0


def run_page(
    source: PageSource | dict, out_dir: Path, settings: Settings, lang_hint: str | None = None, key: str | None = None
) -> PageOutcome:
    """Process one page; every failure comes back as a PageError naming the file, stage and reason."""
    src = PageSource.model_validate(source)
    try:
        # Here rather than once per run: on a Dask cluster this is the worker's process, not the client's.
        tesseract.ensure_engine(settings.ocr.engine)
        tesseract.set_timeout(settings.ocr.timeout)
        page = process_page(src, out_dir, settings, lang_hint, key)
        # A page read with the wrong language keeps its output but counts as failed, so a re-run retries it.
        error = (PageError(file=src.path, page_id=src.id, frame=src.frame, stage="ocr",
                           reason="; ".join(page.warnings), time=now()) if page.warnings else None)
        return PageOutcome(page_id=src.id, page=page, error=error)
    except OutputError:
        raise  # OUT cannot take the page's files: no later page would fare better, so the run stops
    except Scan2TextError as exc:
        stage, reason = exc.stage, exc.message
    except OSError as exc:
        if _output_fault(exc, out_dir):
            raise OutputError(f"cannot write the page's files: {exc.strerror or exc}",
                              str(exc.filename or out_dir)) from None
        stage, reason = "run", f"cannot read or write a file: {exc}"
    except MemoryError:
        stage, reason = "preprocess", "out of memory while processing the page"
    except Exception as exc:  # a bug must not sink the batch, but must be visible
        log.exception("unexpected failure on %s", src.path)
        stage, reason = "run", f"internal error: {type(exc).__name__}: {exc}"
    error = PageError(file=src.path, page_id=src.id, frame=src.frame, stage=stage, reason=reason, time=now())
    return PageOutcome(page_id=src.id, error=error)


# Faults of the disk rather than of a page: every later page would meet them too.
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def _output_fault(exc: OSError, out_dir: Path) -> bool:
    if exc.errno in _DISK_FULL:
        return True
    return exc.errno == errno.EACCES and bool(exc.filename) and Path(exc.filename).is_relative_to(out_dir)


def run_pages(
    sources: list[PageSource | dict],
    out_dir: Path,
    settings: Settings,
    hints: list[str | None],
    chain: bool = False,
    keys: list[str | None] | None = None,
) -> list[PageOutcome]:
    """Process a few pages in turn, each with the language to try first on it (None: detect its script).

    With `chain`, a page takes the language of the page before it from the same folder, over the plan's guess
    and in place of none, so only the first page of a folder in the task pays for a script detection or a wrong
    guess. `keys`: each page's cache key.
    """
    outcomes: list[PageOutcome] = []
    read: dict[str, str] = {}  # folder → language of its last page read in this task
    for source, hint, key in zip(sources, hints, keys or [None] * len(sources), strict=True):
        src = PageSource.model_validate(source)
        folder = file_folder(src.image)
        if chain:
            # The page before it in this task was read after the plan made its guess: its language is fresher.
            hint = read.get(folder, hint)
        outcome = run_page(src, out_dir, settings, hint, key)
        outcome.tried = hint  # with a fixed language the plan hands out no hints and does not chain
        if outcome.page is not None and outcome.error is None and outcome.page.language:
            read[folder] = outcome.page.language
        outcomes.append(outcome)
    return outcomes


class BatchPlan:
    """The pages of one run and what became of each."""

    def __init__(
        self, out_dir: Path, store: Store, run_id: int, sources: list[PageSource], auto_language: bool = True,
        grammar: Grammar | None = None,
        lock: RunLock | None = None,
        extract: ExtractSettings | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.grammar = grammar or default_grammar()  # the run's grammar (a user file merged over the default one)
        self.extract = extract or ExtractSettings()  # the run's thresholds for documents and fields
        self.store = store
        self.lock = lock  # held until the batch ends, however it ends
        self.run_id = run_id
        self.sources = sources
        self.auto_language = auto_language
        self.todo: list[tuple[PageSource, str]] = []
        self.keys: dict[str, str] = {}
        self.errors: list[PageError] = []
        self.reused = 0
        self.processed = 0
        self.hints = LanguageHints()

    def language_hint(self, source: PageSource) -> str | None:
        return self.hints.hint(source.id, source.image) if self.auto_language else None

    def task_size(self, workers: int) -> int:
        """Pages for the next task: up to MAX_PAGES_PER_TASK, fewer as the batch runs out."""
        return max(1, min(MAX_PAGES_PER_TASK, math.ceil(len(self.todo) / (_TASKS_PER_WORKER * max(1, workers)))))

    def take(self, running: int, workers: int) -> list[tuple[PageSource, str | None]]:
        """The pages of the next task, each with the language to try first on it; empty to wait for a task.

        With the language left to each page, a page whose folder is still being told its language by a page
        in flight is held back and later pages of other folders go first: started now, it would pay for a
        script detection of its own. Pages of the same folder as one already in this task go with it, as the
        task reads them after it. Held pages still go when a worker would otherwise idle (`running`: tasks
        in flight).
        """
        first = self._first(running, workers)
        if first is None:
            return []
        chosen: list[tuple[PageSource, str | None]] = []
        folders: set[str] = set()
        index, size = first, self.task_size(workers)
        while len(chosen) < size and index < min(len(self.todo), _LOOK_AHEAD):
            source = self.todo[index][0]
            folder = file_folder(source.image)
            if chosen and folder not in folders and self._held(source):
                index += 1
                continue
            del self.todo[index]
            chosen.append((source, self.language_hint(source)))
            folders.add(folder)
        return chosen

    def _held(self, source: PageSource) -> bool:
        return self.auto_language and self.hints.waiting(source.image)

    def _first(self, running: int, workers: int) -> int | None:
        """Where in `todo` the next task starts: the first page that need not wait, else the first page if a
        worker would idle, else nowhere."""
        for index in range(min(len(self.todo), _LOOK_AHEAD)):
            if not self._held(self.todo[index][0]):
                return index
        return 0 if self.todo and running < workers else None

    def chaining(self) -> bool:
        """Whether a task may pass a page's language on to the next page of its folder (see `run_pages`)."""
        return self.auto_language and self.hints.paying()

    def accept(self, outcome: PageOutcome) -> None:
        if outcome.page is not None and outcome.error is None:
            self.hints.learn(outcome.page, tried=outcome.tried)
        self.hints.finished(outcome.page_id)
        if outcome.page is not None:
            # Only a clean page is marked finished under its cache key; a flagged one is redone next run.
            key = None if outcome.error else self.keys.get(outcome.page_id)
            self.store.save_page(self.run_id, outcome.page, key=key)
            self.processed += 1
        if outcome.error is not None:
            self.fail(outcome.error)
        progress().advance(failed=outcome.error is not None)

    def abandon(self) -> None:
        """The run stops before its end (a fault outside the pages, Ctrl-C): mark it interrupted, not running.
        Its finished pages are in the store already; a re-run reuses them."""
        try:
            self.store.finish_run(self.run_id, status="interrupted", failures=len(self.errors))
        except Exception:  # a damaged or full store: the next run marks it, holding the lock
            log.warning("could not mark run %s interrupted", self.run_id, exc_info=True)
        finally:
            self.close()

    def close(self) -> None:
        self.store.close()
        if self.lock is not None:
            self.lock.release()

    def fail(self, error: PageError) -> None:
        self.errors.append(error)
        self.store.record_error(self.run_id, error.file, error.stage, error.reason)
        log.error("%s: %s failed: %s", error.file, error.stage, error.reason)


def plan_batch(
    input_path: Path, out_dir: Path, settings: Settings, manifest: Path | None = None, force: bool = False,
    wait: bool = False,
) -> BatchPlan:
    """The run's pages and which of them are done already. Holds OUT's lock from here to the batch's end (`wait`:
    until another run holding it ends, else RunLockedError)."""
    check_run(input_path, out_dir, settings, manifest, wait)
    folder = RunFolder(out_dir)
    lock = folder.lock().acquire(wait, input=str(input_path.resolve()))
    try:
        sources = discover(input_path, manifest)
        store = folder.open_store()
    except BaseException:
        lock.release()
        raise
    try:
        for stale in store.interrupt_stale_runs():
            log.warning("run %s ended without finishing (killed?): marked interrupted", stale)
        # Asked for here first, so that an engine that cannot run stops the run before any page is tried.
        engine = tesseract.ensure_engine(settings.ocr.engine)
        versions = {"scan2text": __version__, "tesseract": engine.version(), "engine": engine.name}
        # The grammar file is read once: the run keeps its text, so corrections rebuild documents with it too.
        try:
            grammar_text = read_grammar_text(settings.grammar) if settings.grammar else None
            grammar = grammar_from_text(grammar_text, settings.grammar) if grammar_text is not None else None
        except GrammarError as exc:
            raise ConfigError(str(exc)) from exc
        run_id = store.begin_run(input_dir=str(input_path.resolve()), settings=settings, versions=versions,
                                 grammar=grammar_text)
    except BaseException:
        store.close()
        lock.release()
        raise
    lock.describe(run_id=run_id)
    plan = BatchPlan(out_dir, store, run_id, sources, auto_language=settings.ocr.lang == "auto",
                     grammar=grammar, lock=lock, extract=settings.extract)
    progress().start(len(sources))
    reader = reader_fingerprint(settings)
    hashes: dict[str, str] = {}
    for src in sources:
        try:
            digest = hashes.get(src.path) or hashes.setdefault(src.path, content_hash(Path(src.path)))
        except OSError as exc:
            plan.fail(PageError(file=src.path, page_id=src.id, frame=src.frame, stage="ingest",
                                reason=f"cannot read file: {exc.strerror or exc}", time=now()))
            progress().advance(failed=True)
            continue
        key = cache_key(digest, src.frame, settings, reader)
        plan.keys[src.id] = key
        if not force and _finished(store, run_id, out_dir, src.id, key):
            plan.reused += 1
            progress().advance(cached=True)
            continue
        plan.todo.append((src, key))
    return plan


def _finished(store: Store, run_id: int, out_dir: Path, page_id: str, key: str) -> bool:
    """Whether the page was read under `key` already. The store learns of a task's pages when the task ends,
    but each page's JSON is written as soon as the page is read: a run killed mid-task leaves finished pages
    the store never heard of, which are taken into it now rather than read again."""
    page = read_page(out_dir, page_id)
    if page is None:
        return False
    if store.page_done(page_id, key):
        return True
    if page.cache_key != key or page.warnings:
        return False
    store.save_page(run_id, page, key=key)
    return True


def finish_batch(plan: BatchPlan) -> BatchSummary:
    """Documents from the batch's pages (with their corrections), then records.jsonl and errors.jsonl."""
    store, order = plan.store, {src.id: n for n, src in enumerate(plan.sources)}
    records: list[Record] = []
    # A document never runs on from one archival file into the next, so each file folder is segmented on its
    # own: only one folder's lines (without word boxes) are in memory at a time, however large the batch.
    folders: dict[str, list[str]] = {}
    for src in plan.sources:
        folders.setdefault(file_folder(src.image), []).append(src.id)
    for page_ids in folders.values():
        pages = store.current_pages(with_words=False, page_ids=page_ids)
        records.extend(build_records(sorted(pages, key=lambda p: order[p.id]), plan.grammar, plan.extract))
    store.save_records(plan.run_id, records)
    records = store.current_records()
    write_records(plan.out_dir, records)
    write_errors(plan.out_dir, plan.errors)
    store.finish_run(plan.run_id, status="failed" if plan.errors else "ok", failures=len(plan.errors))
    plan.close()
    progress().finish()
    return BatchSummary(
        run_id=plan.run_id, out_dir=str(plan.out_dir), pages=len(plan.sources), processed=plan.processed,
        reused=plan.reused, failed=len(plan.errors), records=len(records), errors=plan.errors,
    )

