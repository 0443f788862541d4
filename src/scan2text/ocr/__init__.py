"""OCR stage: the right model per page, a second model for lines it reads badly, confidences kept."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from pydantic import Field

from scan2text.errors import BlankPageError
from scan2text.models import Line, Model, mean_conf
from scan2text.ocr import tesseract
from scan2text.ocr.coverage import read_uncovered
from scan2text.ocr.noise import set_aside_noise
from scan2text.ocr.page_numbers import reread_page_numbers
from scan2text.ocr.restore import restore_lines
from scan2text.ocr.script import (
    LANG_SCRIPT,
    SCRIPT_LANG,
    choose_language,
    detect_script,
    dominant_script,
    script_counts,
    sure_in,
)
from scan2text.ocr.script_model import as_language, better_script_model
from scan2text.ocr.stitch import stitch, words_by_slot
from scan2text.settings import OcrSettings


class OcrResult(Model):
    lines: list[Line]
    language: str
    script: str | None = None
    basis: str = ""
    mean_conf: float = 0.0
    second_pass_lines: int = Field(0, description="Lines re-read with another model")
    reread_rows: int = Field(0, description="Rows of ink no word covered, read again on their own")
    coverage: float | None = Field(None, description="Share of letter-sized ink covered by words read")
    set_aside: list[Line] = Field(default_factory=list, description="Lines taken for stamps, handwriting or specks")
    warnings: list[str] = Field(default_factory=list)
    seconds: float = 0.0


def ocr_page(
    image: np.ndarray, settings: OcrSettings, hint: str | None = None, file: Path | None = None
) -> OcrResult:
    """Read a cleaned page: choose the model, recognise, re-read weak lines with the other models.

    `hint` (with lang 'auto') is the language of the page before it in the same folder: read with it first
    and kept if confident, it saves the script detection on all but a folder's first pages. `file`: the
    page saved as an image file, for the readings of the whole page.
    """
    started = time.perf_counter()
    lang, script, lines, basis = _read_in_language(image, settings, hint, file)
    if not lines:
        raise BlankPageError("no text found on the page (blank or unreadable scan)")
    if mean_word_conf(lines) < settings.script_model_below:
        found = better_script_model(image, lang, settings)
        if found is not None:
            model, why = found
            lines = as_language(tesseract.recognize(image, model, psm=settings.psm, oem=settings.oem, file=file,
                                                    geometry=True), lang)
            basis = f"{basis}; {why}"
    # Page numbers first: read as junk they would be weak lines for the second pass, a reading with two more
    # models for nothing.
    lines, _ = reread_page_numbers(image, lines, lang, settings)
    replaced = 0
    if settings.lang == "auto":
        lines, replaced = second_pass(image, lines, lang, settings)
    lines = restore_lines(lines)
    for line in lines:
        for word in line.words:
            word.flagged = word.conf < settings.low_conf
    mean = mean_word_conf(lines)
    warnings = []
    if settings.lang != "auto" and mean < settings.wrong_lang_conf:
        warnings.extend(language_mismatch(image, settings.lang, mean, settings))
    set_aside: list[Line] = []
    if not warnings:  # a page read in the wrong language is all low-confidence fragments: keep it whole
        kept, set_aside = set_aside_noise(lines, settings)
        lines, set_aside = (kept, set_aside) if kept else (lines, [])
    coverage, rows = None, 0
    if settings.reread_uncovered and not warnings:
        reread = read_uncovered(image, lines, set_aside, lang, settings)
        lines, set_aside, coverage, rows = reread.lines, reread.set_aside, reread.coverage, reread.rows
        for line in lines:
            for word in line.words:
                word.flagged = word.conf < settings.low_conf
    mean = mean_word_conf(lines)
    return OcrResult(lines=lines, language=lang, script=script, basis=basis, mean_conf=round(mean, 2),
                     second_pass_lines=replaced, reread_rows=rows, coverage=coverage, set_aside=set_aside,
                     warnings=warnings, seconds=round(time.perf_counter() - started, 3))


def _read_in_language(
    image: np.ndarray, settings: OcrSettings, hint: str | None, file: Path | None = None
) -> tuple[str, str | None, list[Line], str]:
    """(language, script, lines, how the language was chosen) for the page's main reading."""

    def read(lang: str) -> list[Line]:
        return tesseract.recognize(image, lang, psm=settings.psm, oem=settings.oem, file=file, geometry=True)

    if settings.lang != "auto":
        lang, script = choose_language(image, settings.lang, settings)
        return lang, script, read(lang), "requested"
    if hint is not None and hint in LANG_SCRIPT:
        lines = read(hint)
        # A wrong model reads a page at 20-55 mean confidence, the right one at 66-95 (measured on our pages);
        # a page with stamps and handwriting reads lower in the right model, but its typed words read surely.
        if mean_word_conf(lines) >= settings.hint_accept_conf or sure_in(lines, hint, settings) is not None:
            return hint, LANG_SCRIPT[hint], lines, "folder language confirmed"
        found, _ = detect_script(image, settings=settings)
        if found is None or SCRIPT_LANG.get(found) == hint:
            return hint, LANG_SCRIPT[hint], lines, "script detected" if found else "folder language, no script found"
        lang, script = SCRIPT_LANG[found], found
    else:
        lang, script = choose_language(image, "auto", settings)
    return lang, script, read(lang), "script detected"


def mean_word_conf(lines: list[Line]) -> float:
    """Mean confidence of the words of `lines` (0 when there are none)."""
    return mean_conf([w for line in lines for w in line.words])


def language_mismatch(image: np.ndarray, lang: str, mean_conf: float, settings: OcrSettings) -> list[str]:
    """A page read badly with a fixed language: is it written in another script altogether?

    Only a sure reading by another script's model says so, found as `auto` detects a script but with those models
    alone. The page's own model has just read it weakly, and a page that no model reads surely (faint, tiny,
    damaged) is no evidence of another script: the three-model reading that `auto` falls back on cost 2.2 of
    4.8 s on a page scanned at 38 DPI, for no answer.
    """
    expected = {LANG_SCRIPT.get(code) for code in lang.split("+")}
    others = [code for code in SCRIPT_LANG.values() if LANG_SCRIPT[code] not in expected]
    found, _ = detect_script(image, settings=settings, models=others, all_at_once=False)
    if found is None:
        return []
    return [
        f"page looks {found} but was read with '{lang}' (mean confidence {mean_conf:.0f}); "
        f"re-run with --lang auto or --lang {SCRIPT_LANG[found]}"
    ]


def second_pass(image: np.ndarray, lines: list[Line], lang: str, settings: OcrSettings) -> tuple[list[Line], int]:
    """Re-read low-confidence typed lines with each other model; keep whichever reading is more confident.

    A Russian page may carry an English source line, an Armenian one a Russian stamp. The weak lines are
    stitched into one image and read once by the other models together, not once per line and model.
    """
    typical = float(np.median([line.box.h for line in lines]))
    low, high = settings.second_pass_line_height
    weak = [i for i, line in enumerate(lines) if line.conf < settings.second_pass_conf and line.box.h > 8
            and low * typical <= line.box.h <= high * typical]
    weak = sorted(sorted(weak, key=lambda i: lines[i].conf)[:settings.second_pass_max_lines])
    if not weak:
        return lines, 0
    stitched, slots = stitch(image, [lines[i].box for i in weak], pad=6)
    best = {i: lines[i] for i in weak}
    # One reading with the other models together: Tesseract tries the second only on words the first reads
    # weakly, so it costs less than a reading per model (US despatch: 0.44 s -> 0.3 s of CPU).
    others = "+".join(code for code in SCRIPT_LANG.values() if code != lang)
    reread = tesseract.recognize(stitched, others, psm=6, oem=settings.oem)
    for slot, words in words_by_slot(reread, slots).items():
        script = dominant_script(" ".join(w.text for w in words))
        other = SCRIPT_LANG.get(script or "")
        if other is None or other == lang:
            continue
        candidate = Line.of_words(words, other)
        index = weak[slot]
        # A damaged line reads badly in every model; only a clearly good reading counts as the right script,
        # and only one with letters to show for it: any model reads "-3-", and "РА" is Latin "PA" in Cyrillic.
        if (candidate.conf > best[index].conf + 10 and candidate.conf >= settings.second_pass_min_conf
                and script_counts(candidate.text)[script] >= settings.second_pass_min_letters):
            best[index] = candidate.model_copy(update={"id": lines[index].id})
    replaced = sum(1 for i in weak if best[i] is not lines[i])
    return [best.get(i, line) for i, line in enumerate(lines)], replaced
