"""How large a page image may be, checked before it is decoded, whatever the file type (ingest and PDF)."""

from __future__ import annotations

from scan2text.errors import InputError

# Far above any real scan (an A3 sheet at 600 DPI is ~70 MP) yet small enough that a
# decompression bomb is refused before it is decoded.
MAX_PIXELS = 200_000_000


def check_size(size: tuple[int, int], path: str) -> None:
    w, h = size
    if w * h > MAX_PIXELS:
        raise InputError(
            f"image is {w}×{h} ({w * h / 1e6:.0f} MP), over the {MAX_PIXELS / 1e6:.0f} MP limit "
            "(refused as a possible decompression bomb)",
            path,
        )
    if w < 16 or h < 16:
        raise InputError(f"image is {w}×{h}, too small to be a page", path)
