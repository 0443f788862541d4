"""The SQLite store of an output folder: runs, OCR per run, and human corrections kept apart.

    store = RunFolder(out_dir).open_store()     # RunFolder: scan2text.store.run_folder
    run_id = store.begin_run(input_dir=..., settings=Settings(), versions={...})
    store.save_page(run_id, page, key=...)      # then current_pages(), save_records(), current_records()
    store.finish_run(run_id, status="ok", failures=0)

The current text of a line or field is its latest correction if there is one, else the newest OCR.
"""

from __future__ import annotations

from scan2text.errors import CorrectionError
from scan2text.store.db import StoreError
from scan2text.store.history import HistoryMixin
from scan2text.store.pages import PagesMixin
from scan2text.store.records import RecordsMixin
from scan2text.store.views import (
    Correction,
    ErrorEntry,
    FieldState,
    LineState,
    PageState,
    QueueItem,
    RecordState,
    RunInfo,
    SearchHit,
    StaleVersion,
)


class Store(PagesMixin, RecordsMixin, HistoryMixin):
    def approve(self, target: str, author: str, kind: str | None = None) -> None:
        """Approve a page or a record by id; `kind` ("page"/"record") settles an id that is both."""
        if kind is None:
            is_page = target in set(self.page_ids())
            is_record = target in set(self.record_ids())
            if is_page and is_record:
                raise CorrectionError(f"'{target}' is both a page and a record id: say kind='page' or 'record'")
            kind = "page" if is_page else "record" if is_record else None
        if kind == "page":
            self.approve_page(target, author)
        elif kind == "record":
            self.approve_record(target, author)
        else:
            raise CorrectionError(f"no page or record '{target}' in this output folder", target)


__all__ = [
    "Correction",
    "ErrorEntry",
    "FieldState",
    "LineState",
    "PageState",
    "QueueItem",
    "RecordState",
    "RunInfo",
    "SearchHit",
    "StaleVersion",
    "Store",
    "StoreError",
]
