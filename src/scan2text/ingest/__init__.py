"""Ingest: find the page images of a batch, give each a stable id and its archival sheet reference.

A page is one image, one frame of a multi-page TIFF, or one page of a PDF. The sheet reference
comes from a manifest CSV when there is one, else from the archive's folder convention
`…/fund-200/inv-1/file-271/0213.tif` (sheet 213; `0213v` or `0213ob` is the verso).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from scan2text.errors import InputError
from scan2text.ingest.decode import HIGH_DEPTH_MODES, check_jpeg, to_8bit
from scan2text.ingest.limits import MAX_PIXELS, check_size
from scan2text.ingest.manifest import MANIFEST_NAME, read_manifest
from scan2text.models import Model, SheetRef

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
PDF_SUFFIXES = {".pdf"}

Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_FUND = re.compile(r"^(?:fund|f|fond)[-_ ]?(\w+)$", re.I)
_INVENTORY = re.compile(r"^(?:inv|inventory|op|opis)[-_ ]?(\w+)$", re.I)
_FILE = re.compile(r"^(?:file|delo|d)[-_ ]?(\w+)$", re.I)
_ARCHIVE = re.compile(r"^archive[-_ ](.+)$", re.I)
_SHEET = re.compile(r"^(\d+)(v|ob|verso|r)?$", re.I)


def file_folder(image: str) -> str:
    """The folder a page image sits in, relative to the input: its archival file in the folder convention."""
    return str(Path(image).parent)


class PageSource(Model):
    """One page of the batch before any work on it: where it comes from and what sheet it is."""

    id: str
    path: str
    image: str
    frame: int = 0
    frames: int = 1
    sheet: SheetRef | None = None


def discover(input_path: Path, manifest: Path | None = None) -> list[PageSource]:
    """Every page under `input_path` (a folder or one file), in a stable order; ConfigError for a manifest with
    bad rows (all of them named)."""
    root = input_path if input_path.is_dir() else input_path.parent
    files = (
        sorted(p for p in input_path.rglob("*") if (p.is_file() or p.is_symlink()) and _is_page_file(p))
        if input_path.is_dir()
        else [input_path]
    )
    manifest = manifest or discover_manifest(input_path)
    sheets_by_image = read_manifest(manifest, root) if manifest else {}
    pages: list[PageSource] = []
    for path in files:
        rel = path.relative_to(root)
        frames = count_frames(path)
        for frame in range(frames):
            sheet = sheets_by_image.get((rel.as_posix(), frame)) or sheet_from_path(rel, frame, frames)
            pages.append(PageSource(id=_page_id(rel.with_suffix(""), frame, frames), path=str(path),
                                    image=rel.as_posix(), frame=frame, frames=frames, sheet=sheet))
    return unique_ids(pages)


def discover_manifest(input_path: Path) -> Path | None:
    """The manifest.csv beside the pages, if there is one."""
    root = input_path if input_path.is_dir() else input_path.parent
    return root / MANIFEST_NAME if (root / MANIFEST_NAME).is_file() else None


def _page_id(name: Path, frame: int, frames: int) -> str:
    return name.as_posix() if frames == 1 else f"{name.as_posix()}_{frame + 1}"


def unique_ids(pages: list[PageSource]) -> list[PageSource]:
    """Pages whose ids collide (`0213.png` beside `0213.jpg`, or `a_2.png` beside frame 2 of `a.tif`) keep their
    file's extension in the id: `0213.png`, `0213.jpg`. Both are read and nothing is discarded; every other page
    keeps the short id earlier runs gave it, so their finished pages and corrections still match. Two names that
    still collide (no two files in one folder can) are refused, naming both files."""
    by_id: dict[str, list[PageSource]] = {}
    for page in pages:
        by_id.setdefault(page.id, []).append(page)
    # every frame of a file that collides anywhere, so one file's pages are named alike
    colliding = {page.path for group in by_id.values() if len(group) > 1 for page in group}
    for page in pages:
        if page.path in colliding:
            page.id = _page_id(Path(page.image), page.frame, page.frames)
    seen: dict[str, PageSource] = {}
    for page in pages:
        if (other := seen.setdefault(page.id, page)) is not page:
            raise InputError(f"two pages would share the id {page.id!r}: {other.image} and {page.image}; rename one",
                             other.path)
    return pages


def _is_page_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES | PDF_SUFFIXES and not path.name.startswith(".")


def sheet_from_path(rel: Path, frame: int = 0, frames: int = 1) -> SheetRef | None:
    """The sheet reference the folder convention gives, or None when the path does not follow it."""
    ref: dict[str, str] = {}
    for part in rel.parent.parts:
        for key, pattern in (("archive", _ARCHIVE), ("fund", _FUND), ("inventory", _INVENTORY), ("file", _FILE)):
            if m := pattern.match(part):
                ref[key] = m.group(1)
    stem = rel.stem
    if m := _FILE.match(stem):
        # A whole file delivered as one multi-page document: its pages are its sheets.
        ref["file"] = m.group(1)
        sheet, verso = frame + 1, False
    elif m := _SHEET.match(stem):
        sheet = int(m.group(1)) + frame
        verso = (m.group(2) or "").lower() in {"v", "ob", "verso"}
    else:
        return None
    if "file" not in ref:
        return None
    return SheetRef(sheet=sheet, verso=verso, **ref)


def count_frames(path: Path) -> int:
    """Pages in a file; 1 when it cannot be opened (loading reports the reason later)."""
    try:
        if path.suffix.lower() in PDF_SUFFIXES:
            # Imported on the first PDF: PDFium takes 80 ms to load, which batches of images need not pay.
            from scan2text.ingest.pdf import page_count

            return page_count(path)
        with Image.open(path) as im:
            return max(getattr(im, "n_frames", 1), 1)
    except Exception:
        return 1


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


EXIF_ORIENTATION = 0x0112


# Colour is kept for the preprocess stage to choose the grey that shows the ink best (purple carbon on yellowed
# paper has little luminance contrast); other pages are decoded straight to grey, which is cheaper.
COLOUR_MODES = frozenset({"RGB", "RGBA", "CMYK", "YCbCr"})


def load_image(source: PageSource) -> np.ndarray:
    """The page as an 8-bit array, grey or (a colour scan) BGR, upright as the file says (EXIF); InputError when
    unreadable."""
    path = Path(source.path)
    if not path.exists():
        raise InputError("file not found", source.path)
    if path.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", source.path)
    if path.suffix.lower() in PDF_SUFFIXES:
        from scan2text.ingest.pdf import load_page

        return load_page(path, source.frame)
    try:
        with Image.open(path) as im:
            check_size(im.size, source.path)
            colour = im.mode in COLOUR_MODES
            if im.format == "JPEG":
                check_jpeg(path.read_bytes())
            if im.format == "PNG" and source.frame == 0 and im.mode not in HIGH_DEPTH_MODES:
                page = _decode_png(path, colour)
                if page is not None:
                    return page
            im.seek(source.frame)
            if im.format == "JPEG" and not colour:
                im.draft("L", im.size)  # libjpeg decodes straight to grey: no colour planes to convert
            # exif_transpose copies the page even when it has nothing to turn
            turned = source.frame == 0 and im.getexif().get(EXIF_ORIENTATION, 1) != 1
            page = ImageOps.exif_transpose(im) if turned else im
            if colour:  # BGR, as OpenCV has it
                return np.ascontiguousarray(np.asarray(page.convert("RGB"))[:, :, ::-1])
            if page.mode in HIGH_DEPTH_MODES:
                return to_8bit(np.asarray(page))
            return np.asarray(page.convert("L"))
    except InputError as exc:
        exc.path = exc.path or source.path
        raise
    except UnidentifiedImageError as exc:
        raise InputError("not an image file PIL can read (corrupt or unsupported format)", source.path) from exc
    except Image.DecompressionBombError as exc:
        raise InputError(f"refused as a possible decompression bomb: {exc}", source.path) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InputError(f"cannot decode image (truncated or corrupt?): {exc}", source.path) from exc


def _decode_png(path: Path, colour: bool = False) -> np.ndarray | None:
    """A PNG page decoded by OpenCV, straight to grey (BGR if `colour`) and turned as its eXIf chunk says; None if
    it cannot.

    0.05 s against PIL's 0.07 s for an A4 page at 300 DPI, where PIL must decode the whole image even to find
    out whether it carries an orientation. A file OpenCV refuses goes on to PIL, whose error names the problem.
    """
    page = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE)
    return page if page is not None and page.size else None
