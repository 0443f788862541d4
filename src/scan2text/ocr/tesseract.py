"""The only module that talks to Tesseract.

Everything else asks for lines, orientation or a confidence; command lines and TSV parsing
stay here, so a persistent engine could replace pytesseract behind the same functions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np
import pytesseract

from scan2text.errors import OcrError
from scan2text.models import Box, Line, Word

# One Tesseract thread per worker: page-level parallelism beats OpenMP inside one page, and
# OpenMP threads fighting each other on 2 cores slow everything down.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True)
class Osd:
    rotate: int  # clockwise degrees that make the page upright
    orientation_conf: float
    script: str
    script_conf: float


def version() -> str:
    return str(pytesseract.get_tesseract_version())


def languages() -> set[str]:
    return set(pytesseract.get_languages(config=""))


def detect_orientation(image: np.ndarray) -> Osd:
    """Tesseract OSD. Raises OcrError when the page has too little text to decide."""
    try:
        raw = pytesseract.image_to_osd(image, config="--psm 0 -c min_characters_to_try=20")
    except pytesseract.TesseractError as exc:
        raise OcrError(f"orientation detection failed: {exc.message.strip() or exc}") from exc
    fields = dict(re.findall(r"^([^:\n]+):\s*(.+)$", raw, flags=re.M))
    return Osd(
        rotate=int(fields.get("Rotate", 0)),
        orientation_conf=float(fields.get("Orientation confidence", 0.0)),
        script=fields.get("Script", "").strip(),
        script_conf=float(fields.get("Script confidence", 0.0)),
    )


def _config(psm: int, oem: int, extra: str = "") -> str:
    # preserve_interword_spaces keeps typewriter spacing from collapsing; the DPI hint stops
    # Tesseract guessing a resolution from missing metadata (we scale pages ourselves).
    return f"--psm {psm} --oem {oem} -c preserve_interword_spaces=1 --dpi 300 {extra}".strip()


def recognize(image: np.ndarray, lang: str, psm: int = 4, oem: int = 1) -> list[Line]:
    """OCR a page image into lines of words with boxes and confidences, in reading order."""
    try:
        data = pytesseract.image_to_data(
            image, lang=lang, config=_config(psm, oem), output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractError as exc:
        raise OcrError(f"tesseract failed ({lang}): {exc.message.strip() or exc}") from exc
    return lines_from_tsv(data, lang)


def lines_from_tsv(data: dict[str, list], lang: str) -> list[Line]:
    """Group Tesseract's word rows (level 5) into lines keyed by block/paragraph/line number."""
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for i, level in enumerate(data["level"]):
        text = str(data["text"][i]).strip()
        if int(level) != 5 or not text:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        box = Box(x=int(data["left"][i]), y=int(data["top"][i]), w=int(data["width"][i]), h=int(data["height"][i]))
        grouped.setdefault(key, []).append(Word(text=text, box=box, conf=max(float(data["conf"][i]), 0.0)))
    lines = []
    for words in grouped.values():
        conf = sum(w.conf for w in words) / len(words)
        lines.append(
            Line(id="", text=" ".join(w.text for w in words), box=Box.union([w.box for w in words]),
                 conf=round(conf, 2), language=lang, words=words)
        )
    # Tesseract's block order can interleave columns of a typed sheet; top-to-bottom is the reading order.
    lines.sort(key=lambda ln: (ln.box.y + ln.box.h // 2, ln.box.x))
    for n, line in enumerate(lines, start=1):
        line.id = f"l{n:04d}"
    return lines


def mean_confidence(image: np.ndarray, lang: str, psm: int = 6) -> tuple[float, int]:
    """Mean word confidence and the number of words: cheap evidence for orientation and script choice."""
    lines = recognize(image, lang, psm=psm)
    words = [w for line in lines for w in line.words if any(ch.isalnum() for ch in w.text)]
    if not words:
        return 0.0, 0
    return sum(w.conf for w in words) / len(words), len(words)
