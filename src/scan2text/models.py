"""The one neutral model every stage reads and writes: pages, lines, words, records.

Stages pass these objects along; every output format (page JSON, records.jsonl, the
SQLite store, PAGE-XML, ALTO, hOCR) is a view of them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Box(Model):
    """An axis-aligned box in pixels of the cleaned image (see `Page.to_original`)."""

    x: int
    y: int
    w: int
    h: int

    @property
    def x2(self) -> int:
        return self.x + self.w

    @property
    def y2(self) -> int:
        return self.y + self.h

    @classmethod
    def union(cls, boxes: list[Box]) -> Box:
        x = min(b.x for b in boxes)
        y = min(b.y for b in boxes)
        return cls(x=x, y=y, w=max(b.x2 for b in boxes) - x, h=max(b.y2 for b in boxes) - y)


class SheetRef(Model):
    """Where a scanned page sits in the archive: fund/inventory/file and the sheet number."""

    archive: str | None = None
    fund: str | None = None
    inventory: str | None = None
    file: str | None = None
    sheet: int | None = None
    verso: bool = False

    @property
    def label(self) -> str:
        """Sheet number as archivists write it: `213`, `213v`."""
        if self.sheet is None:
            return ""
        return f"{self.sheet}{'v' if self.verso else ''}"


class Word(Model):
    text: str
    box: Box
    conf: float = Field(description="Tesseract word confidence, 0-100")
    flagged: bool = Field(False, description="Below the review threshold")


def mean_conf(words: list[Word]) -> float:
    """Mean confidence of `words`, 0 when there are none: the one measure of how surely a reading went."""
    return sum(w.conf for w in words) / len(words) if words else 0.0


class Line(Model):
    id: str = Field(description="Stable within the page, e.g. 'l0007'")
    text: str
    box: Box
    conf: float = Field(description="Mean word confidence, 0-100")
    language: str = Field(description="Tesseract model that produced the line, e.g. 'rus'")
    words: list[Word] = []
    reason: str | None = Field(None, description="Why the line was set aside, or read again after the main reading")
    # Tesseract's own geometry of the line, from the main reading; lines made later (re-reads, second passes)
    # have none. Cleaned-image pixels, like the box.
    baseline: tuple[float, float, float, float] | None = Field(
        None, description="Baseline from the line's left to its right edge: x1, y1, x2, y2 (Tesseract's)"
    )
    x_size: float | None = Field(None, description="Row height, ascenders to descenders (Tesseract's estimate)")
    x_height: float | None = Field(None, description="Height of the lower-case letters (Tesseract's estimate)")
    x_descenders: float | None = Field(None, description="Depth of descenders below the baseline")
    block: int | None = Field(None, description="Tesseract's text block of the line, 1-based")

    @classmethod
    def of_words(cls, words: list[Word], language: str, id: str = "") -> Line:
        """The line these words make, in the order given: their text, the box around them, their mean confidence."""
        return cls(id=id, text=" ".join(w.text for w in words), box=Box.union([w.box for w in words]),
                   conf=round(sum(w.conf for w in words) / len(words), 2), language=language, words=words)


class OrientationResult(Model):
    angle: int = Field(0, description="Clockwise degrees the page was turned to be upright: 0/90/180/270")
    confidence: float = 0.0
    method: str = "none"


class PreprocessReport(Model):
    """What the preprocess stage did to a page, recorded in the page JSON."""

    steps: list[str] = []
    orientation: OrientationResult = OrientationResult()
    skew_angle: float = Field(
        0.0, description="Skew measured, degrees counter-clockwise +; the page is turned by it unless its lines drift "
        "less than min_skew_drift (see steps)",
    )
    scale: float = 1.0
    crop: Box | None = Field(None, description="Region of the upright, deskewed page kept after border removal")
    to_original: list[list[float]] = Field(
        default_factory=lambda: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
        description="2x3 affine matrix mapping cleaned-image pixels back to the original image",
    )
    seconds: float = 0.0


class Page(Model):
    """One page of the batch after OCR."""

    id: str = Field(description="Stable page id: relative path without suffix, plus '#p<n>' for multi-page files")
    image: str = Field(description="Source image path relative to the input folder")
    frame: int = Field(0, description="Page index inside a multi-page TIFF or PDF")
    sheet: SheetRef | None = None
    width: int = 0
    height: int = 0
    cleaned_image: str | None = Field(None, description="Cleaned image path relative to the output folder")
    preprocessing: PreprocessReport = PreprocessReport()
    language: str = ""
    script: str = ""
    language_basis: str = Field(
        "",
        description="How the language was chosen: 'requested', 'script detected', 'folder language confirmed' (the "
        "language of the folder's last page, read with confidence), or 'folder language, no script found'",
    )
    lines: list[Line] = []
    set_aside: list[Line] = Field(
        default_factory=list, description="Lines read as stamps, handwriting or specks: kept for review, not in text"
    )
    mean_conf: float = 0.0
    coverage: float | None = Field(
        None, description="Share of the letter-sized ink covered by words read (set-aside lines included)"
    )
    ocr_seconds: float = 0.0
    warnings: list[str] = Field(default_factory=list, description="Problems a reviewer should know of")
    cache_key: str | None = Field(
        None, description="What the page was read from and with (bytes, frame, settings): a re-run that finds this "
        "page's JSON under the same key reuses it"
    )

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class CitedSource(Model):
    """One archival source named in a citation line ("Source: …, Fund 200, …")."""

    archive: str | None = None
    archive_abbr: str | None = None
    fund: str | None = None
    inventory: str | None = None
    file: str | None = None
    sheets: str | None = Field(None, description="As printed: '213–214', '8 reverse', '230 об.'")
    sheet_first: int | None = None
    sheet_last: int | None = None
    verso: bool = False
    form: str | None = Field(None, description="typescript, original, certified copy, copy, draft …")
    text: str = Field("", description="The source as printed")
    confidence: float = 1.0


class Publication(Model):
    text: str
    title: str | None = None
    place: str | None = None
    year: int | None = None
    document_number: str | None = None
    pages: str | None = None


class RecordPage(Model):
    page_id: str
    image: str = Field(description="Image path relative to the input folder")
    frame: int = 0
    sheet: SheetRef | None = None


class Record(Model):
    """One document found in the page stream: what records.jsonl holds, one per line."""

    id: str
    doc_type: str | None = Field(None, description="telegram, note, letter, order … (English, lower case)")
    title: str | None = None
    language: str = ""
    date: str | None = Field(None, description="ISO 8601; a range as 'YYYY-MM-DD/YYYY-MM-DD'")
    date_text: str | None = None
    place: str | None = None
    number: str | None = Field(None, description="The document's own outgoing number: '2800' from 'No. 2800'")
    collection_number: str | None = Field(None, description="Number in the published collection: '314' from '№ 314'")
    sender: str | None = None
    addressee: str | None = None
    subject: str | None = None
    text: str = ""
    signatories: list[str] = []
    pages: list[RecordPage] = []
    sheets: str | None = Field(None, description="Sheet span derived from the pages' references")
    cited_source: list[CitedSource] = []
    published_in: list[Publication] = []
    confidence: dict[str, float] = Field(default_factory=dict, description="Per-field confidence, 0-1")
    flags: list[str] = Field(default_factory=list, description="Fields a reviewer should check")
    review: list[str] = Field(
        default_factory=list, description="Why a reviewer should check the document as a whole: a start made on weak "
        "evidence, many pages with no header (flag 'boundary')",
    )
    ocr_conf: float = Field(0.0, description="Mean OCR word confidence over the document's lines")
