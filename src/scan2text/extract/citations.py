"""Citation lines: "Source: <archive>, Fund 200, Inventory 1, File 271, Sheets 213–214. Typescript."

One line may name several sources (split at ";" and at "Archival copy from:"), then the
publications after "Published in:". Keywords come from the grammar and are matched through OCR
damage; each source carries a per-field confidence so a repaired or fuzzy field can be flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scan2text.extract.archives import read_archive
from scan2text.extract.citeformat import format_citation
from scan2text.extract.publications import parse_publication
from scan2text.extract.tolerant import (
    CLEAN,
    COLONS,
    DASH_RE,
    FUZZY,
    REPAIRED,
    SPECKS,
    clean_text,
    damaged,
    fix_number,
    match_keyword,
    norm_key,
    phrases,
    to_int,
)
from scan2text.grammar import Grammar, default_grammar
from scan2text.models import CitedSource, Publication

FIELDS = ("fund", "inventory", "file", "sheet")
_VALUE = re.compile(rf"\.?\s*(?:№\s*)?[(\[]?(?P<val>(?:[A-ZА-Я]{{1,2}}{DASH_RE})?[0-9OoОоlIiі|]+[a-zа-я]?)(?!\w)")
_N = r"[0-9OoОоlIiі|]+"
_SPAN = re.compile(rf"\.?\s*(?P<span>{_N}(?:\s*(?:{DASH_RE}|,|and|и|և)\s*{_N})*)")
_TOKEN = re.compile(r"(?<!\w)[^\W\d_]+")


@dataclass
class SourceParse:
    """A cited source plus how sure we are of each of its fields (0–1)."""

    source: CitedSource
    confidence: dict[str, float] = field(default_factory=dict)


class _Lexicon:
    def __init__(self, g: Grammar) -> None:
        self.grammar = g
        self.keywords = {kind: g.words(kind) for kind in FIELDS}
        self.all_keywords = [w for kind in FIELDS for w in self.keywords[kind]]
        # Words a wrapped line can end on while its number waits on the next line.
        self.awaiting = self.all_keywords + [
            w for k in ("pages", "document_number", "number_prefixes") for w in g.words(k)]
        self.kind_of = {norm_key(w): kind for kind in FIELDS for w in self.keywords[kind]}
        self.verso_word: dict[str, str] = {}
        for w in g.words("verso"):
            self.verso_word.setdefault(norm_key(w), w)
        self.verso = re.compile(rf"\s*,?\s*(?P<v>{phrases(g.words('verso'), lost_period=True)})(?!\w)", re.IGNORECASE)
        colon = rf"\s*[{COLONS}]"
        self.source_kw = re.compile(rf"^\s*(?:{phrases(g.words('source_keywords'))}){colon}?\s*", re.IGNORECASE)
        self.source_anywhere = re.compile(rf"(?<!\w)(?:{phrases(g.words('source_keywords'))}){colon}")
        self.published = re.compile(rf"(?:{phrases(g.words('published_keywords'))}){colon}", re.IGNORECASE)
        self.copy = re.compile(rf"(?:{phrases(g.words('copy_keywords'))}){colon}", re.IGNORECASE)
        # Case matters here: 'Ф.' is a confusion only where the grammar's own 'ф.' is not what was printed.
        self.confusions = {printed: self.kind_of[norm_key(meant)] for printed, meant in g.confusions.items()
                           if norm_key(meant) in self.kind_of}

    def confused(self, seg: str, tok: re.Match[str]) -> str | None:
        """The field kind of an abbreviation printed as one rough OCR makes of another ('Է.' for 'ց.')."""
        after = seg[tok.end(): tok.end() + 1]
        return self.confusions.get(tok.group() + after) if after in (".", "-", ",") else None


_LEXICONS: dict[int, _Lexicon] = {}


def _lex(g: Grammar) -> _Lexicon:
    if id(g) not in _LEXICONS:
        _LEXICONS[id(g)] = _Lexicon(g)
    return _LEXICONS[id(g)]


Hit = tuple[str, int, int, str, float]
ROUGH_FIELDS = 2  # abbreviations read only through a confusion or by their place that make a source line rough


def _fields(seg: str, mask: list[bool], offset: int, lex: _Lexicon) -> tuple[list[Hit], int]:
    """Keyword+value hits in a source segment: (kind, start, end, value, conf); and the first hit start.

    A short abbreviation OCR made unreadable ('Фф. 200', 'дц. 271', 'пл. 213') is still a field: the
    fields come in a fixed order (fund, inventory, file, sheets), so its place among the readable
    ones says which it is. Such a field is read with low confidence, so it is flagged.
    """
    cands: list[tuple[str | None, int, int, float, re.Match[str]]] = []
    for tok in _TOKEN.finditer(seg):
        if cands and tok.start() < cands[-1][2]:
            continue
        confused = lex.confused(seg, tok)
        tok_end = tok.end() + (1 if confused and seg.startswith("-", tok.end()) else 0)
        val = _VALUE.match(seg, tok_end)
        if not val:
            continue
        has_digit = any(ch.isdigit() for ch in val.group("val"))
        matched = match_keyword(tok.group() + ".", lex.all_keywords, min_fuzzy_len=4)
        if confused is not None and has_digit and (matched is None or matched[1] < CLEAN or tok_end > tok.end()):
            # 'Է. 17' for 'ց. 1', 'Թ- 50' for 'թ. 50': an abbreviation rough OCR is known to make of another
            cands.append((confused, tok.start(), tok_end, FUZZY, val))
            continue
        if matched is not None:
            if not has_digit and (matched[1] < CLEAN or len(val.group("val")) > 2
                                  or fix_number(val.group("val"))[0] == val.group("val")):
                continue  # 'Fund l' is fund 1 after an exact keyword; 'sheet of' is no number
            cands.append((lex.kind_of[norm_key(matched[0])], tok.start(), tok.end(), matched[1], val))
        elif has_digit and len(tok.group()) <= 3 and seg.startswith(".", tok.end()):
            cands.append((None, tok.start(), tok.end(), FUZZY, val))
    hits: list[Hit] = []
    for n, (kind, start, tok_end, conf, val) in enumerate(cands):
        if kind is None and (kind := _kind_by_place(cands, n)) is None:
            continue
        if kind == "sheet":
            hit = _sheets(seg, tok_end, lex)
            if hit is None:
                continue
            end, printed, sconf = hit
            conf = min(conf, sconf)
        else:
            printed, fixed = fix_number(val.group("val"))
            end = val.end()
            if fixed:
                conf = min(conf, REPAIRED)
        if damaged(mask, offset + start, offset + end):
            conf = min(conf, REPAIRED)
        hits.append((kind, start, end, printed, conf))
    return hits, min((h[1] for h in hits), default=len(seg))


def _kind_by_place(cands: list[tuple[str | None, int, int, float, re.Match[str]]], n: int) -> str | None:
    """The field an unreadable keyword must be, from the readable keywords around it."""
    order = {kind: k for k, kind in enumerate(FIELDS)}
    before, unknown = -1, 0
    for kind, *_ in cands[:n]:
        if kind is None:
            unknown += 1
        else:
            before, unknown = order[kind], 0
    after = min((order[kind] for kind, *_ in cands[n + 1:] if kind is not None), default=len(FIELDS))
    k = before + 1 + unknown
    return FIELDS[k] if k < after and k < len(FIELDS) else None


def _sheets(seg: str, pos: int, lex: _Lexicon) -> tuple[int, str, float] | None:
    m = _SPAN.match(seg, pos)
    if not m:
        return None
    conf = CLEAN
    span = m.group("span")
    numbers = []
    for raw in re.findall(_N, span):
        value, fixed = to_int(raw)
        if value is None:
            return None
        numbers.append(value)
        if fixed:
            conf = REPAIRED
    parts = re.split(rf"(\s*(?:{DASH_RE}|,|and|и|և)\s*)", span)
    text = ""
    for k, part in enumerate(parts):
        if k % 2:
            sep = part.strip()
            text += "–" if re.fullmatch(DASH_RE, sep) else (", " if sep == "," else f" {sep} ")
        else:
            text += str(numbers[k // 2])
    end = m.end()
    v = lex.verso.match(seg, end)
    if v:
        text += " " + lex.verso_word.get(norm_key(v.group("v")), v.group("v"))
        end = v.end()
    elif re.match(r"\w", seg[end:end + 1]):
        return None  # '4Օ0': the number runs on into something we cannot read
    if re.match(rf"\s*{DASH_RE}", seg[end:]):
        conf = min(conf, FUZZY)  # '5–.': the end of the span was lost
    return end, text, conf


def _form_at(sentence: str, lex: _Lexicon) -> tuple[str, float] | None:
    """The form a sentence names ('Typescript', 'Certified copy'); also at the start of a run-on
    sentence whose period OCR lost ('Typescript Copies sent to …'), then with a repair confidence."""
    if not sentence:
        return None
    if len(sentence) <= 40 and (hit := match_keyword(sentence, lex.grammar.forms, min_fuzzy_len=5, cutoff=85)):
        return hit
    words = sentence.split()
    for n in (2, 1):
        if len(words) > n and (hit := match_keyword(" ".join(words[:n]), lex.grammar.forms, min_fuzzy_len=99)):
            return hit[0], min(hit[1], REPAIRED)
    return None


def _forms(rest: str, lex: _Lexicon) -> tuple[str | None, float]:
    found: list[str] = []
    conf = CLEAN
    for sentence in re.split(r"[.։:]", rest):
        sentence = sentence.strip(" ,;")
        hit = _form_at(sentence, lex)
        if hit is None:
            continue
        for form in lex.grammar.forms[norm_key(hit[0])].split(", "):
            if form not in found:
                found.append(form)
        conf = min(conf, hit[1])
    return (", ".join(found) if found else None), conf


# A keyword at the line start OCR may have broken ('Ис. очник:') before its colon.
_LEADING_WORD = re.compile(rf"\s*(?P<w>[^\W\d_]+(?:[.\s]{{1,2}}[^\W\d_]+){{0,2}})\s*(?P<colon>[{COLONS}]?)")
DAMAGED_KEYWORD = 75.0  # how like 'Source' a word before a colon must be ('Svuurce:')


def _source_keyword(text: str, lex: _Lexicon) -> tuple[int, bool] | None:
    """(end of the damaged 'Source' keyword at the line start, whether a colon follows it), or None."""
    m = _LEADING_WORD.match(text)
    if not m:
        return None
    word = re.sub(r"[.\s]", "", m.group("w"))
    keywords = lex.grammar.words("source_keywords")
    cutoff = DAMAGED_KEYWORD if m.group("colon") else 80.0
    if match_keyword(word, keywords, min_fuzzy_len=5, cutoff=cutoff) is None:
        return None
    return m.end(), bool(m.group("colon"))


def _strip_source_keyword(text: str, lex: _Lexicon) -> tuple[str, float]:
    """Text without its leading 'Source:' (also when OCR damaged it: 'сточник:'), and how sure we are."""
    stripped = lex.source_kw.sub("", text, count=1)
    if stripped != text:
        return stripped, CLEAN
    found = _source_keyword(text, lex)
    if found and found[1]:
        return text[found[0]:].lstrip(), FUZZY
    return text, CLEAN


def _source(seg: str, mask: list[bool], offset: int, lex: _Lexicon) -> SourceParse | None:
    hits, first = _fields(seg, mask, offset, lex)
    archive_text, kw_conf = _strip_source_keyword(seg[:first], lex)
    if not hits and not archive_text.strip(" ,.;:"):
        return None
    archive, abbr, aconf = read_archive(archive_text, lex.grammar)
    aconf = min(aconf, kw_conf)
    if archive and damaged(mask, offset, offset + first):
        aconf = min(aconf, REPAIRED)
    src = CitedSource(archive=archive, archive_abbr=abbr, text=seg.strip(" ;"))
    conf: dict[str, float] = {"archive": aconf}
    for kind, _start, _end, printed, fconf in hits:
        name = "sheets" if kind == "sheet" else kind
        if getattr(src, name) is not None:
            # A second fund/file in one source: a separator or keyword between two sources was lost.
            conf = {k: min(v, FUZZY) for k, v in conf.items()} | {"repeated": FUZZY}
            continue
        setattr(src, name, printed)
        conf[name] = fconf
        if kind == "sheet":
            numbers = [int(n) for n in re.findall(r"\d+", printed)]
            src.sheet_first, src.sheet_last = numbers[0], numbers[-1]
            src.verso = bool(re.search(r"[^\d\s,–]", printed.replace(" and ", " ").replace(" и ", " ")))
    if sum(c <= FUZZY for *_, c in hits) >= ROUGH_FIELDS:
        # Two abbreviations known only by a confusion or their place ('Է.', 'п.'), not by a look-alike letter
        # ('2O0'): a line this rough misreads digits as readily ('ֆ. 2090' for 'ֆ. 200'), so none of its
        # numbers goes unflagged.
        for name in ("fund", "inventory", "file", "sheets"):
            if name in conf:
                conf[name] = min(conf[name], FUZZY)
    tail = seg[hits[-1][2]:] if hits else ""
    src.form, form_conf = _forms(tail, lex)
    conf["form"] = min(form_conf, conf.pop("repeated", CLEAN))
    src.confidence = min(conf.values())
    return SourceParse(src, conf)


def _keyword_spans(clean: str, exact: re.Pattern[str], words: list[str]) -> list[tuple[int, int, float]]:
    """(start, end, confidence) of each 'Keyword:' phrase; a phrase OCR damaged ('Archival copy frorn:')
    is found by comparing the few words before each colon with the keywords."""
    spans = [(m.start(), m.end(), CLEAN) for m in exact.finditer(clean)]
    for colon in re.finditer(r"[:՝`]", clean):
        if any(s <= colon.start() < e for s, e, _ in spans):
            continue
        base = max(0, colon.start() - 40)
        head = re.split(r"[.;]\s", clean[base: colon.start()])[-1]
        base = colon.start() - len(head)
        words_before = list(re.finditer(r"\S+", head))
        for n in range(min(4, len(words_before)), 0, -1):
            phrase = " ".join(w.group() for w in words_before[-n:])
            hit = match_keyword(phrase, words, min_fuzzy_len=8, cutoff=80)
            if hit:
                spans.append((base + words_before[-n].start(), colon.end(), hit[1]))
                break
    return sorted(spans)


def parse_citation_detailed(text: str, grammar: Grammar | None = None) -> tuple[list[SourceParse], list[Publication]]:
    """Sources with per-field confidences, and publications, from one citation (wrapped lines joined)."""
    lex = _lex(grammar or default_grammar())
    clean, mask = clean_text(text)
    body_end = len(clean)
    pubs: list[Publication] = []
    published = _keyword_spans(clean, lex.published, lex.grammar.words("published_keywords"))
    if published:
        body_end, after, _ = published[0]
        pubs = [parse_publication(p, lex.grammar) for p in clean[after:].split(";") if p.strip(" .;։")]
    copies = [c for c in _keyword_spans(clean, lex.copy, lex.grammar.words("copy_keywords")) if c[0] < body_end]
    starts = [0] + [c[0] for c in copies]
    segments: list[tuple[int, int]] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else body_end
        pos = start
        for part in re.finditer(r";", clean[start:end]):
            segments.append((pos, start + part.start()))
            pos = start + part.end()
        segments.append((pos, end))
    sources: list[SourceParse] = []
    for s, e in segments:
        seg = clean[s:e]
        copy = next((c for c in copies if c[0] == s), None)
        if copy:
            seg, s = clean[copy[1]:e], copy[1]
        parsed = _source(seg, mask, s, lex)
        if parsed:
            if copy:
                if parsed.source.form is None:
                    parsed.source.form = "copy"  # "Archival copy from: …" names where a copy is kept
                parsed.confidence = {k: min(v, copy[2]) for k, v in parsed.confidence.items()}
                parsed.source.confidence = min(parsed.confidence.values())
            sources.append(parsed)
    return sources, pubs


def parse_citation(text: str, grammar: Grammar | None = None) -> tuple[list[CitedSource], list[Publication]]:
    """Cited sources and publications named in a citation line (any of the three languages)."""
    sources, pubs = parse_citation_detailed(text, grammar)
    return [s.source for s in sources], pubs


def citation_start(text: str, grammar: Grammar | None = None) -> int | None:
    """Offset where a citation begins in this line, or None.

    A citation is its keyword with a colon ("Source:", "Источник:", "Աղբյուր՝") at the line start,
    possibly OCR-damaged; the keyword without its colon if archival fields follow; the exact keyword
    and colon later in the line; or a line that is plainly a list of fund/inventory/file fields.
    """
    lex = _lex(grammar or default_grammar())
    clean, mask = clean_text(text)
    hits, _first = _fields(clean, mask, 0, lex)
    found = _source_keyword(clean, lex)
    if found and (found[1] or hits):
        return len(clean) - len(clean.lstrip())
    if m := lex.source_anywhere.search(clean):
        return m.start()
    if len({h[0] for h in hits}) >= 3:
        return len(clean) - len(clean.lstrip())
    return None


def breaks_off(previous: str, grammar: Grammar | None = None) -> bool:
    """Whether a line stops mid-sentence or on a keyword awaiting its number ('pp.', 'No.', 'лл.')."""
    lex = _lex(grammar or default_grammar())
    prev, _ = clean_text(previous.strip())
    if not prev.endswith((".", "։", "!", "?")):
        return True
    last = prev.rsplit(None, 1)[-1]
    return bool(match_keyword(last, lex.awaiting, min_fuzzy_len=99)) and not lex.verso.fullmatch(" " + last)


def continues_citation(previous: str, text: str, grammar: Grammar | None = None) -> bool:
    """Whether line `text` still belongs to the citation whose last line so far is `previous`.

    A citation ends a document, so what follows a finished citation is not part of that document.
    It goes on while the previous line breaks off mid-sentence or after a keyword awaiting its number
    ("pp.", "No.", "лл."), or while the new line is more citation: a form ("Typescript."), a
    publication or copy note, archival fields, a bare number.
    """
    lex = _lex(grammar or default_grammar())
    line, mask = clean_text(text.strip().lstrip(SPECKS + " "))  # '‘Published in:' with a speck before it
    if breaks_off(previous, lex.grammar) or re.match(r"[\d–—-]", line):
        return True
    for exact, kind in ((lex.published, "published_keywords"), (lex.copy, "copy_keywords")):
        # 'Pubt-ished in:' — a damaged keyword opening the line still continues the citation
        if exact.match(line) or any(s == 0 for s, _e, _c in _keyword_spans(line, exact, lex.grammar.words(kind))):
            return True
    if _form_at(re.split(r"[.։:]", line, maxsplit=1)[0].strip(" ,;"), lex):
        return True
    hits, _ = _fields(line, mask, 0, lex)
    return bool(hits)


__all__ = [
    "SourceParse",
    "breaks_off",
    "citation_start",
    "continues_citation",
    "format_citation",
    "parse_citation",
    "parse_citation_detailed",
]
