"""Deterministic sample-scan generator: typed archival documents rendered, scanned and written with truth.

    python -m scan2text_tools.samplegen --level mild --out samples
    python -m scan2text_tools.samplegen --level hard --out bench/hard

Reusable pieces: `render.render_page` (clean typescript page), `degrade.degrade` / `degrade.rotate_bound` /
`degrade.skew_page` / `degrade.turn_page` (scan damage and known geometry), `texts.gt_lines` (ground truth).
"""

from .degrade import Degradation, degrade, rotate_bound, skew_page, turn_page
from .render import SampleGenError, page_size, render_page
from .texts import gt_lines

__all__ = [
    "Degradation",
    "SampleGenError",
    "degrade",
    "gt_lines",
    "page_size",
    "render_page",
    "rotate_bound",
    "skew_page",
    "turn_page",
]
