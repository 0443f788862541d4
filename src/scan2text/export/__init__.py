"""Exports of an output folder with reviewers' corrections applied.

    export(out_dir, "page", to_dir)    # one PAGE-XML 2019 file per page
    export(out_dir, "alto", to_dir)    # one ALTO 4.4 file per page
    export(out_dir, "hocr", to_dir)    # one hOCR file per page
    export(out_dir, "txt", to_dir)     # one text file per page
    export(out_dir, "jsonl", to_dir)   # records.jsonl as a run writes it, one Record per line
    export(out_dir, "csv", to_dir)     # records.csv for spreadsheets
    export(out_dir, "pdf", to_dir)     # one searchable PDF per source file (export_pdf says which pages lack text)

The XML formats are one neutral model (export.model) built into a tree per format (export.xml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from scan2text.errors import Scan2TextError
from scan2text.export.model import ExportPage, export_page
from scan2text.export.pdf import PdfExport, export_pdfs
from scan2text.export.tabular import write_csv, write_jsonl
from scan2text.export.xml import render
from scan2text.store.files import atomic_write_bytes
from scan2text.store.run_folder import RECORDS_FILE, RunFolder

Format = Literal["jsonl", "csv", "page", "alto", "hocr", "txt", "pdf"]
FORMATS: tuple[str, ...] = get_args(Format)
_SUFFIX = {"page": ".xml", "alto": ".alto.xml", "hocr": ".hocr", "txt": ".txt"}


class ExportError(Scan2TextError):
    stage = "export"


def export(out_dir: Path | str, fmt: str, to_dir: Path | str) -> list[Path]:
    """Write `fmt` files for the current (corrected) pages or records into `to_dir`; returns the paths."""
    to_dir = Path(to_dir)
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "pdf":
        return export_pdf(out_dir, to_dir).written
    folder = RunFolder.existing(out_dir)
    with folder.open_store() as store:
        if fmt == "jsonl":
            return [write_jsonl(store.current_records(), to_dir / RECORDS_FILE)]
        if fmt == "csv":
            return [write_csv(store.current_records(), to_dir / "records.csv")]
        pages = store.current_pages()
    written = []
    for number, page in enumerate(pages, start=1):
        model = export_page(page, number, folder)
        path = page_file(to_dir, page.id, _SUFFIX[fmt])
        data = (model.text + "\n").encode() if fmt == "txt" else render(fmt, model)
        atomic_write_bytes(path, data)
        written.append(path)
    return written


def export_pdf(out_dir: Path | str, to_dir: Path | str) -> PdfExport:
    """One searchable PDF per source file of the run's pages, with the files and pages that have no text layer."""
    folder = RunFolder.existing(out_dir)
    with folder.open_store() as store:
        pages = store.current_pages()
        input_dirs = {page.id: store.page_state(page.id).input_dir for page in pages}
        runs = store.runs()
        # the latest run's failures: why a file or a page of it has no reading
        errors = {e.path: f"{e.stage}: {e.reason}" for e in store.errors(runs[-1].id)} if runs else {}
    return export_pdfs(folder, pages, input_dirs, Path(to_dir), errors)


def page_file(to_dir: Path, page_id: str, suffix: str) -> Path:
    """Where a page's file goes: its id as a relative path, made safe ('#' and '..' cannot escape)."""
    parts = [p.replace("#", "_") for p in page_id.split("/") if p not in {"", ".", ".."}]
    rel = Path(*parts) if parts else Path("page")
    return to_dir / rel.with_name(rel.name + suffix)


__all__ = ["FORMATS", "ExportError", "ExportPage", "PdfExport", "export", "export_page", "export_pdf", "page_file",
           "render"]
