"""ALTO 4.4: a text block per region, lines with baselines and a font size, words with the spaces between."""

from __future__ import annotations

from lxml import etree

from scan2text.export.model import ExportLine, ExportPage, Rect, points

NS = "http://www.loc.gov/standards/alto/ns-v4#"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = f"{NS} http://www.loc.gov/alto/v4/alto-4-4.xsd"
# ALTO's font size is in points; Tesseract's in pixels. Archives scan typescripts at 300 dpi, and a page's
# own resolution is rarely recorded right, so sizes are given as at 300 dpi (rounded to half a point).
DPI = 300


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)


def _box(rect: Rect) -> dict[str, str]:
    return {"HPOS": str(rect.x), "VPOS": str(rect.y), "WIDTH": str(rect.w), "HEIGHT": str(rect.h)}


def font_size(line: ExportLine) -> float | None:
    """The line's size in points: Tesseract's row height (ascenders to descenders) is about the type's body."""
    if not line.x_size:
        return None
    return round(line.x_size * 72 / DPI * 2) / 2


def alto_tree(page: ExportPage) -> etree._Element:
    root = etree.Element(f"{{{NS}}}alto", nsmap={None: NS, "xlink": XLINK, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA)
    root.set("SCHEMAVERSION", "4.4")
    description = _el(root, "Description")
    _el(description, "MeasurementUnit").text = "pixel"
    _el(_el(description, "sourceImageInformation"), "fileName").text = page.image
    step = _el(_el(description, "OCRProcessing", ID="ocr1"), "ocrProcessingStep")
    _el(step, "processingDateTime").text = page.created
    _el(step, "processingStepDescription").text = (
        f"Tesseract OCR; text with reviewers' corrections applied; page {page.id}")
    software = _el(step, "processingSoftware")
    _el(software, "softwareName").text = page.software
    _el(software, "softwareVersion").text = page.version
    sizes = sorted({size for line in page.lines if (size := font_size(line)) is not None})
    style_ids = {size: f"font{n}" for n, size in enumerate(sizes, start=1)}
    if sizes:
        styles = _el(root, "Styles")
        for size, style_id in style_ids.items():
            _el(styles, "TextStyle", ID=style_id, FONTSIZE=f"{size:g}")
    attrs = {"ID": page.xml_id, "PHYSICAL_IMG_NR": str(page.number), "WIDTH": str(page.width),
             "HEIGHT": str(page.height)}
    if page.sheet:
        attrs["PRINTED_IMG_NR"] = page.sheet
    page_el = _el(_el(root, "Layout"), "Page", **attrs, PROCESSING="ocr1")
    if page.region is None:
        return root
    space = _el(page_el, "PrintSpace", **_box(page.region))
    for region in page.regions:
        block = _el(space, "TextBlock", ID=f"{page.xml_id}_{region.id}", **_box(region.rect))
        if page.lang:
            block.set("LANG", page.lang)
        for line in region.lines:
            line_el = _el(block, "TextLine", ID=f"{page.xml_id}_{line.id}", **_box(line.rect))
            if line.baseline is not None:
                line_el.set("BASELINE", points(line.baseline))
            if line.lang:
                line_el.set("LANG", line.lang)
            if (size := font_size(line)) is not None:
                line_el.set("STYLEREFS", style_ids[size])
            for i, word in enumerate(line.words):
                if i:
                    before = line.words[i - 1].rect
                    _el(line_el, "SP", HPOS=str(before.x2), VPOS=str(line.rect.y),
                        WIDTH=str(max(0, word.rect.x - before.x2)))
                _el(line_el, "String", ID=f"{page.xml_id}_{word.id}", CONTENT=word.text, WC=f"{word.conf:g}",
                    **_box(word.rect))
    return root
