"""Citation lines: "Source: <archive>, Fund 200, Inventory 1, File 271, Sheets 213–214. Typescript."

One line may name several sources (split at ";" and at "Archival copy from:"), then the
publications after "Published in:". Keywords come from the grammar and are matched through OCR
damage; each source carries a per-field confidence so a repaired or fuzzy field can be flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from scan2text.extract.tolerant import (
    CLEAN,
    DASH_RE,
    FUZZY,
    REPAIRED,
    clean_text,
    damaged,
    fix_number,
    match_keyword,
    norm_key,
    to_int,
)
from scan2text.grammar import Grammar, default_grammar
from scan2text.models import CitedSource, Publication

FIELDS = ("fund", "inventory", "file", "sheet")
_VALUE = re.compile(rf"\.?\s*(?:№\s*)?(?P<val>(?:[A-ZА-Я]{{1,2}}{DASH_RE})?[0-9OoОоlI|]+[a-zа-я]?)(?!\w)")
_N = r"[0-9OoОоlI|]+"
_SPAN = re.compile(rf"\.?\s*(?P<span>{_N}(?:\s*(?:{DASH_RE}|,|and|и|և)\s*{_N})*)")
_TOKEN = re.compile(r"(?<!\w)[^\W\d_]+")


@dataclass
class SourceParse:
    """A cited source plus how sure we are of each of its fields (0–1)."""

    source: CitedSource
    confidence: dict[str, float] = field(default_factory=dict)


def _phrases(words: list[str], lost_period: bool = False) -> str:
    alts = sorted({re.escape(w).replace(r"\ ", r"\s*") for w in words}, key=len, reverse=True)
    if lost_period:
        alts = [a[:-2] + r"\.?" if a.endswith(r"\.") else a for a in alts]
    return "|".join(alts)


class _Lexicon:
    def __init__(self, g: Grammar) -> None:
        self.grammar = g
        self.keywords = {kind: g.words(kind) for kind in FIELDS}
        self.all_keywords = [w for kind in FIELDS for w in self.keywords[kind]]
        self.kind_of = {norm_key(w): kind for kind in FIELDS for w in self.keywords[kind]}
        self.verso_word: dict[str, str] = {}
        for w in g.words("verso"):
            self.verso_word.setdefault(norm_key(w), w)
        self.verso = re.compile(rf"\s*,?\s*(?P<v>{_phrases(g.words('verso'), lost_period=True)})(?!\w)", re.IGNORECASE)
        colon = r"\s*[:՝։]"
        self.source_kw = re.compile(rf"^\s*(?:{_phrases(g.words('source_keywords'))}){colon}?\s*", re.IGNORECASE)
        self.source_anywhere = re.compile(rf"(?<!\w)(?:{_phrases(g.words('source_keywords'))}){colon}")
        self.published = re.compile(rf"(?:{_phrases(g.words('published_keywords'))}){colon}", re.IGNORECASE)
        self.copy = re.compile(rf"(?:{_phrases(g.words('copy_keywords'))}){colon}", re.IGNORECASE)
        self.doc_number = re.compile(
            rf"(?:{_phrases(g.words('document_number'))})\s*(?:No\.?|№)?\s*(?P<n>\d+[a-zа-я]?)", re.IGNORECASE)
        self.pages = re.compile(rf"(?<!\w)(?:{_phrases(g.words('pages'))})\s*(?P<p>\d+(?:\s*{DASH_RE}\s*\d+)?)")
        self.archive_by_key: dict[str, tuple[str, str | None]] = {}
        for arch in g.archives.values():
            for name in arch.names:
                self.archive_by_key[norm_key(name)] = (name, None)
            for a in arch.abbreviations:
                self.archive_by_key[norm_key(a)] = (a, a)
        self.archive_names = [n for arch in g.archives.values() for n in arch.names]


_LEXICONS: dict[int, _Lexicon] = {}


def _lex(g: Grammar) -> _Lexicon:
    if id(g) not in _LEXICONS:
        _LEXICONS[id(g)] = _Lexicon(g)
    return _LEXICONS[id(g)]


def _archive(printed: str, lex: _Lexicon) -> tuple[str | None, str | None, float]:
    """(archive as printed, its abbreviation, confidence); an OCR-damaged known name is restored."""
    printed = printed.strip(" ,.;:")
    if not printed:
        return None, None, CLEAN
    m = re.match(r"^(?P<name>.*?)\s*\((?P<abbr>[^()]+)\)$", printed)
    name, abbr = (m.group("name"), m.group("abbr").strip()) if m else (printed, None)
    known = lex.archive_by_key.get(norm_key(name))
    if known:
        return printed, abbr or known[1], CLEAN
    best = process.extractOne(name, lex.archive_names, scorer=fuzz.ratio, score_cutoff=85)
    if best:
        canonical = best[0]
        return (f"{canonical} ({abbr})" if abbr else canonical), abbr, FUZZY
    # Not in the grammar: keep it as printed, but a reviewer may want to add it there.
    return printed, abbr, 0.9


Hit = tuple[str, int, int, str, float]


def _fields(seg: str, mask: list[bool], offset: int, lex: _Lexicon) -> tuple[list[Hit], int]:
    """Keyword+value hits in a source segment: (kind, start, end, value, conf); and the first hit start."""
    hits: list[Hit] = []
    first = len(seg)
    for tok in _TOKEN.finditer(seg):
        if hits and tok.start() < hits[-1][2]:
            continue
        val = _VALUE.match(seg, tok.end())
        if not val or not any(ch.isdigit() for ch in val.group("val")):
            continue
        matched = match_keyword(tok.group() + ".", lex.all_keywords, min_fuzzy_len=4)
        if matched is None:
            continue
        kind = lex.kind_of[norm_key(matched[0])]
        conf = matched[1]
        if kind == "sheet":
            hit = _sheets(seg, tok.end(), lex)
            if hit is None:
                continue
            end, printed, sconf = hit
            conf = min(conf, sconf)
        else:
            printed, fixed = fix_number(val.group("val"))
            end = val.end()
            if fixed:
                conf = min(conf, REPAIRED)
        if damaged(mask, offset + tok.start(), offset + end):
            conf = min(conf, REPAIRED)
        hits.append((kind, tok.start(), end, printed, conf))
        first = min(first, tok.start())
    return hits, first


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
    return end, text, conf


def _forms(rest: str, lex: _Lexicon) -> tuple[str | None, float]:
    found: list[str] = []
    conf = CLEAN
    for sentence in re.split(r"[.։:]", rest):
        sentence = sentence.strip(" ,;")
        if not sentence or len(sentence) > 40:
            continue
        hit = match_keyword(sentence, lex.grammar.forms, min_fuzzy_len=5, cutoff=85)
        if hit is None:
            continue
        for form in lex.grammar.forms[norm_key(hit[0])].split(", "):
            if form not in found:
                found.append(form)
        conf = min(conf, hit[1])
    return (", ".join(found) if found else None), conf


def _source(seg: str, mask: list[bool], offset: int, lex: _Lexicon) -> SourceParse | None:
    hits, first = _fields(seg, mask, offset, lex)
    archive_text = lex.source_kw.sub("", seg[:first])
    if not hits and not archive_text.strip(" ,.;:"):
        return None
    archive, abbr, aconf = _archive(archive_text, lex)
    if archive and damaged(mask, offset, offset + first):
        aconf = min(aconf, REPAIRED)
    src = CitedSource(archive=archive, archive_abbr=abbr, text=seg.strip(" ;"))
    conf: dict[str, float] = {"archive": aconf}
    for kind, _start, _end, printed, fconf in hits:
        name = "sheets" if kind == "sheet" else kind
        if getattr(src, name) is not None:
            continue
        setattr(src, name, printed)
        conf[name] = fconf
        if kind == "sheet":
            numbers = [int(n) for n in re.findall(r"\d+", printed)]
            src.sheet_first, src.sheet_last = numbers[0], numbers[-1]
            src.verso = bool(re.search(r"[^\d\s,–]", printed.replace(" and ", " ").replace(" и ", " ")))
    tail = seg[hits[-1][2]:] if hits else ""
    src.form, conf["form"] = _forms(tail, lex)
    src.confidence = min(conf.values())
    return SourceParse(src, conf)


def _publication(text: str, lex: _Lexicon) -> Publication:
    text = text.strip(" ;.։")
    pub = Publication(text=text)
    if m := lex.doc_number.search(text):
        pub.document_number = m.group("n")
    if m := lex.pages.search(text):
        pub.pages = re.sub(rf"\s*{DASH_RE}\s*", "–", m.group("p"))
    years = list(re.finditer(rf"(?<![\d{DASHES_CLASS}])(1[6-9]\d\d|20\d\d)(?![\d{DASHES_CLASS}])", text))
    if years:
        y = years[-1]
        pub.year = int(y.group(1))
        head = text[:y.start()].rstrip(" ,.")
        pm = re.match(r"^(?P<title>.+?)[,.]\s+(?P<place>[A-ZА-ЯԱ-Ֆ][\w-]+)$", head)
        if pm and not any(ch.isdigit() for ch in pm.group("place")):
            pub.title, pub.place = pm.group("title").strip(), pm.group("place")
        else:
            pub.title = head or None
    else:
        pub.title = re.split(r",\s", text)[0] or None
    return pub


DASHES_CLASS = "\\-‐‑‒–—―"


def parse_citation_detailed(text: str, grammar: Grammar | None = None) -> tuple[list[SourceParse], list[Publication]]:
    """Sources with per-field confidences, and publications, from one citation (wrapped lines joined)."""
    lex = _lex(grammar or default_grammar())
    clean, mask = clean_text(text)
    body_end = len(clean)
    pubs: list[Publication] = []
    if m := lex.published.search(clean):
        body_end = m.start()
        pubs = [_publication(p, lex) for p in clean[m.end():].split(";") if p.strip(" .;։")]
    starts = [0] + [m.start() for m in lex.copy.finditer(clean, 0, body_end)]
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
        copy = lex.copy.match(seg.lstrip())
        if copy:
            lead = len(seg) - len(seg.lstrip()) + copy.end()
            seg, s = seg[lead:], s + lead
        parsed = _source(seg, mask, s, lex)
        if parsed:
            sources.append(parsed)
    return sources, pubs


def parse_citation(text: str, grammar: Grammar | None = None) -> tuple[list[CitedSource], list[Publication]]:
    """Cited sources and publications named in a citation line (any of the three languages)."""
    sources, pubs = parse_citation_detailed(text, grammar)
    return [s.source for s in sources], pubs


_FORMAT = {
    "eng": ("Source: ", "Fund", "Inventory", "File", ("Sheet", "Sheets"), "reverse", "."),
    "rus": ("Источник: ", "ф.", "оп.", "д.", ("л.", "лл."), "об.", "."),
    "hye": ("Աղբյուր՝ ", "ֆ.", "ց.", "գ.", ("թ.", "թթ."), "շրջ.", "։"),
}


def format_citation(source: CitedSource, lang: str, keyword: bool = True, grammar: Grammar | None = None) -> str:
    """Print a source the way a publication of `lang` does; `parse_citation` reads it back."""
    if lang not in _FORMAT:
        raise ValueError(f"format_citation: no citation style for language {lang!r}")
    lead, fund, inv, file, (sheet1, sheets), verso, stop = _FORMAT[lang]
    parts = [source.archive or ""]
    for word, value in ((fund, source.fund), (inv, source.inventory), (file, source.file)):
        if value:
            parts.append(f"{word} {value}")
    if source.sheets or source.sheet_first is not None:
        span = source.sheets
        if not span:
            first, last = source.sheet_first, source.sheet_last or source.sheet_first
            span = f"{first}" if first == last else f"{first}–{last}"
            span += f" {verso}" if source.verso else ""
        parts.append(f"{sheets if source.sheet_first != source.sheet_last else sheet1} {span}")
    text = ", ".join(p for p in parts if p) + stop
    if source.form:
        words = (grammar or default_grammar()).languages[lang].forms
        by_form = {}
        for word, form in words.items():
            by_form.setdefault(form, word)
        for form in source.form.split(", "):
            text += f" {by_form.get(form, form).capitalize()}{stop}"
    return (lead if keyword else "") + text


def citation_start(text: str, grammar: Grammar | None = None) -> int | None:
    """Offset where a citation begins in this line, or None.

    A citation is its keyword with a colon ("Source:", "Источник:", "Աղբյուր՝") at the line start,
    possibly OCR-damaged; the keyword without its colon if archival fields follow; the exact keyword
    and colon later in the line; or a line that is plainly a list of fund/inventory/file fields.
    """
    lex = _lex(grammar or default_grammar())
    clean, mask = clean_text(text)
    keywords = lex.grammar.words("source_keywords")
    hits, _first = _fields(clean, mask, 0, lex)
    if m := re.match(r"\s*([^\W\d_]+)\s*([:՝։]?)", clean):
        hit = match_keyword(m.group(1), keywords, min_fuzzy_len=5)
        if hit and (m.group(2) or hits):
            return m.start(1)
    if m := lex.source_anywhere.search(clean):
        return m.start()
    if len({h[0] for h in hits}) >= 3:
        return len(clean) - len(clean.lstrip())
    return None
