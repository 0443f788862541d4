"""The keywords of a citation line, compiled from the grammar, and found where OCR damaged them.

'Source:' (also 'Svuurce:', 'сточник:'), 'Published in:', 'Archival copy from:' and the field abbreviations
('Fund', 'оп.', 'ց.') come from the grammar; how sure a damaged one is read comes from the run's settings.
`citations.py` reads the fields they mark.
"""

from __future__ import annotations

import re

from scan2text.extract.tolerant import CLEAN, COLONS, match_keyword, norm_key, phrases
from scan2text.grammar import Grammar
from scan2text.settings import ExtractSettings

FIELDS = ("fund", "inventory", "file", "sheet")


class CitationWords:
    """A grammar's citation keywords as lookups and regexes, with the extract settings they are read with."""

    def __init__(self, g: Grammar, settings: ExtractSettings) -> None:
        self.grammar = g
        self.settings = settings
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


# Keyed by grammar and settings; the grammar is kept in its CitationWords, so its id stays unique.
_CACHE: dict[tuple[int, ExtractSettings], CitationWords] = {}


def citation_words(g: Grammar, settings: ExtractSettings) -> CitationWords:
    key = (id(g), settings)
    if key not in _CACHE:
        _CACHE[key] = CitationWords(g, settings)
    return _CACHE[key]


# A keyword at the line start OCR may have broken ('Ис. очник:') before its colon.
_LEADING_WORD = re.compile(rf"\s*(?P<w>[^\W\d_]+(?:[.\s]{{1,2}}[^\W\d_]+){{0,2}})\s*(?P<colon>[{COLONS}]?)")


def source_keyword(text: str, words: CitationWords) -> tuple[int, bool] | None:
    """(end of the damaged 'Source' keyword at the line start, whether a colon follows it), or None."""
    m = _LEADING_WORD.match(text)
    if not m:
        return None
    word = re.sub(r"[.\s]", "", m.group("w"))
    keywords = words.grammar.words("source_keywords")
    cutoff = words.settings.damaged_source_keyword if m.group("colon") else 80.0
    if match_keyword(word, keywords, min_fuzzy_len=5, cutoff=cutoff, settings=words.settings) is None:
        return None
    return m.end(), bool(m.group("colon"))


def strip_source_keyword(text: str, words: CitationWords) -> tuple[str, float]:
    """Text without its leading 'Source:' (also when OCR damaged it: 'сточник:'), and how sure we are."""
    stripped = words.source_kw.sub("", text, count=1)
    if stripped != text:
        return stripped, CLEAN
    found = source_keyword(text, words)
    if found and found[1]:
        return text[found[0]:].lstrip(), words.settings.fuzzy_conf
    return text, CLEAN


def keyword_spans(clean: str, exact: re.Pattern[str], keywords: list[str],
                  settings: ExtractSettings) -> list[tuple[int, int, float]]:
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
            hit = match_keyword(phrase, keywords, min_fuzzy_len=8, cutoff=80, settings=settings)
            if hit:
                spans.append((base + words_before[-n].start(), colon.end(), hit[1]))
                break
    return sorted(spans)
