"""Records kept current between runs: a saved or imported line correction rebuilds the documents of its
archival file from the corrected text, and records.jsonl is rewritten, so every export and diff built
from the store carries the correction at once (no `scan2text run` needed)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

from scan2text.extract import build_records
from scan2text.ingest import file_folder
from scan2text.models import Record
from scan2text.store import Store, StoreError
from scan2text.store.files import write_records
from scan2text.store.run_folder import RunFolder

log = logging.getLogger(__name__)


def refresh_records(folder: RunFolder, store: Store, page_ids: Iterable[str] = ()) -> list[Record]:
    """Rebuild the records of the file folders holding `page_ids` (a run segments each file folder on its
    own, so the others cannot change), keep the rest, and rewrite records.jsonl; one store transaction,
    so a concurrent refresh from another process cannot interleave. Returns the current records."""
    wanted = set(page_ids)
    with store.transaction():
        if wanted:
            records = store.extracted_records()
            index = store.page_index()  # (image, frame) order: the batch's order within one file folder
            folders = {file_folder(image) for page_id, image, _ in index if page_id in wanted}
            for name in sorted(folders):
                members = [page_id for page_id, image, _ in index if file_folder(image) == name]
                try:
                    rebuilt = build_records(store.current_pages(with_words=False, page_ids=members))
                except Exception:  # a reviewer's text must never make the save itself fail
                    log.exception("documents of %s not rebuilt from the corrected text; kept as they were", name)
                    continue
                records = _replace_block(records, set(members), rebuilt)
            if folders:
                with contextlib.suppress(StoreError):  # no run has finished: its end builds the records
                    store.replace_records(records)
        current = store.current_records()
        write_records(folder.root, current)
    return current


def _replace_block(records: list[Record], pages: set[str], rebuilt: list[Record]) -> list[Record]:
    """`records` with those on `pages` replaced by `rebuilt`, where the old ones stood (else at the end)."""
    at = next((i for i, r in enumerate(records) if any(p.page_id in pages for p in r.pages)), len(records))
    kept = [r for r in records if not any(p.page_id in pages for p in r.pages)]
    return kept[:at] + rebuilt + kept[at:]


__all__ = ["refresh_records"]
