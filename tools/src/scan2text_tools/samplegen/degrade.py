"""Scan degradations for rendered typescript pages, driven by a seeded numpy Generator.

    rng = np.random.default_rng(7)
    scan, info = degrade(render_page(lines, "rus"), "mild", rng)          # random skew within ±4°
    scan, info = degrade(page, "hard", rng, skew=-5.0, rotation=90)       # fixed geometry
    info.skew, info.rotation                                              # what truth.json records

Conventions (the same as `PreprocessReport` in scan2text.models, so truth and report compare directly):
- `rotation` is the clockwise turn (0/90/180/270) that makes the scan upright;
- `skew` is the counter-clockwise rotation in degrees that straightens the text once the page is upright
  (on the scan the text is turned by -skew, i.e. lines fall to the right for a positive skew).
To undo: turn the image clockwise by `rotation`, then `rotate_bound(img, skew)`.

Small helpers for tests that need a known geometry without the rest of the damage:
`rotate_bound(img, angle)` rotates counter-clockwise by `angle` degrees and grows the canvas so nothing is
cut; `skew_page(img, skew)` and `turn_page(img, rotation)` apply the truth conventions above.

Levels: "mild" = skew up to ±4°, uneven illumination, paper texture and dust, dark scanner border on one or
two sides. "hard" adds skew up to ±8°, faded ribbon ink, show-through of the other side (`verso`), stains
and ink blotches, punch holes and optional 90/180/270 rotation. Same image, level and generator state give
the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .render import SampleGenError, _smooth_noise

LEVELS = ("clean", "mild", "hard")


@dataclass
class Degradation:
    """What `degrade` did to a page; `skew` and `rotation` follow the module conventions."""

    level: str
    skew: float = 0.0
    rotation: int = 0
    steps: list[str] = field(default_factory=list)


def rotate_bound(img: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    """Rotate counter-clockwise by `angle` degrees, enlarging the canvas to keep every corner."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin))
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=fill)


def skew_page(img: np.ndarray, skew: float, fill: int = 255) -> np.ndarray:
    """A page whose truth `skew` is `skew`: the text is turned clockwise by `skew` degrees."""
    return rotate_bound(img, -skew, fill)


def turn_page(img: np.ndarray, rotation: int) -> np.ndarray:
    """A page whose truth `rotation` is `rotation`: it must be turned clockwise by that much to be upright."""
    if rotation % 90:
        raise SampleGenError(f"rotation must be a multiple of 90 degrees, got {rotation}")
    return np.ascontiguousarray(np.rot90(img, k=(rotation // 90) % 4))


def degrade(
    img: np.ndarray,
    level: str,
    rng: np.random.Generator,
    *,
    skew: float | None = None,
    rotation: int = 0,
    verso: np.ndarray | None = None,
    dpi: int = 300,
) -> tuple[np.ndarray, Degradation]:
    """Make a clean rendered page (uint8 grayscale) look scanned; returns the scan and what was done.

    `skew=None` draws one within the level's range; `verso` is the clean page of the other side, shown
    through the paper at level "hard".
    """
    if level not in LEVELS:
        raise SampleGenError(f"unknown degradation level {level!r} (choose from {', '.join(LEVELS)})")
    info = Degradation(level=level)
    if level == "clean":
        page = skew_page(img, skew) if skew else img.copy()
        info.skew = float(skew or 0.0)
        return turn_page(page, rotation), _with_rotation(info, rotation)
    hard = level == "hard"
    if skew is None:
        limit = 8.0 if hard else 4.0
        skew = float(np.round(rng.uniform(-limit, limit), 2))
    info.skew = float(skew)
    s = dpi / 300.0
    page = img.astype(np.float32) / 255.0  # 1 = paper, 0 = full ink

    if hard:
        page = _fade_ink(page, rng, s)
        info.steps.append("faded ink")
        if verso is not None:
            page = _show_through(page, verso, rng, s)
            info.steps.append("show-through")
    paper = _paper(page.shape, rng, s, hard)
    page = page * paper
    info.steps.append("paper texture")
    if hard:
        page = _stains(page, rng, s)
        page = _blotches(page, rng, s)
        info.steps += ["stains", "blotches"]
    text_box = _ink_box(img)
    bed = float(rng.uniform(25, 55))
    holes = hard and rng.random() < 0.75
    if holes:
        page = _punch_holes(page, bed, s)
        info.steps.append("punch holes")
    page, clipped = _place_on_bed(page, -skew, rng, s, bed, hard, text_box)
    info.steps.append(f"skew {skew:+.2f}")
    if clipped:
        info.steps.append("text clipped")
    page = _illumination(page, rng, hard)
    page = _dust(page, rng, s, hard)
    page = cv2.GaussianBlur(page, (0, 0), 0.6 * s)
    out = np.clip(np.round(page), 0, 255).astype(np.uint8)
    return turn_page(out, rotation), _with_rotation(info, rotation)


def _with_rotation(info: Degradation, rotation: int) -> Degradation:
    info.rotation = rotation % 360
    if info.rotation:
        info.steps.append(f"rotated {info.rotation}")
    return info


def _fade_ink(page: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    """A worn ribbon: ink is lighter overall and in patches, strongest where the ribbon still had dye."""
    strength = rng.uniform(0.45, 0.7)
    patches = _smooth_noise(rng, page.shape, round(260 * s))
    keep = np.clip(strength + 0.35 * (patches - 0.5), 0.3, 0.9)
    return 1.0 - (1.0 - page) * keep


def _show_through(page: np.ndarray, verso: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    back = cv2.flip(verso, 1).astype(np.float32) / 255.0
    back = cv2.resize(back, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_AREA)
    back = cv2.GaussianBlur(back, (0, 0), 2.2 * s)
    alpha = rng.uniform(0.1, 0.18)
    return page * (1.0 - alpha * (1.0 - back))


def _paper(shape: tuple[int, int], rng: np.random.Generator, s: float, hard: bool) -> np.ndarray:
    """Paper tone in gray levels: a base tint with slow mottling, a few fibres."""
    base = rng.uniform(200, 222) if hard else rng.uniform(224, 240)
    amp = 9.0 if hard else 5.0
    mottle = _smooth_noise(rng, shape, round(180 * s)) - 0.5
    paper = base + amp * mottle
    fibres = np.zeros(shape, np.float32)
    for _ in range(int(rng.integers(40, 90))):
        x, y = int(rng.integers(0, shape[1])), int(rng.integers(0, shape[0]))
        length = rng.uniform(8, 30) * s
        ang = rng.uniform(0, np.pi)
        end = (int(x + length * np.cos(ang)), int(y + length * np.sin(ang)))
        cv2.line(fibres, (x, y), end, float(rng.uniform(6, 18)), 1, cv2.LINE_AA)
    return paper - fibres


def _stains(page: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    """Water or tea stains: soft irregular blotches with a darker tide line at the edge."""
    h, w = page.shape
    for _ in range(int(rng.integers(1, 4))):
        r = rng.uniform(120, 380) * s
        cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h
        x1, y1 = int(max(0, cx - 1.6 * r)), int(max(0, cy - 1.6 * r))
        x2, y2 = int(min(w, cx + 1.6 * r)), int(min(h, cy + 1.6 * r))
        yy, xx = np.mgrid[y1:y2, x1:x2].astype(np.float32)
        wobble = _smooth_noise(rng, (y2 - y1, x2 - x1), max(8, int(r / 3))) - 0.5
        d = np.hypot((xx - cx) / r, (yy - cy) / (r * rng.uniform(0.6, 1.0))) + 0.6 * wobble
        inside = np.clip((1.0 - d) * 6.0, 0.0, 1.0)
        rim = np.exp(-(((d - 1.0) / 0.05) ** 2))
        depth = rng.uniform(0.05, 0.14)
        page[y1:y2, x1:x2] *= 1.0 - depth * inside - 1.6 * depth * rim
    return page


def _blotches(page: np.ndarray, rng: np.random.Generator, s: float) -> np.ndarray:
    """Small ink blots and smudges."""
    h, w = page.shape
    mask = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(2, 7))):
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        for _ in range(int(rng.integers(3, 9))):
            r = max(2, int(rng.uniform(3, 16) * s))
            ox, oy = (int(v) for v in rng.normal(0, 10 * s, 2))
            cv2.circle(mask, (cx + ox, cy + oy), r, float(rng.uniform(0.5, 0.9)), -1, cv2.LINE_AA)
    mask = cv2.GaussianBlur(mask, (0, 0), 1.5 * s)
    return page * (1.0 - np.clip(mask, 0.0, 0.9))


def _punch_holes(page: np.ndarray, bed: float, s: float) -> np.ndarray:
    """Two filing holes (ISO 838: 6 mm wide, 80 mm apart, 12 mm from the left edge) showing the scanner lid."""
    h, w = page.shape
    px_mm = 300 * s / 25.4
    r = round(3 * px_mm)
    x = round(12 * px_mm)
    for cy in (h / 2 - 40 * px_mm, h / 2 + 40 * px_mm):
        if not r < cy < h - r or x + r >= w:
            continue  # a strip shorter than the hole spacing
        cv2.circle(page, (x, round(cy)), r + round(2 * s), float(page[round(cy), x] * 0.8), -1, cv2.LINE_AA)
        cv2.circle(page, (x, round(cy)), r, bed, -1, cv2.LINE_AA)
    return page


def _ink_box(img: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x1, y1, x2, y2) around the typed text of a clean page, None for a blank one."""
    ys, xs = np.nonzero(img < 128)
    if len(xs) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _place_on_bed(
    page: np.ndarray,
    angle: float,
    rng: np.random.Generator,
    s: float,
    bed: float,
    hard: bool,
    text_box: tuple[int, int, int, int] | None,
) -> tuple[np.ndarray, bool]:
    """Lay the sheet on the scanner glass turned by `angle` (counter-clockwise) and shifted so a dark strip of
    the lid shows on one or two sides; the scan keeps the sheet's pixel size. The shift never pushes typed
    text out of the frame; returns the scan and whether no shift can keep all text inside."""
    h, w = page.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    sides = int(rng.integers(1, 3))
    want = rng.uniform(15, 110 if hard else 70, 2) * s * rng.choice([-1.0, 1.0], 2)
    if sides == 1:
        want[1] = 0.0
    clipped = False
    if text_box is not None:
        x1, y1, x2, y2 = text_box
        corners = np.array([[x1, y1, 1], [x2, y1, 1], [x1, y2, 1], [x2, y2, 1]], np.float64) @ m.T
        edge = 4 * s
        lo = edge - corners.min(axis=0)
        hi = np.array([w, h]) - edge - corners.max(axis=0)
        clipped = bool((lo > hi).any())
        want = np.where(lo > hi, (lo + hi) / 2, np.clip(want, lo, hi))
    m[:, 2] += want
    placed = cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0.0)
    sheet = cv2.warpAffine(np.ones_like(page), m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0.0)
    shadow = cv2.GaussianBlur(sheet, (0, 0), 6 * s)  # the sheet edge lifts off the glass and darkens
    lid = bed + 8.0 * (_smooth_noise(rng, (h, w), round(120 * s)) - 0.5)
    return placed * (0.8 + 0.2 * shadow) + (1.0 - sheet) * lid, clipped


def _illumination(page: np.ndarray, rng: np.random.Generator, hard: bool) -> np.ndarray:
    """Uneven lighting: a linear falloff in a random direction plus a soft vignette."""
    h, w = page.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ang = rng.uniform(0, 2 * np.pi)
    ramp = (xx / w - 0.5) * np.cos(ang) + (yy / h - 0.5) * np.sin(ang)
    depth = rng.uniform(0.1, 0.2) if hard else rng.uniform(0.05, 0.11)
    vignette = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * rng.uniform(0.05, 0.15)
    return page * (1.0 - depth * (ramp + 0.5) - vignette)


def _dust(page: np.ndarray, rng: np.random.Generator, s: float, hard: bool) -> np.ndarray:
    """Sparse dark specks (dust on the glass, paper flecks); sparse, so the files stay small."""
    h, w = page.shape
    n = int(rng.integers(300, 700) * (2 if hard else 1))
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    page[ys, xs] *= rng.uniform(0.35, 0.8, n).astype(np.float32)
    big = max(1, n // 40)
    for y, x in zip(rng.integers(0, h, big), rng.integers(0, w, big), strict=True):
        radius = max(1, round(rng.uniform(1, 2.5) * s))
        cv2.circle(page, (int(x), int(y)), radius, float(rng.uniform(60, 140)), -1)
    return page
