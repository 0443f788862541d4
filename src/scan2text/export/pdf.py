"""Searchable PDFs: one per source file, its scans as they are with the corrected text laid invisibly on the words.

The text layer is drawn by OCRmyPDF's renderer (fpdf2 underneath: invisible text, render mode 3, each word
stretched to its box along the line's baseline, a font per script so copying and searching work everywhere).
It is fed our own page model, corrections applied, rather than hOCR: OCRmyPDF's hOCR reader folds text to
NFKC, which turns «№» into «No» and «և» into «եւ».

The optional extra `pip install scan2text[pdf]` brings OCRmyPDF. PDF/A is not claimed: converting to it
needs Ghostscript, and checking it veraPDF, neither of which scan2text installs.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from scan2text.errors import Scan2TextError
from scan2text.export.model import LANGUAGES, ExportLine, ExportPage, Rect, export_page
from scan2text.ingest import EXIF_ORIENTATION, PDF_SUFFIXES, PageSource, count_frames, load_image
from scan2text.models import Page
from scan2text.store.files import atomic_write_bytes
from scan2text.store.run_folder import RunFolder

# Resolution assumed for a scan that does not say: what archives scan typescripts at. It sets the page's
# printed size only; the image keeps its pixels.
DEFAULT_DPI = 300
_TESSERACT_CODE = {iso: code for code, (iso, _, _) in LANGUAGES.items()}
_AS_IS = {".png", ".jpg", ".jpeg"}  # embedded from the file itself (JPEG without re-encoding)


class PdfUnavailableError(Scan2TextError):
    stage = "export"


@dataclass
class PdfExport:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list, metadata={"doc": "files or pages without a text layer"})


def export_pdfs(folder: RunFolder, pages: list[Page], input_dirs: dict[str, str], to_dir: Path,
                errors: dict[str, str]) -> PdfExport:
    """One PDF per source file of `pages` under `to_dir` (its path with `.pdf`), frames in order.

    `input_dirs`: page id → the input folder its run read; `errors`: source path → why it failed, from the
    store. A frame with no page (its reading failed) goes in as the scan alone, and the export says so.
    """
    renderer = _renderer()
    result = PdfExport()
    files: dict[Path, list[Page]] = {}
    for page in pages:
        files.setdefault(Path(input_dirs[page.id]) / page.image, []).append(page)
    for path, file_pages in files.items():
        by_frame = {page.frame: page for page in file_pages}
        frames = max(count_frames(path), *(f + 1 for f in by_frame)) if path.exists() else len(by_frame)
        out = to_dir / Path(file_pages[0].image).with_suffix(".pdf")
        try:
            data, missing = renderer.file_pdf(path, frames, by_frame, folder)
        except (OSError, Scan2TextError) as exc:
            reason = exc.message if isinstance(exc, Scan2TextError) else str(exc)
            result.problems.append(f"{path}: no PDF written: {reason}")
            continue
        for frame, reason in missing:
            why = errors.get(str(path), reason)
            result.problems.append(f"{path}: page {frame + 1} of {frames} has no text layer ({why})")
        atomic_write_bytes(out, data)
        result.written.append(out)
    for path, reason in errors.items():
        if Path(path) not in files:
            result.problems.append(f"{path}: no PDF written: no page of it was read ({reason})")
    return result


class _Renderer:
    def __init__(self) -> None:
        import img2pdf
        import ocrmypdf
        import pikepdf
        from fpdf import FPDF
        from fpdf.enums import TextMode
        from ocrmypdf.font import MultiFontManager
        from ocrmypdf.fpdf_renderer import Fpdf2PdfRenderer
        from ocrmypdf.models.ocr_element import Baseline, BoundingBox, OcrClass, OcrElement

        self.fpdf, self.text_mode, self.page_renderer = FPDF, TextMode, Fpdf2PdfRenderer
        self.img2pdf, self.pikepdf = img2pdf, pikepdf
        self.element, self.box, self.baseline, self.cls = OcrElement, BoundingBox, Baseline, OcrClass
        # OCRmyPDF's own fonts (Noto Sans, and a glyphless one for whatever no font covers) and the system's
        self.fonts = MultiFontManager(Path(ocrmypdf.__file__).parent / "data")

    def file_pdf(self, path: Path, frames: int, pages: dict[int, Page],
                 folder: RunFolder) -> tuple[bytes, list[tuple[int, str]]]:
        """The file's PDF and the frames that have no reading. The scans go in through img2pdf, which embeds a PNG
        or JPEG as it is (no re-encoding: the PDF is the scan's size), the text is drawn on a page of its own
        size by OCRmyPDF's renderer, and pikepdf lays each text page over its scan, as OCRmyPDF does."""
        text = self.fpdf(unit="pt")
        text.set_auto_page_break(auto=False)
        text.set_text_shaping(True)
        text.c_margin = 0
        text.text_mode = self.text_mode.INVISIBLE
        registered: dict[str, str] = {}  # fonts embedded once per file
        missing: list[tuple[int, str]] = []
        result = self.pikepdf.new()
        for frame in range(frames):
            scan, size, dpi = _scan(path, frame)
            page = pages.get(frame)
            if page is None:
                missing.append((frame, "its reading failed"))
            model = export_page(page, frame + 1, folder) if page is not None else None
            renderer = self.page_renderer(page=self._tree(model, size, dpi), dpi=dpi, multi_font_manager=self.fonts,
                                          invisible_text=True)
            renderer._registered_fonts = registered  # as OCRmyPDF's own multi-page renderer shares them
            with _quiet():
                renderer.render_to_pdf(text)
            layout = self.img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))  # the page the text was drawn on
            image_pdf = self.pikepdf.open(io.BytesIO(self.img2pdf.convert(scan, layout_fun=layout)))
            result.pages.extend(image_pdf.pages)
        text_pdf = self.pikepdf.open(io.BytesIO(bytes(text.output())))
        for page_obj, text_page in zip(result.pages, text_pdf.pages, strict=True):
            page_obj.add_overlay(text_page)
        out = io.BytesIO()
        result.save(out)
        return out.getvalue(), missing

    def _tree(self, page: ExportPage | None, size: tuple[int, int], dpi: float) -> Any:
        """The page for OCRmyPDF's renderer, each word a level run of its own on its line's baseline.

        Not whole lines along a sloping baseline: on pages scanned 1-2° askew, pdftotext then broke lines and
        even words apart (75% of the words of samples/ came back whole, and as few as 25% on a page; 100% as
        it is done here).
        """
        width, height = (page.width, page.height) if page is not None else size
        root = self.element(ocr_class=self.cls.PAGE, bbox=self.box(0, 0, width, height), dpi=dpi)
        for region in page.regions if page is not None else []:
            r = region.rect
            par = self.element(ocr_class=self.cls.PARAGRAPH, bbox=self.box(r.x, r.y, r.x2, r.y2))
            root.children.append(par)
            for line in region.lines:
                for word in line.words:
                    box = self.box(word.rect.x, word.rect.y, word.rect.x2, word.rect.y2)
                    run = self.element(ocr_class=self.cls.LINE, bbox=box, language=_TESSERACT_CODE.get(line.lang),
                                       baseline=self._baseline(line, word.rect))
                    run.children = [self.element(ocr_class=self.cls.WORD, text=word.text, confidence=word.conf,
                                                 bbox=box)]
                    par.children.append(run)
        return root

    def _baseline(self, line: ExportLine, rect: Rect) -> Any:
        """Where the line's baseline passes under the word, as an offset from the bottom of the word's box (the
        bottom itself where Tesseract gave no baseline)."""
        if line.baseline is None:
            return None
        (x1, y1), (x2, y2) = line.baseline
        slope = (y2 - y1) / (x2 - x1) if x2 != x1 else 0.0
        under = y1 + slope * ((rect.x + rect.x2) / 2 - x1)
        return self.baseline(0.0, min(0.0, max(float(-rect.h), under - rect.y2)))


def _renderer() -> _Renderer:
    try:
        return _Renderer()
    except ImportError as exc:
        raise PdfUnavailableError(
            "--format pdf needs OCRmyPDF's text-layer renderer: pip install 'scan2text[pdf]'") from exc


def _scan(path: Path, frame: int) -> tuple[bytes, tuple[int, int], float]:
    """The frame's scan as it goes into the PDF (PNG or JPEG bytes), its size in pixels and its resolution: the
    file itself where it can go in as it is, else the frame as scan2text read it, as a PNG (TIFF frames, PDF
    pages, EXIF-turned JPEGs, scans with an alpha channel)."""
    dpi: float = DEFAULT_DPI
    if path.suffix.lower() not in PDF_SUFFIXES:
        with Image.open(path) as im:
            dpi = float((im.info.get("dpi") or (DEFAULT_DPI,))[0])
            size = im.size
            if (frame == 0 and path.suffix.lower() in _AS_IS and im.mode in {"L", "RGB", "1", "P", "CMYK"}
                    and im.getexif().get(EXIF_ORIENTATION, 1) == 1 and not im.info.get("interlace")):
                return path.read_bytes(), size, _sane(dpi)
    pixels = load_image(PageSource(id=str(path), path=str(path), image=path.name, frame=frame))
    if pixels.ndim == 3:
        pixels = pixels[:, :, ::-1]  # BGR → RGB
    image = Image.fromarray(pixels)
    data = io.BytesIO()
    image.save(data, format="PNG")
    return data.getvalue(), image.size, _sane(dpi)


def _sane(dpi: float) -> float:
    """A resolution no scanner writes (0 or 1 dpi, or absurdly fine) is taken as none."""
    return dpi if 30 <= dpi <= 2400 else DEFAULT_DPI


@contextmanager
def _quiet() -> Iterator[None]:
    """OCRmyPDF warns when no one font covers a word's mixed scripts («Գ.»): the text stays searchable and
    copyable, and it is invisible anyway, so the warning is of no use to an export."""
    logger = logging.getLogger("ocrmypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
