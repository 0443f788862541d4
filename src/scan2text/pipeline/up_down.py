"""Up or down, settled by the page's main reading where the layout could not tell.

When the preprocess stage cannot tell from the layout whether a page is upside down (a short page, centred
or justified lines), it used to read a strip of the page both ways before OCR. Now, for a page of known
language, it turns the page the way the layout leans (as scanned if it leans neither way) and leaves the
check to the page's main reading: upright pages read at 69-95 mean word confidence, pages upside down at
31-53 (all words, set-aside lines included; measured in their own language on the mild and hard samples and
the real pages). The strip is read both ways only when the main reading is weak, and a page found upside
down is turned and read again. A confident page costs nothing extra; a wrongly turned one costs one reading.
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np

from scan2text.models import Line, OrientationResult, PreprocessReport
from scan2text.ocr import OcrResult, mean_word_conf, ocr_page
from scan2text.ocr.noise import MAIN_READING
from scan2text.ocr.orientation import decide_up_down
from scan2text.preprocess import geometry
from scan2text.preprocess.pipeline import DEFERRED, DEFERRED_STEP
from scan2text.settings import OcrSettings, PreprocessSettings

# The bar a main reading must clear to confirm its page upright, and the width of the strip read both ways
# otherwise: PreprocessSettings.upright_conf and settle_strip_width.


def settle_up_down(
    cleaned: np.ndarray, report: PreprocessReport, result: OcrResult, settings: OcrSettings, hint: str | None,
    orientation: PreprocessSettings | None = None,
) -> tuple[np.ndarray, PreprocessReport, OcrResult]:
    """The page, its report and its reading, turned 180° and read again if it proved upside down.

    Pages whose orientation was not deferred come back unchanged. `orientation`: the settings holding the strip
    test's margins (the defaults when None).
    """
    if report.orientation.method != DEFERRED:
        return cleaned, report, result
    orientation = orientation or PreprocessSettings()
    conf = mean_word_conf(result.lines + result.set_aside)
    angle = report.orientation.angle
    if conf >= orientation.upright_conf:
        settled = OrientationResult(angle=angle, confidence=round(min(1.0, (conf - 50) / 40), 3), method="reading")
        step = f"orientation: {angle}° confirmed by the main reading (mean confidence {conf:.0f})"
        return cleaned, _settle(report, settled, step), result
    # the main reading's own lines: rows read again for want of coverage are cut to fit, not typical lines
    lines = [ln for ln in result.lines + result.set_aside if ln.reason in MAIN_READING]
    strip = _strip(cleaned, lines, orientation.settle_strip_width)
    verdict = decide_up_down(strip, result.language, settings=orientation) if strip is not None else None
    if verdict is None or not verdict.flip:
        evidence = (f"as scanned {verdict.conf_as_is:.0f}, turned {verdict.conf_turned:.0f}" if verdict
                    else "no text line to read")
        settled = OrientationResult(angle=angle, confidence=verdict.confidence if verdict else 0.0, method="reading")
        step = f"orientation: {angle}° kept (main reading {conf:.0f}; strip {evidence})"
        return cleaned, _settle(report, settled, step), result
    turned = cv2.rotate(cleaned, cv2.ROTATE_180)
    flip, _ = geometry.turn(2, cleaned.shape[1], cleaned.shape[0])
    to_original = np.vstack([np.asarray(report.to_original), [0.0, 0.0, 1.0]]) @ flip  # a half turn undoes itself
    angle = (angle + 180) % 360
    settled = OrientationResult(angle=angle, confidence=verdict.confidence, method="reading")
    step = (f"orientation: {angle}° by reading (main reading {conf:.0f}; strip as scanned {verdict.conf_as_is:.0f},"
            f" turned {verdict.conf_turned:.0f})")
    report = _settle(report, settled, step).model_copy(update={"to_original": to_original[:2].round(6).tolist()})
    return turned, report, ocr_page(turned, settings, hint=hint or result.language)


def _settle(report: PreprocessReport, orientation: OrientationResult, step: str) -> PreprocessReport:
    steps = [step if DEFERRED_STEP in s else s for s in report.steps]
    return report.model_copy(update={"orientation": orientation, "steps": steps})


def _strip(image: np.ndarray, lines: list[Line], width: float) -> np.ndarray | None:
    """Two neighbouring lines of the page (the pair with the most text), at most `width` line heights wide."""
    lines = sorted((ln for ln in lines if ln.box.w > ln.box.h), key=lambda ln: ln.box.y)
    if not lines:
        return None
    pairs = [(len(a.text) + len(b.text), a, b) for a, b in pairwise(lines)] or [
        (len(lines[0].text), lines[0], lines[0])
    ]
    _, first, second = max(pairs, key=lambda p: p[0])
    height = max(first.box.h, second.box.h)
    pad = height // 2
    x0 = max(0, min(first.box.x, second.box.x) - pad)
    y0 = max(0, first.box.y - pad)
    x1 = min(image.shape[1], max(first.box.x2, second.box.x2) + pad, x0 + round(width * height))
    y1 = min(image.shape[0], second.box.y2 + pad)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    return np.ascontiguousarray(image[y0:y1, x0:x1])
