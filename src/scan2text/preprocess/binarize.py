"""Grey-level clean-up and binarisation.

`flatten` removes everything that is not a thin dark stroke (uneven light, paper tone, stains, the scan bed,
show-through) and darkens faded ink; what it returns is a greyscale page on pure white, which Tesseract's
LSTM reads better than any binarisation we measured (see docs in `scan2text_tools.bench.quality`). It is for pages
that need it, as `background_spread` tells: on an evenly lit scan it costs letters (the black-hat hollows
out small or blurred type) and reads worse than the page as it is. Sauvola and
Otsu remain for callers who want a binary page. Everything runs through whole-array OpenCV operations.
"""

from __future__ import annotations

import cv2
import numpy as np

from scan2text.preprocess import geometry


def to_gray(image: np.ndarray, channel_gain: float) -> tuple[np.ndarray, str | None]:
    """A single-channel uint8 copy of an OpenCV image (grey, BGR or BGRA; 16-bit scaled down), and for a colour
    scan which grey was taken: the one that shows its ink best (`ink_channel`), not always the luminance."""
    how = None
    img = image
    if img.dtype == np.uint16:
        img = (img >> 8).astype(np.uint8)
    elif img.dtype == bool:
        img = img.astype(np.uint8) * 255
    elif img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 3:
        img, how = ink_channel(img[:, :, :3], channel_gain)
    return np.ascontiguousarray(img), how


def ink_contrast(gray: np.ndarray) -> float:
    """How far the ink stands from the paper: the paper's median grey minus the darkest 2% (a typed page is
    mostly paper, and its ink a few percent of it). Taken on every 4th pixel: the figure needs no more."""
    sample = gray[::4, ::4]
    return percentile_u8(sample, 50) - percentile_u8(sample, 2)


def ink_channel(bgr: np.ndarray, channel_gain: float) -> tuple[np.ndarray, str]:
    """The grey version of a colour page with the most ink/paper contrast, and why it was taken.

    Luminance serves black ink on white. Coloured ink does not: a purple carbon copy on yellowed paper, blue
    carbon, a violet hectograph keep little luminance contrast, while one colour channel holds most of the ink
    (the green one for purple on yellow). A channel is taken only where it clearly beats luminance, so that a
    grey scan saved in colour stays as it was (`channel_gain`: how much more strongly).
    """
    luminance = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    best, name, contrast = luminance, "luminance", ink_contrast(luminance)
    base = contrast
    for index, channel in enumerate(("blue", "green", "red")):
        plane = np.ascontiguousarray(bgr[:, :, index])
        c = ink_contrast(plane)
        if c > channel_gain * contrast:
            best, name, contrast = plane, f"{channel} channel", c
    return best, f"grey: {name} (ink contrast {contrast:.0f} grey levels; luminance {base:.0f})"



def percentile_u8(values: np.ndarray, q: float) -> float:
    """np.percentile(values, q) (linear interpolation) of a uint8 array, from its histogram: 256 counts replace
    a partial sort of every value. OpenCV counts them 5x faster than np.bincount, which first widens every
    value to 64 bits, and takes a strided view as it is."""
    if values.size < 1 << 24:  # OpenCV counts in float32, exact below 2^24
        counts = cv2.calcHist([np.asarray(values, np.uint8)], [0], None, [256], [0, 256]).ravel().astype(np.int64)
    else:
        counts = np.bincount(values.ravel(), minlength=256)
    cumulative = np.cumsum(counts)
    rank = q / 100 * (int(cumulative[-1]) - 1)
    low = int(np.floor(rank))
    at_low = int(np.searchsorted(cumulative, low, side="right"))
    at_high = int(np.searchsorted(cumulative, min(low + 1, int(cumulative[-1]) - 1), side="right"))
    return at_low + (at_high - at_low) * (rank - low)


def paper_level(gray: np.ndarray) -> int:
    """Brightness of the paper: a high percentile, so dark borders and ink do not pull it down."""
    sample = gray[:: max(1, gray.shape[0] // 256), :: max(1, gray.shape[1] // 256)]
    return int(percentile_u8(sample, 90))


def background_spread(gray: np.ndarray, xheight: float) -> float:
    """How much the paper's own level varies over the page (grey levels, 5th to 95th percentile).

    The paper level is a closing two x-heights wide, which fills in the letters, taken on a quarter-size
    copy. Uneven light, stains and blotches spread it; an evenly lit scan, however faint or low in
    resolution, keeps it within a few levels (measured: 0-11 on real scans, 22-39 on the hard samples).
    """
    h, w = gray.shape
    small, _ = geometry.shrink(gray, (max(1, w // 4), max(1, h // 4)))
    k = max(3, round(xheight / 2) | 1)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return percentile_u8(paper, 95) - percentile_u8(paper, 5)


def thick_strokes(gray: np.ndarray, xheight: float) -> float:
    """Width in pixels of the page's thick strokes: the 90th percentile of stroke width over the ink of
    letter-sized shapes (twice each ink pixel's distance to the paper), so that rules, borders and blots do not
    count. 0 where there are no letter-sized shapes.
    """
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h = stats[:, 2], stats[:, 3]
    letters = (h >= 0.5 * xheight) & (h <= 2.5 * xheight) & (w >= 0.2 * xheight) & (w <= 4 * xheight)
    letters[0] = False  # the paper
    if not letters.any():
        return 0.0
    depth = cv2.distanceTransform(ink, cv2.DIST_L2, 3)[letters[labels]]
    return 2.0 * float(np.percentile(depth, 90))


def hat_width(gray: np.ndarray, xheight: float, width: float, margin: float) -> tuple[float, float]:
    """The black-hat width for `flatten` (x-heights) and the page's thick strokes (px, 0 when not measured).

    `width` as set, unless the page's thick strokes are wider: a black-hat narrower than a stroke keeps only its
    edges, and bold or blurred print (Armenian italic at 8 px, enlarged) came out as hollow outlines that no
    model could read. Then it is `margin` times their width. `margin` 0: `width` alone.
    """
    if not margin:
        return width, 0.0
    thick = thick_strokes(gray, xheight)
    return (round(thick * margin / xheight, 2) if thick > width * xheight else width), thick


def flatten(gray: np.ndarray, xheight: float, floor: float = 0.2, width: float = 0.5) -> np.ndarray:
    """Keep only thin dark strokes on a white page: a morphological black-hat, contrast-normalised.

    The black-hat (closing minus image) with a square `width` x-heights wide measures how much darker
    each pixel is than its surroundings *at stroke scale*. Typed strokes are thin and sharp and keep their
    full depth; what is wide or blurred loses it: uneven light, yellowed paper, stains, the scan bed and,
    most of all, show-through of the other side, which reaches the front through the paper blurred.
    Depths are then stretched so the darkest stroke cores (99.9th percentile) are black — which also
    darkens faded ribbon ink — and depths below `floor` of that (what show-through and paper grain keep)
    become white.
    """
    k = max(3, round(width * xheight) | 1)
    depth = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    sample = depth[:: max(1, depth.shape[0] // 700), :: max(1, depth.shape[1] // 700)]
    level = max(percentile_u8(sample, 99.9), 24.0)
    low = floor * level
    alpha = 255.0 / max(level - low, 1.0)
    # subtract first: convertScaleAbs takes absolute values, so a negative beta would darken the paper. The
    # stretch is worked out once for each of the 256 depths and applied as a table: the same pixels in two
    # thirds of the time.
    depths = np.arange(256, dtype=np.uint8)
    table = cv2.subtract(255, cv2.convertScaleAbs(cv2.subtract(depths, round(low)), alpha=alpha))
    return cv2.LUT(depth, table)


def sauvola_threshold(gray: np.ndarray, window: int, k: float, r: float = 128.0) -> np.ndarray:
    """Per-pixel Sauvola threshold T = m·(1 + k·(s/R − 1)), rounded up to uint8 (gray < T ⇔ gray < ⌈T⌉).

    For windows of 15 px and more the statistics are taken on a half-size copy and the threshold surface
    is interpolated back: it varies on the scale of the window, so nothing is lost, and it is 4× less work.
    """
    h, w = gray.shape
    src, win = gray, max(3, int(window) | 1)
    half = win >= 15 and min(h, w) >= 64
    if half:
        src = cv2.resize(gray, ((w + 1) // 2, (h + 1) // 2), interpolation=cv2.INTER_AREA)
        win = max(3, (win // 2) | 1)
    mean = cv2.boxFilter(src, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REFLECT)
    sq = cv2.sqrBoxFilter(src, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REFLECT)
    std = cv2.sqrt(cv2.max(sq - mean * mean, 0.0))
    thresh = np.ceil(np.clip(mean * ((1.0 - k) + (k / r) * std), 0, 255)).astype(np.uint8)
    if half:
        thresh = cv2.resize(thresh, (w, h), interpolation=cv2.INTER_LINEAR)
    return thresh


def sauvola(gray: np.ndarray, window: int, k: float) -> np.ndarray:
    """Ink mask (uint8, 255 = ink) by Sauvola's adaptive threshold."""
    return cv2.compare(gray, sauvola_threshold(gray, window, k), cv2.CMP_LT)


def otsu(gray: np.ndarray) -> np.ndarray:
    """Ink mask (uint8, 255 = ink) by one global Otsu threshold."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink
