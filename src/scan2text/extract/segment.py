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

from scan2text.extract.citations import breaks_off, citation_start, continues_citation
from scan2text.extract.headers import (
    ADDRESSEE,
    BODY,
    CITATION,
    DATE,
    JUNK,
    NUMBER,
    SUBJECT,
    TITLE,
    DateLine,
    damaged_date_line,
    date_line,
    extend_suffix_subject,
    is_caps,
    number_line,
    role_after_title,
    title_shaped,
    type_word,
)
from scan2text.extract.page_starts import page_starts
from scan2text.extract.shapes import ShapeHeader, ShapeReader
from scan2text.extract.tolerant import CLEAN, clean_text, script_of
from scan2text.grammar import Grammar, LanguageGrammar, default_grammar
from scan2text.models import Line, Page
from scan2text.settings import ExtractSettings

# A collection number whose sign OCR lost or misread ('321', 'ի 18', 'ի։ 19' for '№ 18'), known by the title after it.
_BARE_NUMBER = re.compile(r"^\s*(?:[^\W\d_]{1,2}[.,:։]?\s*)?(\d{1,4})\s*\.?\s*$")


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
    collection_number_conf: float = CLEAN
    shape: ShapeHeader | None = None  # a document of an archive file, found by its shape at a page top
    signatories: list[str] | None = None  # names after its closing formula, when it has one
    review: list[str] = field(default_factory=list)  # why a reviewer should check where this document starts


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


def _page_scripts(lines: list[StreamLine]) -> dict[int, str]:
    """The script most letters on each page are in."""
    counts: dict[int, dict[str, int]] = {}
    for sl in lines:
        page = counts.setdefault(sl.page_index, {})
        page[sl.script] = page.get(sl.script, 0) + sum(ch.isalpha() for ch in sl.clean)
    return {p: max(c, key=lambda k: c[k]) for p, c in counts.items() if c}


def _lang(grammar: Grammar, script: str) -> list[LanguageGrammar]:
    return grammar.for_script(script) or list(grammar.languages.values())


class _Segmenter:
    def __init__(self, lines: list[StreamLine], grammar: Grammar, settings: ExtractSettings) -> None:
        self.lines = lines
        self.g = grammar
        self.s = settings
        self.types = [type_word(sl.clean, sl.mask, grammar, settings) for sl in lines]
        self.numbers = [number_line(sl.clean, grammar) for sl in lines]
        self.cites = [citation_start(sl.clean, grammar, settings) for sl in lines]
        # Specks and punch holes OCR'd as '~', "'", 'i', and stamps or edge shadows OCR'd as a low-confidence
        # word in another script ('ԷԲքսԵԼ1ՇՏ.' on an English page): kept in the text, ignored as context.
        scripts = self.page_scripts = _page_scripts(lines)
        self.junk = [self.numbers[i] is None and (sum(ch.isalnum() for ch in sl.clean) < 3 or (
            0 < sl.line.conf < settings.junk_conf and len(sl.clean.split()) <= 2
            and sl.script not in ("", scripts.get(sl.page_index, sl.script))))
            for i, sl in enumerate(lines)]
        self._dates: dict[int, DateLine | None] = {}
        self._damaged: dict[int, DateLine | None] = {}
        # Numbers read only in part ('No. 4?') or without their sign: flagged when they become a record's.
        self.bare_number: set[int] = {i for i, n in enumerate(self.numbers) if n and "?" in n}

    def date_at(self, j: int) -> DateLine | None:
        """The place/date line starting at j, also when OCR broke it over two lines."""
        if j not in self._dates:
            found = date_line(self.lines[j].clean, self.g, self.s)
            if found is None and j + 1 < len(self.lines) and len(self.lines[j].clean) < 40:
                joined = self.lines[j].clean.strip() + " " + self.lines[j + 1].clean.strip()
                found = date_line(joined, self.g, self.s)
                head = len(self.lines[j].clean.strip())
                if found and found.date.start < head < found.date.end:
                    found.lines = 2
                else:
                    found = None
            self._dates[j] = found
        return self._dates[j]

    def damaged_at(self, j: int) -> DateLine | None:
        """A place/date line at j whose date OCR damaged past reading (found only where a date line is due)."""
        if j not in self._damaged:
            self._damaged[j] = damaged_date_line(self.lines[j].clean, self.g, self.s)
        return self._damaged[j]

    def prev(self, i: int) -> int:
        """The nearest line before i that is not junk, or -1."""
        i -= 1
        while i >= 0 and self.junk[i]:
            i -= 1
        return i

    def header_zone(self, t: int) -> tuple[list[str], DateLine | None]:
        """Roles of the lines from title t to the end of the header (title, addressee, subject, date)."""
        lg = _lang(self.g, self.lines[t].script)[0]
        caps = is_caps(self.lines[t].clean)
        end = min(len(self.lines), t + 1 + self.s.header_window)
        date_at = None
        for j in range(t + 1, end):
            if self.junk[j]:
                continue
            if self.cites[j] is not None or (self.types[j] and j > t + 1 and self._title_like(j)):
                end = j
                break
            if self.date_at(j):
                date_at = j
                break
        damaged = False
        if date_at is None:
            date_at = next((j for j in range(t + 1, end) if not self.junk[j] and self.damaged_at(j)), None)
            damaged = date_at is not None
        roles = [TITLE]
        current = TITLE
        stop = date_at if date_at is not None else min(end, t + 4)
        for j in range(t + 1, stop):
            sl = self.lines[j]
            if self.junk[j]:
                roles.append(JUNK)
                continue
            role = role_after_title(sl.clean, lg, caps)
            if role is None:
                if date_at is None and not self._continues(sl, current, caps, len(roles)):
                    break
                if current == TITLE and caps and not is_caps(sl.clean) and date_at is not None:
                    role = ADDRESSEE  # a mixed-case line after a capitals title
                else:
                    role = current
            roles.append(role)
            current = role
        extend_suffix_subject(roles, [sl.clean for sl in self.lines[t: t + len(roles)]], lg)
        dl = None
        if date_at is not None:
            dl = self.damaged_at(date_at) if damaged else self.date_at(date_at)
            roles.extend([DATE] * (dl.lines if dl else 1))
        return roles, dl

    def _continues(self, sl: StreamLine, current: str, caps: bool, count: int) -> bool:
        """Without a date line to anchor the header, how far a wrapped title/addressee may run."""
        text = sl.clean.strip()
        if text.endswith((".", ":", ";")) or len(text) > 80 or count >= 3:
            return False
        if current == TITLE:
            # A wrapped title keeps its shape: capitals, or title case ('Affairs of the RSFSR L. Karakhan').
            return (is_caps(text) if caps else title_shaped(text)) or text[:1].islower()
        return text[:1].islower()

    def _script_changes(self, i: int) -> bool:
        """Whether line i opens a page in another script than the page before: no citation runs on to it."""
        p = self.prev(i)
        if p < 0 or not self.lines[i].first_on_page:
            return False
        here, before = self.lines[i].page_index, self.lines[p].page_index
        return self.page_scripts.get(here) != self.page_scripts.get(before)

    def _title_like(self, i: int) -> bool:
        text = self.lines[i].clean.strip()
        return not text.endswith((".", ";", ",", ":")) and len(text) <= self.s.max_title_length

    def score(self, i: int, in_citation: bool) -> int:
        text = self.lines[i].clean.strip()
        s = 0
        if text.endswith((".", ";", ",", ":", "!", "?")):
            s -= 3
        if len(text) > self.s.max_title_length:
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
            s += 2 if dl.date.confidence > self.s.damaged_date_conf else 1
        if len(roles) > 1 and roles[1] in (ADDRESSEE, SUBJECT):
            s += 1
        return s

    def starts(self) -> list[tuple[int, bool]]:
        """(first line, is a header) of every document; a stretch after a finished citation is not a header."""
        starts: list[tuple[int, bool]] = []
        last_cite = -self.s.citation_reach - 1
        cite_open = False  # inside a citation that may still wrap onto the next line
        for i in range(len(self.lines)):
            if self.junk[i]:
                continue
            if self.cites[i] is not None:
                last_cite = i
            # Only a title soon after its predecessor's citation gets the bonus.
            last_header = max((k for k, h in starts[-2:] if h), default=-1)
            in_citation = 0 < i - last_cite <= self.s.citation_reach and last_header < last_cite
            if self.types[i] is not None and self.score(i, in_citation) >= self.s.header_threshold:
                p = self.prev(i)
                if (p >= 0 and self.numbers[p] is None and _BARE_NUMBER.match(self.lines[p].clean)
                        and (self.prev(p) < 0 or not breaks_off(self.lines[self.prev(p)].clean, self.g))):
                    self.numbers[p] = _BARE_NUMBER.match(self.lines[p].clean).group(1)
                    self.bare_number.add(p)  # '№ 321' whose sign OCR lost
                start = p if p >= 0 and self.numbers[p] is not None else i
                if starts and not starts[-1][1] and starts[-1][0] == p and len(self.lines[p].clean.strip()) <= 12:
                    start = p  # a damaged number line taken for stray text belongs to this header
                    if self.numbers[p] is None and (digits := re.search(r"\d{1,4}", self.lines[p].clean)):
                        self.numbers[p] = digits.group()
                        self.bare_number.add(p)
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
            if cite_open and self.cites[i] is None and self.numbers[i] is None and (self._script_changes(i) or (
                    not continues_citation(self.lines[self.prev(i)].clean, self.lines[i].clean, self.g, self.s))):
                starts.append((i, False))  # the citation ended its document: this is text of another
            cite_open = self.cites[i] is not None or (cite_open and (not starts or starts[-1][0] != i))
        return starts


def segment(pages: list[Page], grammar: Grammar | None = None,
            settings: ExtractSettings | None = None) -> list[Segment]:
    """Documents in the batch, in order; text before the first header is a Segment with header=False."""
    grammar = grammar or default_grammar()
    settings = settings or ExtractSettings()
    lines = stream(pages)
    seg = _Segmenter(lines, grammar, settings)
    starts = seg.starts()
    headers = {i for i, is_header in starts if is_header}
    reader = ShapeReader([sl.clean for sl in lines], [sl.line.conf for sl in lines], [sl.page_index for sl in lines],
                         [p.image for p in pages], grammar, settings)
    # A page whose top the collection grammar already opened a document at is its to read.
    taken = {lines[i].page_index for i, _ in starts
             if i - reader.page_first.get(lines[i].page_index, i) < grammar.evidence.header_lines}
    shaped = {s.line: s for s in page_starts(reader, taken)}
    bounds = [*sorted({0, *(i for i, _ in starts), *shaped}), len(lines)]
    out = []
    for a, b in itertools.pairwise(bounds):
        if a >= b:
            continue
        found = shaped.get(a)
        segment_ = _label(seg, a, b, header=a in headers and found is None)
        if found is not None:
            segment_.shape, segment_.review = found.header, found.review
            segment_.signatories = reader.signatories(a, b)
        _flag_unheaded(segment_, grammar)
        out.append(segment_)
    return out


def _flag_unheaded(seg: Segment, grammar: Grammar) -> None:
    """A run of many pages with no header at all is likely several documents whose starts were missed."""
    span = len({sl.page_index for sl in seg.lines})
    if not seg.header and seg.shape is None and span > grammar.evidence.max_unheaded_pages:
        seg.review.append(f"{span} pages with no document header found: starts of documents may have been missed")


def _label(seg: _Segmenter, a: int, b: int, header: bool) -> Segment:
    lines = seg.lines[a:b]
    roles = [BODY] * len(lines)
    out = Segment(lines, roles, header)
    k = 0
    if header:
        if seg.numbers[a] is not None and a + 1 < b:
            out.collection_number = seg.numbers[a]
            out.collection_number_conf = seg.s.fuzzy_conf if a in seg.bare_number else CLEAN
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
        if seg.junk[j] and roles[j - a] == BODY:
            roles[j - a] = JUNK
    for j in range(a + k, b):
        if seg.cites[j] is not None:
            out.citation_offset = seg.cites[j]
            for m in range(j - a, b - a):
                roles[m] = CITATION
            break
    return out
