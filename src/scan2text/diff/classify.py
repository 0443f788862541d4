"""Name the kind of each edit, so a report can say "12 of the 40 errors are Cyrillic/Latin look-alikes".

A look-alike substitution (Cyrillic "с" read as Latin "c", Armenian "։" typed as ":") is invisible on
screen and survives every spell-checker, yet breaks search and sorting; those get their own classes.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Every class a single edit can fall into, with the wording reports use.
ERROR_CLASSES: dict[str, str] = {
    "cyrillic_latin": "Cyrillic/Latin look-alike",
    "armenian_latin": "Armenian/Latin look-alike letter",
    "armenian_punctuation": "Armenian punctuation vs ASCII look-alike (։ vs :)",
    "digit_letter": "digit/letter look-alike (0/O, 3/З)",
    "case": "upper/lower case only",
    "diacritic": "accent or diacritic only (е/ё, и/й)",
    "whitespace": "space",
    "line_break": "line break",
    "punctuation": "punctuation",
    "other": "other character",
}

_CYRILLIC_LATIN = [
    ("а", "a"), ("е", "e"), ("ё", "ë"), ("о", "o"), ("р", "p"), ("с", "c"), ("у", "y"), ("х", "x"),
    ("і", "i"), ("ї", "ï"), ("ј", "j"), ("ѕ", "s"), ("һ", "h"), ("ԁ", "d"), ("ԛ", "q"), ("ԝ", "w"),
    ("к", "k"), ("ь", "b"), ("п", "n"),
    ("А", "A"), ("В", "B"), ("Е", "E"), ("Ё", "Ë"), ("К", "K"), ("М", "M"), ("Н", "H"), ("О", "O"),
    ("Р", "P"), ("С", "C"), ("Т", "T"), ("У", "Y"), ("Х", "X"), ("І", "I"), ("Ј", "J"), ("Ѕ", "S"),
    ("Ԛ", "Q"), ("Ԝ", "W"),
]  # fmt: skip

_ARMENIAN_LATIN = [
    ("օ", "o"), ("Օ", "O"), ("ս", "u"), ("Ս", "U"), ("հ", "h"), ("ո", "n"), ("ց", "g"), ("զ", "q"),
    ("լ", "l"), ("Լ", "L"),
]  # fmt: skip

_ARMENIAN_PUNCTUATION = [
    ("։", ":"),  # full stop (verjaket) vs colon
    ("։", "."),
    ("․", "."),  # U+2024 one dot leader, used as the Armenian mijaket
    ("՝", "`"),  # comma (but)
    ("՝", "'"),
    ("՛", "'"),  # emphasis mark (shesht)
    ("՚", "'"),  # apostrophe
    ("՞", "?"),  # question mark (hartsakan)
    ("՜", "!"),  # exclamation mark (batsakanchakan)
    ("֊", "-"),  # hyphen (yentamna)
]

_DIGIT_LETTER = [
    ("0", "O"), ("0", "o"), ("0", "О"), ("0", "о"), ("1", "l"), ("1", "I"), ("1", "І"), ("1", "i"),
    ("3", "З"), ("3", "з"), ("5", "S"), ("6", "б"), ("8", "B"), ("8", "В"), ("4", "Ч"),
]  # fmt: skip


def _symmetric(pairs: list[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    return frozenset(pairs) | frozenset((b, a) for a, b in pairs)


_TABLES: list[tuple[str, frozenset[tuple[str, str]]]] = [
    ("cyrillic_latin", _symmetric(_CYRILLIC_LATIN)),
    ("armenian_latin", _symmetric(_ARMENIAN_LATIN)),
    ("armenian_punctuation", _symmetric(_ARMENIAN_PUNCTUATION)),
    ("digit_letter", _symmetric(_DIGIT_LETTER)),
]


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return ""


def _strip_marks(cluster: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", cluster) if not unicodedata.combining(c))


def _is_punct(cluster: str) -> bool:
    return bool(cluster) and all(unicodedata.category(c)[0] in "PS" for c in cluster)


def _insdel_class(cluster: str) -> str:
    if cluster == "\n":
        return "line_break"
    if cluster.isspace():
        return "whitespace"
    if _is_punct(cluster):
        return "punctuation"
    return "other"


@lru_cache(maxsize=16384)
def classify_substitution(ref: str, hyp: str) -> str:
    """Error class of the reference grapheme `ref` read as `hyp`."""
    for name, table in _TABLES:
        if (ref, hyp) in table:
            return name
    # a capital Cyrillic letter read as a small Latin one is still a look-alike first, a case error second
    if _script(ref[:1]) != _script(hyp[:1]):
        for name, table in _TABLES[:2]:
            if (ref.lower(), hyp.lower()) in table or (ref.upper(), hyp.upper()) in table:
                return name
    if "\n" in (ref, hyp):
        return "line_break"
    if ref.isspace() and hyp.isspace():
        return "whitespace"
    if ref.casefold() == hyp.casefold():
        return "case"
    if _strip_marks(ref) == _strip_marks(hyp) or _strip_marks(ref).casefold() == _strip_marks(hyp).casefold():
        return "diacritic"
    if _is_punct(ref) and _is_punct(hyp):
        return "punctuation"
    return "other"


def classify_edit(tag: str, ref: str, hyp: str) -> str:
    """Error class of one edit: `tag` is replace/insert/delete, `ref`/`hyp` the graphemes involved."""
    if tag == "replace":
        return classify_substitution(ref, hyp)
    if tag == "insert":
        return _insdel_class(hyp)
    if tag == "delete":
        return _insdel_class(ref)
    raise ValueError(f"not an edit: {tag!r}")
