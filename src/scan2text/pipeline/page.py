"""The work on one page: load → preprocess → OCR → page files. No Prefect here.

The flow runs `process_page` once per page, in parallel. It takes the page by path and
returns only the small Page model, so images never travel between processes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import cv2

import scan2text
from scan2text.errors import BlankPageError, Scan2TextError
from scan2text.ingest import PageSource, load_image
from scan2text.models import Page
from scan2text.ocr import ocr_page, tesseract
from scan2text.ocr.orientation import decide_up_down
from scan2text.pipeline.up_down import settle_up_down
from scan2text.preprocess import preprocess
from scan2text.settings import Settings
from scan2text.store.files import write_clean_image, write_page
from scan2text.store.run_folder import RunFolder


def cache_key(content_hash: str, frame: int, settings: Settings, reader: str = "") -> str:
    """What a finished page depends on: its bytes, its frame, the settings of its stages, and the code that read it
    (`reader`: see `reader_fingerprint`)."""
    key = f"{content_hash[:24]}:{frame}:{settings.preprocess.fingerprint()}:{settings.ocr.fingerprint()}"
    return f"{key}:{reader}" if reader else key


def reader_fingerprint(settings: Settings) -> str:
    """Short hash of the scan2text version, Tesseract's version and the model files the run reads with: after an
    upgrade of any of them a page is read again, not reused."""
    identity = f"scan2text {scan2text.__version__}; {tesseract.reader_identity(settings.ocr.lang)}"
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


def one_thread_per_page() -> None:
    """Keep OpenCV to the calling thread. Pages run in parallel, one per core, so OpenCV's own threads would
    only contend with the other pages' work: they cost 14% more preprocessing CPU for the same result
    (measured on the hard samples), as Tesseract's OpenMP threads do (see `scan2text.ocr.engines`)."""
    cv2.setNumThreads(1)


def process_page(
    source: PageSource, out_dir: Path, settings: Settings, lang_hint: str | None = None, key: str | None = None
) -> Page:
    """Read one page and write its files; raises a Scan2TextError naming the file and the stage.

    `lang_hint`: the language of an earlier page of the same folder, tried first when the language is 'auto'.
    `key`: the page's cache key, recorded in its JSON so that a re-run can trust the file on its own.
    """
    one_thread_per_page()
    try:
        return _process(source, out_dir, settings, lang_hint, key)
    except Scan2TextError as exc:
        exc.path = exc.path or source.path
        raise


def _process(source: PageSource, out_dir: Path, settings: Settings, lang_hint: str | None, key: str | None) -> Page:
    image = load_image(source)
    height, width = image.shape[:2]
    if int(image.max()) - int(image.min()) < 16:
        raise BlankPageError("blank page: the image has no contrast")
    if settings.ocr.lang != "auto":
        lang_hint = settings.ocr.lang
    # With the language known, a page whose layout leaves up/down open is settled by its main reading.
    cleaned, report = preprocess(image, settings.preprocess, lang_hint=lang_hint, defer_up_down=True,
                                 read_up_down=decide_up_down)
    del image  # pages can be 100 MB; keep only what the next step needs
    # Written before the reading, which takes it from the file (see PytesseractEngine.words).
    clean_rel = write_clean_image(out_dir, source.id, cleaned)
    result = ocr_page(cleaned, settings.ocr, hint=lang_hint, file=RunFolder(out_dir).resolve(clean_rel))
    settled, report, result = settle_up_down(cleaned, report, result, settings.ocr, lang_hint, settings.preprocess)
    if settled is not cleaned:  # turned upside down: save what was read
        write_clean_image(out_dir, source.id, settled)
    page = Page(
        id=source.id,
        image=source.image,
        frame=source.frame,
        sheet=source.sheet,
        width=width,
        height=height,
        cleaned_image=clean_rel,
        preprocessing=report,
        language=result.language,
        script=result.script or "",
        language_basis=result.basis,
        lines=result.lines,
        set_aside=result.set_aside,
        mean_conf=result.mean_conf,
        coverage=result.coverage,
        ocr_seconds=result.seconds,
        warnings=result.warnings,
        cache_key=key,
    )
    write_page(out_dir, page)
    return page
