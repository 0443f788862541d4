"""Pixels as they were scanned: high bit depths brought to 8 bits by the range they use, and compressed data
that decodes only in part refused rather than read as a page with lines missing."""

from __future__ import annotations

import zlib

import numpy as np
import simplejpeg

from scan2text.errors import InputError

# PIL modes that hold more than 8 bits a sample: 16-bit grey (TIFF, PNG), 32-bit integer, 32-bit float.
HIGH_DEPTH_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I", "F"})


def to_8bit(samples: np.ndarray) -> np.ndarray:
    """A 16-bit, 32-bit or float page as 8-bit grey, scaled by the range its values can take.

    A 16-bit archival master often holds 12 or 14 bits of data (a scanner's sensor depth): scaled by the bits it
    uses (the largest value's power of two), it keeps its tones as the scanner meant them; clipped to 0-255, as a
    plain conversion does, every value above 255 becomes white and the page reads as blank. Floats in [0, 1] are
    fractions of white; other floats are scaled by their own least and greatest values.
    """
    if samples.dtype == np.uint8:
        return samples
    values = samples.astype(np.float64, copy=False)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise InputError("the image holds no finite values")
    low, high = float(finite.min()), float(finite.max())
    if np.issubdtype(samples.dtype, np.floating):
        if low >= 0.0 and high <= 1.0:
            low, high = 0.0, 1.0
        elif high - low < 1e-12:
            high = low + 1.0
    else:
        low, high = 0.0, float(2 ** max(8, int(high).bit_length()) - 1)
    scaled = (np.nan_to_num(values, nan=high, posinf=high, neginf=low) - low) * (255.0 / (high - low))
    return np.clip(scaled + 0.5, 0, 255).astype(np.uint8)


def check_jpeg(data: bytes) -> None:
    """Raise InputError when JPEG data is corrupt or cut short anywhere.

    libjpeg only warns about corrupt entropy-coded data ("premature end of data segment") and fills what it
    could not decode with grey, which PIL, OpenCV and PDFium all pass on as a whole page: Tesseract then reads
    the rest with good confidence and the lost lines go unnoticed. A strict decode at the smallest DCT scale
    reads every coefficient (so finds any fault) while skipping most of the inverse transform.
    """
    try:
        simplejpeg.decode_jpeg(data, colorspace="GRAY", strict=True, min_width=1, min_height=1)
    except ValueError as exc:
        raise InputError(f"the image data is corrupt, only part of the page decodes ({exc})") from exc


def check_flate(data: bytes, expected: int) -> None:
    """Raise InputError when Flate-compressed image data (a PDF's /FlateDecode image) is corrupt or holds fewer
    than `expected` bytes: PDFium would pad the missing rows and show a page with its lower part blank."""
    inflater = zlib.decompressobj()
    try:
        size = len(inflater.decompress(data)) + len(inflater.flush())
    except zlib.error as exc:
        raise InputError(f"the image data is corrupt, only part of the page decodes ({exc})") from exc
    if size < expected:
        raise InputError(f"the image data is cut short: {size} of {expected} bytes, only part of the page decodes")
