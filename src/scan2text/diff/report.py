"""HTML report of a batch diff: summary, then each page's lines side by side with image crops.

Everything a reader needs is in the files written: CSS inline, line crops embedded as small PNG data
URIs, links between the parts of a paginated report relative. `render_page_fragment` gives one page's
section for embedding elsewhere (the review app), with `report_css` for its styles.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from PIL import Image, UnidentifiedImageError

from scan2text.diff.align import PageDiff
from scan2text.diff.batch import BatchDiff, summary
from scan2text.diff.classify import ERROR_CLASSES
from scan2text.diff.sources import DiffError
from scan2text.models import Box

TEMPLATES = Path(__file__).parent / "templates"
LOOKALIKE_CLASSES = frozenset({"cyrillic_latin", "armenian_latin", "armenian_punctuation", "digit_letter"})
CROP_MAX_WIDTH = 1100
CROP_MAX_HEIGHT = 40
CROP_PAD = 4


def _visible(text: str) -> str:
    # an inserted or deleted space or line break would be invisible inside <ins>/<del>
    return text.replace(" ", "␣").replace("\n", "⏎")


def _plain(text: str, newline: str = "") -> str:
    return text.replace("\n", newline)


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["visible"] = _visible
    env.filters["plain"] = _plain
    env.globals["classes"] = ERROR_CLASSES
    env.globals["lookalike"] = LOOKALIKE_CLASSES
    return env


def _template() -> Template:
    return _env().get_template("report.html.j2")


def report_css() -> str:
    """The CSS the page fragments need (scoped under `.s2t-diff`)."""
    return str(_template().module.styles())  # type: ignore[attr-defined]


# ---- crops -------------------------------------------------------------------------------------------


class _Images:
    """Opens each page image once while a page's crops are cut, then lets it go."""

    def __init__(self) -> None:
        self._cache: dict[str, Image.Image | None] = {}

    def get(self, path: str | None) -> Image.Image | None:
        if path is None:
            return None
        if path not in self._cache:
            try:
                with Image.open(path) as im:
                    im.load()
                    self._cache[path] = im.convert("L")
            except (OSError, UnidentifiedImageError):
                # a missing or unreadable cleaned image only costs the crops, not the report
                self._cache[path] = None
        return self._cache[path]


def crop_data_uri(image: Image.Image, box: Box) -> str | None:
    """A small grey PNG of `box` (padded, scaled to at most CROP_MAX_WIDTH x CROP_MAX_HEIGHT)."""
    x0, y0 = max(box.x - CROP_PAD, 0), max(box.y - CROP_PAD, 0)
    x1, y1 = min(box.x2 + CROP_PAD, image.width), min(box.y2 + CROP_PAD, image.height)
    if x1 <= x0 or y1 <= y0:
        return None
    crop = image.crop((x0, y0, x1, y1))
    crop.thumbnail((CROP_MAX_WIDTH, CROP_MAX_HEIGHT), Image.Resampling.LANCZOS)
    # 16 grey levels are plenty for reading a typed line and keep each crop to a few kilobytes
    small = crop.quantize(colors=16, method=Image.Quantize.MEDIANCUT)
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def page_crops(page: PageDiff, images: _Images | None = None, *, changed_only: bool = True) -> dict[int, str]:
    """Line index -> data URI of the line's crop, for the page's changed lines that have a box."""
    images = images or _Images()
    crops: dict[int, str] = {}
    for line in page.lines:
        if line.box is None or (changed_only and not line.changed):
            continue
        image = images.get(page.hyp_image if line.box_side == "hyp" else page.ref_image)
        if image is not None and (uri := crop_data_uri(image, line.box)):
            crops[line.index] = uri
    return crops


# ---- rendering ---------------------------------------------------------------------------------------


@dataclass
class PageView:
    page: PageDiff
    anchor: str
    file: str
    crops: dict[int, str] = field(default_factory=dict)

    @property
    def href(self) -> str:
        return f"{self.file}#{self.anchor}"


def render_page_fragment(
    page: PageDiff,
    *,
    crops: bool = True,
    anchor: str = "page",
    ref_label: str = "reference",
    hyp_label: str = "hypothesis",
) -> str:
    """One page's diff as an HTML <section> (wrap it in an element with class `s2t-diff`)."""
    view = PageView(page=page, anchor=anchor, file="", crops=page_crops(page) if crops else {})
    return str(_template().module.page_section(view, ref_label, hyp_label))  # type: ignore[attr-defined]


def part_name(html: Path, part: int) -> str:
    """File name of part `part` (1-based): report.html, report-2.html, …"""
    return html.name if part == 1 else f"{html.stem}-{part}{html.suffix}"


def write_html(
    batch: BatchDiff,
    html: Path,
    *,
    pages_per_file: int = 50,
    order: Literal["worst", "id"] = "worst",
    max_cer: float | None = None,
    worst_lines: int = 50,
) -> list[Path]:
    """Write the report as `html` plus `<stem>-2.html`, … when there are more than `pages_per_file` pages."""
    if pages_per_file < 1:
        raise ValueError("pages_per_file must be at least 1")
    pages = batch.worst_pages() if order == "worst" else sorted(batch.pages, key=lambda p: p.page_id)
    parts = max(1, -(-len(pages) // pages_per_file))
    views = [
        PageView(page=p, anchor=f"page-{i + 1}", file=part_name(html, i // pages_per_file + 1))
        for i, p in enumerate(pages)
    ]
    by_page = {id(v.page): v for v in views}
    info = summary(batch, max_cer=max_cer, worst_lines=0)
    common: dict[str, Any] = {
        "document": True,
        "batch": batch,
        "gate": info.get("gate"),
        "options": [k.replace("_", " ") for k, v in batch.options.items() if v],
        "hypothesis_only": batch.hypothesis_only,
        "reference_only": batch.reference_only,
    }
    try:
        html.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DiffError(f"cannot create the report folder: {exc.strerror}", str(html.parent)) from exc
    written: list[Path] = []
    template = _template()
    for part in range(1, parts + 1):
        chunk = views[(part - 1) * pages_per_file : part * pages_per_file]
        for view in chunk:
            view.crops = page_crops(view.page)  # one page's images in memory at a time
        first = part == 1
        context = {
            **common,
            "views": chunk,
            "nav": {
                "part": part,
                "parts": parts,
                "prev": part_name(html, part - 1) if part > 1 else None,
                "next": part_name(html, part + 1) if part < parts else None,
                "index": None if first else html.name,
            },
            "summary_all": first,
            "summary_rows": views if first else chunk,
            "documents": sorted(batch.documents, key=lambda d: -d.cer) if first else [],
            "worst_lines": [
                {"page": p, "line": line, "href": f"{by_page[id(p)].href}-l{line.index + 1}"}
                for p, line in batch.worst_lines(worst_lines)
            ]
            if first
            else [],
        }
        path = html.with_name(part_name(html, part))
        try:
            path.write_text(template.render(**context), encoding="utf-8")
        except OSError as exc:
            raise DiffError(f"cannot write the report: {exc.strerror}", str(path)) from exc
        written.append(path)
        for view in chunk:
            view.crops = {}  # keep memory flat across a large batch
    return written
