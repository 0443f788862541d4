"""Diff sources read from an output folder's SQLite store: one run's OCR, or OCR vs reviewed text.

`--against corrections` compares the current OCR (hypothesis) with the text after review (reference),
both taken from the store so that re-exported .txt files cannot blur the two. Only reviewed pages (a
corrected line, or an approved page) are references; the rest are listed as not compared.
"""

from __future__ import annotations

from pathlib import Path

from scan2text.diff.sources import DiffError, RunFolderSource, Source, SourceLine, SourcePage
from scan2text.errors import Scan2TextError
from scan2text.store import Store
from scan2text.store.run_folder import RunFolder


def _open_store(folder: RunFolder) -> Store:
    try:
        return folder.open_store()
    except Scan2TextError as exc:
        raise DiffError(f"cannot open the store: {exc}", str(folder.store_path)) from exc


def _image(folder: RunFolder, cleaned: str | None) -> Path | None:
    if not cleaned:
        return None
    path = folder.resolve(cleaned)
    return path if path.is_file() else None


class StoreReviewSource(Source):
    """Current text of reviewed pages (`corrected=True`) or their current OCR (`corrected=False`)."""

    def __init__(self, folder: RunFolder, *, corrected: bool) -> None:
        self.folder = folder
        self.corrected = corrected
        self.partial = corrected
        self.label = f"{folder.root.name} ({'reviewed text' if corrected else 'OCR'})"
        self._store = _open_store(folder)
        ids = self._store.page_ids()
        if corrected:
            ids = [pid for pid in ids if self._reviewed(pid)]
        self._ids = ids

    def _reviewed(self, page_id: str) -> bool:
        state = self._store.page_state(page_id)
        return state.approved or any(line.corrected for line in state.lines)

    def page_keys(self) -> dict[str, list[str]]:
        return {pid: [pid] for pid in self._ids}

    def load(self, page_id: str) -> SourcePage:
        state = self._store.page_state(page_id)
        lines: list[SourceLine] = []
        for line in state.lines:
            text = line.text if self.corrected else line.ocr_text
            if text and text.strip():
                lines.append(SourceLine(text=text.rstrip(), id=line.line_id, box=line.box))
        return SourcePage(id=page_id, lines=lines, image=_image(self.folder, state.page.cleaned_image))

    def documents(self) -> dict[str, list[str]]:
        return {r.id: [p.page_id for p in r.pages] for r in self._store.current_records()}


class StoreRunSource(Source):
    """The OCR one run stored, as it was (no corrections applied)."""

    def __init__(self, folder: RunFolder, run_id: int) -> None:
        self.folder = folder
        self.run_id = run_id
        self.label = f"run {run_id}"
        self._store = _open_store(folder)
        try:
            self._store.run(run_id)  # a clear "no run N" before anything else
        except Scan2TextError as exc:
            raise DiffError(str(exc.message), str(folder.store_path)) from exc
        pages = self._store.run_page_ids(run_id)
        if not pages:
            raise DiffError(f"run {run_id} stored no pages", str(folder.store_path))
        self._current = dict(pages)

    def page_keys(self) -> dict[str, list[str]]:
        return {pid: [pid] for pid in self._current}

    def load(self, page_id: str) -> SourcePage:
        page = self._store.run_page(self.run_id, page_id)
        lines = [SourceLine(text=line.text.rstrip(), id=line.id, box=line.box)
                 for line in page.lines if line.text.strip()]
        # the cleaned image on disk belongs to the newest run; older runs' boxes may not fit it
        image = _image(self.folder, page.cleaned_image) if self._current[page_id] else None
        return SourcePage(id=page_id, lines=lines, image=image)

    def documents(self) -> dict[str, list[str]]:
        return self._store.run_documents(self.run_id)


class CorrectedRunFolderSource(RunFolderSource):
    """An output folder's pages as they read after review: each line's current text from the store
    (a reviewer's correction where there is one, else the newest OCR), paired with ground truth by the
    same page names as the raw OCR, so the two scores side by side show what review bought."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.label = f"{self.label} (corrected)"
        self._store = _open_store(self.folder)

    def load(self, page_id: str) -> SourcePage:
        try:
            state = self._store.page_state(page_id)
        except Scan2TextError:
            return super().load(page_id)  # a page the store has not heard of (a killed run): its files
        lines = [SourceLine(text=line.text.rstrip(), id=line.line_id, box=line.box)
                 for line in state.lines if line.text.strip()]
        return SourcePage(id=page_id, lines=lines, image=_image(self.folder, state.page.cleaned_image))


def open_store_source(folder: RunFolder, run_id: int | None, *, corrections: bool = False) -> Source:
    """A run's OCR (`run_id`), the reviewed text (`corrections=True`) or the current OCR (neither)."""
    if run_id is not None:
        return StoreRunSource(folder, run_id)
    return StoreReviewSource(folder, corrected=corrections)
