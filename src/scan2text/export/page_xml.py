"""PAGE-XML 2019-07-15: a text region per run of a Tesseract block's lines, in reading order, with baselines."""

from __future__ import annotations

from lxml import etree

from scan2text.export.model import ExportPage, Rect, points

NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = f"{NS} {NS}/pagecontent.xsd"


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)


def _coords(parent: etree._Element, rect: Rect) -> None:
    _el(parent, "Coords", points=rect.points)


def _text_equiv(parent: etree._Element, text: str, conf: float | None = None) -> None:
    equiv = _el(parent, "TextEquiv", **({"conf": f"{conf:g}"} if conf is not None else {}))
    _el(equiv, "Unicode").text = text


def page_tree(page: ExportPage) -> etree._Element:
    root = etree.Element(f"{{{NS}}}PcGts", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA)
    root.set("pcGtsId", page.xml_id)
    meta = _el(root, "Metadata")
    _el(meta, "Creator").text = f"{page.software} {page.version}"
    _el(meta, "Created").text = page.created
    _el(meta, "LastChange").text = page.created
    _el(meta, "Comments").text = (
        "Text with reviewers' corrections applied; coordinates in pixels of the original image.")
    items = {"page_id": page.id, "frame": str(page.frame)} | ({"sheet": page.sheet} if page.sheet else {})
    for name, value in items.items():
        _el(meta, "MetadataItem", type="other", name=f"scan2text:{name}", value=value)
    attrs = {"imageFilename": page.image, "imageWidth": str(page.width), "imageHeight": str(page.height)}
    if page.language:
        attrs["primaryLanguage"] = page.language
    if page.script:
        attrs["primaryScript"] = page.script
    page_el = _el(root, "Page", **attrs)
    if page.regions:
        group = _el(_el(page_el, "ReadingOrder"), "OrderedGroup", id="ro_1", caption="regions in reading order")
        for index, region in enumerate(page.regions):
            _el(group, "RegionRefIndexed", index=str(index), regionRef=region.id)
    for region in page.regions:
        region_el = _el(page_el, "TextRegion", id=region.id, type="paragraph")
        _coords(region_el, region.rect)
        for line in region.lines:
            line_el = _el(region_el, "TextLine", id=line.id)
            _coords(line_el, line.rect)
            if line.baseline is not None:
                _el(line_el, "Baseline", points=points(line.baseline))
            for word in line.words:
                word_el = _el(line_el, "Word", id=word.id)
                _coords(word_el, word.rect)
                _text_equiv(word_el, word.text, word.conf)
            _text_equiv(line_el, line.text, line.conf)
        _text_equiv(region_el, "\n".join(line.text for line in region.lines))
    return root
