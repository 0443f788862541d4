"""The only module that runs Tesseract: a new `tesseract` process per call (pytesseract), models kept loaded
(tesserocr), and the bare `tesseract` command that the benchmarks take as their baseline (`run_command`).

Both answer with the same TSV-shaped word rows, so grouping into lines happens once, in `tesseract.lines_from_tsv`,
whichever engine read the page. Asked for `geometry`, both add what Tesseract knows of each line and the rows
cannot say (baseline, row height, x-height), from the same reading: the command writes its hOCR beside the TSV,
the library is asked through its iterator, and both give the figures as Tesseract's hOCR renderer rounds them.
Both run the same tessdata and the same variables (`-c` on the command line,
SetVariable in the library), so on the same Tesseract build they give the same words.

Neither declares a resolution. Pages come scaled to one x-height, so Tesseract's own estimate from the text
size is steady. Declaring 300 DPI cost 6% more instructions per reading, in Leptonica morphology sized by the
declared resolution (callgrind), for the same CER on every mild and hard sample page and a real-page median
within 0.1 point.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pytesseract
from PIL import Image

from scan2text.errors import OcrError
from scan2text.ocr.line_geometry import (
    LINE_GEOMETRY,
    LineGeometry,
    LineKey,
    geometry_by_line,
    hocr_geometry,
    line_geometry,
    round_half_away,
)

# One Tesseract thread per worker: page-level parallelism beats OpenMP inside one page, and OpenMP threads
# fighting each other on 2 cores slow everything down. Set before tesserocr is imported: libgomp reads it once
# when it is loaded.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ENGINE_ENV = "SCAN2TEXT_ENGINE"
DEFAULT_ENGINE = "pytesseract"
ENGINE_NAMES = ("pytesseract", "tesserocr")
TSV_FIELDS = ("level", "block_num", "par_num", "line_num", "word_num", "left", "top", "width", "height", "conf", "text")
_WORD_LEVEL = 5


class EngineUnavailableError(OcrError):
    """The engine asked for cannot run here (its Python package is not installed, or no tessdata is found)."""


class Engine(Protocol):
    name: str

    def version(self) -> str: ...

    def languages(self) -> set[str]: ...

    def words(
        self, image: np.ndarray, lang: str, psm: int, oem: int, file: Path | None = None, geometry: bool = False
    ) -> dict[str, Any]:
        """Word rows shaped like pytesseract's image_to_data(output_type=DICT).

        `file`: the same pixels, already saved as an image file Tesseract can read (the cleaned page's PNG).
        `geometry`: also each line's geometry, under LINE_GEOMETRY (see `line_geometry`).
        """
        ...


def _uncompressed(image: np.ndarray) -> Image.Image:
    """The page for pytesseract's hand-off file, as PGM/PPM rather than its default PNG.

    pytesseract writes the image to a temporary file for the `tesseract` process; PNG compression took
    0.2 s of a 1.7 s page read (about 12% of Tesseract's own time) for nothing. The pixels, and so the
    reading, are the same.
    """
    pil = Image.fromarray(np.ascontiguousarray(image))
    pil.format = "PPM"
    return pil


# How long one reading may take before its tesseract is killed and the page fails (setting ocr.timeout). A
# typed page takes 1-3 s; this only ends a reading that hangs, which would otherwise hold its worker for ever.
READING_TIMEOUT = 300.0
_TEMP_PREFIX = "scan2text-tesseract-"
_temp_dir: str | None = None
_temp_lock = threading.Lock()


def private_temp_dir() -> str:
    """This process's folder for pytesseract's hand-off files (the page copy, Tesseract's TSV).

    pytesseract removes its files after each reading, even a failed or timed-out one, but a run killed mid-reading
    cannot: in a folder of its own, named by its process id, the next run finds them and removes the folder of any
    process that is gone."""
    global _temp_dir
    with _temp_lock:
        if _temp_dir is None:
            base = Path(tempfile.gettempdir())
            for old in base.glob(_TEMP_PREFIX + "*"):
                pid = old.name.removeprefix(_TEMP_PREFIX)
                if pid.isdigit() and not _alive(int(pid)):
                    shutil.rmtree(old, ignore_errors=True)
            folder = base / f"{_TEMP_PREFIX}{os.getpid()}"
            folder.mkdir(mode=0o700, exist_ok=True)
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            _temp_dir = str(folder)
            pytesseract.pytesseract.NamedTemporaryFile = functools.partial(tempfile.NamedTemporaryFile, dir=_temp_dir)
        return _temp_dir


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


class PytesseractEngine:
    """The `tesseract` command per call: simple and isolated, but every call starts a process and loads its models."""

    name = "pytesseract"
    timeout = READING_TIMEOUT  # seconds; see READING_TIMEOUT

    def __init__(self) -> None:
        private_temp_dir()

    def version(self) -> str:
        return str(pytesseract.get_tesseract_version())

    def languages(self) -> set[str]:
        return set(pytesseract.get_languages(config=""))

    def words(
        self, image: np.ndarray, lang: str, psm: int, oem: int, file: Path | None = None, geometry: bool = False
    ) -> dict[str, Any]:
        # preserve_interword_spaces keeps typewriter spacing from collapsing
        config = f"--psm {psm} --oem {oem} -c preserve_interword_spaces=1"
        # The page's own PNG, where there is one, spares writing a hand-off copy, and Tesseract decodes it
        # faster than the uncompressed copy: 0.044 s less CPU a page (3.6%), the same words (12 pages measured).
        source = str(file) if file else _uncompressed(image)
        try:
            if not geometry:
                return pytesseract.image_to_data(source, lang=lang, config=config, output_type=pytesseract.Output.DICT,
                                                 timeout=self.timeout)
            return self._words_and_geometry(source, lang, config)
        except RuntimeError as exc:  # pytesseract's word for a reading it killed at the timeout
            if "timeout" not in str(exc):
                raise
            raise OcrError(f"tesseract gave no answer within {self.timeout:g} s ({lang}) and was stopped; the page "
                           "is left unread (setting ocr.timeout)") from None
        except pytesseract.TesseractError as exc:
            raise OcrError(f"tesseract failed ({lang}): {exc.message.strip() or exc}") from exc

    def _words_and_geometry(self, source: str | Image.Image, lang: str, config: str) -> dict[str, Any]:
        """One `tesseract` run writing its TSV and its hOCR side by side (pytesseract reads only one output)."""
        tess = pytesseract.pytesseract
        with tess.save(source) as (base, input_file):
            tess.run_tesseract(input_file, base, "", lang,
                               f"{config} -c tessedit_create_tsv=1 -c tessedit_create_hocr=1", timeout=self.timeout)
            tsv = Path(f"{base}.tsv").read_bytes().decode("utf-8")
            hocr = Path(f"{base}.hocr").read_bytes()
        rows: dict[str, Any] = tess.file_to_dict(tsv, "\t", -1)
        rows[LINE_GEOMETRY] = geometry_by_line(rows, hocr_geometry(hocr))
        return rows


class TesserocrEngine:
    """libtesseract in-process with models kept loaded: one API per (language, OEM) per thread.

    A TessBaseAPI is not safe to share between threads, so each page worker thread gets its own, cached in
    thread-local storage and freed with the thread. The page segmentation mode is set per call rather than
    keyed, which halves the models held in memory (main pass psm 4, script and second passes psm 6).
    """

    name = "tesserocr"
    timeout = READING_TIMEOUT  # seconds: Tesseract's own deadline, which cancels the recognition it bounds

    def __init__(self) -> None:
        try:
            import tesserocr
        except ImportError as exc:
            raise EngineUnavailableError(
                "engine 'tesserocr' needs the tesserocr package: pip install scan2text[tesserocr] "
                "(it builds against the system libtesseract: apt-get install libtesseract-dev libleptonica-dev "
                "pkg-config)"
            ) from exc
        self._tr = tesserocr
        self._pictures = {tesserocr.PT.FLOWING_IMAGE, tesserocr.PT.HEADING_IMAGE, tesserocr.PT.PULLOUT_IMAGE}
        self.tessdata = self._tessdata()
        self._local = threading.local()
        cli = _cli_version()
        if cli and cli != self.version():
            warnings.warn(
                f"tesserocr runs Tesseract {self.version()} but the tesseract command is {cli}; readings may differ "
                "from the default engine (build tesserocr from source: pip install --no-binary tesserocr tesserocr)",
                stacklevel=2,
            )

    def _tessdata(self) -> str:
        path, langs = self._tr.get_languages()
        if langs:
            return str(path)
        # A binary wheel bundles its own libtesseract whose default tessdata path is empty: use the system's.
        path = _cli_tessdata()
        if path is None or not self._tr.get_languages(path)[1]:
            raise EngineUnavailableError(f"engine 'tesserocr' finds no Tesseract models (looked in {path or './'})")
        return path

    def version(self) -> str:
        first = self._tr.tesseract_version().splitlines()[0]  # "tesseract 5.3.0"
        return first.split()[-1]

    def languages(self) -> set[str]:
        return set(self._tr.get_languages(self.tessdata)[1])

    def new_api(self, lang: str, oem: int) -> Any:
        """A TessBaseAPI with `lang`'s model loaded, for one thread; the caller ends it (or keeps it, as `_api`)."""
        try:
            api = self._tr.PyTessBaseAPI(path=self.tessdata, lang=lang, oem=oem)
        except RuntimeError as exc:
            raise OcrError(f"tesseract failed ({lang}): cannot load the model from {self.tessdata}: {exc}") from exc
        # the same variable the command line gets from -c
        api.SetVariable("preserve_interword_spaces", "1")
        return api

    def _api(self, lang: str, oem: int) -> Any:
        apis: dict[tuple[str, int], Any] = self._local.__dict__.setdefault("apis", {})
        api = apis.get((lang, oem))
        if api is None:
            api = apis[(lang, oem)] = self.new_api(lang, oem)
        return api

    def _set_image(self, api: Any, image: np.ndarray) -> bytes:
        pixels = np.ascontiguousarray(image, dtype=np.uint8)
        if pixels.ndim not in (2, 3):
            raise OcrError(f"cannot read an image of shape {pixels.shape}")
        height, width = pixels.shape[:2]
        depth = 1 if pixels.ndim == 2 else pixels.shape[2]
        data = pixels.tobytes()
        # raw pixels, no PNG/BMP round trip; Tesseract does not copy them, so the caller keeps `data` alive
        api.SetImageBytes(data, width, height, depth, width * depth)
        return data

    def words(
        self, image: np.ndarray, lang: str, psm: int, oem: int, file: Path | None = None, geometry: bool = False
    ) -> dict[str, Any]:
        # `file` is of no use here: the pixels go to the library as they are, with no file in between.
        ril = self._tr.RIL
        api = self._api(lang, oem)
        api.SetPageSegMode(psm)
        rows: dict[str, Any] = {field: [] for field in TSV_FIELDS}
        lines: dict[LineKey, LineGeometry] = {}
        try:
            _keep = self._set_image(api, image)
            if not api.Recognize(timeout=max(1, round(self.timeout * 1000))):
                # the deadline is the one way recognition is cancelled here; layout analysis runs before it
                raise OcrError(f"tesseract gave no answer within {self.timeout:g} s ({lang}) and was stopped; the "
                               "page is left unread (setting ocr.timeout)")
            it = api.GetIterator()
            block = par = line = word = 0
            # numbered exactly as Tesseract's own TSV renderer numbers them, so lines group the same way
            while it is not None and not it.Empty(ril.BLOCK):
                if not it.Empty(ril.WORD):
                    if it.IsAtBeginningOf(ril.BLOCK):
                        block, par, line, word = block + 1, 0, 0, 0
                    if it.IsAtBeginningOf(ril.PARA):
                        par, line, word = par + 1, 0, 0
                    if it.IsAtBeginningOf(ril.TEXTLINE):
                        line, word = line + 1, 0
                        # hOCR, and so the other engine, has no lines in blocks taken for pictures
                        if geometry and it.BlockType() not in self._pictures:
                            lines[(block, par, line)] = self._line_geometry(it)
                    word += 1
                    left, top, right, bottom = it.BoundingBox(ril.WORD)
                    # whole numbers, as the TSV renderer of Tesseract 5.3 prints them
                    values = (_WORD_LEVEL, block, par, line, word, left, top, right - left, bottom - top,
                              int(it.Confidence(ril.WORD)), it.GetUTF8Text(ril.WORD) or "")
                    for field, value in zip(TSV_FIELDS, values, strict=True):
                        rows[field].append(value)
                if not it.Next(ril.WORD):
                    break
        except RuntimeError as exc:
            raise OcrError(f"tesseract failed ({lang}): {exc}") from exc
        finally:
            api.Clear()  # drop the page's results and the pointer to its pixels; the model stays loaded
        if geometry:
            rows[LINE_GEOMETRY] = lines
        return rows

    def _line_geometry(self, it: Any) -> LineGeometry:
        """The line's geometry worked out as Tesseract's hOCR renderer does, so both engines give the same."""
        ril = self._tr.RIL
        box = it.BoundingBox(ril.TEXTLINE)
        left, _, _, bottom = box
        attrs = it.RowAttributes()
        slope = offset = None
        ends = it.Baseline(ril.TEXTLINE)
        if ends is not None:
            (x1, y1), (x2, y2) = ends
            x1, x2, y1, y2 = x1 - left, x2 - left, y1 - bottom, y2 - bottom
            if x1 != x2:
                exact = (y2 - y1) / (x2 - x1)
                slope, offset = round_half_away(exact, 3), round_half_away(y1 - exact * x1, 3)
        return line_geometry(box, slope, offset, float(f"{attrs['row_height']:.8g}"),
                             -float(f"{attrs['descenders']:.8g}"), float(f"{attrs['ascenders']:.8g}"))


def make_engine(name: str) -> Engine:
    if name == "pytesseract":
        return PytesseractEngine()
    if name == "tesserocr":
        return TesserocrEngine()
    choices = ", ".join(ENGINE_NAMES)
    raise EngineUnavailableError(f"unknown OCR engine {name!r} (set by use_engine or ${ENGINE_ENV}); choose {choices}")


def run_command(*args: str) -> subprocess.CompletedProcess[str]:
    """The `tesseract` command with `args`, on one thread as every reading here, its output captured and not
    checked: Tesseract as a user types it, the baseline the benchmarks measure scan2text against."""
    return subprocess.run([pytesseract.pytesseract.tesseract_cmd, *args], capture_output=True, text=True,
                          check=False, env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def _cli_version() -> str | None:
    try:
        return str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError):
        return None


def _cli_tessdata() -> str | None:
    try:
        out = subprocess.run([pytesseract.pytesseract.tesseract_cmd, "--list-langs"], capture_output=True,
                             text=True, check=False, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'"([^"]+)"', out)
    return match.group(1) if match else None
