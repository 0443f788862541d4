"""Text size from the ink itself, and the scale factor that brings it to Tesseract's sweet spot.

The DPI tag is ignored on purpose: archival deliveries carry wrong tags (72 on a 300 DPI scan) and phone
photos have none. Two measures are used:

* `rough_size` — the area-weighted median of component sizes, orientation-agnostic, good enough to set
  bin widths and filters before the page is known to be upright;
* `xheight` — once the page's line direction and skew are known: the component heights (corrected for
  the skew, which inflates bounding boxes) form peaks at the x-height and at the ascender/capital
  height. The x-height is the *lowest* strong peak, not the highest: in Armenian, letters with ascenders
  are about as frequent as those without, so the tallest peak jumps between the two from page to page.
"""

from __future__ import annotations

import numpy as np

from scan2text.settings import PreprocessSettings

_DEFAULTS = PreprocessSettings()


def height_floor(letter_px: float, small_type_px: float = _DEFAULTS.small_type_px) -> float:
    """Smallest share of the typical letter size still taken for a letter height.

    On 72–96 DPI scans (letters under ~12 px) broken strokes form a peak at 0.55 of the letter size, below the
    x-height (0.66–1.00 of it on those pages): 0.6 leaves them out. On sharper scans nothing breaks, and an
    Armenian line dense with capitals and punctuation has its x-height as low as 0.58: 0.45 keeps it.
    """
    return 0.6 if letter_px < small_type_px else 0.45


def rough_size(stats: np.ndarray, max_size: float) -> float | None:
    """Typical letter size (px, larger of width/height) from cv2 component stats rows (background excluded)."""
    if len(stats) == 0:
        return None
    w = stats[:, 2].astype(np.float64)
    h = stats[:, 3].astype(np.float64)
    area = stats[:, 4].astype(np.float64)
    size = np.maximum(w, h)
    fill = area / np.maximum(w * h, 1)
    ok = (np.minimum(w, h) >= 2) & (size >= 4) & (size <= max_size) & (fill > 0.1) & (fill < 0.9)
    if ok.sum() < 8:
        return None
    order = np.argsort(size[ok])
    cum = np.cumsum(area[ok][order])
    return float(size[ok][order][np.searchsorted(cum, cum[-1] / 2)])


def upright_heights(w: np.ndarray, h: np.ndarray, angle: float) -> np.ndarray:
    """Heights of components before a small rotation inflated their boxes.

    A w×h box rotated by `angle` has a bounding box of (w·cos + h·sin) × (w·sin + h·cos); solving that
    2×2 system recovers h. Clipped at 40% of the box so near-45° noise cannot go negative.
    """
    a = np.deg2rad(abs(angle))
    c, s = np.cos(a), np.sin(a)
    det = c * c - s * s
    true_h = (h * c - w * s) / det
    return np.maximum(true_h, 0.4 * h)


def xheight(heights: np.ndarray, rough: float, bin_size: float = 0.5, floor: float = 0.45) -> float | None:
    """x-height from letter heights: the lowest histogram peak at least half as strong as the strongest.

    Heights under `floor` × the typical letter size are left out (punctuation, specks). See `height_floor`.
    """
    hs = heights[(heights >= floor * rough) & (heights <= 2.5 * rough)]
    if hs.size < 8:
        return None
    idx = np.round(hs / bin_size).astype(np.int64)
    hist = np.bincount(idx).astype(np.float64)
    kernel = np.array([1.0, 2.0, 3.0, 2.0, 1.0])
    smooth = np.convolve(hist, kernel / kernel.sum(), mode="same")
    padded = np.concatenate([[0.0], smooth, [0.0]])
    peaks = np.flatnonzero((padded[1:-1] >= padded[:-2]) & (padded[1:-1] > padded[2:]))
    strong = peaks[smooth[peaks] >= 0.5 * smooth.max()]
    peak = int(strong.min()) if strong.size else int(np.argmax(smooth))
    near = np.abs(hs - peak * bin_size) <= 2 * bin_size
    return float(np.median(hs[near])) if near.any() else peak * bin_size


def scale_for(xheight: float, settings: PreprocessSettings) -> float:
    """Factor that brings text of `xheight` px within Tesseract's reach, resampling as little as possible.

    Type under `settings.min_xheight` px is enlarged to it, at most `max_upscale` times: enlarging further costs
    Tesseract time in proportion to the pixels and reads no better (a 9 px x-height read at x1.33 lost fewer words
    than at x2, at 70% of the CPU; a 6 px one blown up x3.7 read worse than at x2, as blurred strokes grow with
    it). Type larger
    than `target_xheight` by more than `keep_size_within` is reduced to it; anything between keeps its size. The
    factor is clamped to min_scale..max_scale: beyond them the estimate is more likely wrong than the page that odd.
    """
    smallest, max_up = settings.min_xheight, settings.max_upscale
    target, keep_within = settings.target_xheight, settings.keep_size_within
    xheight = max(xheight, 1e-6)
    if xheight < smallest:
        factor = smallest / xheight
        if max_up is not None:
            factor = min(factor, max(max_up, 1.0))
    elif xheight > target * keep_within:
        factor = target / xheight
    else:
        factor = 1.0
    return float(np.clip(factor, settings.min_scale, settings.max_scale))
