"""Characters a Tesseract model cannot output, put back where the context leaves no doubt.

The `hye` model's character set lacks «և», «№», «—» and the Armenian full stop is often read as
an ASCII colon. Each rule below only fires where the misreading is not itself Armenian:
a lone «ն» is no word (the lone word is «և», "and"), a lone letter before a number is the
number sign, a colon straight after an Armenian letter is the full stop.
"""

from __future__ import annotations

import re

from scan2text.models import Line

_ARMENIAN = "\u0531-\u0587"
_RULES: dict[str, list[tuple[re.Pattern[str], str]]] = {
    "hye": [
        (re.compile(r"^(?:յն|յր|[րյքն]|N[o2º]?)\s*(?=\d)"), "№ "),
        (re.compile(rf"(?<![{_ARMENIAN}])ն(?![{_ARMENIAN}])"), "և"),
        (re.compile(r"(?<=\s)--?(?=\s)"), "—"),
        (re.compile(rf"(?<=[{_ARMENIAN}])\s?:(?=\s|$)"), "։"),
        (re.compile(rf"(?<=[{_ARMENIAN}])[`'](?=\s)"), "՝"),
    ],
}


def restore_text(text: str, lang: str) -> str:
    for pattern, replacement in _RULES.get(lang, []):
        text = pattern.sub(replacement, text)
    return text


def restore_lines(lines: list[Line]) -> list[Line]:
    """Apply the rules of each line's own model to its words and text."""
    restored = []
    for line in lines:
        if line.language not in _RULES:
            restored.append(line)
            continue
        text = restore_text(line.text, line.language)
        if text == line.text:
            restored.append(line)
            continue
        words = [w.model_copy(update={"text": restore_text(w.text, line.language)}) for w in line.words]
        # Rules that look across words («յ 22» → «№ 22», «a -- b» → «a — b») restore the line, not its words:
        # the words take the line's tokens, so every format's words say what its lines say.
        tokens = text.split()
        if len(tokens) == len(words):
            words = [w.model_copy(update={"text": t}) for w, t in zip(words, tokens, strict=True)]
        restored.append(line.model_copy(update={"text": text, "words": words}))
    return restored
