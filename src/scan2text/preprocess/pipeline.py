"""The preprocess stage: turn, deskew, crop and scale in one resampling, then clean the ink.

Decisions come from a survey of a reduced copy (see `survey`); the geometric steps are composed into one
affine matrix from the original scan to the cleaned image, applied once with cv2.warpAffine, and its
inverse is reported as `to_original` so OCR boxes can be drawn on the original scan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from scan2text.errors import PreprocessError
from scan2text.models import Box, OrientationResult, PreprocessReport
from scan2text.preprocess import borders, geometry
from scan2text.preprocess.binarize import background_spread, flatten, hat_width, otsu, sauvola, to_gray
from scan2text.preprocess.deskew import find_skew
from scan2text.preprocess.orientation import (
    TextLines,
    UpDown,
    UpDownReader,
    alignment,
    line_axis,
    text_lines,
)
from scan2text.preprocess.scale import height_floor, scale_for, upright_heights, xheight
from scan2text.preprocess.survey import Survey, survey
from scan2text.settings import PreprocessSettings

MIN_SIDE = 16  # pixels: anything smaller is no page at all
DEFERRED = "deferred"
DEFERRED_STEP = "left to the main reading"  # marks the report step that `settle_up_down` replaces


@dataclass
class _Plan:
    """The geometric decisions for one page, in original-image units."""

    quarters: int = 0  # clockwise quarter turns
    angle: float = 0.0  # deskew applied, degrees counter-clockwise
    skew: float = 0.0  # the skew measured, applied or not
    xheight: float | None = None  # original pixels
    matrix: np.ndarray = field(default_factory=geometry.identity)  # original -> cleaned
    size: tuple[int, int] = (0, 0)
    crop: Box | None = None
    scale: float = 1.0
    cubic: bool = False  # resampled bicubically (a strong enlargement)
    steps: list[str] = field(default_factory=list)
    orientation: OrientationResult = field(default_factory=OrientationResult)


def preprocess(
    image: np.ndarray,
    settings: PreprocessSettings,
    lang_hint: str | None = None,
    defer_up_down: bool = False,
    read_up_down: UpDownReader | None = None,
) -> tuple[np.ndarray, PreprocessReport]:
    """Clean a page image for OCR. Returns the cleaned single-channel uint8 image and what was done.

    `read_up_down`: reads a strip both ways where the layout cannot tell up from down (the OCR stage's
    `decide_up_down`); without it, the layout's lean decides.

    `defer_up_down`: where the layout cannot tell whether a page is upside down, do not read a strip both
    ways: turn the page the way its layout leans (as scanned when it leans neither way), with orientation
    method "deferred", and let its main reading confirm it or have it checked and turned
    (`scan2text.pipeline.up_down.settle_up_down`), which spares a Tesseract run on most such pages. Only taken with a
    known language, and not for a page with lines running down whose layout leans neither way (90° and 270°
    are equally likely there).
    """
    start = time.perf_counter()
    if image is None or image.size == 0:
        raise PreprocessError("empty image")
    gray, grey_step = to_gray(image, settings.channel_gain)
    if min(gray.shape) < MIN_SIDE:
        raise PreprocessError(f"image too small to be a page ({gray.shape[1]}x{gray.shape[0]} px)")
    sv = survey(gray, settings.remove_borders, settings.analysis_side)
    plan = _plan(gray, sv, settings, lang_hint, defer_up_down and lang_hint not in (None, "", "auto"), read_up_down)
    if grey_step:
        plan.steps.insert(0, grey_step)
    cleaned = _render(gray, sv, plan, settings)
    report = PreprocessReport(
        steps=plan.steps,
        orientation=plan.orientation,
        skew_angle=round(plan.skew, 3),
        scale=round(plan.scale, 4),
        crop=plan.crop,
        to_original=np.linalg.inv(plan.matrix)[:2].round(6).tolist(),
        seconds=round(time.perf_counter() - start, 4),
    )
    return cleaned, report


def _plan(gray: np.ndarray, sv: Survey, settings: PreprocessSettings, lang_hint: str | None, defer: bool,
          read: UpDownReader | None) -> _Plan:
    h, w = gray.shape
    plan = _Plan()
    if not sv.has_text:
        plan.steps.append("survey: no text found; geometry left as scanned")
        plan.size = (w, h)
        return plan
    assert sv.rough is not None
    rough = sv.rough / sv.factor
    vertical = False
    if settings.orientation:
        vertical, ratio = line_axis(sv.xs, sv.ys, sv.rough, settings.max_skew)
        plan.quarters = 1 if vertical else 0
        plan.steps.append(f"orientation: lines {'vertical' if vertical else 'horizontal'} (profile ratio {ratio:.2f})")
    turn, (tw, th) = geometry.turn(plan.quarters, w, h)
    to_turned = turn @ sv.to_original
    px, py = geometry.apply(to_turned, sv.xs, sv.ys)
    sharp = 0.0
    if settings.deskew:
        plan.angle, sharp = find_skew(px, py, 0.8 * rough, settings.max_skew)

    bw, bh = sv.stats[sv.letters, 2], sv.stats[sv.letters, 3]
    if vertical:
        bw, bh = bh, bw
    xh = xheight(upright_heights(bw.astype(float), bh.astype(float), plan.angle), sv.rough,
                 floor=height_floor(sv.rough / sv.factor, settings.small_type_px))
    plan.xheight = xh / sv.factor if xh else 0.8 * rough
    if settings.deskew:
        drift = abs(np.tan(np.deg2rad(plan.angle))) * float(np.ptp(px)) / plan.xheight
        kept = drift < settings.min_skew_drift
        plan.steps.append(f"deskew: {plan.angle:+.2f}° (profile sharpness {sharp:.0f}; lines drift {drift:.2f}"
                          f" x-height across the text{', left as scanned' if kept else ''})")
        plan.skew = plan.angle
        if kept:
            plan.angle = 0.0
    rot, (rw, rh) = geometry.rotate_expanded(plan.angle, tw, th)
    upright = rot @ turn

    x0, y0, x1, y1 = 0.0, 0.0, float(rw), float(rh)
    if settings.remove_borders:
        ux, uy = geometry.apply(upright @ sv.to_original, sv.xs, sv.ys)
        margin = settings.crop_margin * plan.xheight
        x0, y0 = max(0.0, ux.min() - margin), max(0.0, uy.min() - margin)
        x1, y1 = min(float(rw), ux.max() + margin), min(float(rh), uy.max() + margin)
        plan.crop = Box(x=round(x0), y=round(y0), w=round(x1 - x0), h=round(y1 - y0))
        plan.steps.append(
            f"borders: scan bed {100 * sv.border_share:.1f}% of page, {sv.holes} hole(s);"
            f" crop {plan.crop.w}x{plan.crop.h}+{plan.crop.x}+{plan.crop.y}"
        )
    if settings.rescale:
        plan.scale = scale_for(plan.xheight, settings)
        # Enlarged bilinearly, small type's stroke edges become ramps as wide as the factor: at x2 the 6 px
        # testimony pages lost a third more words than bicubically. At x1.33 bicubic's overshoot on JPEG noise cost
        # words on a 72 DPI letter, so it is kept for strong enlargements.
        plan.cubic = settings.sharp_upscale_from is not None and plan.scale >= settings.sharp_upscale_from
        plan.steps.append(
            f"scale: x-height {plan.xheight:.1f} px -> {plan.xheight * plan.scale:.1f} px (x{plan.scale:.3f}"
            f"{', bicubic' if plan.cubic else ''})"
        )
    plan.matrix = geometry.scale(plan.scale) @ geometry.translate(-x0, -y0) @ upright
    plan.size = (max(1, int(np.ceil((x1 - x0) * plan.scale))), max(1, int(np.ceil((y1 - y0) * plan.scale))))

    if settings.orientation:
        _up_down(gray, sv, plan, vertical, lang_hint, defer, read, settings)
    return plan


def _up_down(gray: np.ndarray, sv: Survey, plan: _Plan, vertical: bool, lang_hint: str | None, defer: bool,
             read: UpDownReader | None, settings: PreprocessSettings) -> None:
    """Decide whether the planned page is upside down (layout first, reading if unsure); turn the plan if so."""
    assert plan.xheight is not None
    xh_out = plan.xheight * plan.scale
    fx, fy = geometry.apply(plan.matrix @ sv.to_original, sv.xs, sv.ys)
    lines = text_lines(fx, fy, xh_out)
    layout = alignment(lines, xh_out)
    sure, lean = settings.layout_sure, settings.defer_lean
    if len(lines) >= settings.layout_min_lines and layout >= sure:
        flip, confidence, method = False, min(1.0, layout / (2 * sure)), "layout"
        evidence = f"layout: flush left ({layout:+.2f}, {len(lines)} lines)"
    elif defer and (not vertical or abs(layout) >= lean):
        # The layout's lean (or, on a page with lines across, the prior that pages are upright) is the provisional
        # answer; the main reading confirms it or sends the page back for the strip test (`settle_up_down`).
        flip, confidence, method = layout <= -lean, 0.0, DEFERRED
        evidence = f"layout {layout:+.2f}, {len(lines)} lines; {DEFERRED_STEP}"
    elif read is None:
        flip, confidence, method = layout < 0, min(1.0, abs(layout) / (2 * sure)), "layout"
        evidence = f"layout {layout:+.2f}, {len(lines)} lines; nothing to read a strip with"
    else:
        strip = _strip(gray, sv, plan, lines, fx, fy, xh_out, settings)
        verdict = read(strip, lang_hint, vertical, settings)
        flip, confidence, method = verdict.flip, verdict.confidence, "reading"
        evidence = (
            f"reading {verdict.lang}: as scanned {verdict.conf_as_is:.0f}, turned {verdict.conf_turned:.0f},"
            f" {verdict.words} words; layout {layout:+.2f}"
        )
        if verdict.words < settings.up_down_min_words and abs(layout) >= sure / 2 and len(lines) >= 3:
            # too little to read: a clear ragged edge is the better witness
            flip, confidence, method = layout < 0, min(1.0, abs(layout) / (2 * sure)), "layout"
        elif _inconclusive(verdict, vertical, settings.flip_margin):
            # Neither way clearly better (with no known language the strip is read by all three models at once,
            # which read a 1925 Armenian italic strip at 67 upside down and 62 upright): the page goes the way the
            # strip leans for now (as scanned, unless it lies on its side), and its main reading checks it in the
            # language the page is then read in.
            method = DEFERRED
            evidence += f"; {DEFERRED_STEP}"
    if flip:
        w, h = plan.size
        plan.matrix = geometry.turn(2, w, h)[0] @ plan.matrix
        plan.quarters += 2
    angle = (plan.quarters * 90) % 360
    plan.orientation = OrientationResult(angle=angle, confidence=round(confidence, 3), method=method)
    plan.steps.append(f"orientation: {angle}° by {method} ({evidence}; confidence {confidence:.2f})")


def _inconclusive(verdict: UpDown, vertical: bool, margin: float) -> bool:
    """A strip reading that leaves up and down open: a page on its side must go one way, and goes the way it
    reads better, but by less than `margin`; an upright-looking one is kept as scanned without being clearly
    better that way."""
    lean = verdict.conf_turned - verdict.conf_as_is
    return abs(lean) < margin if vertical else (not verdict.flip and lean > -margin)


def _strip(gray: np.ndarray, sv: Survey, plan: _Plan, lines: TextLines, fx: np.ndarray, fy: np.ndarray,
           xh: float, settings: PreprocessSettings) -> np.ndarray:
    """A short strip of two whole text lines (or the densest patch of ink) rendered for the reading test."""
    sw, sh = settings.strip_size[0] * xh, settings.strip_size[1] * xh
    if len(lines) >= 1:
        pair = lines.count[:-1] + lines.count[1:] if len(lines) >= 2 else lines.count
        i = int(np.argmax(pair))
        j = min(i + 1, len(lines) - 1)
        x0 = float(min(lines.left[i], lines.left[j])) - 0.5 * xh
        y0 = float(lines.top[i]) - 0.5 * xh
        sh = min(float(lines.bottom[j]) + 0.5 * xh - y0, sh)
        sw = min(float(max(lines.right[i], lines.right[j])) + 0.5 * xh - x0, sw)
    else:
        cell = xh
        gx, gy = int(np.ceil(plan.size[0] / cell)) + 1, int(np.ceil(plan.size[1] / cell)) + 1
        hist = np.zeros((gy, gx), np.float32)
        np.add.at(hist, (np.clip(fy / cell, 0, gy - 1).astype(int), np.clip(fx / cell, 0, gx - 1).astype(int)), 1)
        kw, kh = max(1, min(gx, round(sw / cell))), max(1, min(gy, round(sh / cell)))
        dense = cv2.boxFilter(hist, -1, (kw, kh), normalize=False, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
        cy, cx = np.unravel_index(int(np.argmax(dense)), dense.shape)
        x0, y0 = float(cx * cell), float(cy * cell)
    k = settings.strip_xheight / xh
    strip_m = geometry.scale(k) @ geometry.translate(-x0, -y0) @ plan.matrix
    strip = geometry.warp(gray, strip_m, (max(8, round(sw * k)), max(8, round(sh * k))), fill=sv.paper)
    width, _ = hat_width(strip, settings.strip_xheight, settings.stroke_width, settings.stroke_margin)
    return flatten(strip, settings.strip_xheight, width=width)


def _render(gray: np.ndarray, sv: Survey, plan: _Plan, settings: PreprocessSettings) -> np.ndarray:
    h, w = gray.shape
    src, m = gray, plan.matrix
    if plan.scale < 0.7:
        # warpAffine interpolates bilinearly; a strong reduction needs area averaging first to avoid aliasing
        src, to_src = geometry.shrink(gray, (max(1, round(w * plan.scale)), max(1, round(h * plan.scale))))
        m = m @ np.linalg.inv(to_src)
    out = geometry.warp(src, m, plan.size, fill=sv.paper, cubic=plan.cubic)
    xh = (plan.xheight or 10.0) * plan.scale
    flattened = False
    if settings.normalize_light:
        spread = background_spread(out, xh)
        flattened = spread >= settings.flatten_min_spread
        if flattened:
            # the black-hat also wipes the scan bed and punch holes: both are far wider than a stroke
            width, thick = hat_width(out, xh, settings.stroke_width, settings.stroke_margin)
            why = f", widened for strokes {thick:.1f} px thick" if width != settings.stroke_width else ""
            out = flatten(out, xh, settings.ink_floor, width)
            plan.steps.append(
                f"background: flattened (paper spread {spread:.0f} grey levels; black-hat {width:g}"
                f" x-height{why}, ink floor {settings.ink_floor:g})"
            )
        else:
            plan.steps.append(f"background: even (paper spread {spread:.0f} grey levels), kept as scanned")
    if not flattened and settings.remove_borders and sv.border.any():
        bed = geometry.warp(sv.border.view(np.uint8), plan.matrix @ sv.to_original, plan.size, 0, nearest=True)
        cv2.bitwise_or(out, 255, dst=out, mask=bed)
    ink = None
    if settings.binarize == "otsu":
        ink = otsu(out)
        plan.steps.append("binarize: otsu")
    elif settings.binarize == "sauvola":
        # the window is set for type of target_xheight; pages keep their size unless far from it
        window = round(settings.sauvola_window * xh / settings.target_xheight)
        ink = sauvola(out, window, settings.sauvola_k)
        plan.steps.append(f"binarize: sauvola window={window | 1} k={settings.sauvola_k}")
    if settings.despeckle:
        # A flattened page is pure white where there is no ink, so everything darker is ink — faint strokes
        # included, which keeps faded letters whole (a letter broken into fragments would look like specks).
        if ink is not None:
            page, level = cv2.bitwise_not(ink), 128
        elif flattened:
            page, level = out, 240
        else:
            page, level = cv2.bitwise_not(otsu(out)), 128
        specks, count = borders.speck_mask(page, xh, level)
        plan.steps.append(f"despeckle: {count} speck(s) removed")
        if specks is not None:
            # masks are 0/255, so these equal ink[specks > 0] = 0 and out[specks > 0] = 255, at half the cost
            if ink is not None:
                cv2.bitwise_and(ink, cv2.bitwise_not(specks), dst=ink)
            else:
                cv2.bitwise_or(out, specks, dst=out)
    if ink is None:
        plan.steps.append("binarize: none (greyscale kept)")
        return out
    return cv2.bitwise_not(ink)
