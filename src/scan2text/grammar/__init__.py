"""The header/citation grammar as data: load `default.toml`, merge a user TOML over it.

The segmenter and the extractors never hard-code a keyword; they ask a `Grammar`.
"""

from __future__ import annotations

import tomllib
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

DEFAULT_PATH = Path(__file__).with_name("default.toml")


class GrammarError(ValueError):
    """A grammar file could not be read or does not have the expected shape."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageGrammar(_Model):
    script: str
    doc_types: dict[str, str] = {}
    addressee_prefixes: list[str] = []
    subject_prefixes: list[str] = []
    subject_suffixes: list[str] = []
    dative_endings: list[str] = []
    number_prefixes: list[str] = []
    date_qualifiers: list[str] = []
    old_style_markers: list[str] = []
    new_style_markers: list[str] = []
    year_suffixes: list[str] = []
    source_keywords: list[str] = []
    published_keywords: list[str] = []
    copy_keywords: list[str] = []
    fund: list[str] = []
    inventory: list[str] = []
    file: list[str] = []
    sheet: list[str] = []
    verso: list[str] = []
    document_number: list[str] = []
    pages: list[str] = []
    forms: dict[str, str] = {}
    # Document shapes of archive files (letters, despatches, testimonies): see `extract/shapes.py`.
    letterheads: dict[str, str] = {}
    type_cues: dict[str, str] = {}
    subject_labels: list[str] = []
    addressee_openings: list[str] = []
    salutations: list[str] = []
    closings: list[str] = []
    continuation_words: list[str] = []
    abbreviation_confusions: dict[str, str] = {}


class Evidence(_Model):
    """How much each sign that a document starts at a page top weighs; a start is made at `start`,
    and made but flagged for review at `weak` and above."""

    letterhead: int = 2
    number_date: int = 3
    date_line: int = 2
    doc_type: int = 2
    subject: int = 1
    addressee: int = 1
    salutation: int = 2
    closing_before: int = 2
    new_file: int = 2
    continuation: int = -4
    start: int = 4
    weak: int = 2
    header_lines: int = 24
    max_unheaded_pages: int = 4


class Places(_Model):
    names: list[str] = []


class Archive(_Model):
    names: list[str] = []
    abbreviations: list[str] = []


class Grammar(BaseModel):
    """Every word list the segmenter and extractors use, keyed by Tesseract language code."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    languages: dict[str, LanguageGrammar]
    months: dict[str, int] = {}
    places: Places = Places()
    archives: dict[str, Archive] = {}
    evidence: Evidence = Evidence()

    @cached_property
    def doc_types(self) -> dict[str, str]:
        """Lower-case type word (any language) -> English doc_type."""
        return {w.lower(): t for lg in self.languages.values() for w, t in lg.doc_types.items()}

    @cached_property
    def month_words(self) -> dict[str, int]:
        return {w.lower(): m for w, m in self.months.items()}

    @cached_property
    def forms(self) -> dict[str, str]:
        return {w.lower(): f for lg in self.languages.values() for w, f in lg.forms.items()}

    @cached_property
    def letterheads(self) -> dict[str, str]:
        return {w.lower(): t for lg in self.languages.values() for w, t in lg.letterheads.items()}

    @cached_property
    def type_cues(self) -> dict[str, str]:
        return {w.lower(): t for lg in self.languages.values() for w, t in lg.type_cues.items()}

    @cached_property
    def confusions(self) -> dict[str, str]:
        """An abbreviation as rough OCR prints it ('Է.') -> the one it stands for ('ց.')."""
        return {w: t for lg in self.languages.values() for w, t in lg.abbreviation_confusions.items()}

    def words(self, key: str) -> list[str]:
        """One keyword list (e.g. 'fund') over every language, longest first so phrases win."""
        seen: dict[str, None] = {}
        for lg in self.languages.values():
            for w in getattr(lg, key):
                seen.setdefault(w, None)
        return sorted(seen, key=len, reverse=True)

    def for_script(self, script: str) -> list[LanguageGrammar]:
        return [lg for lg in self.languages.values() if lg.script == script]

    def language_of_script(self, script: str) -> str | None:
        for code, lg in self.languages.items():
            if lg.script == script:
                return code
        return None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        else:
            out[key] = value
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise GrammarError(f"{path}: cannot read grammar ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise GrammarError(f"{path}: not valid TOML ({exc})") from exc


def _build(data: dict[str, Any], path: Path | str) -> Grammar:
    try:
        return Grammar.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise GrammarError(f"{path}: bad grammar entry '{where}': {first['msg']}") from exc


@lru_cache(maxsize=1)
def default_grammar() -> Grammar:
    return _build(_read(DEFAULT_PATH), DEFAULT_PATH)


def load_grammar(path: str | Path | None = None) -> Grammar:
    """The default grammar, or a user TOML merged over it (or replacing it with `extends = false`)."""
    if path is None:
        return default_grammar()
    return grammar_from_text(read_grammar_text(path), str(path))


def read_grammar_text(path: str | Path) -> str:
    """A user grammar file's text: what a run keeps, so that its documents can be rebuilt with it later."""
    path = Path(path)
    try:
        return path.read_bytes().decode("utf-8")  # as tomllib reads a file: line ends kept
    except OSError as exc:
        raise GrammarError(f"{path}: cannot read grammar ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise GrammarError(f"{path}: not UTF-8 text ({exc.reason})") from exc


@lru_cache(maxsize=16)
def grammar_from_text(text: str, origin: str = "grammar") -> Grammar:
    """A user grammar's TOML text merged over the default (or replacing it with `extends = false`); `origin`
    names it in errors. The same text gives the same Grammar, so the readers' caches (keyed by grammar) do not
    grow when a store's grammar is read again for every correction."""
    try:
        user = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GrammarError(f"{origin}: not valid TOML ({exc})") from exc
    extends = user.pop("extends", True)
    if not isinstance(extends, bool):
        raise GrammarError(f"{origin}: 'extends' must be true or false")
    data = _merge(_read(DEFAULT_PATH), user) if extends else user
    return _build(data, origin)


__all__ = ["Archive", "Evidence", "Grammar", "GrammarError", "LanguageGrammar", "Places", "default_grammar",
           "grammar_from_text", "load_grammar", "read_grammar_text"]
