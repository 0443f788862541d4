"""Split the batch's stream of OCR lines into documents, and label each line's role.

A document starts at a header: an optional collection number line ("No. 45", "№ 314"), a title
whose first word is a document type ("Telegram from …", "ТЕЛЕГРАММА …", "ՀԵՌԱԳԻՐ …"), then
optional addressee, subject and place/date lines. It ends at its citation ("Source: …") or at the
next header. Body lines that merely begin with a type word ("Report upon receipt of these
orders.") must not start documents, so a title candidate is scored on its shape (no closing
period, title case or capitals, not too long), on what precedes it (batch start, a number line,
a citation, a page top) and on what follows it (a place/date line, an addressee or subject).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from scan2text.extract.citations import citation_start, continues_citation
from scan2text.extract.dates import ParsedDate, find_dates
from scan2text.extract.tolerant import (
    CLEAN,
    DASH_RE,
    FUZZY,
    clean_text,
    damaged,
    fix_number,
    match_keyword,
    phrases,
    script_of,
)
from scan2text.grammar import Grammar, LanguageGrammar, default_grammar
from scan2text.models import Line, Page

HEADER_THRESHOLD = 3
HEADER_WINDOW = 8  # lines after a title searched for its place/date line
MAX_TITLE_LEN = 110
CITATION_REACH = 8  # lines after a citation's first line where the next title is expected

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
class StreamLine:
    """One OCR line in batch order, with its repaired text."""

    page_index: int
    line: Line
    clean: str
    mask: list[bool]
    script: str
    first_on_page: bool


@dataclass
class DateLine:
    date: ParsedDate
    place: str | None
    number: str | None
    lines: int = 1  # 2 when the date was broken over two lines
    place_conf: float = CLEAN


@dataclass
class Segment:
    """A document (or leading text, `header=False`) as a run of stream lines with their roles."""

    lines: list[StreamLine]
    roles: list[str]
    header: bool
    doc_type: str | None = None
    doc_type_conf: float = 0.0
    collection_number: str | None = None
    date_line: DateLine | None = None
    citation_offset: int = 0  # where the citation starts inside its first line
    notes: list[str] = field(default_factory=list)


def stream(pages: list[Page]) -> list[StreamLine]:
    out: list[StreamLine] = []
    for p, page in enumerate(pages):
        first = True
        for line in page.lines:
            if not line.text.strip():
                continue
            clean, mask = clean_text(line.text)
            out.append(StreamLine(p, line, clean, mask, script_of(clean), first))
            first = False
    return out


def _lang(grammar: Grammar, script: str) -> list[LanguageGrammar]:
    return grammar.for_script(script) or list(grammar.languages.values())


def type_word(sl: StreamLine, grammar: Grammar) -> tuple[str, float] | None:
    """The document type named by the line's first word, and how sure the match is."""
    m = re.search(r"[^\W\d_]+", sl.clean)
    if not m or sl.clean[: m.start()].strip(" \"'«„“*•–—-🧭✉️📡🤝🕊🪖📣"):
        return None
    hit = match_keyword(m.group(), grammar.doc_types, min_fuzzy_len=6, cutoff=80)
    if hit is None:
        return None
    conf = hit[1]
    if hit[1] == CLEAN and damaged(sl.mask, m.start(), m.end()):
        conf = 0.7
    return grammar.doc_types[hit[0].lower()], conf


def number_line(sl: StreamLine, grammar: Grammar) -> str | None:
    """The collection number of a line such as 'No. 45' / '№ 314' (OCR's '№ 32O' read as 320)."""
    m = _number_patterns(grammar)[0].match(sl.clean)
    return fix_number(m.group("n"))[0] if m else None


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]{4,}", text)]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def title_shaped(text: str) -> bool:
    return _is_caps(text) or _is_title_case(text)


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


def _role_after_title(sl: StreamLine, lg: LanguageGrammar, title_caps: bool) -> str | None:
    text = sl.clean.strip()
    first = re.match(r"[^\W\d_]+", text)
    word = first.group() if first else ""
    if any(text == p or text.startswith(p + " ") or text.startswith(p + ":") for p in lg.addressee_prefixes):
        return ADDRESSEE
    if word in lg.subject_prefixes or any(text.startswith(p + " ") for p in lg.subject_prefixes if " " in p):
        return SUBJECT
    last = re.findall(r"[^\W\d_]+", text)
    if last and last[-1] in lg.subject_suffixes:
        return SUBJECT
    if lg.dative_endings and word and word[0].isupper() and not _is_caps(text):
        words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 2]
        key = words[0] if lg.script == "Cyrl" and words else (words[-1] if words else "")
        if title_caps or any(key.lower().endswith(e) for e in lg.dative_endings):
            return ADDRESSEE
    return None


def _extend_suffix_subject(roles: list[str], texts: list[str], lg: LanguageGrammar) -> None:
    """A subject marked at its end ('… մասին') began on an earlier line the addressee seemed to run on to."""
    for j, role in enumerate(roles):
        if role != SUBJECT or (j and roles[j - 1] == SUBJECT):
            continue
        k = j - 1
        while k > 1 and roles[k] == roles[k - 1] == ADDRESSEE and any(
                texts[k - 1].rstrip(" ,").endswith(e) for e in lg.dative_endings):
            roles[k] = SUBJECT
            k -= 1


class _Segmenter:
    def __init__(self, lines: list[StreamLine], grammar: Grammar) -> None:
        self.lines = lines
        self.g = grammar
        self.types = [type_word(sl, grammar) for sl in lines]
        self.numbers = [number_line(sl, grammar) for sl in lines]
        self.cites = [citation_start(sl.clean, grammar) for sl in lines]
        # Specks and punch holes OCR'd as '~', "'", 'i': kept in the text, ignored as context.
        self.junk = [sum(ch.isalnum() for ch in sl.clean) < 3 and self.numbers[i] is None
                     for i, sl in enumerate(lines)]
        self._dates: dict[int, DateLine | None] = {}

    def date_at(self, j: int) -> DateLine | None:
        """The place/date line starting at j, also when OCR broke it over two lines."""
        if j not in self._dates:
            found = date_line(self.lines[j].clean, self.g)
            if found is None and j + 1 < len(self.lines) and len(self.lines[j].clean) < 40:
                joined = self.lines[j].clean.strip() + " " + self.lines[j + 1].clean.strip()
                found = date_line(joined, self.g)
                head = len(self.lines[j].clean.strip())
                if found and found.date.start < head < found.date.end:
                    found.lines = 2
                else:
                    found = None
            self._dates[j] = found
        return self._dates[j]

    def prev(self, i: int) -> int:
        """The nearest line before i that is not junk, or -1."""
        i -= 1
        while i >= 0 and self.junk[i]:
            i -= 1
        return i

    def header_zone(self, t: int) -> tuple[list[str], DateLine | None]:
        """Roles of the lines from title t to the end of the header (title, addressee, subject, date)."""
        lg = _lang(self.g, self.lines[t].script)[0]
        caps = _is_caps(self.lines[t].clean)
        end = min(len(self.lines), t + 1 + HEADER_WINDOW)
        date_at = None
        for j in range(t + 1, end):
            if self.junk[j]:
                continue
            if self.cites[j] is not None or (self.types[j] and j > t + 1 and self._title_like(j)):
                break
            if self.date_at(j):
                date_at = j
                break
        roles = [TITLE]
        current = TITLE
        stop = date_at if date_at is not None else min(end, t + 4)
        for j in range(t + 1, stop):
            sl = self.lines[j]
            if self.junk[j]:
                roles.append(JUNK)
                continue
            role = _role_after_title(sl, lg, caps)
            if role is None:
                if date_at is None and not self._continues(sl, current, caps, len(roles)):
                    break
                if current == TITLE and caps and not _is_caps(sl.clean) and date_at is not None:
                    role = ADDRESSEE  # a mixed-case line after a capitals title
                else:
                    role = current
            roles.append(role)
            current = role
        _extend_suffix_subject(roles, [sl.clean for sl in self.lines[t: t + len(roles)]], lg)
        dl = None
        if date_at is not None:
            dl = self.date_at(date_at)
            roles.extend([DATE] * (dl.lines if dl else 1))
        return roles, dl

    def _continues(self, sl: StreamLine, current: str, caps: bool, count: int) -> bool:
        """Without a date line to anchor the header, how far a wrapped title/addressee may run."""
        text = sl.clean.strip()
        if text.endswith((".", ":", ";")) or len(text) > 80 or count >= 3:
            return False
        if current == TITLE:
            return (caps and _is_caps(text)) or text[:1].islower()
        return text[:1].islower()

    def _title_like(self, i: int) -> bool:
        text = self.lines[i].clean.strip()
        return not text.endswith((".", ";", ",", ":")) and len(text) <= MAX_TITLE_LEN

    def score(self, i: int, in_citation: bool) -> int:
        text = self.lines[i].clean.strip()
        s = 0
        if text.endswith((".", ";", ",", ":", "!", "?")):
            s -= 3
        if len(text) > MAX_TITLE_LEN:
            s -= 2
        if title_shaped(text):
            s += 1
        prev = self.prev(i)
        if prev < 0:
            s += 2
        elif self.numbers[prev] is not None or in_citation:
            s += 3
        elif self.lines[i].first_on_page:
            s += 1
        roles, dl = self.header_zone(i)
        if dl is not None:
            s += 2
        if len(roles) > 1 and roles[1] in (ADDRESSEE, SUBJECT):
            s += 1
        return s

    def starts(self) -> list[tuple[int, bool]]:
        """(first line, is a header) of every document; a stretch after a finished citation is not a header."""
        starts: list[tuple[int, bool]] = []
        last_cite = -CITATION_REACH - 1
        cite_open = False  # inside a citation that may still wrap onto the next line
        for i in range(len(self.lines)):
            if self.junk[i]:
                continue
            if self.cites[i] is not None:
                last_cite = i
            # Only a title soon after its predecessor's citation gets the bonus.
            last_header = max((k for k, h in starts[-2:] if h), default=-1)
            in_citation = 0 < i - last_cite <= CITATION_REACH and last_header < last_cite
            if self.types[i] is not None and self.score(i, in_citation) >= HEADER_THRESHOLD:
                p = self.prev(i)
                start = p if p >= 0 and self.numbers[p] is not None else i
                if starts and not starts[-1][1] and starts[-1][0] == p and len(self.lines[p].clean.strip()) <= 12:
                    start = p  # a damaged number line taken for stray text belongs to this header
                if starts and starts[-1][0] == start:
                    starts[-1] = (start, True)
                elif not starts or starts[-1][0] < start:
                    starts.append((start, True))
                cite_open = False
                continue
            if (self.numbers[i] is not None and (i == 0 or in_citation) and i + 1 < len(self.lines)
                    and self.types[i + 1] is None and title_shaped(self.lines[i + 1].clean)
                    and self._title_like(i + 1)):
                # A number line after a citation whose title's type word OCR destroyed.
                starts.append((i, True))
                cite_open = False
                continue
            if cite_open and self.cites[i] is None and self.numbers[i] is None and not continues_citation(
                    self.lines[self.prev(i)].clean, self.lines[i].clean, self.g):
                starts.append((i, False))  # the citation ended its document: this is text of another
            cite_open = self.cites[i] is not None or (cite_open and (not starts or starts[-1][0] != i))
        return starts


def segment(pages: list[Page], grammar: Grammar | None = None) -> list[Segment]:
    """Documents in the batch, in order; text before the first header is a Segment with header=False."""
    grammar = grammar or default_grammar()
    lines = stream(pages)
    seg = _Segmenter(lines, grammar)
    starts = seg.starts()
    headers = {i for i, is_header in starts if is_header}
    bounds = [*sorted({0, *(i for i, _ in starts)}), len(lines)]
    return [_label(seg, a, b, header=a in headers) for a, b in itertools.pairwise(bounds) if a < b]


def _label(seg: _Segmenter, a: int, b: int, header: bool) -> Segment:
    lines = seg.lines[a:b]
    roles = [BODY] * len(lines)
    out = Segment(lines, roles, header)
    k = 0
    if header:
        if seg.numbers[a] is not None and a + 1 < b:
            out.collection_number = seg.numbers[a]
            roles[0] = NUMBER
            k = 1
            while a + k < b - 1 and seg.junk[a + k]:
                roles[k] = JUNK
                k += 1
        t = a + k
        found = seg.types[t]
        if found:
            out.doc_type, out.doc_type_conf = found
        zone, out.date_line = seg.header_zone(t)
        zone = zone[: b - t]
        roles[k: k + len(zone)] = zone
        k += len(zone)
    for j in range(a + k, b):
        if seg.cites[j] is not None:
            out.citation_offset = seg.cites[j]
            for m in range(j - a, b - a):
                roles[m] = CITATION
            break
    return out
