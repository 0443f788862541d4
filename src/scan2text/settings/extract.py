"""Settings of documents and fields: where documents start, and which values are flagged for review."""

from __future__ import annotations

from pydantic import ConfigDict, Field, model_validator

from scan2text.settings.section import Section


class ExtractSettings(Section):
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
