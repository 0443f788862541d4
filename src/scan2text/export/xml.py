"""The XML formats, built with lxml from the neutral export model: PAGE-XML 2019, ALTO 4.4 and hOCR.

Built as trees, not text: lxml escapes every character that needs it and refuses any that XML 1.0 cannot carry,
so a correction can never make a file that is not well-formed (`export.model` strips control characters
before they get here).
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from scan2text.export.alto import alto_tree
from scan2text.export.hocr import hocr_tree
from scan2text.export.model import ExportPage
from scan2text.export.page_xml import page_tree

BUILDERS: dict[str, Callable[[ExportPage], etree._Element]] = {"page": page_tree, "alto": alto_tree, "hocr": hocr_tree}


def render(fmt: str, page: ExportPage) -> bytes:
    """One page as PAGE-XML ("page"), ALTO ("alto") or hOCR ("hocr"), UTF-8 encoded."""
    tree = BUILDERS[fmt](page)
    if fmt == "hocr":
        return etree.tostring(tree, encoding="UTF-8", doctype="<!DOCTYPE html>", pretty_print=True)
    return etree.tostring(tree, encoding="UTF-8", xml_declaration=True, pretty_print=True)
