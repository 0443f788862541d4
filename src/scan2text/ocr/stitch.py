"""Pieces of a page stacked into one image, so that re-reading many of them costs one Tesseract call.

The blank between pieces is the paper's own grey, not white: on a page kept in greyscale (paper at grey
150, say) a white band makes Tesseract's global threshold take the paper itself for ink, and the pieces
then read as nothing at all (measured on a real strip of print on yellowed paper).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scan2text.models import Box, Line, Word
from scan2text.preprocess.binarize import percentile_u8

GAP = 40  # rows between pieces, so Tesseract keeps them as separate lines


@dataclass(frozen=True)
class Slot:
    """Where a piece sits: rows top..bottom of the stitched image, cut from the page at `crop`."""

    top: int
    bottom: int
    crop: Box


def paper_level(image: np.ndarray) -> int:
    """The page's paper grey: a high percentile of its pixels, as most of a page is paper."""
    return int(percentile_u8(image[::4, ::4], 90)) if image.size else 255


def stitch(image: np.ndarray, boxes: list[Box], pad: int) -> tuple[np.ndarray, list[Slot]]:
    """The boxes, each grown by `pad` pixels, stacked top to bottom with a paper-coloured gap between them."""
    crops, slots, y = [], [], 0
    for box in boxes:
        x0, y0 = max(box.x - pad, 0), max(box.y - pad, 0)
        crop = image[y0 : box.y2 + pad, x0 : box.x2 + pad]
        crops.append(crop)
        slots.append(Slot(y, y + crop.shape[0], Box(x=x0, y=y0, w=crop.shape[1], h=crop.shape[0])))
        y += crop.shape[0] + GAP
    canvas = np.full((y, max(c.shape[1] for c in crops)), paper_level(image), dtype=np.uint8)
    for crop, slot in zip(crops, slots, strict=True):
        canvas[slot.top : slot.bottom, : crop.shape[1]] = crop
    return canvas, slots


def words_by_slot(lines: list[Line], slots: list[Slot]) -> dict[int, list[Word]]:
    """The words read on a stitched image, moved back to page coordinates and grouped by the piece they lie on,
    left to right."""
    found: dict[int, list[Word]] = {}
    for line in lines:
        for word in line.words:
            centre = word.box.y + word.box.h // 2
            for n, slot in enumerate(slots):
                if slot.top <= centre < slot.bottom:
                    moved = word.box.model_copy(update={"x": word.box.x + slot.crop.x,
                                                        "y": word.box.y - slot.top + slot.crop.y})
                    found.setdefault(n, []).append(word.model_copy(update={"box": moved}))
                    break
    for words in found.values():
        words.sort(key=lambda w: w.box.x)
    return found
