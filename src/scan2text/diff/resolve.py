"""Which sources the two sides of `scan2text diff` are: from paths on disk, run ids and `--against`.

Sources of files (`sources`) and of the store (`store_source`) are picked here, so neither needs the other.
"""

from __future__ import annotations

from pathlib import Path

from scan2text.diff.sources import DiffError, GroundTruthSource, PageXmlSource, RunFolderSource, Source
from scan2text.diff.store_source import CorrectedRunFolderSource, open_store_source
from scan2text.store.run_folder import PAGES_DIR, STORE_FILE, RunFolder


def open_source(spec: Path) -> Source:
    """Pick the source kind from what is at `spec`."""
    if not spec.exists():
        raise DiffError("no such file or folder", str(spec))
    if spec.is_file():
        if spec.suffix == ".xml":
            return PageXmlSource(spec)
        if spec.suffix in (".sqlite", ".db"):
            return open_store_source(RunFolder.of_store(spec), None)
        raise DiffError("expected a run output folder, a ground-truth folder or a PAGE-XML file", str(spec))
    if RunFolder(spec).has_pages():
        return RunFolderSource(spec)
    if next(spec.rglob("*.gt.txt"), None) is not None:
        return GroundTruthSource(spec)
    if next(spec.rglob("*.xml"), None) is not None:
        return PageXmlSource(spec)
    raise DiffError(f"neither a run output folder ({PAGES_DIR}/), nor *.gt.txt ground truth, nor PAGE-XML", str(spec))


def resolve_sources(
    a: Path, b: Path | None, against: str | None, store: Path | None = None, corrected: bool = False,
) -> tuple[Source, Source]:
    """(reference, hypothesis) for the command-line arguments.

    A or B that is not a path on disk but a number is a run id in `store` (default: the other argument's
    output folder). `corrected` scores run A's text after review (corrections applied) against ground truth.
    """
    if against is not None and b is not None:
        raise DiffError("give either a second run B or --against, not both")
    if corrected:
        if against in (None, "corrections"):
            raise DiffError("--corrected scores the reviewed text against ground truth: give --against DIR")
        if not (a.is_dir() and RunFolder(a).has_store()):
            raise DiffError("--corrected needs a run output folder with its store (where corrections are)", str(a))
        return open_source(Path(against)), CorrectedRunFolderSource(a)
    if against is None and b is None:
        raise DiffError("nothing to compare with: give a second run B or --against corrections|DIR")
    if against == "corrections":
        folder = RunFolder.of_store(store or a)
        hypothesis = open_store_source(folder, None if a.exists() else _run_id(a))
        return open_store_source(folder, None, corrections=True), hypothesis
    if against is not None:
        return open_source(Path(against)), _open(a, store)
    assert b is not None
    return _open(a, store or b), _open(b, store or a)


def _open(spec: Path, store: Path | None) -> Source:
    if spec.exists():
        return open_source(spec)
    run_id = _run_id(spec)
    if store is None or not store.exists():
        raise DiffError(f"a run id needs --store (an output folder or its {STORE_FILE})", str(spec))
    return open_store_source(RunFolder.of_store(store), run_id)


def _run_id(spec: Path) -> int:
    text = str(spec)
    if not text.isdigit():
        raise DiffError("no such file or folder, and not a run id", text)
    return int(text)
