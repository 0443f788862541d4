"""Tesseract for the rest of scan2text: which engine is in use, and its word rows grouped into lines.

Everything else asks here for lines; `engines` runs Tesseract. The default engine
runs the `tesseract` command through pytesseract; `--engine tesserocr` (the setting `ocr.engine`,
`SCAN2TEXT_ENGINE=tesserocr` or `use_engine("tesserocr")`) keeps the models loaded in-process instead, with the
optional extra `pip install scan2text[tesserocr]`.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from scan2text.models import Box, Line, Word
from scan2text.ocr.engines import (
    DEFAULT_ENGINE,
    ENGINE_ENV,
    ENGINE_NAMES,
    Engine,
    EngineUnavailableError,
    _cli_tessdata,  # where the tesseract command finds its models
    make_engine,
)
from scan2text.ocr.line_geometry import LINE_GEOMETRY

__all__ = [
    "ENGINE_NAMES",
    "Engine",
    "EngineUnavailableError",
    "current_engine",
    "ensure_engine",
    "languages",
    "lines_from_tsv",
    "reader_identity",
    "recognize",
    "set_timeout",
    "use_engine",
    "version",
]

_engine: Engine | None = None
_engine_lock = threading.Lock()


def use_engine(name: str | Engine | None = None) -> Engine:
    """Switch the engine for this process: by name, None for the one named by $SCAN2TEXT_ENGINE (default
    pytesseract), or an engine object to reuse (a tesserocr engine keeps the models its threads loaded).

    Raises EngineUnavailableError for an unknown name or an engine whose package is not installed.
    """
    global _engine
    chosen = name if name is not None and not isinstance(name, str) else make_engine(name or _env_name())
    with _engine_lock:
        _engine = chosen
    return chosen


def ensure_engine(name: str | None) -> Engine:
    """Make the engine called `name` the one in use; None keeps the one in use (on first use, $SCAN2TEXT_ENGINE's).

    An engine already in use under that name is kept, so a tesserocr engine keeps the models its threads loaded:
    every page of a run asks for its engine, and only the first one makes it.
    """
    global _engine
    if name is None:
        return current_engine()
    with _engine_lock:
        if _engine is None or _engine.name != name:
            _engine = make_engine(name)
        return _engine


def set_timeout(seconds: float) -> None:
    """How long one reading may take (setting ocr.timeout); a reading that takes longer fails its page. The
    pytesseract engine kills the `tesseract` process; tesserocr gives Tesseract the deadline, which stops the
    recognition (not the layout analysis before it)."""
    engine = current_engine()
    if hasattr(engine, "timeout"):
        engine.timeout = seconds


def current_engine() -> Engine:
    """The engine in use: the environment decides on first use, once for every thread."""
    global _engine
    engine = _engine
    if engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = make_engine(_env_name())
            engine = _engine
    return engine


def _env_name() -> str:
    return os.environ.get(ENGINE_ENV, "").strip() or DEFAULT_ENGINE


def version() -> str:
    return current_engine().version()


def models_used(lang: str) -> list[Path]:
    """The model files a reading in `lang` may load: each named language's, or with 'auto' every one in the models
    folder (the script detection may choose any). Found in the folder itself, not asked of the engine, so both
    engines (which list the folder differently) name the same files."""
    folder = getattr(current_engine(), "tessdata", None) or _cli_tessdata()
    if folder is None:
        return []
    if lang == "auto":
        return sorted(Path(folder).glob("*.traineddata"))
    return [Path(folder) / f"{name}.traineddata" for name in lang.split("+")]


def reader_identity(lang: str) -> str:
    """Tesseract's version and the identity (name, size, modification time) of the models `lang` reads with: what
    a finished page's text depends on besides its pixels and the settings. An upgraded Tesseract or a new model
    changes it, so finished pages are read again rather than reused."""
    parts = [f"tesseract {version()}"]
    for model in models_used(lang):
        try:
            stat = model.stat()
        except OSError:
            continue
        parts.append(f"{model.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "; ".join(parts)


def languages() -> set[str]:
    return current_engine().languages()


@cache
def installed() -> frozenset[str]:
    """The models Tesseract has, asked once per process: for the optional readers (script models, page numbers)
    that fall back to the page's own model where theirs is missing."""
    return frozenset(languages())


def recognize(
    image: np.ndarray, lang: str, psm: int = 4, oem: int = 1, file: Path | None = None, geometry: bool = False
) -> list[Line]:
    """OCR a page image into lines of words with boxes and confidences, in reading order.

    `file`: the same image saved as a file, which an engine may read instead of a copy of its own.
    `geometry`: keep Tesseract's own geometry of each line (baseline, sizes, block), for a page's main reading;
    the many small readings (script, orientation, re-reads) have no use for it.
    """
    return lines_from_tsv(current_engine().words(image, lang, psm, oem, file, geometry=geometry), lang)


def lines_from_tsv(data: dict[str, Any], lang: str) -> list[Line]:
    """Group Tesseract's word rows (level 5) into lines keyed by block/paragraph/line number, with each line's
    geometry where the engine gave it."""
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for i, level in enumerate(data["level"]):
        text = str(data["text"][i]).strip()
        if int(level) != 5 or not text:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        box = Box(x=int(data["left"][i]), y=int(data["top"][i]), w=int(data["width"][i]), h=int(data["height"][i]))
        grouped.setdefault(key, []).append(Word(text=text, box=box, conf=max(float(data["conf"][i]), 0.0)))
    geometry = data.get(LINE_GEOMETRY) or {}
    lines = []
    for key, words in grouped.items():
        line = Line.of_words(words, lang)
        if key in geometry:
            line = line.model_copy(update={**geometry[key], "block": key[0]})
        lines.append(line)
    # Tesseract's block order can interleave columns of a typed sheet; top-to-bottom is the reading order.
    lines.sort(key=lambda ln: (ln.box.y + ln.box.h // 2, ln.box.x))
    for n, line in enumerate(lines, start=1):
        line.id = f"l{n:04d}"
    return lines
