"""Records kept current between runs: a saved or imported line correction rebuilds the documents of its
archival file from the corrected text, and records.jsonl is rewritten, so every export and diff built
from the store carries the correction at once (no `scan2text run` needed)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from pathlib import Path

from scan2text.extract import build_records
from scan2text.grammar import Grammar, GrammarError, default_grammar, grammar_from_text, load_grammar
from scan2text.ingest import file_folder
from scan2text.models import Record
from scan2text.settings import ExtractSettings
from scan2text.store import RunInfo, Store, StoreError
from scan2text.store.files import write_records
from scan2text.store.run_folder import RunFolder

log = logging.getLogger(__name__)


def refresh_records(folder: RunFolder, store: Store, page_ids: Iterable[str] = ()) -> list[Record]:
    """Rebuild the documents around `page_ids` from their current text, keep the rest, and rewrite
    records.jsonl; one store transaction, so a concurrent refresh from another process cannot interleave.
    Returns the current records."""
    wanted = set(page_ids)
    with store.transaction():
        if wanted:
            records = store.extracted_records()
            index = store.page_index()  # (image, frame) order: the batch's order within one file folder
            settings, grammar = run_extract_settings(store), run_grammar(store)
            folders = sorted({file_folder(image) for page_id, image, _ in index if page_id in wanted})
            for name in folders:
                members = [page_id for page_id, image, _ in index if file_folder(image) == name]
                try:
                    span, rebuilt = _rebuild(store, records, members, wanted, grammar, settings)
                except Exception:  # a reviewer's text must never make the save itself fail
                    log.exception("documents of %s not rebuilt from the corrected text; kept as they were", name)
                    continue
                records = _replace_block(records, set(span), rebuilt)
            if folders:
                with contextlib.suppress(StoreError):  # no run has finished: its end builds the records
                    store.replace_records(records)
        current = store.current_records()
        write_records(folder.root, current)
    return current


def run_extract_settings(store: Store) -> ExtractSettings:
    """The extract thresholds of the store's latest run, so a correction rebuilds documents as that run
    built them; the defaults when no run is stored or its settings predate (or no longer fit) the section."""
    runs = store.runs()
    if not runs:
        return ExtractSettings()
    try:
        return ExtractSettings.model_validate(runs[-1].settings.get("extract", {}))
    except ValueError:
        log.warning("run %s: stored extract settings unreadable, documents rebuilt with the defaults", runs[-1].id)
        return ExtractSettings()


def run_grammar(store: Store) -> Grammar:
    """The grammar of the store's latest run, so a correction rebuilds documents with the grammar that found them:
    the text of its grammar file kept with the run; for a run from before the text was kept, its grammar file if
    it is still there; else (no run, the default grammar, or a file gone) the default grammar."""
    runs = store.runs()
    if not runs:
        return default_grammar()
    run = runs[-1]
    path = run.settings.get("grammar")
    try:
        if run.grammar is not None:
            return grammar_from_text(run.grammar, path or f"run {run.id}'s grammar")
        if path and not Path(path).is_file():
            _warn_once(store, run, f"run {run.id}: its grammar file {path} no longer exists")
        elif path:
            return load_grammar(path)
    except GrammarError as exc:
        _warn_once(store, run, f"run {run.id}: its grammar cannot be used ({exc})")
    return default_grammar()


_warned: set[tuple[str, int, str]] = set()


def _warn_once(store: Store, run: RunInfo, message: str) -> None:
    """A warning per store, run and cause, not one per saved correction."""
    key = (str(store.path), run.id, message)
    if key not in _warned:
        _warned.add(key)
        log.warning("%s: documents rebuilt with the default grammar", message)


def _rebuild(
    store: Store, records: list[Record], members: list[str], changed: set[str], grammar: Grammar,
    settings: ExtractSettings,
) -> tuple[list[str], list[Record]]:
    """(pages, their documents) re-read: a window around the change when the documents at its edges come
    out as they were (the segmenter reads a few lines back, so they show it is in step with a whole
    run), else the whole file folder, as a run does."""
    span, edges = window(records, members, changed)
    if len(span) < len(members):
        rebuilt = build_records(store.current_pages(with_words=False, page_ids=span), grammar, settings)
        if rebuilt and all(_same(edge, got) for edge, got in zip(edges, (rebuilt[0], rebuilt[-1]), strict=True)):
            return span, rebuilt
    return members, build_records(store.current_pages(with_words=False, page_ids=members), grammar, settings)


def _same(edge: Record | None, got: Record) -> bool:
    return edge is None or edge.model_dump() == got.model_dump()


def window(records: list[Record], members: list[str], changed: set[str],
           reach: int = 2) -> tuple[list[str], tuple[Record | None, Record | None]]:
    """The pages of one file folder (`members`, in batch order) to segment again after `changed` pages
    changed: those of the documents on them and of `reach` documents either side, widened until no
    document crosses its edges; with the first and last documents of the window, which must come out
    unchanged (None where the window meets the folder's start or end, where a run starts or stops too)."""
    at = {page_id: i for i, page_id in enumerate(members)}
    mine = [(r, min(ix), max(ix)) for r in records if (ix := [at[p.page_id] for p in r.pages if p.page_id in at])]
    touched = [at[p] for p in changed if p in at]
    if not touched:
        return [], (None, None)
    lo, hi = min(touched), max(touched)
    hit = [i for i, (_, a, b) in enumerate(mine) if a <= hi and b >= lo]
    if hit:
        first, last = max(hit[0] - reach, 0), min(hit[-1] + reach, len(mine) - 1)
    else:  # a page outside every document (it had no text): the documents around it
        before = [i for i, (_, _, b) in enumerate(mine) if b < lo]
        later = [i for i, (_, a, _) in enumerate(mine) if a > hi]
        first = before[max(len(before) - reach, 0)] if before else 0
        last = later[min(reach, len(later)) - 1] if later else len(mine) - 1
    if mine:
        lo, hi = min(lo, mine[first][1]), max(hi, mine[last][2])
    while True:  # no document may be cut by the window
        wider = [(a, b) for _, a, b in mine if a <= hi and b >= lo and (a < lo or b > hi)]
        if not wider:
            break
        lo, hi = min([lo, *(a for a, _ in wider)]), max([hi, *(b for _, b in wider)])
    inside = [r for r, a, b in mine if lo <= a and b <= hi]
    edges = (inside[0] if lo > 0 and inside else None, inside[-1] if hi < len(members) - 1 and inside else None)
    return members[lo:hi + 1], edges


def _replace_block(records: list[Record], pages: set[str], rebuilt: list[Record]) -> list[Record]:
    """`records` with those on `pages` replaced by `rebuilt`, where the old ones stood (else at the end)."""
    at = next((i for i, r in enumerate(records) if any(p.page_id in pages for p in r.pages)), len(records))
    kept = [r for r in records if not any(p.page_id in pages for p in r.pages)]
    return kept[:at] + rebuilt + kept[at:]


__all__ = ["refresh_records", "run_extract_settings", "run_grammar", "window"]
