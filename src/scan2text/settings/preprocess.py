"""Settings of the clean-up: orientation, deskew, borders, scale, background, despeckle, binarisation."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scan2text.settings.section import Section


class PreprocessSettings(Section):
    orientation: bool = True
    deskew: bool = True
    max_skew: float = Field(10.0, gt=0, le=45, description="Largest skew searched, degrees")
    min_skew_drift: float = Field(
        0.5, ge=0, description="A skew whose lines drift less than this across the text, in x-heights, is left as "
        "scanned: Tesseract follows it, and a rotation resamples (blurs) every letter",
    )
    remove_borders: bool = True
    crop_margin: float = Field(2.0, ge=0, description="White margin kept around the text after cropping, in x-heights")
    normalize_light: bool = Field(
        True, description="Flatten the background (uneven light, stains, show-through) and darken faded ink, on "
        "pages whose paper level varies by flatten_min_spread or more"
    )
    flatten_min_spread: float = Field(
        16.0, ge=0, le=255,
        description="Flatten only a page whose paper level varies by this many grey levels or more (uneven light, "
        "stains); an evenly lit page reads better as scanned (measured: real scans 0-11, hard samples 22-39)",
    )
    stroke_width: float = Field(
        0.5, gt=0, description="Widest dark structure kept as ink by the flattening, in x-heights"
    )
    stroke_margin: float = Field(
        1.5, ge=0,
        description="Where the page's thick strokes are wider than stroke_width, the flattening's black-hat is "
        "made this many times as wide as they are: a narrower one hollows bold or blurred print out. 0: "
        "stroke_width alone",
    )
    ink_floor: float = Field(
        0.1, ge=0, lt=1,
        description="Ink fainter than this share of the darkest strokes is dropped (show-through, paper grain)"
    )
    binarize: Literal["sauvola", "otsu", "none"] = Field(
        "none", description="'none' hands Tesseract the flattened greyscale page, which it reads best (measured)"
    )
    sauvola_window: int = Field(31, ge=3, description="Odd, in pixels")
    sauvola_k: float = Field(0.2, ge=0, le=1)
    despeckle: bool = True
    rescale: bool = True
    target_xheight: int = Field(
        22, ge=8, le=200,
        description="Larger type is reduced to this x-height in pixels, which Tesseract reads as well and in fewer "
        "pixels (measured)",
    )
    min_xheight: float = Field(
        12.0, ge=1, le=200,
        description="Smaller type is enlarged to this x-height in pixels: Tesseract takes letters under 10 px "
        "(its textord_min_xheight) for noise; larger enlargements only cost time (measured on real pages)",
    )
    keep_size_within: float = Field(
        1.25, ge=1,
        description="Type within this factor of target_xheight keeps its size: resampling blurs every letter "
        "and saves little",
    )
    sharp_upscale_from: float | None = Field(
        1.5, ge=1,
        description="Pages enlarged this much or more are resampled bicubically, not bilinearly: the 6 px "
        "testimony pages enlarged x2 lost 10.4-15.8% of their words bilinearly and 6.6-13.3% bicubically; at "
        "x1.33 bicubic lost words on a 72 DPI letter. Unset: always bilinear",
    )
    max_upscale: float | None = Field(
        2.0, ge=1,
        description="Small type is enlarged at most this much (blurred strokes of a 72-96 DPI scan grow with "
        "it); unset: no limit",
    )
    min_scale: float = Field(
        0.2, gt=0, le=1,
        description="Smallest scale factor applied: beyond it the x-height estimate is more likely wrong than the "
        "page that odd",
    )
    max_scale: float = Field(
        5.0, ge=1,
        description="Largest scale factor applied: beyond it the x-height estimate is more likely wrong than the "
        "page that odd",
    )
    small_type_px: float = Field(
        12.0, gt=0,
        description="Letters under this size (original pixels; 72-96 DPI scans) break into fragments that pile up "
        "into a height peak of their own, so the x-height is looked for from 0.6 of the letter size (broken "
        "strokes peak at 0.55) rather than 0.45 (an Armenian line dense with capitals has its x-height at 0.58)",
    )
    channel_gain: float = Field(
        1.25, ge=1,
        description="A colour channel must show the ink this much more strongly than luminance to be read instead "
        "of it (purple carbon on yellowed paper, blue carbon, violet hectograph); a grey scan saved in colour "
        "stays as it was",
    )
    analysis_side: int = Field(
        1200, ge=200,
        description="Long side, in pixels, of the reduced copy the page's geometry is decided on: letters stay "
        "~7-9 px tall on a full page at any scan resolution, enough for 0.05° skew accuracy (measured against "
        "1600: same accuracy, 20% less time)",
    )
    layout_sure: float = Field(
        0.35, gt=0, le=1,
        description="Left-margin share minus right-edge share of the text lines above which the layout alone "
        "settles 'upright' (typescripts are flush left, ragged right), with no reading",
    )
    layout_min_lines: int = Field(
        6, ge=1, description="Fewest text lines on which the layout alone settles 'upright' (see layout_sure)"
    )
    defer_lean: float = Field(
        0.15, ge=0, le=1,
        description="Layout lean that an unsure page's provisional orientation follows when its up/down check is "
        "left to the main reading: the hard samples turned 180°/270° lean -0.29 to -0.37 before they are "
        "turned, upright unsure pages -0.04 to +0.33",
    )
    up_down_min_words: int = Field(
        3, ge=1, description="Fewer words than this read in the strip read both ways settle nothing about up/down"
    )
    flip_margin: float = Field(
        15.0, ge=0, le=100,
        description="Confidence points by which the turned reading of a strip must beat the upright one before an "
        "upright-looking page is turned (upright text reads at 85-95, upside-down at 30-50)",
    )
    flip_min_conf: float = Field(
        60.0, ge=0, le=100,
        description="An upright-looking page is turned only when its strip, turned, reads at this mean confidence "
        "or more: read badly both ways, it stays as scanned",
    )
    hint_weak: float = Field(
        60.0, ge=0, le=100,
        description="Below this best confidence of the strip read both ways, the language hint is taken to be "
        "wrong for the page and the strip is read again with all three models",
    )
    strip_xheight: float = Field(
        20.0, gt=0,
        description="x-height, in pixels, of the strip read both ways for the up/down decision: small enough to be "
        "quick, big enough for a confident reading",
    )
    strip_size: tuple[float, float] = Field(
        (28.0, 9.0),
        description="Largest strip read both ways, (width, height) in x-heights: ~22 letters × 2 lines",
    )
    upright_conf: float = Field(
        65.0, ge=0, le=101,
        description="A page whose up/down check was left to its main reading is confirmed upright when all its "
        "words (set-aside lines included: an upside-down page is mostly 'noise') read at this mean confidence or "
        "above; else a strip is read both ways. Upright pages read at 69-95, upside-down ones at 31-53 (measured); "
        "it sits nearer the upright range: a weak upright page only costs the strip reading, an upside-down page "
        "taken as upright would be lost",
    )
    settle_strip_width: float = Field(
        14.0, gt=0,
        description="Widest strip of the main reading's lines read both ways, in line heights: about two dozen "
        "letters are enough to tell",
    )
