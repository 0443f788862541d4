"""PDF scans: each page's embedded scan at its own resolution, read with PDFium (no Ghostscript)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from scan2text.errors import InputError
from scan2text.ingest.decode import check_flate, check_jpeg
from scan2text.ingest.limits import check_size

# Pages whose one image is not the whole page (born-digital PDFs, vector text) are rendered at
# this resolution instead: a typical archive scan resolution.
RENDER_DPI = 300


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise InputError("PDF is encrypted (password required)", str(path)) from exc
        raise InputError(f"cannot open PDF: {reason}", str(path)) from exc


def page_count(path: Path) -> int:
    pdf = _open(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def check_image_data(image: pdfium.PdfImage, path: str, index: int) -> None:
    """Refuse a page whose scan decodes only in part: PDFium fills what it cannot decode and says nothing."""
    filters = image.get_filters()
    if filters not in (["DCTDecode"], ["FlateDecode"]):
        return  # other codecs (JBIG2, CCITT, JPX, chains) are left to PDFium
    data = bytes(image.get_data(decode_simple=False))
    try:
        if filters == ["DCTDecode"]:
            check_jpeg(data)
        else:
            meta = image.get_metadata()
            check_flate(data, meta.height * -(-meta.width * meta.bits_per_pixel // 8))
    except InputError as exc:
        raise InputError(f"PDF page {index + 1}: {exc.message}", path) from None


def load_page(path: Path, index: int) -> np.ndarray:
    """Page `index` as 8-bit grayscale: the embedded scan when the page is one image, else a render."""
    pdf = _open(path)
    try:
        if index >= len(pdf):
            raise InputError(f"PDF has no page {index + 1}", str(path))
        page = pdf[index]
        images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
        if not images:
            raise InputError(f"PDF page {index + 1} holds no scanned image (text-only or empty page)", str(path))
        if len(images) == 1:
            w, h = images[0].get_px_size()
            check_size((w, h), str(path))
            check_image_data(images[0], str(path), index)
            # The image's own bitmap keeps the scan's resolution; PDFium applies its colour space.
            bitmap = images[0].get_bitmap(render=False)
            array = np.asarray(bitmap.to_pil().convert("L"))
            # Scans are often placed rotated (page /Rotate); honour it so the page comes upright.
            turns = (page.get_rotation() // 90) % 4
            return np.ascontiguousarray(np.rot90(array, k=-turns)) if turns else array
        width, height = page.get_size()
        check_size((int(width / 72 * RENDER_DPI), int(height / 72 * RENDER_DPI)), str(path))
        rendered = page.render(scale=RENDER_DPI / 72, grayscale=True)
        return np.asarray(rendered.to_pil().convert("L"))
    except pdfium.PdfiumError as exc:
        raise InputError(f"cannot read PDF page {index + 1}: {exc}", str(path)) from exc
    finally:
        pdf.close()
