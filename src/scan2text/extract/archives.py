"""Archive names in citations: a printed name or abbreviation read through OCR damage against the grammar."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from scan2text.extract.tolerant import CLEAN, COLONS, match_keyword, norm_key
from scan2text.grammar import Grammar
from scan2text.settings import ExtractSettings

_BRACKETED = re.compile(r"^(?P<name>.*?)\s*(?P<open>[(“”\"«\[{])(?P<abbr>[^()“”\"«»]+)\)$")


class _Archives:
    def __init__(self, g: Grammar) -> None:
        self.by_key: dict[str, tuple[str, str | None]] = {}
        for arch in g.archives.values():
            for name in arch.names:
                self.by_key[norm_key(name)] = (name, None)
            for a in arch.abbreviations:
                self.by_key[norm_key(a)] = (a, a)
        self.names = [n for arch in g.archives.values() for n in arch.names]
        self.abbreviation_keys = [k for k, (_n, a) in self.by_key.items() if a]
        # full name -> that archive's abbreviations (by key), to check the one printed after it
        self.abbreviations_of = {norm_key(n): {norm_key(a): a for a in arch.abbreviations}
                                 for arch in g.archives.values() for n in arch.names}


_CACHE: dict[int, tuple[Grammar, _Archives]] = {}


def _archives(g: Grammar) -> _Archives:
    if id(g) not in _CACHE:
        _CACHE[id(g)] = (g, _Archives(g))  # the grammar is kept so its id stays unique
    return _CACHE[id(g)][1]


def read_archive(printed: str, grammar: Grammar, settings: ExtractSettings) -> tuple[str | None, str | None, float]:
    """(archive as printed, its abbreviation, confidence); an OCR-damaged known name is restored, flagged.
    How alike a damaged name must be to a known one are the run's settings (`archive_restore_name` …)."""
    lex = _archives(grammar)
    fuzzy = settings.fuzzy_conf
    printed = printed.strip(f" ,.;{COLONS}")
    if not printed:
        return None, None, CLEAN
    m = _BRACKETED.match(printed)
    name, abbr = (m.group("name"), m.group("abbr").strip()) if m else (printed, None)
    known = lex.by_key.get(norm_key(name))
    if m and m.group("open") != "(" and known:
        return f"{name} ({abbr})", abbr, settings.repaired_conf  # 'Archive “RGVA)': the bracket OCR misread
    if known and abbr and norm_key(abbr) not in lex.abbreviations_of.get(norm_key(name), {}):
        # A known name with an abbreviation it does not have: 'Russian State Military Archive (i:GVA)'
        hit = match_keyword(abbr, list(lex.abbreviations_of.get(norm_key(name), {}).values()), min_fuzzy_len=3,
                            cutoff=60, settings=settings)
        if hit:
            return f"{name} ({hit[0]})", hit[0], fuzzy
        return printed, abbr, fuzzy
    if known:
        return printed, abbr or known[1], CLEAN
    best = process.extractOne(name, lex.names, scorer=fuzz.ratio, score_cutoff=settings.archive_restore_name)
    if best:
        canonical = best[0]
        return (f"{canonical} ({abbr})" if abbr else canonical), abbr, fuzzy
    if re.search(r"\d|(?<!\w)\w{1,2}\.", printed):
        return printed, abbr, fuzzy  # a field keyword we could not read ran into the name
    key = norm_key(name)
    if not abbr and len(key) <= settings.short_abbreviation:
        # 'ՀԱՍ' for 'ՀԱԱ': on three letters one wrong is a low ratio, but one edit is still one edit
        close = [k for k in lex.abbreviation_keys if len(k) >= 3 and Levenshtein.distance(k, key) <= 1]
        if len(close) == 1:
            return lex.by_key[close[0]][0], lex.by_key[close[0]][0], fuzzy
    if near := process.extractOne(key, list(lex.by_key), scorer=fuzz.ratio, score_cutoff=settings.archive_near):
        known_abbr = lex.by_key[near[0]][1]
        if known_abbr and not abbr and near[1] >= settings.archive_restore_abbreviation:
            return known_abbr, known_abbr, fuzzy  # 'ЦГИА кА': one letter from a known abbreviation
        return printed, abbr, fuzzy  # 'ЦГИ РА': near a known archive, maybe damaged
    # Not in the grammar: keep it as printed, but a reviewer may want to add it there.
    return printed, abbr, settings.noted_conf
