"""Typescript page rendering: pica monospace type on a clean A4 sheet, with uneven typewriter ink.

    from scan2text_tools.samplegen.render import render_page
    img = render_page(["     Typed line one", "", "Line three"], "eng", dpi=300, seed=0)

`render_page` returns a grayscale uint8 array (white paper, dark ink), A4 at `dpi` (2480x3508 at 300 DPI).
Each entry of `lines` is one typed line: leading spaces indent it, "" leaves an empty line. The ground truth
for the page is `texts.gt_lines(lines)` (non-empty lines, stripped). Geometry: 10 characters per inch
(pica), 12 pt type, 1 inch left and top margins, line pitch `spacing` x 1/6 inch. Each character gets its
own darkness, a slight offset and sometimes a half-inked face, so the ink looks typed, not printed.
Pass `height_in` to render a short strip instead of a whole sheet (fast tests).

Fonts: FreeMono for English and Russian; DejaVu Sans Mono for Armenian (FreeMono has Armenian glyphs but
draws several letters in shapes Tesseract misreads, e.g. Հ like a 3). `check_glyphs` raises
`MissingGlyphError` if the font would draw tofu.
"""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

A4_MM = (210.0, 297.0)
A4_IN = (A4_MM[0] / 25.4, A4_MM[1] / 25.4)
FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = {
    "eng": FONT_DIR / "freefont" / "FreeMono.ttf",
    "rus": FONT_DIR / "freefont" / "FreeMono.ttf",
    "hye": FONT_DIR / "dejavu" / "DejaVuSansMono.ttf",
}
INK_LEVEL = 28  # gray value of a full strike


class SampleGenError(Exception):
    """Base error of the sample generator."""


class FontMissingError(SampleGenError):
    pass


class MissingGlyphError(SampleGenError):
    pass


def page_size(dpi: int) -> tuple[int, int]:
    """(width, height) of an A4 sheet in pixels: 2480x3508 at 300 DPI, 1654x2339 at 200 DPI."""
    return round(A4_IN[0] * dpi), round(A4_IN[1] * dpi)


def line_pitch(dpi: int, spacing: float) -> int:
    return round(spacing * dpi / 6)


def lines_per_page(dpi: int = 300, spacing: float = 1.5, top_in: float = 1.0, bottom_in: float = 0.9) -> int:
    """How many typed lines (empty ones included) fit between the margins."""
    usable = (A4_IN[1] - top_in - bottom_in) * dpi
    return int(usable // line_pitch(dpi, spacing))


def font_path(lang: str) -> Path:
    path = FONTS.get(lang)
    if path is None:
        raise SampleGenError(f"no typewriter font configured for language {lang!r} (have {sorted(FONTS)})")
    if not path.exists():
        raise FontMissingError(f"{path}: font file missing (install fonts-freefont-ttf and fonts-dejavu-core)")
    return path


@functools.lru_cache(maxsize=8)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@functools.lru_cache(maxsize=8)
def _notdef(path: str, size: int) -> bytes:
    font = _font(path, size)
    mask = font.getmask("\U000f0000")  # a private-use code point: every font draws its .notdef box
    return bytes(mask)


def check_glyphs(text: str, lang: str, size: int = 50) -> None:
    """Raise MissingGlyphError naming the characters the language's font cannot draw."""
    path = str(font_path(lang))
    font, tofu = _font(path, size), _notdef(path, size)
    missing = sorted({ch for ch in text if not ch.isspace() and bytes(font.getmask(ch)) == tofu})
    if missing:
        raise MissingGlyphError(f"{path}: no glyph for {' '.join(missing)} ({lang})")


@functools.lru_cache(maxsize=4096)
def _glyph(path: str, size: int, stroke: int, ch: str) -> tuple[np.ndarray, int, int]:
    """Coverage (0..1) of one character and its offset from the pen position on the baseline."""
    font = _font(path, size)
    pad = size
    canvas = Image.new("L", (size * 2 + pad, size * 3), 0)
    ImageDraw.Draw(canvas).text(
        (pad, size * 2), ch, font=font, fill=255, anchor="ls", stroke_width=stroke, stroke_fill=255
    )
    box = canvas.getbbox()
    if box is None:
        return np.zeros((0, 0), np.float32), 0, 0
    arr = np.asarray(canvas.crop(box), dtype=np.float32) / 255.0
    return arr, box[0] - pad, box[1] - size * 2


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cell: int) -> np.ndarray:
    """Noise in 0..1 varying over about `cell` pixels."""
    h, w = shape
    small = rng.random((max(2, h // cell + 2), max(2, w // cell + 2)), dtype=np.float32)
    big = cv2.resize(small, (w + 2 * cell, h + 2 * cell), interpolation=cv2.INTER_CUBIC)
    return np.clip(big[cell : cell + h, cell : cell + w], 0.0, 1.0)


def render_page(
    lines: list[str],
    lang: str,
    dpi: int = 300,
    seed: int = 0,
    spacing: float = 1.5,
    top_in: float = 1.0,
    left_in: float = 1.0,
    height_in: float | None = None,
) -> np.ndarray:
    """Render typed lines as a clean typescript page (uint8 grayscale, white = 255).

    `seed` fixes the ink jitter; the same arguments always give the same pixels.
    """
    path = str(font_path(lang))
    check_glyphs("".join(lines), lang)
    rng = np.random.default_rng(seed)
    width, height = page_size(dpi)
    if height_in is not None:
        height = round(height_in * dpi)
    pitch_x = dpi / 10.0
    size = round(dpi / 6)  # 12 pt
    stroke = 1 if lang != "hye" and dpi >= 250 else 0  # FreeMono is hairline-thin; a typebar strikes bolder
    pitch_y = line_pitch(dpi, spacing)
    unit = max(1, round(dpi / 300))
    ink = np.zeros((height, width), np.float32)

    x0 = left_in * dpi + rng.normal(0, 0.05 * dpi)
    baseline = top_in * dpi + size * 0.75
    for line in lines:
        line_dark = float(np.clip(rng.normal(0.93, 0.04), 0.8, 1.0))  # ribbon wear drifts line by line
        line_dy = int(rng.integers(-unit, unit + 1))
        for col, ch in enumerate(line):
            if ch.isspace():
                continue
            glyph, gx, gy = _glyph(path, size, stroke, ch)
            if glyph.size == 0:
                continue
            dark = float(np.clip(rng.normal(line_dark, 0.07), 0.55, 1.0))
            face = glyph * dark
            if rng.random() < 0.15:  # typebar hit at an angle: one half of the face prints lighter
                ramp = np.linspace(1.0 - rng.uniform(0.2, 0.5), 1.0, face.shape[0], dtype=np.float32)
                face = face * (ramp if rng.random() < 0.5 else ramp[::-1])[:, None]
            jx = int(rng.choice([-1, 0, 0, 0, 1])) * unit
            jy = int(rng.choice([-1, 0, 0, 0, 0, 1])) * unit + line_dy
            x = round(x0 + col * pitch_x) + gx + jx
            y = round(baseline) + gy + jy
            _blit_max(ink, face, x, y)
        baseline += pitch_y

    # Ribbon fabric: strokes are grainy, never a flat fill.
    grain = 0.78 + 0.22 * _smooth_noise(rng, ink.shape, max(2, round(3 * dpi / 300)))
    ink *= grain
    ink = cv2.GaussianBlur(ink, (0, 0), 0.55 * dpi / 300)
    page = 255.0 - np.clip(ink, 0.0, 1.0) * (255.0 - INK_LEVEL)
    return np.round(page).astype(np.uint8)


def _blit_max(dst: np.ndarray, src: np.ndarray, x: int, y: int) -> None:
    h, w = src.shape
    y1, x1 = max(0, y), max(0, x)
    y2, x2 = min(dst.shape[0], y + h), min(dst.shape[1], x + w)
    if y2 <= y1 or x2 <= x1:
        return
    region = dst[y1:y2, x1:x2]
    np.maximum(region, src[y1 - y : y2 - y, x1 - x : x2 - x], out=region)
