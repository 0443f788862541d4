"""Documents of archive files: where a letter, a despatch or a testimony starts, and its header fields.

A published collection marks every document with a title and a citation (see `segment.py`); a file of
typescripts does not. There a document starts at the top of a page, and the signs of it are many and
each unsure: a letterhead, a number/place/date line ('No. 227 Sofia, April 4, 1939.'), a subject line,
an addressee and a salutation, a document-type word, a closing formula at the end of the page before, a
new file name. Each page top is scored on that evidence, weighed by the grammar's `[evidence]` table,
against the signs that a page goes on with the document before: a page number ('- 2 -') at its top, a
first line that begins in lower case, a last line on the page before that breaks off mid-sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scan2text.extract.dates import ParsedDate, find_dates
from scan2text.extract.headers import is_caps, number_patterns, place_of, split_prefix, type_word
from scan2text.extract.tolerant import CLEAN, join_lines, match_keyword, phrases, strip_specks
from scan2text.grammar import Grammar
from scan2text.settings import ExtractSettings

# '- 2 -', '-3-', '— 4 —', '2.', 'Page 2': a page number alone on the top line.
_PAGE_MARK = re.compile(r"^\s*[-–—.(]*\s*\d{1,3}\s*[-–—.)]*\s*$")
_DASHED_MARK = re.compile(r"^\s*[-–—]\s*\S{1,3}\s*[-–—]\s*$")  # '- 2 -' whose digit OCR lost ('-Z-')
_TYPIST = re.compile(r"^[A-ZА-ЯԱ-Ֆ]{1,4}\s*[/:]\s*[A-Za-zА-Яа-яԱ-Ֆա-ֆ]{1,4}\.?$")  # 'RA/MM'
_SENTENCE_END = ('.', '!', '?', ':', '։', '"', '”', '»', ')')
_REFERENCE_SIGN = re.compile(r"\s*(?:№|N[oо0º°])")  # not a bare 'N', which is also a London postal district
_FILING_NUMBER = re.compile(r"(?<=\d{4})\s*/\.?\s*\d+")  # '9th May, 1938/.5698.': a registry number stamped on
_STAMP_CRUMBS = re.compile(r"^[^\w\s]+\s*(?:[^\W\d_]{1,4}\s+){0,2}(?=[A-ZА-ЯԱ-Ֆ])")  # '| Cal K Washington.'


@dataclass
class ShapeHeader:
    """What the header of an archive-file document says, with a confidence per field."""

    reasons: list[str] = field(default_factory=list)
    score: int = 0
    doc_type: str | None = None
    number: str | None = None
    place: str | None = None
    date: ParsedDate | None = None
    title: str | None = None
    subject: str | None = None
    addressee: str | None = None
    roles: dict[int, str] = field(default_factory=dict)  # stream line -> role (title, date, subject …)
    conf: dict[str, float] = field(default_factory=dict)


@dataclass
class _Line:
    text: str
    conf: float
    page: int
    first: bool


def closing_line(text: str, closings: list[str]) -> bool:
    """Whether the line is a closing formula, also when OCR broke a word of it ('Respec fully yours,')."""
    if _starts_with(text, closings, slack=2):
        return True
    head = re.sub(r"[\W\d_]+$", "", text.strip())
    return 8 <= len(head) <= 40 and match_keyword(head, closings, min_fuzzy_len=8, cutoff=85) is not None


def _starts_with(text: str, words: list[str], slack: int = 0) -> re.Match[str] | None:
    """The phrase `text` opens with (after at most `slack` stray characters OCR put before it)."""
    if not words:
        return None
    rx = re.compile(rf"^\W{{0,3}}.{{0,{slack}}}?(?P<w>{phrases(words)})(?![^\W_])", re.IGNORECASE)
    return rx.match(text)


class ShapeReader:
    """Scores page tops and reads archive-file headers from a batch's stream of lines."""

    def __init__(self, texts: list[str], confs: list[float], pages: list[int], images: list[str],
                 grammar: Grammar, settings: ExtractSettings) -> None:
        self.g = grammar
        self.s = settings
        self.max_date_line = settings.max_date_line
        self.handwriting_conf = settings.handwriting_conf
        self.ev = grammar.evidence
        self.lines = [_Line(t.strip(), c, p, k == 0 or pages[k - 1] != p)
                      for k, (t, c, p) in enumerate(zip(texts, confs, pages, strict=True))]
        self.images = images
        self._by_page: dict[int, list[int]] = {}
        for k, ln in enumerate(self.lines):
            self._by_page.setdefault(ln.page, []).append(k)
        self.page_first = {page: ks[0] for page, ks in self._by_page.items()}
        self.closings = grammar.words("closings")
        self.salutations = grammar.words("salutations")
        self.openings = grammar.words("addressee_openings")
        self.subjects = grammar.words("subject_labels")
        self.continuation = grammar.words("continuation_words")

    def _page_lines(self, page: int) -> list[int]:
        return self._by_page.get(page, [])

    def _real(self, ks: list[int]) -> list[int]:
        """Lines with some letters or digits to them (specks and stamp crumbs left out)."""
        return [k for k in ks if sum(ch.isalnum() for ch in self.lines[k].text) >= 2]

    # ------------------------------------------------------------------ page ends and continuations
    def closing_at_end(self, page: int) -> int | None:
        """The line of a closing formula ('Respectfully yours,') among the page's last lines, or None."""
        ks = self._real(self._page_lines(page))[-7:]
        for k in ks:
            if closing_line(self.lines[k].text, self.closings):
                return k
        return None

    def continues(self, page: int) -> list[str]:
        """Signs that this page goes on with the document of the page before."""
        ks = self._real(self._page_lines(page))
        out: list[str] = []
        if not ks:
            return out
        if mark := self._page_mark(page):
            out.append(f"page number '{mark}' at the top")
        top = [self.lines[k].text for k in ks[:2]]
        if not mark and any(_starts_with(t, self.continuation) for t in top):
            out.append(f"continuation mark '{top[0][:20]}' at the top")
        first_word = re.search(r"[^\W\d_]+", top[0])
        opening = top[1] if (len(top) > 1 and len(top[0]) <= 4) else top[0]  # 'Bee': the page number misread
        if (word := re.search(r"[^\W\d_]+", opening)) and word.group()[0].islower() and word.start() <= 2:
            out.append(f"first line '{opening[:30]}' begins in lower case")
        elif first_word and first_word.group()[0].islower() and first_word.start() <= 2:
            out.append(f"first line '{top[0][:30]}' begins in lower case")
        before = self._real(self._page_lines(page - 1)) if page > 0 else []
        if before and self.closing_at_end(page - 1) is None:
            last = self.lines[before[-1]].text
            if not last.endswith(_SENTENCE_END) and not last.endswith((".....", "...")):
                out.append("the page before breaks off mid-sentence")
            elif last.endswith(("...", "…")):
                out.append("the page before ends on a catchword")
        return out

    def _page_mark(self, page: int) -> str | None:
        """A page number ('- 2 -', '3.') among the page's first two lines."""
        tops = [self.lines[k].text for k in self._page_lines(page) if self.lines[k].text.strip()][:2]
        return next((t for t in tops if _PAGE_MARK.match(t) or _DASHED_MARK.match(t)), None)

    # ------------------------------------------------------------------ the header at a page top
    def header(self, page: int) -> ShapeHeader:
        """The evidence that a document starts at this page's top, and the fields its header gives."""
        h = ShapeHeader()
        if self._page_mark(page):
            return h  # a continuation page: no header here
        ks = self._real(self._page_lines(page))[: self.ev.header_lines]
        seen: set[str] = set()

        def add(kind: str, weight: int, reason: str) -> None:
            if kind not in seen:
                seen.add(kind)
                h.score += weight
                h.reasons.append(reason)

        address_block: list[int] = []
        n = 0
        while n < len(ks):
            k = ks[n]
            text = strip_specks(self.lines[k].text)
            n += 1
            if _PAGE_MARK.match(text):
                break  # a continuation page: no header here
            if is_caps(text) and (lh := self._letterhead(text)):
                add("letterhead", self.ev.letterhead, f"letterhead '{text[:40]}'")
                h.doc_type = h.doc_type or lh
                h.roles[k] = "title"
                continue
            if h.date is None and (found := self._date_line(text)):
                number, place, date, pure = found
                if number:
                    add("number_date", self.ev.number_date, f"number/place/date line '{text[:40]}'")
                else:
                    add("date", self.ev.date_line if pure else self.ev.date_line - 1, f"date line '{text[:40]}'")
                h.date = date
                h.conf["date"] = date.confidence if pure else min(date.confidence, self.s.fuzzy_conf)
                if number and h.number is None:
                    h.number, h.conf["number"] = number, CLEAN
                if place:
                    h.place, h.conf["place"] = place_of(place, self.g, self.s)
                elif (above := self._address_place(address_block)) is not None:
                    h.place, h.conf["place"] = above
                h.roles[k] = "date"
                continue
            if m := _starts_with(text, self.subjects):
                rest = text[m.end():].lstrip()
                if rest.startswith((":", "։", "-")):  # 'Subject:', 'Re:', 'Тема:'; not 'Regarding the …'
                    h.subject, used = self._run_on(ks[n - 1:], text[m.end():].lstrip(" :։-"))
                    n += _assign(h, used, "subject")
                    add("subject", self.ev.subject, f"subject line '{text[:40]}'")
                    continue
            if self._salutation(text):
                add("salutation", self.ev.salutation, f"salutation '{text[:30]}'")
                h.doc_type = h.doc_type or "letter"
                break  # the body follows
            if m := _starts_with(text, self.openings, slack=3):
                h.addressee, used = self._addressee(ks[n - 1:], text[m.start("w"):])
                n += _assign(h, used, "addressee")
                add("addressee", self.ev.addressee, f"addressee '{text[:40]}'")
                continue
            if (h.doc_type is None and (tw := type_word(text, [False] * len(text), self.g, self.s))
                    and not text.endswith((".", ",", ";"))):
                add("doc_type", self.ev.doc_type, f"document type '{text[:40]}'")
                h.doc_type, h.conf["doc_type"] = tw[0], tw[1]
                h.title, h.roles[k] = text, "title"
                continue
            if (cue := self._cue(text)) and len(text) <= 2 * self.max_date_line:
                add("doc_type", self.ev.doc_type, f"document type '{text[:40]}'")
                h.doc_type = cue
                title, used = self._run_on(ks[n - 1:], text)
                h.title = title
                for j in used:
                    h.roles[j] = "title"
                n += len(used) - 1
                continue
            if (h.number is None and len(text) <= 30 and (num := number_patterns(self.g)[1].search(text))
                    and _REFERENCE_SIGN.match(num.group())):
                h.number, h.conf["number"] = num.group("n").rstrip("."), CLEAN  # 'P. III. e. No. 44.'
                h.roles[k] = "number"
                add("number", 1, f"reference number '{text[:30]}'")
                continue
            if len(text) <= 40:
                address_block.append(k)
            elif seen:
                break  # a paragraph of body text: the header is over
        return h

    def _letterhead(self, text: str) -> str | None:
        for word in re.findall(r"[^\W\d_]+(?:\s+[^\W\d_]+)?", text):
            for cand in (word, word.split()[0]):
                if (t := self.g.letterheads.get(cand.lower())) is not None:
                    return t
        words = re.findall(r"[^\W\d_]+", text)
        for w in words:
            if len(w) >= 6 and (hit := match_keyword(w, list(self.g.letterheads), min_fuzzy_len=6, cutoff=85)):
                return self.g.letterheads[hit[0].lower()]
        return None

    def _cue(self, text: str) -> str | None:
        # The cue opens the title ('The Experiences of …', 'Testimony of …'): a body line may mention a telegram.
        low = " ".join(text.lower().split()[:4])
        for cue, doc_type in sorted(self.g.type_cues.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", low):
                return doc_type
        # 'The Uxperiences of …': a cue OCR damaged in one letter
        for m in re.finditer(r"[^\W\d_]{6,}(?:\s+[^\W\d_]+)?", " ".join(text.split()[:4])):
            hit = match_keyword(m.group(), list(self.g.type_cues), min_fuzzy_len=8, cutoff=85)
            if hit:
                return self.g.type_cues[hit[0].lower()]
        return None

    def _salutation(self, text: str) -> bool:
        m = _starts_with(text, self.salutations)
        if not m:
            return False
        rest = text[m.end():].strip()
        return len(rest) <= 30 and text.rstrip().endswith((":", ",", ":-", ";", "!", "-", "։"))

    def _date_line(self, text: str) -> tuple[str | None, str | None, ParsedDate, bool] | None:
        """(number, place, date, whether the line is only that) of a header's date line; trailing
        stray text (a handwritten mark, a filing number after a slash) is allowed, a sentence is not."""
        if len(text) > self.max_date_line:
            return None
        text = _FILING_NUMBER.sub("", text)
        dates = [d for d in find_dates(text, grammar=self.g, settings=self.s) if d.iso and len(d.iso) >= 10]
        if not dates:
            return None
        d = dates[0]
        tail = text[d.end:].strip(" .,;։|")
        split = split_prefix(text[: d.start], self.g, self.s)
        if split is not None:
            number, _nconf, place, _pconf = split
            pure = len(re.findall(r"[^\W\d_]{2,}", tail)) <= 1 and len(tail) <= 10
            return number, place or None, d, pure
        words = re.findall(r"[^\W\d_]+", text[: d.start])
        if len(words) <= 2:  # '(Reported, 15th April, 1955. Report by …)'
            return None, None, d, False
        return None

    def _address_place(self, block: list[int]) -> tuple[str, float] | None:
        """A letter's place: the town of the address typed above its date ('LONDON, N. 16.')."""
        for k in reversed(block[-4:]):
            head = re.split(r"[,.]", self.lines[k].text.strip())[0].strip()
            if not head or any(ch.isdigit() for ch in head):
                continue
            titled = head[:1] + head[1:].lower() if head.isupper() else head
            if titled in self.g.places.names:
                return titled, CLEAN
        return None

    def _run_on(self, ks: list[int], first: str) -> tuple[str, list[int]]:
        """A subject or title with its wrapped lines: until a line ends a sentence (at most four)."""
        parts, used = [first], [ks[0]]
        for k in ks[1:4]:
            if parts[-1].rstrip().endswith((".", ")", "։")) or len(parts[-1]) < 8:
                break
            text = self.lines[k].text.strip()
            if self._salutation(text) or _starts_with(text, self.openings) or len(text) > self.max_date_line:
                break
            parts.append(text)
            used.append(k)
        return join_lines(parts), used

    def _addressee(self, ks: list[int], first: str) -> tuple[str, list[int]]:
        """The addressee block: from its opening to the salutation (at most five lines)."""
        prefixes = [p for lg in self.g.languages.values() for p in lg.addressee_prefixes]
        if prefixes:  # 'TO -', 'Кому:': the opening is not part of the name
            first = re.sub(rf"^(?:{phrases(prefixes)})(?:\s*[-–—:՝])*\s*", "", first, flags=re.IGNORECASE)
        parts, used = [first] if first else [], [ks[0]]
        for k in ks[1:5]:
            text = self.lines[k].text.strip()
            if self._salutation(text) or self._date_line(text):
                break
            if self.lines[k].conf and self.lines[k].conf < self.handwriting_conf and len(text) < 6:
                continue  # a stamp crumb between the lines
            parts.append(_STAMP_CRUMBS.sub("", text))
            used.append(k)
        return join_lines(parts).strip(" ,"), used

    # ------------------------------------------------------------------ signatures
    def signatories(self, start: int, end: int) -> list[str]:
        """The typed names after the last closing formula of lines [start, end): a scrawl (low
        confidence), a file reference or the typist's initials are not names."""
        closing = None
        for k in range(start, end):
            if closing_line(self.lines[k].text, self.closings):
                closing = k
        if closing is None:
            return []
        out: list[str] = []
        for k in range(closing + 1, min(end, closing + 5)):
            if self.lines[k].page != self.lines[closing].page:
                break
            text = strip_specks(self.lines[k].text).strip(" ,")
            if (sum(ch.isalpha() for ch in text) < 3 or _TYPIST.match(text)
                    or re.match(r"^(?:File|Encl|Enclosure|Copy|Файл|Дело)\b", text, re.IGNORECASE)):
                continue
            if self.lines[k].conf < self.handwriting_conf:
                continue  # Tesseract's 0 or a low score: a scrawl, not a typed name
            out.append(text)
        return out[:2]


__all__ = ["ShapeHeader", "ShapeReader", "closing_line"]


def _assign(header: ShapeHeader, used: list[int], role: str) -> int:
    """Give the lines a value ran over their role; how many lines past the first it took."""
    for j in used:
        header.roles[j] = role
    return len(used) - 1
