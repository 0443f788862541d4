"""Settings of the reading: models, second passes, noise, coverage, short lines, timeouts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scan2text.settings.section import Section, digest


class OcrSettings(Section):
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
    row_retries: int = Field(
        2, ge=0,
        description="Rows of uncovered ink of one line's height that the block re-reading left mostly unread are "
        "read again each as a single line, at most this many a page (a slanted line at a strip's foot read as "
        "one letter in the block, whole as a line)",
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
    page_number_width: float = Field(
        5.0, ge=0, le=50,
        description="A line at most this many typical line heights wide (about 11 typed characters) read below "
        "page_number_conf, with a page number's shape (dashes at mid-height beside one or two clusters of "
        "glyphs: '- 2 -' read as 'eS'), is read again piece by piece on its own ink; 0 turns this off",
    )
    page_number_conf: float = Field(
        60.0, ge=0, le=100,
        description="Page numbers read below this mean confidence are read again on their own ink (see "
        "page_number_width); real ones read at 14-33, typed lines that read right at 80-96",
    )
    page_number_min_conf: float = Field(
        70.0, ge=0, le=100,
        description="A page number's new reading replaces the old only at this confidence or above, and 10 "
        "points above the old one",
    )
    page_number_model: str = Field(
        "eng",
        description="Second Tesseract model for page numbers' glyphs (digits, Roman numerals), tried where the "
        "page's own model reads one weakly; empty or not installed: the page's model alone. Alone, a '3' reads at "
        "96 in eng against 68 in rus, and hye reads a '2' as 'թ'; eng alone read rus's sure '14' as '414'",
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
        return digest(self.model_dump(mode="json", exclude={"engine", "timeout"}))
