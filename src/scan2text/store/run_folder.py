"""The output folder of `scan2text run` (OUT): the one place that knows its layout and opens its store.

    OUT/pages/<page id>.txt          a page's text, one line per line read
    OUT/pages/<page id>.json         the page's JSON (the Page model); written last, it marks the page finished
    OUT/pages/<page id>.clean.png    the cleaned image Tesseract read
    OUT/records.jsonl                the records, one per line
    OUT/errors.jsonl                 the latest run's failures; absent when it had none
    OUT/scan2text.sqlite             the store: runs, OCR per run, corrections
    OUT/.scan2text.lock              held by the run writing OUT, and says which run that is

    folder = RunFolder.existing(out_dir)    # NotARunFolder unless a run wrote its store there
    with folder.open_store() as store: ...
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from scan2text.errors import OutputError, Scan2TextError
from scan2text.store import Store
from scan2text.store.lock import RunLock

PAGES_DIR = "pages"
RECORDS_FILE = "records.jsonl"
ERRORS_FILE = "errors.jsonl"
STORE_FILE = "scan2text.sqlite"
_TEXT, _JSON, _CLEAN = ".txt", ".json", ".clean.png"


class NotARunFolder(Scan2TextError):
    """A command that reads a run's output was pointed at a folder no run wrote its store into."""

    stage = "store"


class RunFolder:
    """Paths inside one output folder, whether or not it exists yet; `existing` for one a run has written."""

    def __init__(self, root: Path | str, store_path: Path | None = None) -> None:
        self.root = Path(root)
        self.store_path = store_path or self.root / STORE_FILE

    @classmethod
    def existing(cls, root: Path | str) -> RunFolder:
        folder = cls(root)
        folder.require_store()
        return folder

    @classmethod
    def of_store(cls, path: Path) -> RunFolder:
        """The run folder at `path`, or the one holding the store file `path` (diff's --store takes either, and a
        copied store may have another name)."""
        if path.is_file():
            return cls(path.parent, store_path=path)
        return cls.existing(path)

    # --- is this a run folder ---------------------------------------------------------------

    def has_store(self) -> bool:
        return self.store_path.is_file()

    def has_pages(self) -> bool:
        return self.pages_dir.is_dir()

    def require_store(self) -> None:
        if not self.has_store():
            raise NotARunFolder(f"no {STORE_FILE} here; is it the --out folder of `scan2text run`?", str(self.root))

    def prepare(self) -> None:
        """Create OUT if need be and make sure a run can write there; OutputError naming the path otherwise, before
        any page is read."""
        if self.root.exists() and not self.root.is_dir():
            raise OutputError("a file is where the output folder should be; choose another --out", str(self.root))
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root):
                pass
        except OSError as exc:
            raise OutputError(f"cannot write the output folder: {exc.strerror or exc}", str(self.root)) from None

    def lock(self) -> RunLock:
        """The lock a run holds on this folder (OUT/.scan2text.lock), so that two runs never write it at once."""
        return RunLock(self.root)

    def open_store(self, read_only: bool = False) -> Store:
        """The folder's store, created on first use unless `read_only`."""
        return Store.open(self.store_path, read_only=read_only)

    # --- the files a run writes -------------------------------------------------------------

    @property
    def pages_dir(self) -> Path:
        return self.root / PAGES_DIR

    @property
    def records_path(self) -> Path:
        return self.root / RECORDS_FILE

    @property
    def errors_path(self) -> Path:
        return self.root / ERRORS_FILE

    def page_text(self, page_id: str) -> Path:
        return self._page_file(page_id, _TEXT)

    def page_json(self, page_id: str) -> Path:
        return self._page_file(page_id, _JSON)

    def clean_image(self, page_id: str) -> Path:
        return self._page_file(page_id, _CLEAN)

    def _page_file(self, page_id: str, suffix: str) -> Path:
        # Appended, not Path.with_suffix: a page id may hold dots and '#' (a frame of a multi-page file).
        base = self.pages_dir / page_id
        return base.with_name(base.name + suffix)

    def page_files(self) -> Iterator[tuple[str, Path]]:
        """(page id as its file names spell it, path without suffix) of every page with a text or JSON file;
        the JSON may name the page otherwise."""
        stems = {path.with_suffix("") for path in self.pages_dir.rglob("*")
                 if path.suffix in (_TEXT, _JSON) and path.is_file()}
        for stem in sorted(stems):
            yield stem.relative_to(self.pages_dir).as_posix(), stem

    def cleaned_images(self) -> Iterator[tuple[str, Path]]:
        """(page id, cleaned image) of every page with one, in path order."""
        for path in sorted(self.pages_dir.rglob("*" + _CLEAN)):
            yield path.relative_to(self.pages_dir).as_posix().removesuffix(_CLEAN), path

    def resolve(self, relative: str) -> Path:
        """A file the page JSON names relative to OUT (its `cleaned_image`)."""
        return self.root / relative

    def relative(self, path: Path) -> str:
        """How the page JSON names a file inside OUT."""
        return path.relative_to(self.root).as_posix()


__all__ = ["ERRORS_FILE", "PAGES_DIR", "RECORDS_FILE", "STORE_FILE", "NotARunFolder", "RunFolder"]
