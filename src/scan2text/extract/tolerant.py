"""OCR-damage tolerance shared by the segmenter and the extractors.

Typewritten Russian, Armenian and English pages come back from Tesseract with look-alike
letters from the wrong script ("оп." with a Latin o), 0/O and 1/l/I swapped, lost periods and
broken lines. Everything here repairs such damage character for character (so spans in the
repaired text are spans in the OCR text) and reports *that* it repaired, so a field read only
through a repair can be flagged for review instead of being silently trusted. How sure a repaired or fuzzy
reading is are the run's settings (`ExtractSettings.repaired_conf`, `fuzzy_conf`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

from scan2text.ocr.script import LATIN_CYRILLIC_LOOK_ALIKES as _LAT_CYR
from scan2text.ocr.script import TO_ARMENIAN_LOOK_ALIKES as _TO_ARMN
from scan2text.settings import ExtractSettings

# A value read as printed: the top of the confidence scale. The levels below it are settings (ExtractSettings).
CLEAN = 1.0
_DEFAULTS = ExtractSettings()

DASHES = "-‐‑‒–—―"
# After 'Source'/'Աղբյուր': OCR reads the Armenian '՝' as a backquote or apostrophe.
COLONS = ":՝։`'’"
# Specks, stains and the page edge OCR'd at the ends of a line.
SPECKS = "|!'`‘’\"~_*•·°^/\\"
DASH_RE = f"[{DASHES}]"

_TO_SCRIPT: dict[str, dict[str, str]] = {
    "Cyrl": {lat: cyr for lat, cyr in _LAT_CYR} | {"0": "о", "3": "з"},
    "Latn": {cyr: lat for lat, cyr in _LAT_CYR} | {"0": "o", "1": "l", "|": "l"},
    "Armn": dict(_TO_ARMN) | {"0": "օ"},
}
_AMBIGUOUS = frozenset(ch for pair in _LAT_CYR for ch in pair)
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th|s|я|й|го|ый|ой|ին|րդ)$", re.IGNORECASE)
_WORD = re.compile(r"[\w|]+")
# Only swaps common enough to repair silently-but-flagged; 'S'/'B'/'Z' are more often real letters.
_DIGIT_LIKE = {"O": "0", "o": "0", "О": "0", "о": "0", "Օ": "0", "օ": "0", "l": "1", "I": "1", "|": "1",
               "i": "1", "і": "1", "!": "1", "З": "3", "з": "3"}


@lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    if name.startswith("LATIN"):
        return "Latn"
    if name.startswith("CYRILLIC"):
        return "Cyrl"
    if name.startswith("ARMENIAN"):
        return "Armn"
    return "Other"


def script_counts(text: str, skip: frozenset[str] = frozenset()) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in text:
        s = char_script(ch) if ch not in skip else ""
        if s:
            counts[s] = counts.get(s, 0) + 1
    return counts


def _majority(counts: dict[str, int]) -> str:
    return max(counts, key=lambda s: counts[s]) if counts else ""


def script_of(text: str) -> str:
    """Majority script of the letters in `text` ('Latn', 'Cyrl', 'Armn'), '' if it has none.

    Letters that exist in two scripts (a/а, o/о, M/М …) do not vote unless nothing else does.
    """
    return _majority(script_counts(text, _AMBIGUOUS)) or _majority(script_counts(text))


def _word_script(word: str, fallback: str) -> str:
    return _majority(script_counts(word, _AMBIGUOUS)) or fallback or _majority(script_counts(word))


def clean_text(text: str, script: str | None = None) -> tuple[str, list[bool]]:
    """Repair look-alike letters word by word; return the repaired text and a per-char damage mask.

    A word is put into the script most of its letters are in (ties go to the line's script), so
    "оп." with a Latin o becomes Cyrillic and "Sоurce" with a Cyrillic о becomes Latin. Digits 0/1
    inside a word of letters ("0rder", "Te1egram") are read as letters; ordinals ("2nd") are left.
    """
    line_script = script or script_of(text)
    out = list(text)
    mask = [False] * len(text)
    for m in _WORD.finditer(text):
        word = m.group()
        target = _word_script(word, line_script)
        if target not in _TO_SCRIPT:
            continue
        table = _TO_SCRIPT[target]
        letters = sum(ch.isalpha() for ch in word)
        if sum(ch.isdigit() for ch in word) >= letters:
            continue  # '2O0', '4O0', 'l58': a number, repaired by fix_number where a number is expected
        fold_digits = letters >= 3 and sum(ch.isdigit() for ch in word) <= 1 and not _ORDINAL.match(word)
        for k, ch in enumerate(word):
            if ch.isdigit() or ch == "|":
                if not fold_digits or ch not in table:
                    continue
            elif char_script(ch) in ("", target) or ch not in table:
                continue
            out[m.start() + k] = table[ch]
            mask[m.start() + k] = True
    return "".join(out), mask


def damaged(mask: list[bool], start: int, end: int) -> bool:
    return any(mask[start:end])


def fix_number(raw: str) -> tuple[str, bool]:
    """Read an archival number ('200', '2O0', 'l58s', 'Р-130') with OCR letter/digit swaps repaired.

    A trailing lower-case letter after digits ('158s') is a real suffix, not damage.
    """
    raw = raw.strip()
    m = re.match(rf"^((?:[A-ZА-Я]{{1,2}}{DASH_RE})?)(.*?)([a-zа-я]?)$", raw)
    if not m:
        return raw, False
    prefix, body, suffix = m.groups()
    if not body or suffix in ("l", "o", "i", "о", "і"):  # '27l' is 271, not file 27 with suffix l
        body, suffix = body + suffix, ""
    fixed = "".join(_DIGIT_LIKE.get(ch, ch) for ch in body)
    if not fixed.isdigit():
        return raw, False
    prefix = re.sub(DASH_RE, "-", prefix)
    return f"{prefix}{fixed}{suffix}", fixed != body


def to_int(raw: str) -> tuple[int | None, bool]:
    fixed = "".join(_DIGIT_LIKE.get(ch, ch) for ch in raw.strip())
    if not fixed.isdigit():
        return None, False
    return int(fixed), fixed != raw.strip()


def norm_key(text: str) -> str:
    """Case-, punctuation- and space-insensitive form of a keyword or phrase."""
    return re.sub(r"[\s.,:;՝։'’]+", " ", text.lower()).strip()


@lru_cache(maxsize=256)
def _vocab(vocabulary: tuple[str, ...], min_len: int) -> tuple[dict[str, str], list[str]]:
    vocab = {norm_key(v): v for v in vocabulary}
    return vocab, [k for k in vocab if len(k) >= min_len]


def match_keyword(token: str, vocabulary: Iterable[str], min_fuzzy_len: int = 5, cutoff: float = 80.0,
                  settings: ExtractSettings = _DEFAULTS) -> tuple[str, float] | None:
    """Which vocabulary entry `token` is, and how sure: exact CLEAN, after repair `settings.repaired_conf`,
    fuzzy `settings.fuzzy_conf`.

    Short keywords ('ф.', 'No', 'May') are only matched exactly after repair: an edit distance of
    one on three letters matches too much ordinary text.
    """
    key = norm_key(token)
    if not key:
        return None
    vocab, long_keys = _vocab(tuple(vocabulary), min_fuzzy_len)
    if key in vocab:
        return vocab[key], CLEAN
    repaired = norm_key(clean_text(token)[0])
    if repaired in vocab:
        return vocab[repaired], settings.repaired_conf
    if len(repaired) < min_fuzzy_len:
        return None
    best = process.extractOne(repaired, long_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
    if best is None:
        return None
    return vocab[best[0]], settings.fuzzy_conf


def join_lines(texts: list[str]) -> str:
    """Join wrapped lines into one string, mending words and number spans broken at a line end."""
    out = ""
    for raw in texts:
        text = raw.strip()
        if not text:
            continue
        if not out:
            out = text
        elif re.search(r"[^\W\d_]-$", out) and text[:1].islower():
            out = out[:-1] + text  # "Histori-" + "cal"
        elif re.search(rf"\d\s*{DASH_RE}$", out) and text[:1].isdigit():
            out += text  # "213–" + "214"
        else:
            out += " " + text
    return out


def phrases(words: list[str], lost_period: bool = False) -> str:
    alts = sorted({re.escape(w).replace(r"\ ", r"\s*") for w in words}, key=len, reverse=True)
    if lost_period:
        alts = [a[:-2] + r"\.?" if a.endswith(r"\.") else a for a in alts]
    return "|".join(alts)


def strip_specks(text: str) -> str:
    """A line without the specks OCR made of dirt at either end ("' ԿՈՍԻՏԵԻՑ"); a speck glued to a word
    may be a quotation mark, so it stays."""
    specks = re.escape(SPECKS)
    return re.sub(rf"^[{specks}\s]+(?=\s)|(?<=\s)[{specks}\s]+$", "", text.strip()).strip()
