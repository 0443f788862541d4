"""What each kind of header line looks like: type word, number line, place/date line, addressee, subject.

The segmenter asks these line by line; the words come from the grammar, read through OCR damage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scan2text.extract.dates import ParsedDate, find_dates
from scan2text.extract.tolerant import CLEAN, DASH_RE, FUZZY, damaged, fix_number, match_keyword, phrases
from scan2text.grammar import Grammar, LanguageGrammar

# Roles a line can play in a document.
NUMBER, TITLE, ADDRESSEE, SUBJECT, DATE, BODY, CITATION, JUNK = (
    "number", "title", "addressee", "subject", "date", "body", "citation", "junk")

_NUMBER_VALUE = r"[\dOoОоlI|]*\d[\dOoОоlI|]*[a-zа-я]?"
_PATTERNS: dict[int, tuple[Grammar, re.Pattern[str], re.Pattern[str]]] = {}


def _number_patterns(grammar: Grammar) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(collection number line 'No. 45', outgoing number 'No. 2800 —') built from the grammar's signs."""
    if id(grammar) not in _PATTERNS:
        signs = phrases([w.rstrip(".") for w in grammar.words("number_prefixes")])
        line = re.compile(rf"^\s*(?:{signs})\.?\s*(?P<n>{_NUMBER_VALUE})\s*\.?\s*$")
        out = re.compile(rf"(?<!\w)(?:{signs})\.?\s*(?P<n>\d+[\w/-]*)\s*(?:(?:{DASH_RE})+|,)?\s*")
        _PATTERNS[id(grammar)] = (grammar, line, out)
    return _PATTERNS[id(grammar)][1:]



@dataclass
class DateLine:
    date: ParsedDate
    place: str | None
    number: str | None
    lines: int = 1  # 2 when the date was broken over two lines
    place_conf: float = CLEAN



def type_word(clean: str, mask: list[bool], grammar: Grammar) -> tuple[str, float] | None:
    """The document type named by the line's first word, and how sure the match is."""
    m = re.search(r"[^\W\d_]+", clean)
    if not m or clean[: m.start()].strip(" \"'«„“*•–—-🧭✉️📡🤝🕊🪖📣"):
        return None
    hit = match_keyword(m.group(), grammar.doc_types, min_fuzzy_len=6, cutoff=80)
    if hit is None and len(m.group()) == 5:
        hit = match_keyword(m.group(), grammar.doc_types, min_fuzzy_len=5, cutoff=88)  # 'Письм': a lost letter
    if hit is None:
        return None
    conf = hit[1]
    if hit[1] == CLEAN and damaged(mask, m.start(), m.end()):
        conf = 0.7
    return grammar.doc_types[hit[0].lower()], conf


def number_line(clean: str, grammar: Grammar) -> str | None:
    """The collection number of a line such as 'No. 45' / '№ 314' (OCR's '№ 32O' read as 320)."""
    m = _number_patterns(grammar)[0].match(clean)
    return fix_number(m.group("n"))[0] if m else None


def is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]{4,}", text)]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def title_shaped(text: str) -> bool:
    return is_caps(text) or _is_title_case(text)


def date_line(text: str, grammar: Grammar) -> DateLine | None:
    """A place/date line: '[Place,] [No. N —] <date>' and nothing else."""
    dates = find_dates(text, grammar=grammar)
    if not dates:
        return None
    d = dates[0]
    if text[d.end:].strip(" .,;։"):
        return None
    prefix = text[: d.start]
    number = None
    if m := _number_patterns(grammar)[1].search(prefix):
        number = m.group("n")
        prefix = prefix[: m.start()] + prefix[m.end():]
    place = prefix.strip(" ,.;—–-")
    if place and (len(place.split()) > 4 or any(ch.isdigit() for ch in place) or not place[0].isupper()):
        return None
    place, place_conf = _place(place, grammar)
    return DateLine(d, place, number, place_conf=place_conf)


def _place(printed: str, grammar: Grammar) -> tuple[str | None, float]:
    """A place as printed, or the grammar's spelling of a known place OCR damaged ('Երնան' → 'Երևան')."""
    if not printed:
        return None, CLEAN
    names = grammar.places.names
    if printed in names or len(printed) < 4:
        return printed, CLEAN
    hit = match_keyword(printed, names, min_fuzzy_len=4, cutoff=75)
    return (hit[0], min(hit[1], FUZZY)) if hit else (printed, CLEAN)


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
