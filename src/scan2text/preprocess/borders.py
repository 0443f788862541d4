"""Things on a scan that are not the typed text: the dark scan bed, punch holes, specks.

All decisions are made per connected component with vectorised tests on cv2's component statistics, and
applied through a lookup table on the label image — no Python loop over pixels or components.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from scan2text.preprocess import geometry

# cv2 component stats columns
X, Y, W, H, AREA = 0, 1, 2, 3, 4


def paint(labels: np.ndarray, chosen: np.ndarray, value: int = 255) -> np.ndarray:
    """A uint8 mask that is `value` on the components `chosen` (a bool per label, background excluded).

    np.take through a one-byte table: 2x faster than indexing the table, which gathers 8-byte values first.
    """
    table = np.zeros(len(chosen) + 1, np.uint8)
    table[1:][chosen] = value
    return np.take(table, labels)


def ink_points(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y (float64) of the non-zero pixels of a uint8 mask, row by row as np.nonzero gives them, 3x faster."""
    points = cv2.findNonZero(mask)
    if points is None:
        return np.zeros(0), np.zeros(0)
    points = points.reshape(-1, 2).astype(np.float64)
    return points[:, 0], points[:, 1]


def components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected components of a mask: their count (background included), the label image and the stats.

    Grana's block-based labelling (BBDT) gives the same labels as OpenCV's default and took a quarter less
    time on our page masks, where the stats pass costs more than the labelling itself.
    """
    n, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_BBDT)
    return n, labels, stats


def scan_bed_mask(gray: np.ndarray, paper: int, xheight: float) -> np.ndarray:
    """Dark regions joined to the image edge: the scanner lid or bed around the sheet (bool mask).

    A blur over ~2 x-heights turns typed text into mid grey while a scan-bed border stays dark; whatever is
    darker than half the paper brightness and touches the image edge is border. The mask is grown a little
    to take the shaded page edge with it.
    """
    k = max(3, int(2 * xheight) | 1)
    blurred = cv2.blur(gray, (k, k))
    dark = cv2.compare(blurred, float(np.ceil(0.5 * paper)), cv2.CMP_LT)  # blurred < paper / 2, in whole grey levels
    seeds = _edge_runs(dark)
    if not seeds:
        return np.zeros(gray.shape, bool)  # nothing dark reaches the edge: no bed, and nothing to trace
    # Each dark region that reaches the edge is flood-filled from it with a number of its own, which costs its
    # own area rather than a labelling of the whole page; its bounding box tells whether it is a bed border.
    if len(seeds) > _MOST_FILLED:
        return _scan_bed_by_labels(dark, xheight)
    table = np.zeros(256, np.uint8)
    region = 0
    for x, y in seeds:
        if dark[y, x] != 255:
            continue  # a region already filled from an earlier seed
        region += 1
        _, _, _, (_, _, rw, rh) = cv2.floodFill(dark, None, (x, y), region, flags=8)
        table[region] = _bed_sized(rw, rh, xheight)
    return _grown(cv2.LUT(dark, table), xheight)


# Regions are numbered from 1 in the 0/255 mask itself, so there is room for 254 of them; a page with more runs
# along its edges than this (a comb of specks) is labelled whole instead.
_MOST_FILLED = 253


def _edge_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(x, y) of the first pixel of each run of set pixels along the four edges of a 0/255 mask."""
    h, w = mask.shape
    seeds: list[tuple[int, int]] = []
    for edge, place in ((mask[0], lambda i: (i, 0)), (mask[-1], lambda i: (i, h - 1)),
                        (mask[:, 0], lambda i: (0, i)), (mask[:, -1], lambda i: (w - 1, i))):
        on = edge > 0
        starts = np.flatnonzero(on & ~np.concatenate([[False], on[:-1]]))
        seeds.extend(place(int(i)) for i in starts)
    return seeds


def _scan_bed_by_labels(dark: np.ndarray, xheight: float) -> np.ndarray:
    """scan_bed_mask's regions by one labelling of the page, for a page with very many of them."""
    _, labels, stats = components(dark)
    h, w = dark.shape
    s = stats[1:]
    touches = (s[:, X] == 0) | (s[:, Y] == 0) | (s[:, X] + s[:, W] >= w) | (s[:, Y] + s[:, H] >= h)
    return _grown(paint(labels, touches & _bed_sized(s[:, W], s[:, H], xheight), 1), xheight)


def _bed_sized(w: Any, h: Any, xheight: float) -> Any:
    """Whether an edge region of w×h (numbers or arrays) is long enough for a bed border: a lone letter cut
    by the frame edge is small, a bed border runs along the edge."""
    return np.maximum(w, h) >= 4 * xheight


def _grown(mask: np.ndarray, xheight: float) -> np.ndarray:
    """The bed mask (0/1) grown a little to take the shaded page edge with it, as bool."""
    if mask.any():
        grow = max(3, int(xheight / 2) | 1)
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (grow, grow)))
    return mask.astype(bool)


def hole_components(stats: np.ndarray, xheight: float) -> np.ndarray:
    """Which components (stats rows, background excluded) are punch holes or round ink blots.

    A hole is a solid, roughly round blob between 1.5 and 10 x-heights across; no typed letter is that
    big and that solid.
    """
    w = stats[:, W].astype(np.float64)
    h = stats[:, H].astype(np.float64)
    fill = stats[:, AREA] / np.maximum(w * h, 1)
    size = np.maximum(w, h)
    round_ = (np.minimum(w, h) / np.maximum(size, 1)) > 0.6
    return (size >= 1.5 * xheight) & (size <= 10 * xheight) & round_ & (fill > 0.6)


def letter_components(stats: np.ndarray, xheight: float) -> np.ndarray:
    """Which components are letter-sized (typed characters, or a few merged ones)."""
    w = stats[:, W].astype(np.float64)
    h = stats[:, H].astype(np.float64)
    return (h >= 0.5 * xheight) & (h <= 2.5 * xheight) & (w <= 12 * xheight) & (w >= 0.15 * xheight)


def _cover(boxes: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Count of boxes (x0, y0, x1, y1 exclusive, grid cells) covering each cell of a grid, by 2-D prefix sums.

    The corners are counted by np.bincount and summed up by cv2.integral (exact: whole numbers in float64), in
    a third less time than np.add.at and two cumulative sums.
    """
    rows, cols = shape[0] + 1, shape[1] + 1
    x0, y0, x1, y1 = boxes.T
    corners = np.concatenate([y0 * cols + x0, y0 * cols + x1, y1 * cols + x0, y1 * cols + x1])
    signs = np.repeat([1.0, -1.0, -1.0, 1.0], len(boxes))
    # float64 even with no boxes, where np.bincount answers in int64, which cv2.integral does not take
    diff = np.bincount(corners, signs, minlength=rows * cols).astype(np.float64, copy=False).reshape(rows, cols)
    return cv2.integral(diff)[1 : shape[0] + 1, 1 : shape[1] + 1]


def speck_mask(page: np.ndarray, xheight: float, ink_level: int = 128) -> tuple[np.ndarray | None, int]:
    """The ink of the specks on a dark-on-white page (uint8 mask, None when there are none) and how many.

    Ink is what is darker than `ink_level`. A speck is a small component that is far from every letter.
    Periods, commas, quotes, "№" dots, the Armenian "։" and the broken tails of faint letters are as small
    as specks; what tells them apart is that they sit on a text line next to letters. Each letter's box is
    grown by ~1.5 x-heights sideways and ~0.8 up and down (quotes above, commas below); a small component
    whose box meets a grown letter box is kept, whatever its size or ink. Boxes are rasterised on a grid
    of quarter x-height cells, so the test costs the same however many components there are.

    Pages with text over 16 px are examined at half size (exact 2× area reduction: strokes stay apart
    and dots stay visible, unlike on a more reduced or min-pooled copy) and the mask is scaled back and
    kept to the full-size ink.
    """
    full_page, full = page, page.shape
    xh = xheight
    if xheight >= 16 and min(full) >= 32:
        page, _ = geometry.shrink(page, (full[1] // 2, full[0] // 2))
        xh = xheight / 2
    ink = cv2.compare(page, ink_level, cv2.CMP_LT)
    n, labels, stats = components(ink)
    if n <= 1:
        return None, 0
    s = stats[1:]
    size = np.maximum(s[:, W], s[:, H])
    small_comp = size < 0.6 * xh
    letters = letter_components(s, xh) & ~small_comp
    cell = max(1.0, xh / 4)
    gh, gw = int(page.shape[0] / cell) + 2, int(page.shape[1] / cell) + 2
    ls = s[letters]
    grown = np.stack([
        np.floor((ls[:, X] - 1.5 * xh) / cell),
        np.floor((ls[:, Y] - 0.8 * xh) / cell),
        np.ceil((ls[:, X] + ls[:, W] + 1.5 * xh) / cell),
        np.ceil((ls[:, Y] + ls[:, H] + 0.8 * xh) / cell),
    ], axis=1)
    grown = np.clip(grown, 0, [gw, gh, gw, gh]).astype(np.int64)
    zone = (_cover(grown, (gh, gw)) > 0).view(np.uint8)
    integral = cv2.integral(zone)  # a zero row and column first, as the box sums below expect; 50x np.cumsum
    x0, y0 = (s[:, X] / cell).astype(np.int64), (s[:, Y] / cell).astype(np.int64)
    x1 = np.minimum(((s[:, X] + s[:, W]) / cell).astype(np.int64) + 1, gw)
    y1 = np.minimum(((s[:, Y] + s[:, H]) / cell).astype(np.int64) + 1, gh)
    near = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
    # Only specks away from every letter go. On a text line a small mark is more often type than dust: the
    # broken tail of a faint "p", "g" or "y", a period, the dots of "։" and "№"; taking them turned
    # "paragraphs" into "neragranhs" on real typescripts, while Tesseract reads past a dust speck on a line.
    drop = small_comp & (near == 0)
    count = int(drop.sum())
    if count == 0:
        return None, 0
    if count <= _SPECKS_ONE_BY_ONE:
        return _paint_each(full_page, labels, stats, np.flatnonzero(drop) + 1, ink_level), count
    mask = paint(labels, drop)
    if mask.shape != full:
        mask = cv2.resize(mask, (2 * mask.shape[1], 2 * mask.shape[0]), interpolation=cv2.INTER_NEAREST)
        mask = cv2.copyMakeBorder(mask, 0, full[0] - mask.shape[0], 0, full[1] - mask.shape[1],
                                  cv2.BORDER_REPLICATE)
    return cv2.bitwise_and(mask, cv2.compare(full_page, ink_level, cv2.CMP_LT)), count


# Up to this many specks, each is painted in its own box: a few hundred small boxes cost less than passes over
# the whole label image and the full-size page (measured: 4 ms of a hard or mild sample page's ~80 ms of
# preprocessing, up to 24 ms on a large page; about even at 1500 specks).
_SPECKS_ONE_BY_ONE = 1000


def _paint_each(
    page: np.ndarray, labels: np.ndarray, stats: np.ndarray, chosen: np.ndarray, ink_level: int
) -> np.ndarray:
    """The full-size mask (0/255) of the ink of components `chosen` of `labels`, which may be at half size.

    The same pixels as painting the label image, scaling it back by pixel doubling (the last row and column
    repeated when the page has an odd size) and keeping the ink, done box by box.
    """
    mask = np.zeros(page.shape, np.uint8)
    half = labels.shape != page.shape
    lh, lw = labels.shape
    for label, (x, y, w, h) in zip(chosen, stats[chosen, :4].tolist(), strict=True):
        sub = labels[y : y + h, x : x + w] == label
        r0, c0, r1, c1 = y, x, y + h, x + w
        if half:
            sub = sub.repeat(2, 0).repeat(2, 1)
            r0, c0, r1, c1 = 2 * y, 2 * x, 2 * (y + h), 2 * (x + w)
            if y + h == lh and page.shape[0] > r1:  # the odd last row takes the half-size last row
                sub, r1 = np.vstack([sub, sub[-1:]]), r1 + 1
            if x + w == lw and page.shape[1] > c1:
                sub, c1 = np.hstack([sub, sub[:, -1:]]), c1 + 1
        sub &= page[r0:r1, c0:c1] < ink_level
        mask[r0:r1, c0:c1][sub] = 255
    return mask
