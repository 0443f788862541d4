"""A quick look at a reduced copy of the page: where the ink is, how big the letters are, what is border.

Every decision of the pipeline (line direction, skew, x-height, crop, strip for the up/down check) is
made from this survey; only the final resampling and the clean-up touch the full-resolution image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scan2text.preprocess import borders, geometry
from scan2text.preprocess.binarize import flatten, paper_level
from scan2text.preprocess.scale import rough_size

# An analysis copy (long side PreprocessSettings.analysis_side) by exact halvings only may be this much of it
ANALYSIS_EXACT = 0.9


@dataclass
class Survey:
    to_original: np.ndarray  # 3×3, analysis-copy pixels -> original pixels
    factor: float  # analysis copy = original × factor
    paper: int  # paper brightness (grey level)
    border: np.ndarray  # bool, analysis copy: scan bed and punch holes
    stats: np.ndarray  # cv2 component stats of the analysis ink, background row dropped
    letters: np.ndarray  # bool per component: letter-sized
    xs: np.ndarray  # analysis-copy coordinates of letter ink pixels
    ys: np.ndarray
    rough: float | None  # typical letter size, analysis pixels; None when no text was found
    holes: int
    border_share: float

    @property
    def has_text(self) -> bool:
        return self.rough is not None and self.xs.size >= 50


def survey(gray: np.ndarray, find_borders: bool, analysis_side: int) -> Survey:
    h, w = gray.shape
    factor = min(1.0, analysis_side / max(h, w))
    aw, ah = max(1, round(w * factor)), max(1, round(h * factor))
    halvings = int(np.ceil(np.log2(1 / factor)))
    if factor < 1.0 and max(h, w) >> halvings >= ANALYSIS_EXACT * analysis_side:
        # whole halvings land close enough: take them and skip the arbitrary-factor step, 4x slower than they are
        aw, ah = max(1, w >> halvings), max(1, h >> halvings)
        factor = aw / w
    small, to_small = geometry.shrink(gray, (aw, ah)) if factor < 1.0 else (gray, geometry.identity())
    to_original = np.linalg.inv(to_small)
    paper = paper_level(small)
    # before the letters are measured, assume a full page of typescript (~160 letter heights tall)
    guess = max(4.0, max(aw, ah) / 160.0)
    border = borders.scan_bed_mask(small, paper, guess) if find_borders else np.zeros((ah, aw), bool)
    flat = flatten(small, guess)
    cv2.bitwise_or(flat, 255, dst=flat, mask=border.view(np.uint8))  # 10x faster than flat[border] = 255
    ink = cv2.compare(flat, 160, cv2.CMP_LT)
    _, labels, stats = borders.components(ink)
    stats = stats[1:]
    rough = rough_size(stats, max_size=min(aw, ah) / 10.0)
    holes = 0
    if rough is None:
        empty = np.zeros(0)
        return Survey(to_original, factor, paper, border, stats, np.zeros(len(stats), bool), empty, empty,
                      None, 0, float(border.mean()))
    if find_borders:
        hole = borders.hole_components(stats, rough)
        holes = int(hole.sum())
        if holes:
            border = border | borders.paint(labels, hole, 1).view(bool)
    size = np.maximum(stats[:, 2], stats[:, 3])
    thin = np.minimum(stats[:, 2], stats[:, 3])
    letters = (size >= 0.4 * rough) & (size <= 2.2 * rough) & (thin >= 0.1 * rough)
    if find_borders:
        letters &= ~hole
    xs, ys = borders.ink_points(borders.paint(labels, letters, 1))
    return Survey(to_original, factor, paper, border, stats, letters, xs, ys, rough, holes, float(border.mean()))
