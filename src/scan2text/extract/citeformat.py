"""Print a cited source the way a publication in English, Russian or Armenian does (the inverse of
`parse_citation`, used to round-trip structured citations in tests and exports)."""

from __future__ import annotations

from scan2text.grammar import Grammar, default_grammar
from scan2text.models import CitedSource

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
