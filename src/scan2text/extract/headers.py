"""What each kind of header line looks like: type word, number line, place/date line, addressee, subject.

The segmenter asks these line by line; the words come from the grammar, read through OCR damage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scan2text.extract.dates import ParsedDate, find_dates, month_number
from scan2text.extract.tolerant import (
    CLEAN,
    DASH_RE,
    SPECKS,
    damaged,
    fix_number,
    match_keyword,
    phrases,
    strip_specks,
    to_int,
)
from scan2text.grammar import Grammar, LanguageGrammar
from scan2text.settings import ExtractSettings

# Roles a line can play in a document.
NUMBER, TITLE, ADDRESSEE, SUBJECT, DATE, BODY, CITATION, JUNK = (
    "number", "title", "addressee", "subject", "date", "body", "citation", "junk")

_NUMBER_VALUE = r"[\dOoОоlI|]*\d[\dOoОоlI|?]*[a-zа-я]?"  # 'No. 4?': a digit OCR could not read
_PATTERNS: dict[int, tuple[Grammar, re.Pattern[str], re.Pattern[str]]] = {}


def number_patterns(grammar: Grammar) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(collection number line 'No. 45', outgoing number 'No. 2800 —') built from the grammar's signs."""
    if id(grammar) not in _PATTERNS:
        signs = phrases([w.rstrip(".") for w in grammar.words("number_prefixes")])
        line = re.compile(rf"^\s*(?:{signs})[.,:]*\s*(?P<n>{_NUMBER_VALUE})\s*\.?\s*$")  # also 'No.. 41'
        out = re.compile(rf"(?<!\w)(?:{signs})[.,]?\s*(?P<n>\d+[\w/-]*)\s*(?:(?:{DASH_RE})+|,)?\s*")  # 'յ, 2800 —'
        _PATTERNS[id(grammar)] = (grammar, line, out)
    return _PATTERNS[id(grammar)][1:]



@dataclass
class DateLine:
    date: ParsedDate
    place: str | None
    number: str | None
    lines: int = 1  # 2 when the date was broken over two lines
    place_conf: float = CLEAN
    number_conf: float = CLEAN



def type_word(clean: str, mask: list[bool], grammar: Grammar, settings: ExtractSettings) -> tuple[str, float] | None:
    """The document type named by the line's first word, and how sure the match is."""
    m = re.search(r"[^\W\d_]+", clean)
    if not m or clean[: m.start()].strip(" \"'«„“*•–—-🧭✉️📡🤝🕊🪖📣"):
        return None
    hit = match_keyword(m.group(), grammar.doc_types, min_fuzzy_len=6, cutoff=80, settings=settings)
    if hit is None and len(m.group()) == 5:
        # 'Письм': a lost letter
        hit = match_keyword(m.group(), grammar.doc_types, min_fuzzy_len=5, cutoff=88, settings=settings)
    if hit is None:
        return None
    conf = hit[1]
    if hit[1] == CLEAN and damaged(mask, m.start(), m.end()):
        conf = settings.repaired_conf
    return grammar.doc_types[hit[0].lower()], conf


def number_line(clean: str, grammar: Grammar) -> str | None:
    """The collection number of a line such as 'No. 45' / '№ 314' (OCR's '№ 32O' read as 320)."""
    m = number_patterns(grammar)[0].match(strip_specks(clean))  # '/ № 321.': a speck before the sign
    return fix_number(m.group("n"))[0] if m else None


def is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]{4,}", text)]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def title_shaped(text: str) -> bool:
    return is_caps(text) or _is_title_case(text)


_DIGIT_SPECKS = "|!"


def _specks(junk: str, settings: ExtractSettings) -> float | None:
    """How far to trust a line with this stray text at an end: None if it is more than specks."""
    junk = junk.strip(" .,;։")
    if not junk:
        return CLEAN
    if junk.strip(SPECKS + " .,"):
        return None
    return settings.repaired_conf if any(ch in _DIGIT_SPECKS for ch in junk) else settings.noted_conf


# '№ 2800 —' whose sign the Armenian model read as one or two letters of its own ('յք 2800 —'): a number
# and a dash before a date are an outgoing number whatever the sign became.
_UNREAD_SIGN = re.compile(rf"^\s*[^\W\d_]{{1,2}}[.,]?\s*(?P<n>\d+[\w/-]*)\s*(?:{DASH_RE})+\s*")


def split_prefix(prefix: str, grammar: Grammar,
                 settings: ExtractSettings) -> tuple[str | None, float, str, float] | None:
    """(outgoing number, its confidence, place as printed, confidence) of what precedes a date; None if it
    is not that."""
    number, number_conf = None, CLEAN
    if m := number_patterns(grammar)[1].search(prefix) or _UNREAD_SIGN.match(prefix):
        number, number_conf = m.group("n"), CLEAN if m.re is not _UNREAD_SIGN else settings.fuzzy_conf
        prefix = prefix[: m.start()] + prefix[m.end():]
    place = prefix.strip(" ,.;—–-")
    conf = CLEAN
    if place and place[0] in SPECKS:
        got = _specks(place[0], settings)
        place, conf = place[1:].strip(" ,.;—–-"), got if got is not None else CLEAN
    words_not_place = len(place.split()) > 4 or any(ch.isdigit() for ch in place) or not place[:1].isupper()
    known = len(place.split()) == 1 and place_of(place, grammar, settings)[0] in grammar.places.names
    if place and words_not_place and not known:
        return None  # words, not a place; but 'преван' is Ереван with its capital lost
    return number, number_conf, place, conf


def date_line(text: str, grammar: Grammar, settings: ExtractSettings) -> DateLine | None:
    """A place/date line: '[Place,] [No. N —] <date>' and nothing else but specks OCR made of dirt."""
    dates = find_dates(text, grammar=grammar, settings=settings)
    if not dates:
        return None
    d = dates[0]
    tail = _specks(text[d.end:], settings)
    split = split_prefix(text[: d.start], grammar, settings)
    if tail is None or split is None:
        return None
    number, number_conf, place, conf = split
    day = re.search(r"(?<!\d)(\d{1,2})$", text[: d.end].rstrip(" .,;։"))
    if tail == settings.repaired_conf and not (day and int(day.group(1) + "1") <= 31):
        tail = settings.noted_conf  # 'մայիսի 4 |': no digit the speck could be makes another day
    if min(tail, conf) < d.confidence:
        d = d.model_copy(update={"confidence": min(tail, conf)})
    place, place_conf = place_of(place, grammar, settings)
    return DateLine(d, place, number, place_conf=place_conf, number_conf=number_conf)


_YEARISH = re.compile(r"(?<!\w)[\dOoОоlIiі|Зз]{3,5}(?!\w)")  # a year, maybe with a digit lost or added
_WORDS = re.compile(r"[^\W\d_]{3,}")


def damaged_date_line(text: str, grammar: Grammar, settings: ExtractSettings) -> DateLine | None:
    """A line shaped like a place/date line whose date OCR damaged past reading ('Ереван, "2 мал 1720 г.',
    'Երնան, 1920 թ. մայիսի .2'): [qualifier] [Place,] [No. N —] then a short run holding a year-like number,
    with a known place, a number, a qualifier or a month word to show it is a date line. The date is read
    as far as it goes (year, month) and always with a low confidence (`damaged_date_conf`), so a reviewer
    sees it."""
    text = text.strip()
    if len(text) > settings.max_damaged_date_line or text.endswith((":", ";", "?", "!")):
        return None
    pos = 0
    qualifier = re.match(rf"(?:{phrases(grammar.words('date_qualifiers'))})\s*", text, re.IGNORECASE)
    if qualifier:
        pos = qualifier.end()
    printed = None
    if m := re.compile(r"([^\W\d_][^\d,]{1,30}),\s*").match(text, pos):
        printed, pos = m.group(1).strip(), m.end()
        if len(printed.split()) > 4 or not printed[0].isupper():
            return None
    number = None
    if m := number_patterns(grammar)[1].match(text, pos):
        number, pos = m.group("n"), m.end()
    rest = text[pos:]
    year = _YEARISH.search(rest)
    words = _WORDS.findall(rest)
    if not year or sum(ch.isdigit() for ch in year.group()) < 2 or len(words) > 3:
        return None  # no year, or a sentence rather than a date
    place, place_conf = place_of(printed, grammar, settings) if printed else (None, CLEAN)
    months = [w for w in words if month_number(w, grammar) is not None]
    if not (place in grammar.places.names or number or qualifier or months):
        return None
    value, _ = to_int(year.group())
    iso = None
    if value is not None and 1700 <= value <= 2100:
        iso = f"{value:04d}" + (f"-{month_number(months[0], grammar):02d}" if months else "")
    start = 0 if qualifier else pos
    date = ParsedDate(iso=iso, date_text=text[start:], confidence=settings.damaged_date_conf, start=start,
                      end=len(text), qualifier=qualifier.group().strip() if qualifier else None)
    return DateLine(date, place, number, place_conf=place_conf)


def place_of(printed: str, grammar: Grammar, settings: ExtractSettings) -> tuple[str | None, float]:
    """A place as printed, or the grammar's spelling of a known place OCR damaged ('Երնան' → 'Երևան')."""
    if not printed:
        return None, CLEAN
    names = grammar.places.names
    if printed in names or len(printed) < 4:
        return printed, CLEAN
    if printed[:1].islower() and printed[:1].upper() + printed[1:] in names:
        return printed[:1].upper() + printed[1:], settings.repaired_conf
    hit = match_keyword(printed, names, min_fuzzy_len=4, cutoff=75, settings=settings)
    return (hit[0], min(hit[1], settings.fuzzy_conf)) if hit else (printed, CLEAN)


def role_after_title(text: str, lg: LanguageGrammar, title_caps: bool) -> str | None:
    """ADDRESSEE ('To …', 'Кому: …', a dative line), SUBJECT ('On …', 'О …', '… մասին') or None."""
    text = text.strip()
    first = re.match(r"[^\W\d_]+", text)
    word = first.group() if first else ""
    if any(text == p or text.startswith(p + " ") or text.startswith(p + ":") for p in lg.addressee_prefixes):
        return ADDRESSEE
    if word in lg.subject_prefixes or any(text.startswith(p + " ") for p in lg.subject_prefixes if " " in p):
        return SUBJECT
    last = re.findall(r"[^\W\d_]+", text)
    if last and last[-1] in lg.subject_suffixes:
        return SUBJECT
    if lg.dative_endings and word and word[0].isupper() and not is_caps(text):
        words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 2]
        key = words[0] if lg.script == "Cyrl" and words else (words[-1] if words else "")
        if title_caps or any(key.lower().endswith(e) for e in lg.dative_endings):
            return ADDRESSEE
    return None


def extend_suffix_subject(roles: list[str], texts: list[str], lg: LanguageGrammar) -> None:
    """A subject marked at its end ('… մասին') began on an earlier line the addressee seemed to run on to."""
    for j, role in enumerate(roles):
        if role != SUBJECT or (j and roles[j - 1] == SUBJECT):
            continue
        k = j - 1
        while k > 1 and roles[k] == roles[k - 1] == ADDRESSEE and any(
                texts[k - 1].rstrip(" ,").endswith(e) for e in lg.dative_endings):
            roles[k] = SUBJECT
            k -= 1
