"""The one neutral model the XML templates read: current pages in ORIGINAL-image pixels.

Every format template (PAGE-XML, ALTO, hOCR) renders the same ExportPage, so coordinates,
ids, confidences and corrections are worked out once, here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import BaseModel

from scan2text import __version__
from scan2text.models import Box, Page
from scan2text.store.geometry import Point, bounds, quad
from scan2text.store.merge import retext_words
from scan2text.store.run_folder import RunFolder

# Tesseract model -> (ISO 639-1 for ALTO/hOCR, PAGE LanguageSimpleType, PAGE ScriptSimpleType)
LANGUAGES = {
    "rus": ("ru", "Russian", "Cyrl - Cyrillic"),
    "hye": ("hy", "Armenian", "Armn - Armenian"),
    "eng": ("en", "English", "Latn - Latin"),
}


class Rect(Box):
    """A region in original-image pixels: its axis-aligned box and its (possibly rotated) outline."""

    points: str  # PAGE-XML "x1,y1 x2,y2 …"


class ExportWord(BaseModel):
    id: str
    text: str
    conf: float  # 0-1
    rect: Rect


class ExportLine(BaseModel):
    id: str
    text: str
    conf: float  # 0-1
    lang: str  # ISO 639-1, "" when unknown
    rect: Rect
    words: list[ExportWord]


class ExportPage(BaseModel):
    id: str  # scan2text page id (may contain '/' and '#')
    xml_id: str  # the same, made a valid XML ID
    number: int  # 1-based position in the batch
    image: str  # image path relative to the input folder
    frame: int
    sheet: str
    width: int
    height: int
    lang: str
    language: str  # PAGE primaryLanguage, "" when unknown
    script: str  # PAGE primaryScript, "" when unknown
    created: str
    software: str = "scan2text"
    version: str = __version__
    region: Rect | None
    lines: list[ExportLine]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def xml_id(value: str, prefix: str = "s2t_") -> str:
    """A valid XML ID (NCName) for any string: unsafe characters become '_'."""
    safe = re.sub(r"[^\w.-]", "_", value, flags=re.ASCII)
    return safe if re.match(r"[A-Za-z_]", safe) else prefix + safe


def export_page(page: Page, number: int, folder: RunFolder | None = None) -> ExportPage:
    width, height = original_size(page, folder)
    matrix = page.preprocessing.to_original

    def rect(box: Box) -> Rect:
        corners = [(min(max(x, 0.0), width - 1.0), min(max(y, 0.0), height - 1.0)) for x, y in quad(box, matrix)]
        return _rect(corners)

    lines: list[ExportLine] = []
    for line in page.lines:
        line_id = xml_id(line.id, "l_")
        words = line.words or retext_words([], line.text, line.box)
        iso = LANGUAGES.get(line.language.split("+")[0], ("", "", ""))[0]
        lines.append(ExportLine(
            id=line_id, text=line.text, conf=_unit(line.conf), lang=iso, rect=rect(line.box),
            words=[ExportWord(id=f"{line_id}_w{i:03d}", text=w.text, conf=_unit(w.conf), rect=rect(w.box))
                   for i, w in enumerate(words) if w.text],
        ))
    region = None
    if lines:
        region = _rect([p for line in lines for p in _corners(line.rect)])
    iso, language, script = LANGUAGES.get(page.language.split("+")[0], ("", "", ""))
    return ExportPage(
        id=page.id, xml_id=xml_id(page.id), number=number, image=page.image, frame=page.frame,
        sheet=page.sheet.label if page.sheet else "", width=width, height=height, lang=iso, language=language,
        script=script, created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), region=region, lines=lines,
    )


def original_size(page: Page, folder: RunFolder | None) -> tuple[int, int]:
    """The pipeline records the original's size on the page; older or hand-made pages may lack it,
    so fall back to the cleaned image mapped back, then to the lines' extent."""
    if page.width > 0 and page.height > 0:
        return page.width, page.height
    if folder is not None and page.cleaned_image:
        try:
            from PIL import Image

            with Image.open(folder.resolve(page.cleaned_image)) as im:
                w, h = im.size
            _, _, x2, y2 = bounds(quad(Box(x=0, y=0, w=w, h=h), page.preprocessing.to_original))
            return max(1, round(x2)), max(1, round(y2))
        except OSError:
            pass
    boxes = [line.box for line in page.lines]
    if not boxes:
        return 1, 1
    _, _, x2, y2 = bounds([p for b in boxes for p in quad(b, page.preprocessing.to_original)])
    return round(x2) + 1, round(y2) + 1


def _rect(points: list[Point]) -> Rect:
    x1, y1, x2, y2 = bounds(points)
    x, y = max(0, round(x1)), max(0, round(y1))
    outline = " ".join(f"{max(0, round(px))},{max(0, round(py))}" for px, py in points)
    return Rect(x=x, y=y, w=max(1, round(x2) - x), h=max(1, round(y2) - y), points=outline)


def _corners(r: Rect) -> list[Point]:
    return [(r.x, r.y), (r.x2, r.y), (r.x2, r.y2), (r.x, r.y2)]


def _unit(conf: float) -> float:
    return round(min(max(conf / 100.0, 0.0), 1.0), 4)
