"""What the store hands back besides Page and Record: runs, errors, review state, history, search hits."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from scan2text.errors import ConflictError
from scan2text.models import Box, Model, Page, Record, Word


class RunInfo(Model):
    id: int
    input_dir: str
    started_at: str
    finished_at: str | None = None
    status: str
    failures: int = 0
    settings: dict[str, Any] = Field(default_factory=dict)
    versions: dict[str, str] = Field(default_factory=dict)
    grammar: str | None = None  # the text of the run's grammar file; None: the default grammar, or a run of before


class ErrorEntry(Model):
    run_id: int
    path: str
    stage: str
    reason: str
    at: str


class LineState(Model):
    """One line as a reviewer sees it: current text, what OCR said, and its edit version."""

    line_id: str
    text: str
    ocr_text: str | None = None
    box: Box
    conf: float
    words: list[Word] = Field(default_factory=list)
    version: int = 0
    corrected: bool = False
    needs_review: bool = False
    orphan: bool = False
    author: str | None = None
    updated_at: str | None = None


class PageState(Model):
    page: Page
    lines: list[LineState]
    run_id: int
    input_dir: str
    approved: bool = False
    approved_by: str | None = None
    approved_at: str | None = None
    records: list[str] = Field(default_factory=list)

    @property
    def needs_review(self) -> int:
        return sum(1 for line in self.lines if line.needs_review)


class FieldState(Model):
    field: str
    value: Any = None
    ocr_value: Any = None
    version: int = 0
    corrected: bool = False
    needs_review: bool = False
    author: str | None = None
    updated_at: str | None = None


class RecordState(Model):
    record: Record
    fields: dict[str, FieldState]
    approved: bool = False
    approved_by: str | None = None
    approved_at: str | None = None


class QueueItem(Model):
    page_id: str
    conf: float
    lines: int
    corrected: int
    needs_review: int
    approved: bool
    low_words: int = 0  # words read with low confidence on lines nobody has corrected yet


class Correction(Model):
    id: int
    kind: str
    page_id: str | None = None
    line_id: str | None = None
    record_id: str | None = None
    field: str | None = None
    old_value: Any = None
    new_value: Any = None
    version: int | None = None
    author: str
    at: str
    run_id: int | None = None
    source: str


class SearchHit(Model):
    kind: str
    page_id: str | None = None
    line_id: str | None = None
    record_id: str | None = None
    field: str | None = None
    text: str
    snippet: str


class StaleVersion(ConflictError):
    """A ConflictError that also carries what is saved now, so a UI can show it."""

    def __init__(self, message: str, current_version: int, current_value: Any, author: str | None,
                 updated_at: str | None, path: str | None = None) -> None:
        super().__init__(message, path)
        self.current_version = current_version
        self.current_value = current_value
        self.author = author
        self.updated_at = updated_at
