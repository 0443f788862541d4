"""Which script a page is written in, and so which Tesseract model reads it.

Tesseract's OSD cannot tell Armenian (it answers "Arabic"), so the script is read from the letters the
models recognise with confidence: a few text lines, then a band through the middle of the page, each read
with one model at a time until one reads it surely; only where none does, with all models at once.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import numpy as np

from scan2text.ocr import tesseract
from scan2text.settings import OcrSettings

SCRIPT_LANG = {"Latin": "eng", "Cyrillic": "rus", "Armenian": "hye"}
# The thresholds of the first look (a few lines near the middle of the page) and of what settles a script are
# OcrSettings.script_* (their descriptions hold the measurements).
_DEFAULTS = OcrSettings()
LANG_SCRIPT = {lang: script for script, lang in SCRIPT_LANG.items()}

# Pairs of letters that print (and OCR) alike across scripts: (Latin, Cyrillic).
LATIN_CYRILLIC_LOOK_ALIKES = [
    ("a", "а"), ("A", "А"), ("B", "В"), ("c", "с"), ("C", "С"), ("e", "е"), ("E", "Е"), ("H", "Н"),
    ("K", "К"), ("k", "к"), ("M", "М"), ("o", "о"), ("O", "О"), ("p", "р"), ("P", "Р"), ("T", "Т"),
    ("x", "х"), ("X", "Х"), ("y", "у"), ("Y", "У"), ("n", "п"), ("u", "и"), ("i", "і"), ("I", "І"),
]
# Latin or Cyrillic letters Tesseract's Armenian model confuses with Armenian ones.
TO_ARMENIAN_LOOK_ALIKES = {"o": "օ", "O": "Օ", "n": "ո", "u": "ս", "h": "հ", "S": "Տ", "U": "Ս", "q": "զ",
                           "g": "ց", "о": "օ", "О": "Օ", "п": "ո"}
# Letters that are evidence of nothing: a line of capitals ("RA/MM", a letterhead, a stamp) reads as Latin or
# Cyrillic alike, and was enough to send an English page to the Russian model. Only the other letters vote.
LOOK_ALIKES = frozenset(
    {ch for pair in LATIN_CYRILLIC_LOOK_ALIKES for ch in pair}
    | set(TO_ARMENIAN_LOOK_ALIKES) | set(TO_ARMENIAN_LOOK_ALIKES.values())
)
ALL_LANGS = "+".join(SCRIPT_LANG.values())


def char_script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    code = ord(ch)
    if 0x0530 <= code <= 0x058F or 0xFB13 <= code <= 0xFB17:
        return "Armenian"
    if 0x0400 <= code <= 0x052F:
        return "Cyrillic"
    if unicodedata.name(ch, "").startswith("LATIN"):
        return "Latin"
    return None


def script_counts(text: str) -> Counter[str]:
    """Letters per script, look-alikes left out: positive evidence of each script only."""
    return Counter(s for ch in text if ch not in LOOK_ALIKES and (s := char_script(ch)))


def dominant_script(text: str) -> str | None:
    counts = script_counts(text)
    return counts.most_common(1)[0][0] if counts else None


def text_band(image: np.ndarray, rows: int = 360) -> np.ndarray:
    """A horizontal band through the middle of the inked area: enough lines to tell the script.

    Its edges are moved up to the nearest gap between lines, so that no line is cut in half: a half line
    reads as junk in every model, and Tesseract tries all three models on each junk word, which made the
    detection up to twice as slow.
    """
    inked = _inked_rows(image < 128)
    rows_inked = np.flatnonzero(inked)
    if rows_inked.size == 0:
        return image
    top, bottom = int(rows_inked[0]), int(rows_inked[-1])
    middle = (top + bottom) // 2
    start = max(top, middle - rows // 2)
    end = min(bottom + 1, start + rows)
    end = _gap_at_or_above(inked, end - 1, start + rows // 2) + 1  # the band's last row is end - 1
    start = _gap_at_or_above(inked, start, top)
    return image[start:end]


def _inked_rows(dark: np.ndarray) -> np.ndarray:
    """Whether each row of a page's ink mask holds more than a speck's worth of ink."""
    return dark.sum(axis=1) > max(3, dark.shape[1] // 200)


def _gap_at_or_above(inked: np.ndarray, row: int, floor: int) -> int:
    """The nearest row at or above `row`, and not above `floor`, with no ink; `row` if there is none."""
    if row >= len(inked) or not inked[row]:
        return row
    gaps = np.flatnonzero(~inked[floor:row])
    return floor + int(gaps[-1]) if gaps.size else row


def line_sample(image: np.ndarray, settings: OcrSettings = _DEFAULTS) -> np.ndarray | None:
    """A few text lines near the middle of the page (settings.script_sample_lines), each cut to its left part
    (settings.script_sample_width), stacked one under another.

    Only runs of inked rows of about the median height count as lines: a stamp, a signature or two lines run
    together are left out. None when no such line is found.
    """
    dark = image < 128
    edges = np.flatnonzero(np.diff(np.concatenate(([0], _inked_rows(dark).astype(np.int8), [0]))))
    runs = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    if not runs:
        return None
    median = float(np.median([bottom - top for top, bottom in runs]))
    typical = [n for n, (top, bottom) in enumerate(runs) if 0.6 * median <= bottom - top <= 1.6 * median]
    if not typical:
        return None
    # Typed lines run across the text block; a stamp, a signature or a note in the margin is narrow.
    across = {n: int(np.count_nonzero(dark[runs[n][0] : runs[n][1]].any(axis=0))) for n in typical}
    widest = max(across.values())
    typical = [n for n in typical if across[n] >= settings.script_sample_min_width * widest]
    middle = image.shape[0] / 2
    chosen = sorted(sorted(typical, key=lambda n: abs(sum(runs[n]) / 2 - middle))[:settings.script_sample_lines])
    columns = np.flatnonzero(dark.any(axis=0))
    left = int(columns[0])
    right = left + max(1, int((int(columns[-1]) + 1 - left) * settings.script_sample_width))
    pad = max(4, round(median * 0.3))
    gap = np.full((round(median), right - left), 255, dtype=np.uint8)
    parts: list[np.ndarray] = []
    for n in chosen:
        top, bottom = runs[n]
        # The margin around a line stops short of the next inked rows, which may be a stamp's.
        above = runs[n - 1][1] if n > 0 else 0
        below = runs[n + 1][0] if n + 1 < len(runs) else image.shape[0]
        parts += [image[max(above, top - pad) : min(below, bottom + pad), left:right], gap]
    return np.vstack(parts[:-1])


def _evidence(lines: list, settings: OcrSettings) -> Counter[str]:
    """Letters per script in the words read with confidence: a stamp or a scribble read as a few weak
    fragments in some script is no evidence of it."""
    return script_counts(" ".join(
        w.text for line in lines for w in line.words
        if w.conf >= settings.script_evidence_conf
        and sum(ch.isalpha() for ch in w.text) >= settings.script_evidence_letters
    ))


def _scripts_read(image: np.ndarray, settings: OcrSettings) -> Counter[str]:
    return _evidence(tesseract.recognize(image, ALL_LANGS, psm=6), settings)


def sure_in(lines: list, lang: str, settings: OcrSettings = _DEFAULTS) -> Counter[str] | None:
    """Letters per script of a reading in `lang`, when that model reads enough of it surely as its own script;
    None otherwise.

    A model reading another script gives weak fragments (a wrong model reads a page at 20-55 mean confidence,
    the right one at 66-95), so a sure reading in one model is positive evidence of its script, at a third of
    the cost of reading with all three at once. Stamps and handwriting on the page do not weaken it: only the
    words read surely count, as long as they are a fair share of the words.
    """
    letters = settings.script_evidence_letters
    words = [w for line in lines for w in line.words if sum(ch.isalpha() for ch in w.text) >= letters]
    sure = [w for w in words if w.conf >= settings.script_evidence_conf]
    counts = _evidence(lines, settings)
    if not words or len(sure) < settings.script_sure_words * len(words) or not _settled(counts, settings):
        return None
    return counts if counts.most_common(1)[0][0] == LANG_SCRIPT.get(lang) else None


def _settled(counts: Counter[str], settings: OcrSettings) -> bool:
    total = sum(counts.values())
    return total >= settings.script_sure_letters and counts.most_common(1)[0][1] >= settings.script_sure_share * total


def detect_script(
    image: np.ndarray, first: str | None = None, settings: OcrSettings = _DEFAULTS,
    models: list[str] | None = None, all_at_once: bool = True,
) -> tuple[str | None, Counter[str]]:
    """The page's main script: from a few of its lines, then a band through the middle of the page, read with
    one model at a time (`first` language, then the others); where no model reads either surely, from the
    letters all models at once read on the band.

    `models`: the languages whose scripts are in question (default: all three). `all_at_once` False: no
    three-model reading at the end; a page that no model reads surely has no script found.
    """
    order = sorted(models or SCRIPT_LANG.values(), key=lambda lang: lang != first)
    sample = line_sample(image, settings)
    if sample is not None:
        hints: Counter[str] = Counter()
        for lang in order:
            lines = tesseract.recognize(sample, lang, psm=6)
            if (sure := sure_in(lines, lang, settings)) is not None:
                return LANG_SCRIPT[lang], sure
            hints[lang] = _evidence(lines, settings)[LANG_SCRIPT[lang]]
        # the band is tried first with the model that read the sample's few sure words in its own script
        order = sorted(order, key=lambda lang: -hints[lang])
    band = text_band(image)
    for lang in order:
        if (sure := sure_in(tesseract.recognize(band, lang, psm=6), lang, settings)) is not None:
            return LANG_SCRIPT[lang], sure
    if not all_at_once:
        return None, Counter()
    counts = _scripts_read(band, settings)
    return (counts.most_common(1)[0][0] if counts else None), counts


def choose_language(
    image: np.ndarray, requested: str, settings: OcrSettings = _DEFAULTS
) -> tuple[str, str | None]:
    """The Tesseract language to run and the script it was chosen for."""
    if requested != "auto":
        first = requested.split("+")[0]
        return requested, LANG_SCRIPT.get(first)
    script, _ = detect_script(image, settings=settings)
    return SCRIPT_LANG.get(script or "Latin", "eng"), script
