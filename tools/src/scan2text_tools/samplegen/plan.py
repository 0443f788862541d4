"""Which documents go onto which sheets of each sample set, and how those sheets are scanned.

A `Stack` is one language's run of sheets: documents are typed one after another (two empty lines apart,
or from the top of the next sheet when listed in `new_page`) and flow over the pages in order. Russian and
Armenian sheets sit in the archival file their citations name; the English seed documents come from several
files, so a sheet holding two English documents is filed under the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import texts_eng as en
from . import texts_hye as hy
from . import texts_rus as ru
from .texts import Doc


@dataclass(frozen=True)
class PageSpec:
    """One scanned page: `image` relative to the set root, `frame` inside a multi-page TIFF.

    `skew=None` lets the level draw one; `rotation` is the clockwise turn that makes the scan upright (both
    as in `degrade`). Skews are set by hand so each set spans its range in both directions: plain Tesseract
    (psm 3) loses whole lines once text falls to the right by more than about 2°, so every language has one
    such page and the rest stay milder.
    """

    image: str
    frame: int = 0
    spacing: float = 1.5
    dpi: int = 300
    skew: float | None = None
    rotation: int = 0


@dataclass(frozen=True)
class Stack:
    language: str
    pages: tuple[PageSpec, ...]
    docs: tuple[Doc, ...]
    new_page: frozenset[str] = frozenset()


def _p(path: str, **kw: object) -> PageSpec:
    return PageSpec(path, **kw)  # type: ignore[arg-type]


MILD = (
    Stack(
        "eng",
        (
            _p("eng/fund-200/inv-1/file-271/0213.png", skew=1.2),
            _p("eng/fund-200/inv-1/file-271/0214.png", spacing=1.0, skew=-3.4),
            _p("eng/fund-200/inv-1/file-581/0041.png", skew=3.6),
            _p("eng/fund-200/inv-1/file-581/0041v.jpg", spacing=1.0, skew=-0.6),
            _p("eng/fund-6/inv-12/file-8/0008v.png", skew=-2.1),
        ),
        (
            en.TELEGRAM_MAY3,
            en.LETTER_MAY6,
            en.TELEGRAM_MAY6_7,
            en.PROPOSAL_MAY9,
            en.TELEGRAM_MAY11,
            en.ORDER_MAY11,
        ),
        frozenset({en.TELEGRAM_MAY6_7.key, en.ORDER_MAY11.key}),
    ),
    Stack(
        "rus",
        (
            _p("rus/fund-200/inv-1/file-271/0213.png", skew=-1.7),
            _p("rus/fund-200/inv-1/file-271/0214.png", skew=2.9),
            _p("rus/fund-200/inv-1/file-271/0214v.png", skew=-3.8),
            _p("rus/fund-200/inv-1/file-271/0215.tif", frame=0, skew=0.9),
            _p("rus/fund-200/inv-1/file-271/0215.tif", frame=1, spacing=1.0, skew=-0.4),
        ),
        (
            ru.ORDER_MAY2,
            ru.TELEGRAM_MAY3,
            ru.RELATION_MAY3,
            ru.LETTER_MAY6,
            ru.DISPATCH_MAY6_7,
            ru.EXCERPT_MAY8,
        ),
        frozenset({ru.LETTER_MAY6.key}),
    ),
    Stack(
        "hye",
        (
            _p("hye/fund-200/inv-1/file-581/0040.png", skew=-2.6),
            _p("hye/fund-200/inv-1/file-581/0041.png", skew=1.4),
            _p("hye/fund-200/inv-1/file-581/0041v.png", skew=3.9),
            _p("hye/fund-200/inv-1/file-581/0042.jpg", skew=-0.9),
        ),
        (hy.TELEGRAM_MAY3, hy.LETTER_MAY6, hy.REPORT_MAY10, hy.ORDER_MAY14),
        frozenset({hy.REPORT_MAY10.key, hy.ORDER_MAY14.key}),
    ),
)

HARD = (
    Stack(
        "eng",
        (
            _p("eng/fund-200/inv-1/file-581/0030.png", skew=6.5),
            _p("eng/fund-200/inv-1/file-581/0031.png", dpi=200, spacing=1.0, skew=-2.4, rotation=180),
            _p("eng/fund-278/inv-1/file-35/0005.jpg", skew=1.7, rotation=90),
            _p("eng/fund-278/inv-1/file-35/0006.png", dpi=200, skew=-7.8),
        ),
        (en.NOTE_MAY4, en.EXCERPT_MAY5, en.PROTEST_MAY12),
        frozenset({en.PROTEST_MAY12.key}),
    ),
    Stack(
        "rus",
        (
            _p("rus/fund-200/inv-1/file-581/0029.png", skew=-5.6),
            _p("rus/fund-200/inv-1/file-581/0030.png", dpi=200, skew=3.1, rotation=270),
            _p("rus/fund-200/inv-1/file-581/0031.png", skew=7.9),
            _p("rus/fund-200/inv-1/file-581/0032.jpg", dpi=200, skew=-0.8, rotation=90),
        ),
        (
            ru.TAIL_MAY3,
            ru.NOTE_MAY4,
            ru.PROPOSAL_MAY9,
            ru.REPORT_MAY10,
            ru.PROTEST_MAY12,
            ru.RESOLUTION_MAY14,
        ),
        frozenset({ru.REPORT_MAY10.key}),
    ),
    Stack(
        "hye",
        (
            _p("hye/fund-200/inv-1/file-582/0010.png", skew=-4.4, rotation=180),
            _p("hye/fund-200/inv-1/file-582/0011.png", dpi=200, skew=5.2),
            _p("hye/fund-200/inv-1/file-582/0012.png", skew=-7.1, rotation=270),
            _p("hye/fund-200/inv-1/file-582/0013.jpg", dpi=200, skew=2.6),
        ),
        (hy.NOTE_MAY4, hy.TELEGRAM_MAY7, hy.PROPOSAL_MAY9, hy.PROTEST_MAY12),
        frozenset({hy.PROPOSAL_MAY9.key}),
    ),
)

STACKS = {"mild": MILD, "hard": HARD}
