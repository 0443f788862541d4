"""The publication part of a citation: "Published in: <title>, <place>, <year>, Document No. <n>, pp. <p>"."""

from __future__ import annotations

import re

from scan2text.extract.tolerant import DASH_RE, DASHES, phrases
from scan2text.grammar import Grammar
from scan2text.models import Publication

_YEAR = re.compile(rf"(?<![\d{re.escape(DASHES)}])(1[6-9]\d\d|20\d\d)(?![\d{re.escape(DASHES)}])")
_PLACE_AT_END = re.compile(r"^(?P<title>.+?)[,.]\s+(?P<place>[A-ZА-ЯԱ-Ֆ][\w-]+)$")


_CACHE: dict[int, tuple[Grammar, tuple[re.Pattern[str], re.Pattern[str]]]] = {}


def _patterns(grammar: Grammar) -> tuple[re.Pattern[str], re.Pattern[str]]:
    if id(grammar) in _CACHE:
        return _CACHE[id(grammar)][1]
    doc_number = re.compile(
        rf"(?:{phrases(grammar.words('document_number'))})\s*(?:No\.?|№)?\s*(?P<n>\d+[a-zа-я]?)", re.IGNORECASE)
    pages = re.compile(rf"(?<!\w)(?:{phrases(grammar.words('pages'))})\s*(?P<p>\d+(?:\s*{DASH_RE}\s*\d+)?)")
    _CACHE[id(grammar)] = (grammar, (doc_number, pages))  # the grammar is kept so its id stays unique
    return doc_number, pages


def parse_publication(text: str, grammar: Grammar) -> Publication:
    """Title, place, year, document number and pages of one publication; the title is what precedes
    the place and year (a year range inside the title, '1918–1923', is not the year)."""
    doc_number, pages = _patterns(grammar)
    text = text.strip(" ;.։")
    pub = Publication(text=text)
    if m := doc_number.search(text):
        pub.document_number = m.group("n")
    if m := pages.search(text):
        pub.pages = re.sub(rf"\s*{DASH_RE}\s*", "–", m.group("p"))
    years = list(_YEAR.finditer(text))
    if not years:
        pub.title = re.split(r",\s", text)[0] or None
        return pub
    year = years[-1]
    pub.year = int(year.group(1))
    head = text[: year.start()].rstrip(" ,.")
    m = _PLACE_AT_END.match(head)
    if m and not any(ch.isdigit() for ch in m.group("place")):
        pub.title, pub.place = m.group("title").strip(), m.group("place")
    else:
        pub.title = head or None
    return pub
