"""The one neutral model the XML builders read: current pages in ORIGINAL-image pixels.

Every format template (PAGE-XML, ALTO, hOCR) renders the same ExportPage, so coordinates,
ids, confidences and corrections are worked out once, here.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import cv2
import numpy as np
from pydantic import BaseModel

from scan2text import __version__
from scan2text.models import Box, Page, Word
from scan2text.store.geometry import Point, bounds, quad
from scan2text.store.merge import retext_words
from scan2text.store.run_folder import RunFolder
from scan2text.store.validate import strip_controls

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
    # Tesseract's line geometry in original-image pixels, where the reading gave it
    baseline: tuple[Point, Point] | None = None
    x_size: float | None = None
    x_height: float | None = None
    x_descenders: float | None = None


class ExportRegion(BaseModel):
    """Consecutive lines of one Tesseract block, outlined by the convex hull of their corners."""

    id: str
    rect: Rect
    lines: list[ExportLine]


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
    regions: list[ExportRegion]

    @property
    def lines(self) -> list[ExportLine]:
        return [line for region in self.regions for line in region.lines]

    @property
    def region(self) -> Rect | None:
        """The box around all the text (ALTO's PrintSpace)."""
        if not self.regions:
            return None
        return _rect([p for region in self.regions for p in _corners(region.rect)])

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
    (a, b, _), (d, e, _) = matrix
    scale = math.sqrt(abs(a * e - b * d))  # lengths in the cleaned image times this are lengths in the original

    def clamp(point: Point) -> Point:
        return min(max(point[0], 0.0), width - 1.0), min(max(point[1], 0.0), height - 1.0)

    def rect(box: Box) -> Rect:
        return _rect([clamp(p) for p in quad(box, matrix)])

    def length(value: float | None) -> float | None:
        return None if value is None else round(value * scale, 2)

    groups: list[tuple[int | None, list[ExportLine]]] = []
    for line in page.lines:
        line_id = xml_id(line.id, "l_")
        text = strip_controls(line.text)
        iso = LANGUAGES.get(line.language.split("+")[0], ("", "", ""))[0]
        baseline = None
        if line.baseline is not None:
            x1, y1, x2, y2 = line.baseline
            start, end = (clamp(map_point(p, matrix)) for p in ((x1, y1), (x2, y2)))
            baseline = (start, end)
        exported = ExportLine(
            id=line_id, text=text, conf=_unit(line.conf), lang=iso, rect=rect(line.box), baseline=baseline,
            x_size=length(line.x_size), x_height=length(line.x_height), x_descenders=length(line.x_descenders),
            words=[ExportWord(id=f"{line_id}_w{i:03d}", text=w.text, conf=_unit(w.conf), rect=rect(w.box))
                   for i, w in enumerate(consistent_words(line.words, text, line.box))],
        )
        # Lines keep the page's reading order: a block whose lines interleave with another's (two columns read
        # top to bottom) becomes one region per run. Lines read after the main reading have no block and stay
        # with the lines before them.
        if groups and line.block in (None, groups[-1][0]):
            groups[-1][1].append(exported)
        else:
            groups.append((line.block, [exported]))
    regions = [
        ExportRegion(id=f"r{n}", rect=_hull([p for line in lines for p in outline(line.rect)]), lines=lines)
        for n, (_, lines) in enumerate(groups, start=1)
    ]
    iso, language, script = LANGUAGES.get(page.language.split("+")[0], ("", "", ""))
    return ExportPage(
        id=page.id, xml_id=xml_id(page.id), number=number, image=page.image, frame=page.frame,
        sheet=page.sheet.label if page.sheet else "", width=width, height=height, lang=iso, language=language,
        script=script, created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), regions=regions,
    )


def consistent_words(words: list[Word], text: str, box: Box) -> list[Word]:
    """The line's words, their texts made to be the line's text split at spaces.

    Word and line text must agree in every format (an editor that reads the words would otherwise see edits
    nobody made): where a rule restored a character across words («յ 22» → «№ 22») or a correction changed the
    text, the words take the line's tokens.
    """
    words = [w.model_copy(update={"text": strip_controls(w.text)}) for w in words]
    words = [w for w in words if w.text]
    if " ".join(w.text for w in words) == text:
        return words
    tokens = text.split()
    if len(tokens) == len(words):
        return [w.model_copy(update={"text": t}) for w, t in zip(words, tokens, strict=True)]
    return retext_words(words, text, box)


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


def map_point(point: Point, matrix: list[list[float]]) -> Point:
    (a, b, c), (d, e, f) = matrix
    x, y = point
    return round(a * x + b * y + c, 1), round(d * x + e * y + f, 1)


def _hull(points: list[Point]) -> Rect:
    """The convex hull of `points`: a simple polygon, never self-intersecting, whatever the lines' layout."""
    hull = cv2.convexHull(np.array(points, dtype=np.float32)).reshape(-1, 2)
    if len(hull) < 3:  # lines squeezed flat against the image's edge: their box is the outline
        x1, y1, x2, y2 = bounds(points)
        return _rect([(x1, y1), (x2, y1), (x2, y2), (x1, y2)])
    return _rect([(float(x), float(y)) for x, y in hull])


def _rect(points: list[Point]) -> Rect:
    x1, y1, x2, y2 = bounds(points)
    x, y = max(0, round(x1)), max(0, round(y1))
    outline = " ".join(f"{max(0, round(px))},{max(0, round(py))}" for px, py in points)
    return Rect(x=x, y=y, w=max(1, round(x2) - x), h=max(1, round(y2) - y), points=outline)


def outline(r: Rect) -> list[Point]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in r.points.split())]


def _corners(r: Rect) -> list[Point]:
    return [(r.x, r.y), (r.x2, r.y), (r.x2, r.y2), (r.x, r.y2)]


def _unit(conf: float) -> float:
    return round(min(max(conf / 100.0, 0.0), 1.0), 4)


def points(pts: tuple[Point, ...] | list[Point]) -> str:
    """PAGE's and ALTO's "x1,y1 x2,y2" for points, in whole pixels."""
    return " ".join(f"{round(x)},{round(y)}" for x, y in pts)
