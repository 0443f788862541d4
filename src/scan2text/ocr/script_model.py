"""A second candidate reader per page: Tesseract's model for the whole script, where it reads better.

Besides the language models (eng, rus, hye) Tesseract has one model per script (`Latin`, `Cyrillic`,
`Armenian`; Debian's tesseract-ocr-script-* packages), trained on many more fonts. On 1920s Armenian print the
script model read far better than `hye`; on typewritten pages they read alike. So it is not chosen by language
but by each page's evidence: on a page its language model reads weakly, a sample of the page's lines is read by
both, and the script model's reading is kept only when it is clearly more confident.
"""

from __future__ import annotations

import numpy as np

from scan2text.models import Line, mean_conf
from scan2text.ocr import tesseract
from scan2text.ocr.script import line_sample
from scan2text.settings import OcrSettings


def _letters_conf(lines: list[Line]) -> float:
    return mean_conf([w for line in lines for w in line.words if any(ch.isalpha() for ch in w.text)])


def better_script_model(image: np.ndarray, lang: str, settings: OcrSettings) -> tuple[str, str] | None:
    """(script model, why) when `lang`'s script model (settings.script_models) reads a sample of the page clearly
    better (by settings.script_model_margin); else None."""
    model = settings.script_models.get(lang)
    if model is None or model not in tesseract.installed():
        return None
    sample = line_sample(image, settings)
    if sample is None:
        return None
    own = _letters_conf(tesseract.recognize(sample, lang, psm=6))
    other = _letters_conf(tesseract.recognize(sample, model, psm=6))
    if other < own + settings.script_model_margin:
        return None
    return model, f"read with the {model} script model (a sample of its lines: {other:.0f} against {lang} {own:.0f})"


def as_language(lines: list[Line], lang: str) -> list[Line]:
    """Lines read by a script model, labelled with the page's language as every later stage expects."""
    return [line.model_copy(update={"language": lang}) for line in lines]
