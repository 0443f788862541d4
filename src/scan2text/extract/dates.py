"""Dates as typed in 1920s documents, in English, Russian and Armenian, to ISO 8601.

"May 3, 1920" · "3 May 1920" · "May 6–7, 1920" · "No later than May 11, 1920" · "3 мая 1920 г." ·
"6–7 мая 1920 г." · "03.05.1920" · "1920 թ. մայիսի 3" · "20 апреля (3 мая) 1920 г." · "May 3, 1920 (O.S.)".
When a document gives both styles the ISO date is the New Style one; a date marked Old Style only
is converted. The printed form, qualifier and style note included, is kept in `date_text`.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from scan2text.extract.tolerant import CLEAN, DASH_RE, clean_text, damaged, to_int
from scan2text.grammar import Grammar, default_grammar
from scan2text.settings import ExtractSettings


class ParsedDate(BaseModel):
    iso: str | None  # None: a date was printed here but OCR left too little of it to read
    date_text: str
    confidence: float = CLEAN
    start: int = 0
    end: int = 0
    old_style: bool = False
    qualifier: str | None = None


# Digits and the letters OCR reads typed digits as (0/O/о, 1/l/I/i/|, 3/З); a day may carry one stray
# character OCR inserted ('May 1i1, 1920'), dropped when reading it.
_N = r"[0-9OoОоlIiі|Зз]"
_D = rf"{_N}{{1,3}}"
_Y = rf"{_N}{{4}}"
_M = r"[^\W\d_]{3,14}\.?"
_DASH = rf"\s*{DASH_RE}\s*"
_B = r"(?<![\w.])(?<!\d[^\w\s])"  # numbers must not be glued to a preceding word or number, even by a speck
_E = r"(?!\w|[^\w\s]\d)"  # nor cut off before a speck and more digits ('հունվարի 1\'0' is not the 1st)

# Each pattern names day/month/year groups; `*2` groups are the second date of a range, or the
# New Style date when `ns` is set on the pattern.
_RANGE_DAY = rf"(?:{_DASH}(?P<d2>{_D}))?"
_ORD = r"(?:st|nd|rd|th|d|-?го|-?е)?"  # '9th May, 1938', '3-го мая 1920 г.'
# A month in Roman numerals ('3.V.1920', '3 V 1920'); Cyrillic І/Х and Latin l read for I/X are repaired.
_ROMAN = r"(?:[IVXІХl]{1,4})"
_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
                 "XI": 11, "XII": 12}
_PATTERNS: list[tuple[str, str]] = [
    ("dmy_os_ns",
     rf"{_B}(?P<d1>{_D})\s+(?P<m1>{_M})\s*\(\s*(?P<d2>{_D})\s+(?P<m2>{_M})\s*\)\s*,?\s*(?P<y>{_Y}){_E}"),
    ("mdy_os_ns",
     rf"(?P<m1>{_M})\s+(?P<d1>{_D})\s*\(\s*(?:(?P<m2>{_M})\s+)?(?P<d2>{_D})\s*\)\s*,?\s*(?P<y>{_Y}){_E}"),
    ("mdy",
     rf"(?P<m1>{_M})\s+(?P<d1>{_D})(?:{_DASH}(?:(?P<m2>{_M})\s+)?(?P<d2>{_D}))?\s*(?P<comma>,?)\s*(?P<y>{_Y}){_E}"),
    ("dmy", rf"{_B}(?P<d1>{_D}){_ORD}(?:\s+(?P<m1>{_M}))?{_RANGE_DAY}{_ORD}\s+(?:of\s+)?(?P<m2>{_M})\s*,?\s*"
            rf"(?P<y>{_Y}){_E}"),
    ("ymd", rf"{_B}(?P<y>{_Y})\s*(?:թ\.?|թվականի|г\.?)?\s*,?\s*(?P<m1>{_M})\s+(?P<d1>{_D}){_RANGE_DAY}{_E}"),
    ("numeric", rf"{_B}(?P<d1>{_D})\.(?P<m1>{_N}{{1,2}})\.(?P<y>{_Y}){_E}"),
    ("roman", rf"{_B}(?P<d1>{_D})\s*[.\s]\s*(?P<m1>{_ROMAN})\s*[.\s]\s*(?P<y>{_Y}){_E}"),
]
_COMPILED = [(name, re.compile(rx)) for name, rx in _PATTERNS]
_SPECK_GAP = re.compile(r"(?<=[^\W\d_])[`'’‘\"](?=\d)")
_NUMERIC_GROUPS = ("d1", "d2", "y")
_DEFAULTS = ExtractSettings()


def julian_offset(year: int) -> int:
    """Days the Gregorian calendar runs ahead of the Julian one in `year` (13 in 1900–2099)."""
    return year // 100 - year // 400 - 2


@lru_cache(maxsize=2048)
def _month(token: str, grammar_id: int, settings: ExtractSettings) -> tuple[int, float] | None:
    grammar = _GRAMMARS[grammar_id]
    word = token.rstrip(".").lower()
    months = grammar.month_words
    if word in months:
        return months[word], CLEAN
    for script in ("Latn", "Cyrl", "Armn"):
        # 'Мау' put into Cyrillic because the line's only unambiguous letter was a 'З' standing for 3
        if (repaired := clean_text(token.rstrip("."), script)[0].lower()) in months:
            return months[repaired], settings.repaired_conf
    if len(word) < 4:
        return None
    best = process.extractOne(word, [k for k in months if len(k) >= 4], scorer=fuzz.ratio, score_cutoff=80)
    return (months[best[0]], settings.fuzzy_conf) if best else None


_GRAMMARS: dict[int, Grammar] = {}


def month_number(token: str, grammar: Grammar | None = None) -> int | None:
    """The month a word names, read through OCR damage, or None."""
    grammar = grammar or default_grammar()
    _lexicon(grammar)
    got = _month(token, id(grammar), _DEFAULTS)  # the month only: no confidence is read off it
    return got[0] if got else None


def _phrase_re(phrases: list[str]) -> str:
    alts = sorted({re.escape(p).replace(r"\ ", r"\s*") for p in phrases}, key=len, reverse=True)
    return "|".join(alts)


class _Lexicon:
    """The grammar's date words compiled to regexes, once per grammar."""

    def __init__(self, grammar: Grammar) -> None:
        self.qualifier = re.compile(rf"(?:{_phrase_re(grammar.words('date_qualifiers'))})\s*$", re.IGNORECASE)
        self.year_suffix = re.compile(rf"^\s*(?:{_phrase_re(grammar.words('year_suffixes'))})(?!\w)")
        styles = _phrase_re(grammar.words("old_style_markers") + grammar.words("new_style_markers"))
        self.style = re.compile(
            rf"^\s*(?:\(\s*(?:по\s+)?(?P<p>{styles})\s*\)|(?:по\s+)?(?P<b>{styles}))", re.IGNORECASE)
        self.old = {w.lower().replace(" ", "") for w in grammar.words("old_style_markers")}


_LEXICONS: dict[int, _Lexicon] = {}


def _lexicon(grammar: Grammar) -> _Lexicon:
    key = id(grammar)
    if key not in _LEXICONS:
        _GRAMMARS[key] = grammar
        _LEXICONS[key] = _Lexicon(grammar)
    return _LEXICONS[key]


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def read_day(raw: str, settings: ExtractSettings) -> tuple[int | None, float]:
    """A day of the month through OCR swaps ('l1', 'З') and one inserted stray character ('1i1', '1|1')."""
    if len(raw) <= 2:
        value, fixed = to_int(raw)
        return value, settings.repaired_conf if fixed else CLEAN
    digits = [ch for ch in raw if ch.isdigit()]
    if len(raw) == 3 and len(digits) == 2:
        return int("".join(digits)), settings.fuzzy_conf  # which character is the stray one is a guess: flag it
    return None, CLEAN


def _read(name: str, m: re.Match[str], mask: list[bool], gid: int,
          settings: ExtractSettings) -> tuple[list[dt.date], float] | None:
    conf = CLEAN
    repaired = settings.repaired_conf
    nums: dict[str, int] = {}
    for g in ("d1", "d2", "y"):
        if m.groupdict().get(g) is None:
            continue
        if g == "y":
            value, fixed = to_int(m.group(g))
            got = repaired if fixed else CLEAN
        else:
            value, got = read_day(m.group(g), settings)
        if value is None:
            return None
        nums[g] = value
        conf = min(conf, got)
    months: dict[str, int] = {}
    for g in ("m1", "m2"):
        raw = m.groupdict().get(g)
        if raw is None:
            continue
        if name == "roman":
            plain = raw.replace("І", "I").replace("Х", "X").replace("l", "I")
            if plain not in _ROMAN_VALUES:
                return None
            months[g], conf = _ROMAN_VALUES[plain], min(conf, repaired if plain != raw else CLEAN)
            continue
        if name == "numeric":
            value, fixed = to_int(raw)
            if value is None:
                return None
            months[g], conf = value, min(conf, repaired if fixed else CLEAN)
            continue
        got = _month(raw, gid, settings)
        if got is None:
            return None
        months[g], conf = got[0], min(conf, got[1])
    if damaged(mask, m.start(), m.end()):
        conf = min(conf, repaired)
    if name == "mdy" and not m.group("comma"):
        conf = min(conf, settings.noted_conf)  # "May 3 1920": a lost comma, unambiguous
    y = nums["y"]
    if not 1700 <= y <= 2100:
        return None
    if name == "dmy":
        first_month = months.get("m1", months["m2"])
        second_month = months["m2"]
    else:
        first_month = months["m1"]
        second_month = months.get("m2", first_month)
    first = _date(y, first_month, nums["d1"])
    if first is None:
        return None
    dates = [first]
    if "d2" in nums:
        second = _date(y, second_month, nums["d2"])
        if second is None:
            return None
        dates.append(second)
    return dates, conf


def find_dates(text: str, lang: str | None = None, grammar: Grammar | None = None,
               settings: ExtractSettings | None = None) -> list[ParsedDate]:
    """Every date in `text`, left to right, non-overlapping (the longest reading wins at a position), read with
    the run's confidence levels (`settings`, default ExtractSettings())."""
    grammar = grammar or default_grammar()
    settings = settings or _DEFAULTS
    lex = _lexicon(grammar)
    clean, mask = clean_text(text)
    # 'мая`1920': a speck where a space was, between a word and a number (same length, so spans hold)
    specked = [m.start() for m in _SPECK_GAP.finditer(clean)]
    clean = _SPECK_GAP.sub(" ", clean)
    found: list[tuple[int, int, str, re.Match[str], list[dt.date], float]] = []
    for name, rx in _COMPILED:
        for m in rx.finditer(clean):
            got = _read(name, m, mask, id(grammar), settings)
            if got and any(m.start() <= k < m.end() for k in specked):
                got = got[0], min(got[1], settings.noted_conf)  # a speck for a space changes no digit
            if got:
                found.append((m.start(), -m.end(), name, m, *got))
    found.sort(key=lambda f: (f[0], f[1]))
    out: list[ParsedDate] = []
    last_end = -1
    for start, neg_end, name, m, dates, conf in found:
        if start < last_end:
            continue
        out.append(_finish(clean, start, -neg_end, name, m, dates, conf, lex, settings))
        last_end = out[-1].end
    return out


def _finish(clean: str, start: int, end: int, name: str, m: re.Match[str], dates: list[dt.date],
            conf: float, lex: _Lexicon, settings: ExtractSettings) -> ParsedDate:
    old_style = False
    tail = lex.year_suffix.match(clean[end:]) if name != "ymd" else None
    if tail:
        end += tail.end()
    style = lex.style.match(clean[end:])
    if style:
        marker = (style.group("p") or style.group("b")).lower().replace(" ", "")
        old_style = marker in lex.old
        end += style.end()
    qualifier = None
    q = lex.qualifier.search(clean[:start])
    if q:
        qualifier = q.group().strip()
        start = q.start()
    if name.endswith("_os_ns"):
        dates = dates[1:]  # the bracketed date is the New Style one
    elif old_style:
        dates = [d + dt.timedelta(days=julian_offset(d.year)) for d in dates]
    iso = "/".join(d.isoformat() for d in dates)
    # Printed text with repaired digits and a typographic dash in ranges.
    pieces, pos = [], start
    for g in (*_NUMERIC_GROUPS, "m1"):
        if g == "m1" and name != "numeric":  # a Roman month is kept as printed
            continue
        if m.groupdict().get(g) is None:
            continue
        value = to_int(m.group(g))[0] if g in ("y", "m1") else read_day(m.group(g), settings)[0]
        width = min(len(m.group(g)), 2) if g != "y" else 4
        pieces.append((m.start(g), m.end(g), str(value).zfill(width)))
    out = ""
    for s, e, rep in sorted(pieces):
        out += clean[pos:s] + rep
        pos = e
    out += clean[pos:end]
    out = re.sub(rf"(\d)\s*{DASH_RE}\s*(\d)", r"\1–\2", out)
    out = re.sub(r"\s+", " ", out).strip()
    return ParsedDate(iso=iso, date_text=out, confidence=conf, start=start, end=end,
                      old_style=old_style or name.endswith("_os_ns"), qualifier=qualifier)


def parse_date(text: str, lang: str | None = None, grammar: Grammar | None = None,
               settings: ExtractSettings | None = None) -> ParsedDate | None:
    """The first date in `text`, or None.

    `lang` ('eng', 'rus', 'hye') is a hint only: month names, qualifiers and style notes of every
    language in the grammar are recognised, since headers mix them ("No. 2800 — 1920 թ. մայիսի 6").
    """
    dates = find_dates(text, lang, grammar, settings)
    return dates[0] if dates else None
