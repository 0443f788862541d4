"""Citation lines: "Source: <archive>, Fund 200, Inventory 1, File 271, Sheets 213–214. Typescript."

One line may name several sources (split at ";" and at "Archival copy from:"), then the
publications after "Published in:". Keywords come from the grammar and are matched through OCR
damage (`citation_words.py`); each source carries a per-field confidence so a repaired or fuzzy field can
be flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scan2text.extract.archives import read_archive
from scan2text.extract.citation_words import (
    FIELDS,
    CitationWords,
    citation_words,
    keyword_spans,
    source_keyword,
    strip_source_keyword,
)
from scan2text.extract.citeformat import format_citation
from scan2text.extract.publications import parse_publication
from scan2text.extract.tolerant import (
    CLEAN,
    DASH_RE,
    SPECKS,
    clean_text,
    damaged,
    fix_number,
    match_keyword,
    norm_key,
    to_int,
)
from scan2text.grammar import Grammar, default_grammar
from scan2text.models import CitedSource, Publication
from scan2text.settings import ExtractSettings

_DEFAULTS = ExtractSettings()
_VALUE = re.compile(rf"\.?\s*(?:№\s*)?[(\[]?(?P<val>(?:[A-ZА-Я]{{1,2}}{DASH_RE})?[0-9OoОоlIiі|]+[a-zа-я]?)(?!\w)")
_N = r"[0-9OoОоlIiі|]+"
_SPAN = re.compile(rf"\.?\s*(?P<span>{_N}(?:\s*(?:{DASH_RE}|,|and|и|և)\s*{_N})*)")
_TOKEN = re.compile(r"(?<!\w)[^\W\d_]+")


@dataclass
class SourceParse:
    """A cited source plus how sure we are of each of its fields (0–1)."""

    source: CitedSource
    confidence: dict[str, float] = field(default_factory=dict)


Hit = tuple[str, int, int, str, float]


def _fields(seg: str, mask: list[bool], offset: int, lex: CitationWords) -> tuple[list[Hit], int]:
    """Keyword+value hits in a source segment: (kind, start, end, value, conf); and the first hit start.

    A short abbreviation OCR made unreadable ('Фф. 200', 'дц. 271', 'пл. 213') is still a field: the
    fields come in a fixed order (fund, inventory, file, sheets), so its place among the readable
    ones says which it is. Such a field is read with low confidence, so it is flagged.
    """
    repaired, fuzzy = lex.settings.repaired_conf, lex.settings.fuzzy_conf
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
        matched = match_keyword(tok.group() + ".", lex.all_keywords, min_fuzzy_len=4, settings=lex.settings)
        if confused is not None and has_digit and (matched is None or matched[1] < CLEAN or tok_end > tok.end()):
            # 'Է. 17' for 'ց. 1', 'Թ- 50' for 'թ. 50': an abbreviation rough OCR is known to make of another
            cands.append((confused, tok.start(), tok_end, fuzzy, val))
            continue
        if matched is not None:
            if not has_digit and (matched[1] < CLEAN or len(val.group("val")) > 2
                                  or fix_number(val.group("val"))[0] == val.group("val")):
                continue  # 'Fund l' is fund 1 after an exact keyword; 'sheet of' is no number
            cands.append((lex.kind_of[norm_key(matched[0])], tok.start(), tok.end(), matched[1], val))
        elif has_digit and len(tok.group()) <= 3 and seg.startswith(".", tok.end()):
            cands.append((None, tok.start(), tok.end(), fuzzy, val))
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
                conf = min(conf, repaired)
        if damaged(mask, offset + start, offset + end):
            conf = min(conf, repaired)
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


def _sheets(seg: str, pos: int, lex: CitationWords) -> tuple[int, str, float] | None:
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
            conf = lex.settings.repaired_conf
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
        conf = min(conf, lex.settings.fuzzy_conf)  # '5–.': the end of the span was lost
    return end, text, conf


def _form_at(sentence: str, lex: CitationWords) -> tuple[str, float] | None:
    """The form a sentence names ('Typescript', 'Certified copy'); also at the start of a run-on
    sentence whose period OCR lost ('Typescript Copies sent to …'), then with a repair confidence."""
    if not sentence:
        return None
    forms, settings = lex.grammar.forms, lex.settings
    if len(sentence) <= 40 and (hit := match_keyword(sentence, forms, min_fuzzy_len=5, cutoff=85, settings=settings)):
        return hit
    words = sentence.split()
    for n in (2, 1):
        if len(words) > n and (hit := match_keyword(" ".join(words[:n]), forms, min_fuzzy_len=99, settings=settings)):
            return hit[0], min(hit[1], settings.repaired_conf)
    return None


def _forms(rest: str, lex: CitationWords) -> tuple[str | None, float]:
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


def _source(seg: str, mask: list[bool], offset: int, lex: CitationWords) -> SourceParse | None:
    hits, first = _fields(seg, mask, offset, lex)
    archive_text, kw_conf = strip_source_keyword(seg[:first], lex)
    if not hits and not archive_text.strip(" ,.;:"):
        return None
    archive, abbr, aconf = read_archive(archive_text, lex.grammar, lex.settings)
    aconf = min(aconf, kw_conf)
    fuzzy = lex.settings.fuzzy_conf
    if archive and damaged(mask, offset, offset + first):
        aconf = min(aconf, lex.settings.repaired_conf)
    src = CitedSource(archive=archive, archive_abbr=abbr, text=seg.strip(" ;"))
    conf: dict[str, float] = {"archive": aconf}
    for kind, _start, _end, printed, fconf in hits:
        name = "sheets" if kind == "sheet" else kind
        if getattr(src, name) is not None:
            # A second fund/file in one source: a separator or keyword between two sources was lost.
            conf = {k: min(v, fuzzy) for k, v in conf.items()} | {"repeated": fuzzy}
            continue
        setattr(src, name, printed)
        conf[name] = fconf
        if kind == "sheet":
            numbers = [int(n) for n in re.findall(r"\d+", printed)]
            src.sheet_first, src.sheet_last = numbers[0], numbers[-1]
            src.verso = bool(re.search(r"[^\d\s,–]", printed.replace(" and ", " ").replace(" и ", " ")))
    if sum(c <= fuzzy for *_, c in hits) >= lex.settings.rough_fields:
        # Two abbreviations known only by a confusion or their place ('Է.', 'п.'), not by a look-alike letter
        # ('2O0'): a line this rough misreads digits as readily ('ֆ. 2090' for 'ֆ. 200'), so none of its
        # numbers goes unflagged.
        for name in ("fund", "inventory", "file", "sheets"):
            if name in conf:
                conf[name] = min(conf[name], fuzzy)
    tail = seg[hits[-1][2]:] if hits else ""
    src.form, form_conf = _forms(tail, lex)
    conf["form"] = min(form_conf, conf.pop("repeated", CLEAN))
    src.confidence = min(conf.values())
    return SourceParse(src, conf)


def parse_citation_detailed(text: str, grammar: Grammar | None = None, settings: ExtractSettings | None = None,
                            ) -> tuple[list[SourceParse], list[Publication]]:
    """Sources with per-field confidences, and publications, from one citation (wrapped lines joined), read
    with the run's extract settings (default ExtractSettings())."""
    lex = citation_words(grammar or default_grammar(), settings or _DEFAULTS)
    clean, mask = clean_text(text)
    body_end = len(clean)
    pubs: list[Publication] = []
    published = keyword_spans(clean, lex.published, lex.grammar.words("published_keywords"), lex.settings)
    if published:
        body_end, after, _ = published[0]
        pubs = [parse_publication(p, lex.grammar) for p in clean[after:].split(";") if p.strip(" .;։")]
    copies = [c for c in keyword_spans(clean, lex.copy, lex.grammar.words("copy_keywords"), lex.settings)
              if c[0] < body_end]
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


def parse_citation(text: str, grammar: Grammar | None = None, settings: ExtractSettings | None = None,
                   ) -> tuple[list[CitedSource], list[Publication]]:
    """Cited sources and publications named in a citation line (any of the three languages)."""
    sources, pubs = parse_citation_detailed(text, grammar, settings)
    return [s.source for s in sources], pubs


def citation_start(text: str, grammar: Grammar | None = None, settings: ExtractSettings | None = None) -> int | None:
    """Offset where a citation begins in this line, or None.

    A citation is its keyword with a colon ("Source:", "Источник:", "Աղբյուր՝") at the line start,
    possibly OCR-damaged; the keyword without its colon if archival fields follow; the exact keyword
    and colon later in the line; or a line that is plainly a list of fund/inventory/file fields.
    """
    lex = citation_words(grammar or default_grammar(), settings or _DEFAULTS)
    clean, mask = clean_text(text)
    hits, _first = _fields(clean, mask, 0, lex)
    found = source_keyword(clean, lex)
    if found and (found[1] or hits):
        return len(clean) - len(clean.lstrip())
    if m := lex.source_anywhere.search(clean):
        return m.start()
    if len({h[0] for h in hits}) >= 3:
        return len(clean) - len(clean.lstrip())
    return None


def breaks_off(previous: str, grammar: Grammar | None = None) -> bool:
    """Whether a line stops mid-sentence or on a keyword awaiting its number ('pp.', 'No.', 'лл.')."""
    lex = citation_words(grammar or default_grammar(), _DEFAULTS)  # only whether a keyword matches counts
    prev, _ = clean_text(previous.strip())
    if not prev.endswith((".", "։", "!", "?")):
        return True
    last = prev.rsplit(None, 1)[-1]
    return bool(match_keyword(last, lex.awaiting, min_fuzzy_len=99)) and not lex.verso.fullmatch(" " + last)


def continues_citation(previous: str, text: str, grammar: Grammar | None = None,
                       settings: ExtractSettings | None = None) -> bool:
    """Whether line `text` still belongs to the citation whose last line so far is `previous`.

    A citation ends a document, so what follows a finished citation is not part of that document.
    It goes on while the previous line breaks off mid-sentence or after a keyword awaiting its number
    ("pp.", "No.", "лл."), or while the new line is more citation: a form ("Typescript."), a
    publication or copy note, archival fields, a bare number.
    """
    lex = citation_words(grammar or default_grammar(), settings or _DEFAULTS)
    line, mask = clean_text(text.strip().lstrip(SPECKS + " "))  # '‘Published in:' with a speck before it
    if breaks_off(previous, lex.grammar) or re.match(r"[\d–—-]", line):
        return True
    for exact, kind in ((lex.published, "published_keywords"), (lex.copy, "copy_keywords")):
        # 'Pubt-ished in:' — a damaged keyword opening the line still continues the citation
        if exact.match(line) or any(
                s == 0 for s, _e, _c in keyword_spans(line, exact, lex.grammar.words(kind), lex.settings)):
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
