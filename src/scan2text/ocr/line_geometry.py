"""Tesseract's own geometry of each line (baseline, row height, x-height, block), as both engines give it:
parsed from the command's hOCR, or computed from tesserocr's iterator, for the one reading that gives the words."""

from __future__ import annotations

import math
from typing import Any

from lxml import etree

# rows[LINE_GEOMETRY][(block, par, line)] = LineGeometry, when asked for
LINE_GEOMETRY = "line_geometry"
LineKey = tuple[int, int, int]
LineGeometry = dict[str, Any]
# the classes Tesseract's hOCR renderer gives a line, by what its layout analysis took it for
_HOCR_LINES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}


def round_half_away(value: float, places: int) -> float:
    """C++'s round(), as Tesseract's hOCR renderer rounds a baseline, rather than Python's round-half-even."""
    scale = 10**places
    return math.copysign(math.floor(abs(value) * scale + 0.5), value) / scale


def line_geometry(
    box: tuple[int, int, int, int], slope: float | None, offset: float | None, row_height: float,
    descenders: float, ascenders: float,
) -> LineGeometry:
    """A line's geometry from Tesseract's figures: `box` (left, top, right, bottom), its baseline as hOCR gives it
    (slope and offset from the box's bottom-left corner, None when Tesseract has none), row height, descender
    depth and ascender rise. The baseline runs across the box; everything is rounded to 1/100 pixel."""
    left, _, right, bottom = box
    baseline = None
    if slope is not None and offset is not None:
        baseline = (float(left), round(bottom + offset, 2), float(right),
                    round(bottom + offset + slope * (right - left), 2))
    return {"baseline": baseline, "x_size": round(row_height, 2), "x_descenders": round(descenders, 2),
            "x_height": round(row_height - descenders - ascenders, 2)}


def hocr_geometry(hocr: bytes) -> dict[tuple[int, int, int, int], LineGeometry]:
    """Each line's geometry from Tesseract's hOCR, keyed by the line's box (left, top, right, bottom).

    By box, not by position: hOCR leaves out the lines of blocks it takes for pictures, which the TSV keeps.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    found: dict[tuple[int, int, int, int], LineGeometry] = {}
    for line in etree.fromstring(hocr, parser).iter():
        if line.get("class") not in _HOCR_LINES:
            continue
        props = dict(part.strip().split(" ", 1) for part in (line.get("title") or "").split(";") if part.strip())
        left, top, right, bottom = (int(v) for v in props["bbox"].split())
        slope, offset = (float(v) for v in props["baseline"].split()) if "baseline" in props else (None, None)
        found[(left, top, right, bottom)] = line_geometry(
            (left, top, right, bottom), slope, offset, float(props.get("x_size", 0)),
            float(props.get("x_descenders", 0)), float(props.get("x_ascenders", 0)))
    return found


def geometry_by_line(rows: dict[str, Any], found: dict[tuple[int, int, int, int], LineGeometry]) -> dict[
        LineKey, LineGeometry]:
    """Geometry keyed by the TSV's (block, paragraph, line), through the line rows' boxes (level 4)."""
    keyed: dict[LineKey, LineGeometry] = {}
    for i, level in enumerate(rows.get("level", [])):
        if int(level) != 4:
            continue
        left, top = int(rows["left"][i]), int(rows["top"][i])
        box = (left, top, left + int(rows["width"][i]), top + int(rows["height"][i]))
        if box in found:
            keyed[(int(rows["block_num"][i]), int(rows["par_num"][i]), int(rows["line_num"][i]))] = found[box]
    return keyed
