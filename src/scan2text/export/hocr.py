"""hOCR 1.2 as XHTML: a content area per region, lines with Tesseract's baseline and size, words with confidences."""

from __future__ import annotations

from lxml import etree

from scan2text.export.model import ExportLine, ExportPage, Rect

NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)


def _bbox(rect: Rect) -> str:
    return f"bbox {rect.x} {rect.y} {rect.x2} {rect.y2}"


def line_title(line: ExportLine) -> str:
    parts = [_bbox(line.rect)]
    if line.baseline is not None:
        # hOCR's baseline is a slope and the offset from the box's bottom-left corner, as Tesseract writes it
        (x1, y1), (x2, y2) = line.baseline
        slope = (y2 - y1) / (x2 - x1) if x2 != x1 else 0.0
        offset = y1 + slope * (line.rect.x - x1) - line.rect.y2
        parts.append(f"baseline {round(slope, 3):g} {round(offset, 2):g}")
    if line.x_size is not None:
        parts.append(f"x_size {line.x_size:g}")
        if line.x_height is not None and line.x_descenders is not None:
            parts.append(f"x_descenders {line.x_descenders:g}")
            parts.append(f"x_ascenders {round(line.x_size - line.x_height - line.x_descenders, 2):g}")
    parts.append(f"x_wconf {round(line.conf * 100)}")
    return "; ".join(parts)


def hocr_tree(page: ExportPage) -> etree._Element:
    lang = page.lang or "und"
    root = etree.Element(f"{{{NS}}}html", {XML_LANG: lang, "lang": lang}, nsmap={None: NS})
    head = _el(root, "head")
    _el(head, "meta", charset="utf-8")
    _el(head, "title").text = page.id
    _el(head, "meta", name="ocr-system", content=f"{page.software} {page.version}")
    _el(head, "meta", name="ocr-capabilities",
        content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrp_lang")
    _el(head, "meta", name="scan2text-page-id", content=page.id)
    body = _el(root, "body")
    page_el = _el(body, "div", id=f"page_{page.number}", title=(
        f'image "{page.image}"; bbox 0 0 {page.width} {page.height}; ppageno {page.number - 1}'))
    page_el.set("class", "ocr_page")
    for n, region in enumerate(page.regions, start=1):
        area = _el(page_el, "div", id=f"block_{page.number}_{n}", title=_bbox(region.rect))
        area.set("class", "ocr_carea")
        par = _el(area, "p", id=f"par_{page.number}_{n}", title=_bbox(region.rect))
        par.set("class", "ocr_par")
        if page.lang:
            par.set("lang", page.lang)
        for line in region.lines:
            line_el = _el(par, "span", id=line.id, title=line_title(line))
            line_el.set("class", "ocr_line")
            if line.lang:
                line_el.set("lang", line.lang)
            for i, word in enumerate(line.words):
                title = f"{_bbox(word.rect)}; x_wconf {round(word.conf * 100)}"
                word_el = _el(line_el, "span", id=word.id, title=title)
                word_el.set("class", "ocrx_word")
                word_el.text = word.text
                if i < len(line.words) - 1:
                    word_el.tail = " "
    return root
