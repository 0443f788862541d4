"""Skew angle by projection profiles of ink points, searched coarse to fine.

Instead of rotating the image for every candidate angle, the ink pixels of letter-sized components are
taken as points once and projected onto the rotated vertical axis; a histogram (np.bincount) of the
projections is the row profile of the page rotated by that angle. Text lines make the profile spiky; the
angle whose profile has the largest sum of squared bin differences wins. Components that are not letters
(scan-bed border, punch holes, stamps, signatures, rules) are removed before the points are taken, so they
cannot pull the angle. A final parabola through the best three angles gives a sub-step estimate.
"""

from __future__ import annotations

import numpy as np

from scan2text.errors import PreprocessError

MAX_POINTS = 60_000


def profile_scores(xs: np.ndarray, ys: np.ndarray, angles: np.ndarray, bin_size: float) -> np.ndarray:
    """Sharpness of the row profile for each candidate deskew angle (degrees, counter-clockwise +).

    Rotating an image counter-clockwise by `a` (y axis pointing down) sends a point to
    y' = −x·sin a + y·cos a, so that is the coordinate whose histogram is the rotated row profile.
    """
    rad = np.deg2rad(angles)
    neg_x = -(xs - xs.mean()).astype(np.float64)
    y = (ys - ys.mean()).astype(np.float64)
    scores = np.empty(len(angles))
    # in place into two buffers: the same arithmetic as (-x·sin a + y·cos a) / bin_size, a third faster
    proj, term = np.empty_like(neg_x), np.empty_like(neg_x)
    for i, (s, c) in enumerate(zip(np.sin(rad), np.cos(rad), strict=True)):
        np.multiply(neg_x, s, out=proj)
        np.multiply(y, c, out=term)
        proj += term
        proj /= bin_size
        proj -= proj.min()
        steps = np.diff(np.bincount(proj.astype(np.int64)).astype(np.float64))
        scores[i] = float(np.dot(steps, steps))  # whole numbers far below 2^53: exact in any order
    return scores


def _refine_peak(angles: np.ndarray, scores: np.ndarray) -> float:
    i = int(np.argmax(scores))
    if 0 < i < len(angles) - 1:
        y0, y1, y2 = scores[i - 1], scores[i], scores[i + 1]
        denom = y0 - 2 * y1 + y2
        if denom < 0:
            offset = 0.5 * (y0 - y2) / denom
            return float(angles[i] + np.clip(offset, -0.5, 0.5) * (angles[1] - angles[0]))
    return float(angles[i])


def subsample(xs: np.ndarray, ys: np.ndarray, limit: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most `limit` points, evenly strided (deterministic, so runs are repeatable)."""
    if xs.size <= limit:
        return xs, ys
    step = int(np.ceil(xs.size / limit))
    return xs[::step], ys[::step]


def find_skew(
    xs: np.ndarray,
    ys: np.ndarray,
    xheight: float,
    max_angle: float = 10.0,
) -> tuple[float, float]:
    """Deskew angle (degrees, counter-clockwise +) of text whose ink points are (xs, ys), and a sharpness ratio.

    Coordinates may be at any resolution; `xheight` is in the same units. The coarse pass uses bins of
    ~1/3 x-height so it is smooth over the ±max_angle range; the fine passes narrow the step to 0.02° with
    bins of ~1/8 x-height, which is what makes 0.1° accuracy possible on a page only a few lines long.
    The ratio (best score / median score of the coarse pass) tells how line-like the ink is.
    """
    if xs.size < 50:
        raise PreprocessError("too little ink to measure the skew")
    xs, ys = subsample(xs, ys)
    # the coarse pass only has to land within a step of the peak: a quarter of the points will do
    cx, cy = subsample(xs, ys, MAX_POINTS // 4)
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    scores = profile_scores(cx, cy, coarse, max(1.0, xheight / 3))
    best = _refine_peak(coarse, scores)
    ratio = float(scores.max() / max(np.median(scores), 1e-9))
    for span, step, bins in ((0.6, 0.1, xheight / 5), (0.12, 0.02, xheight / 8)):
        fine = np.arange(best - span, best + span + 1e-9, step)
        fine_scores = profile_scores(xs, ys, fine, max(0.5, bins))
        best = _refine_peak(fine, fine_scores)
    return float(np.clip(best, -max_angle, max_angle)), ratio
