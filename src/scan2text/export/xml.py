"""Rendering the neutral export model through the per-format Jinja2 templates."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from scan2text.export.model import ExportPage

TEMPLATES = {"page": "page.xml.j2", "alto": "alto.xml.j2", "hocr": "hocr.html.j2"}


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # text and file names go into XML attributes and elements
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render(fmt: str, page: ExportPage) -> bytes:
    """One page as PAGE-XML ("page"), ALTO ("alto") or hOCR ("hocr"), UTF-8 encoded."""
    return _env().get_template(TEMPLATES[fmt]).render(page=page).encode("utf-8")
