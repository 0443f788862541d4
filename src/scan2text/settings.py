"""One settings model for every stage; a run records the settings that produced it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scan2text.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def fingerprint(self) -> str:
        """Short hash of the values, used to key cached stage results."""
        return _digest(self.model_dump(mode="json"))


def _digest(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]


class PreprocessSettings(_Section):
    orientation: bool = True
    deskew: bool = True
    max_skew: float = Field(10.0, gt=0, le=45, description="Largest skew searched, degrees")
    min_skew_drift: float = Field(
        0.5, ge=0, description="A skew whose lines drift less than this across the text, in x-heights, is left as "
        "scanned: Tesseract follows it, and a rotation resamples (blurs) every letter",
    )
    remove_borders: bool = True
    crop_margin: float = Field(2.0, ge=0, description="White margin kept around the text after cropping, in x-heights")
    normalize_light: bool = Field(
        True, description="Flatten the background (uneven light, stains, show-through) and darken faded ink, on "
        "pages whose paper level varies by flatten_min_spread or more"
    )
    flatten_min_spread: float = Field(
        16.0, ge=0, le=255,
        description="Flatten only a page whose paper level varies by this many grey levels or more (uneven light, "
        "stains); an evenly lit page reads better as scanned (measured: real scans 0-11, hard samples 22-39)",
    )
    stroke_width: float = Field(
        0.5, gt=0, description="Widest dark structure kept as ink by the flattening, in x-heights"
    )
    ink_floor: float = Field(
        0.1, ge=0, lt=1,
        description="Ink fainter than this share of the darkest strokes is dropped (show-through, paper grain)"
    )
    binarize: Literal["sauvola", "otsu", "none"] = Field(
        "none", description="'none' hands Tesseract the flattened greyscale page, which it reads best (measured)"
    )
    sauvola_window: int = Field(31, ge=3, description="Odd, in pixels")
    sauvola_k: float = Field(0.2, ge=0, le=1)
    despeckle: bool = True
    rescale: bool = True
    target_xheight: int = Field(
        22, ge=8, le=200,
        description="Larger type is reduced to this x-height in pixels, which Tesseract reads as well and in fewer "
        "pixels (measured)",
    )
    min_xheight: float = Field(
        12.0, ge=1, le=200,
        description="Smaller type is enlarged to this x-height in pixels: Tesseract takes letters under 10 px "
        "(its textord_min_xheight) for noise; larger enlargements only cost time (measured on real pages)",
    )
    keep_size_within: float = Field(
        1.25, ge=1,
        description="Type within this factor of target_xheight keeps its size: resampling blurs every letter "
        "and saves little",
    )
    max_upscale: float | None = Field(
        2.0, ge=1,
        description="Small type is enlarged at most this much (blurred strokes of a 72-96 DPI scan grow with "
        "it); unset: no limit",
    )
    min_scale: float = Field(
        0.2, gt=0, le=1,
        description="Smallest scale factor applied: beyond it the x-height estimate is more likely wrong than the "
        "page that odd",
    )
    max_scale: float = Field(
        5.0, ge=1,
        description="Largest scale factor applied: beyond it the x-height estimate is more likely wrong than the "
        "page that odd",
    )
    small_type_px: float = Field(
        12.0, gt=0,
        description="Letters under this size (original pixels; 72-96 DPI scans) break into fragments that pile up "
        "into a height peak of their own, so the x-height is looked for from 0.6 of the letter size (broken "
        "strokes peak at 0.55) rather than 0.45 (an Armenian line dense with capitals has its x-height at 0.58)",
    )
    channel_gain: float = Field(
        1.25, ge=1,
        description="A colour channel must show the ink this much more strongly than luminance to be read instead "
        "of it (purple carbon on yellowed paper, blue carbon, violet hectograph); a grey scan saved in colour "
        "stays as it was",
    )
    analysis_side: int = Field(
        1200, ge=200,
        description="Long side, in pixels, of the reduced copy the page's geometry is decided on: letters stay "
        "~7-9 px tall on a full page at any scan resolution, enough for 0.05° skew accuracy (measured against "
        "1600: same accuracy, 20% less time)",
    )
    layout_sure: float = Field(
        0.35, gt=0, le=1,
        description="Left-margin share minus right-edge share of the text lines above which the layout alone "
        "settles 'upright' (typescripts are flush left, ragged right), with no reading",
    )
    layout_min_lines: int = Field(
        6, ge=1, description="Fewest text lines on which the layout alone settles 'upright' (see layout_sure)"
    )
    defer_lean: float = Field(
        0.15, ge=0, le=1,
        description="Layout lean that an unsure page's provisional orientation follows when its up/down check is "
        "left to the main reading: the hard samples turned 180°/270° lean -0.29 to -0.37 before they are "
        "turned, upright unsure pages -0.04 to +0.33",
    )
    up_down_min_words: int = Field(
        3, ge=1, description="Fewer words than this read in the strip read both ways settle nothing about up/down"
    )
    flip_margin: float = Field(
        15.0, ge=0, le=100,
        description="Confidence points by which the turned reading of a strip must beat the upright one before an "
        "upright-looking page is turned (upright text reads at 85-95, upside-down at 30-50)",
    )
    hint_weak: float = Field(
        60.0, ge=0, le=100,
        description="Below this best confidence of the strip read both ways, the language hint is taken to be "
        "wrong for the page and the strip is read again with all three models",
    )
    strip_xheight: float = Field(
        20.0, gt=0,
        description="x-height, in pixels, of the strip read both ways for the up/down decision: small enough to be "
        "quick, big enough for a confident reading",
    )
    strip_size: tuple[float, float] = Field(
        (28.0, 9.0),
        description="Largest strip read both ways, (width, height) in x-heights: ~22 letters × 2 lines",
    )
    upright_conf: float = Field(
        65.0, ge=0, le=101,
        description="A page whose up/down check was left to its main reading is confirmed upright when all its "
        "words (set-aside lines included: an upside-down page is mostly 'noise') read at this mean confidence or "
        "above; else a strip is read both ways. Upright pages read at 69-95, upside-down ones at 31-53 (measured); "
        "it sits nearer the upright range: a weak upright page only costs the strip reading, an upside-down page "
        "taken as upright would be lost",
    )
    settle_strip_width: float = Field(
        14.0, gt=0,
        description="Widest strip of the main reading's lines read both ways, in line heights: about two dozen "
        "letters are enough to tell",
    )


class OcrSettings(_Section):
    lang: str = Field(
        "auto", pattern=r"^(auto|[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*)$",
        description="'auto' or a Tesseract language spec such as 'rus' or 'rus+eng'",
    )
    psm: int = Field(4, ge=0, le=13, description="Tesseract page segmentation mode (tesseract --help-psm)")
    oem: int = Field(1, ge=0, le=3, description="Tesseract OCR engine mode (tesseract --help-oem)")
    low_conf: float = Field(
        60.0, ge=0, le=101, description="Words below this confidence are flagged for review (101: every word)"
    )
    second_pass_conf: float = Field(
        55.0, ge=0, le=100,
        description="Lines below this mean confidence get a second model")
    second_pass_min_conf: float = Field(
        75.0, ge=0, le=100,
        description="A weak line's reading by another model replaces it only at this confidence or above: a "
        "damaged line reads badly in every model, only a clearly good reading counts as the right script",
    )
    second_pass_min_letters: int = Field(
        4, ge=0,
        description="... and only with this many letters of the other model's script to show for it: any model "
        "reads '-3-', and 'РА' is Latin 'PA' in Cyrillic",
    )
    second_pass_line_height: tuple[float, float] = Field(
        (0.6, 1.6),
        description="Only lines of a typed line's height (this range × the page's median line height) are re-read "
        "by other models: stamps, signatures and notes run taller",
    )
    second_pass_max_lines: int = Field(
        12, ge=0,
        description="Weak lines re-read by other models per page, the weakest first: on a despatch with stamps "
        "the weak lines made a stitched image of half the page",
    )
    script_model_margin: float = Field(
        5.0, ge=0,
        description="Points of mean word confidence by which the script model must beat the language model on a "
        "sample of the page's lines to be used (see script_models)",
    )
    script_sample_lines: int = Field(
        4, ge=1,
        description="Script detection's first look: this many lines of ordinary height near the middle of the "
        "page; their 50-90 letters decide the script on most pages at 60% of the cost of reading a band",
    )
    script_sample_width: float = Field(
        0.4, gt=0, le=1,
        description="Share of the text width each sampled line is cut to (the cost of all three models on a line "
        "grows with its length)",
    )
    script_sample_min_width: float = Field(
        0.5, ge=0, le=1,
        description="A sampled line is inked across at least this share of the widest line's width: typed lines "
        "run across the text block, a stamp, a signature or a margin note is narrow",
    )
    script_sure_letters: int = Field(
        20, ge=1,
        description="Letters a reading must show to settle the page's script (else a band through the page is read "
        "too): on our pages a wrong first verdict had at most 17 letters and a 57% majority; right ones had at "
        "least 20 letters with an 80% majority",
    )
    script_sure_share: float = Field(
        0.8, gt=0, le=1, description="Share of those letters the leading script must have to settle it (see "
        "script_sure_letters)",
    )
    script_evidence_conf: float = Field(
        60.0, ge=0, le=100,
        description="Words count as evidence of their script when read with this confidence (a stamp or scribble "
        "read as weak fragments in some script is no evidence of it)",
    )
    script_evidence_letters: int = Field(
        3, ge=1, description="... and with this many letters (see script_evidence_conf)"
    )
    script_sure_words: float = Field(
        1 / 3, gt=0, le=1,
        description="A single model's reading counts as evidence of its script when this share of its words are "
        "sure: on our pages a wrong model read at most a fifth surely (and under 20 letters), the right one a "
        "third (a print strip) to all",
    )
    margin_conf: float = Field(
        70.0, ge=0, le=101,
        description="A fragment in the margin beside a typed line (a note) is set aside below this confidence when "
        "its words are mostly not words: it reads weaker than typed words (median 95 on the real pages) but can "
        "reach 60-90 on a letter or two ('CK', 'B'), so the bar is higher than noise_conf for a whole line",
    )
    margin_junk_conf: float = Field(
        40.0, ge=0, le=101,
        description="Below this a fragment outside the typed block is set aside even if it reads like words "
        "('LE hedsvern')",
    )
    typed_block_words: int = Field(
        20, ge=1,
        description="The typed block (whose margins fragments are cut at) is drawn from the words read with "
        "confidence; with fewer than this, no block is drawn and no fragment is cut",
    )
    cover_conf: float = Field(
        40.0, ge=0, le=101,
        description="A word covers ink unless it reads below this confidence and is several lines tall (or lies "
        "in such a weak 'line' spanning two typed lines): Tesseract's boxes around shapes it could not read (a "
        "pair of italic lines read as 'Ագա', conf 2); a weak word of a line's height was read, just badly",
    )
    cover_height: float = Field(
        1.8, gt=0, description="'Several lines tall' for cover_conf, × the page's typical word height"
    )
    row_min_parts: int = Field(
        5, ge=1,
        description="A row of uncovered ink worth re-reading holds this many letter-sized components: a smudged "
        "word inside a read line leaves fewer, a typed line skipped whole leaves dozens",
    )
    row_min_width: float = Field(
        3.0, ge=0, description="... across at least this many line heights (see row_min_parts)"
    )
    row_gap: float = Field(
        3.0, gt=0,
        description="A horizontal gap this many line heights wide splits a row of uncovered ink (a note in the "
        "margin, a stamp)",
    )
    reread_max_rows: int = Field(
        12, ge=0,
        description="At most this many rows of uncovered ink are re-read per page: the budget that keeps a page "
        "of scribbles cheap",
    )
    wrong_lang_conf: float = Field(
        50.0, ge=0, le=100,
        description="With a fixed --lang, a page read below this mean confidence is checked for its script"
    )
    noise_conf: float = Field(
        50.0, ge=0, le=100,
        description="Lines below this mean confidence whose words are mostly fragments (stamps, handwriting, "
        "specks) are set aside from the text; 0 keeps every line",
    )
    short_line_width: float = Field(
        5.0, ge=0, le=50,
        description="A line at most this many typical line heights wide (about 11 typed characters) read below "
        "short_line_conf (a page number '- 2 -' read as 'eS') is read again piece by piece on its own ink; "
        "0 turns this off",
    )
    short_line_conf: float = Field(
        60.0, ge=0, le=100,
        description="Short lines read below this mean confidence are read again on their own ink (see "
        "short_line_width); real page numbers read at 14-33, short typed lines that read right at 80-96",
    )
    short_line_min_conf: float = Field(
        70.0, ge=0, le=100,
        description="A short line's new reading replaces the old only at this confidence or above, and 10 "
        "points above the old one",
    )
    reread_uncovered: bool = Field(
        True,
        description="Read again, on its own, any row of typed-looking ink that no word of the page's reading "
        "covers (a typed line Tesseract's layout took for a picture or a rule); what does not read as text is set "
        "aside with its reason",
    )
    script_models: dict[str, str] = Field(
        {"hye": "Armenian", "rus": "Cyrillic"},
        description="Tesseract's script model tried, per language, on a page its language model reads below "
        "script_model_below; kept only where it reads a sample of the page's lines clearly better (Armenian read "
        "1920s print far better than hye; Latin read English typescripts worse than eng, so it is not tried)",
    )
    script_model_below: float = Field(
        80.0, description="Mean word confidence under which a page's script model is tried (see script_models)"
    )
    hint_accept_conf: float = Field(
        75.0, ge=0, le=100,
        description="With 'auto', a page read with its folder's last language is kept at this mean confidence or "
        "above; below it the page's script is detected (a wrong model reads our pages at 20-55)",
    )
    timeout: float = Field(
        300.0, gt=0,
        description="Seconds one Tesseract reading may take before it is stopped and its page fails (a hung "
        "reading would hold its worker for ever); a typed page takes 1-3 s",
    )
    engine: Literal["pytesseract", "tesserocr"] | None = Field(
        None,
        description="How Tesseract runs: 'pytesseract' starts the tesseract command for each reading; 'tesserocr' "
        "keeps the models loaded in every worker (the extra scan2text[tesserocr]; 7-8% more pages a minute, more "
        "memory). Unset: $SCAN2TEXT_ENGINE, else pytesseract",
    )

    def fingerprint(self) -> str:
        # Both engines run the same Tesseract with the same variables and read the same words, so a finished page
        # stays finished when the engine changes; a page read within its time limit reads the same under another.
        return _digest(self.model_dump(mode="json", exclude={"engine", "timeout"}))


class ExtractSettings(_Section):
    """Thresholds that decide where documents start and which fields are flagged, the confidence levels fields
    are scored on and the cut-offs of fuzzy matching. The grammar's `[evidence]` table weighs page-top evidence;
    these are the rest. Frozen (so hashable): the readers' caches are keyed by it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header_threshold: int = Field(
        3, ge=0,
        description="Score a title candidate needs to start a document (shape, what precedes it, what follows it)",
    )
    header_window: int = Field(8, ge=0, description="Lines after a title searched for its place/date line")
    max_title_length: int = Field(
        110, ge=1, description="A longer line is a sentence, not a title: it scores against a header"
    )
    junk_conf: float = Field(
        65.0, ge=0, le=100,
        description="Below this Tesseract confidence, a word or two in the page's wrong script is a smudge "
        "(stamp, edge shadow): kept in the text, ignored as header context",
    )
    citation_reach: int = Field(
        8, ge=0, description="Lines after a citation's first line where the next document's title is expected"
    )
    max_date_line: int = Field(
        60, ge=1,
        description="A longer line holding a date is a sentence, not the date line of a letter or file header",
    )
    max_damaged_date_line: int = Field(
        48, ge=1,
        description="A longer line is not taken for a place/date line whose date OCR damaged past reading: with "
        "no readable date to anchor it, only a short line of a place, a number and a year-like number is trusted "
        "to be one (shorter than max_date_line, which applies to lines with a readable date)",
    )
    handwriting_conf: float = Field(
        55.0, ge=0, le=100,
        description="A short line below this confidence is a signature scrawl read as letters: not a name",
    )
    flag_below: float = Field(
        0.75, ge=0, le=1,
        description="A field read with lower confidence is flagged for review (by default look-alike repairs, "
        "repaired_conf, and fuzzy keywords, fuzzy_conf, are flagged; a small noted doubt, noted_conf, is not)",
    )
    garbled_fields: int = Field(
        3, ge=1, description="A source with this many fields flagged or missing is flagged as a whole"
    )
    max_signature_lines: int = Field(
        4, ge=0, description="Lines before a citation read as signatories at most"
    )
    # The scale a field's confidence is read on: 1.0 is a value read as printed (the top of the scale, not a
    # setting); a field's confidence is the lowest level met on the way, times a factor for weak OCR.
    noted_conf: float = Field(
        0.9, ge=0, le=1,
        description="Confidence of a value with a doubt too small to flag, above flag_below: a speck standing "
        "for a space or left at a line's end changes no digit, a date's comma lost ('May 3 1920') is "
        "unambiguous, an archive not in the grammar may be real",
    )
    repaired_conf: float = Field(
        0.7, ge=0, le=1,
        description="Confidence of a value read through a repair: look-alike letters of another script, 0/O or "
        "1/l swapped, a speck that could be a digit. Almost surely right, but a human should see it: below "
        "flag_below",
    )
    fuzzy_conf: float = Field(
        0.6, ge=0, le=1,
        description="Confidence of a keyword, month, place or archive recognised only by edit distance, or a "
        "field known only by its place among the others: a guess, flagged",
    )
    damaged_date_conf: float = Field(
        0.3, ge=0, le=1,
        description="Confidence of a date read from a line whose date OCR damaged past reading (a year and month "
        "at most): always flagged, and such a date line adds less to a title's score than a readable one",
    )
    # Fuzzy matching, as rapidfuzz ratios (0-100) of the printed text against the grammar's words.
    archive_restore_name: float = Field(
        85.0, ge=0, le=100,
        description="A name this similar to a known full archive name is given the grammar's spelling (flagged)",
    )
    archive_restore_abbreviation: float = Field(
        80.0, ge=0, le=100,
        description="A name this similar to a known archive abbreviation is read as that abbreviation (flagged): "
        "'ЦГИА кА' is one letter from 'ЦГИА РА'",
    )
    archive_near: float = Field(
        75.0, ge=0, le=100,
        description="A name this similar to a known archive name or abbreviation is taken for a damaged one and "
        "flagged, kept as printed; less similar, it is an archive the grammar does not know (noted_conf)",
    )
    short_abbreviation: int = Field(
        6, ge=0, le=20,
        description="Letters up to which an archive name one edit from a known abbreviation is read as it: on "
        "three letters one wrong letter is a low ratio ('ՀԱՍ' for 'ՀԱԱ'), but one edit is still one edit",
    )
    damaged_source_keyword: float = Field(
        75.0, ge=0, le=100,
        description="How like a source keyword ('Source', 'Источник') a word before a colon at the start of a "
        "line must be for the line to open a citation ('Svuurce:'); without the colon it takes 80",
    )
    rough_fields: int = Field(
        2, ge=1, le=4,
        description="A source line with this many field abbreviations known only through a confusion rough OCR "
        "makes or by their place among the others ('Է.', 'п.') is rough: it misreads digits as readily "
        "('ֆ. 2090' for 'ֆ. 200'), so every number in it is flagged",
    )

    @model_validator(mode="after")
    def _levels_in_order(self) -> ExtractSettings:
        # The readers compare levels ('a date line read, not damaged', 'fields known only roughly'): a scale
        # out of order would not mean what they take it to.
        if not self.damaged_date_conf < self.fuzzy_conf <= self.repaired_conf <= self.noted_conf:
            raise ValueError(
                "confidence levels out of order: need damaged_date_conf < fuzzy_conf <= repaired_conf <= noted_conf"
            )
        return self


class Settings(_Section):
    preprocess: PreprocessSettings = PreprocessSettings()
    ocr: OcrSettings = OcrSettings()
    extract: ExtractSettings = ExtractSettings()
    workers: int = Field(0, ge=0, description="Parallel page workers; 0 means one per core")
    grammar: str | None = Field(
        None, description="A grammar TOML (header shapes, document types, places, evidence weights) merged over the "
        "default one, see src/scan2text/grammar/default.toml",
    )


def coerce_settings(value: Settings | Mapping[str, Any] | str | None) -> Settings:
    """Settings from what a caller has: the model, its dict or its JSON (a deployment's parameters arrive as
    these), or None for the defaults. ConfigError names every value out of range or unknown."""
    if isinstance(value, Settings):
        return value
    try:
        if isinstance(value, str | bytes):
            return Settings.model_validate_json(value)
        return Settings.model_validate(dict(value or {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from None
