"""Import PAGE-XML edited elsewhere (Transkribus, eScriptorium, our own export edited by hand) as corrections.

    report = import_files(out_dir, [Path("0213.xml")], author="ann")

Each file is one transaction: either every changed line becomes a correction (author, source
"import:<file name>") or, when the file is malformed or does not fit a page of the batch, nothing
changes and the report says why. Pages are found by our page id (exported as a MetadataItem) or
by image file name; lines by id where the boxes still agree, else by position.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from lxml import etree
from pydantic import BaseModel, Field

from scan2text.errors import CorrectionError, Scan2TextError
from scan2text.export.model import original_size
from scan2text.export.refresh import refresh_records
from scan2text.models import Page
from scan2text.store import LineState, Store
from scan2text.store.geometry import Rect, bounds, match_boxes, to_original
from scan2text.store.run_folder import RunFolder

PAGE_NS_PREFIX = "http://schema.primaresearch.org/PAGE/gts/pagecontent/"
MAX_BYTES = 50 * 1024 * 1024


class ImportFile(BaseModel):
    path: str
    status: str = Field(description="'imported' (lines changed), 'unchanged' or 'refused'")
    page_id: str | None = None
    changed: int = 0
    kept_newer: int = Field(0, description="Lines left alone: the file had an older text than the store")
    reason: str = ""


class ImportReport(BaseModel):
    files: list[ImportFile] = Field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(f.changed for f in self.files)

    @property
    def refused(self) -> list[ImportFile]:
        return [f for f in self.files if f.status == "refused"]

    @property
    def ok(self) -> bool:
        return not self.refused


class _Refused(Exception):
    pass


class _XmlLine(BaseModel):
    id: str
    text: str
    rect: Rect
    # The line's words joined, when they disagree with its own TextEquiv: an editor that edits
    # words (ours, hand edits of our export) leaves the line-level text as it was.
    words_text: str | None = None


def import_files(out_dir: Path | str, files: list[Path] | list[str], author: str) -> ImportReport:
    folder = RunFolder.existing(out_dir)
    if not author.strip():
        raise CorrectionError("an import needs an author (whose corrections these are)")
    report = ImportReport()
    with folder.open_store() as store:
        for file in map(Path, files):
            try:
                report.files.append(_import_one(store, folder, file, author))
            except (_Refused, Scan2TextError) as exc:
                reason = exc.message if isinstance(exc, Scan2TextError) else str(exc)
                report.files.append(ImportFile(path=str(file), status="refused", reason=reason))
    return report


def _import_one(store: Store, folder: RunFolder, file: Path, author: str) -> ImportFile:
    root = _parse(file)
    ns = etree.QName(root).namespace or ""
    page_el = root.find(f"{{{ns}}}Page")
    if page_el is None:
        raise _Refused("PAGE-XML without a Page element")
    with store.transaction():
        page = _find_page(store, root, page_el, ns)
        state = store.page_state(page.id)
        width, height = original_size(page, folder)
        sx, sy = _scale(page_el, width, height)
        xml_lines = _lines(page_el, ns, sx, sy)
        ours = {line.line_id: to_original(line.box, page.preprocessing) for line in state.lines}
        matched = match_boxes({i: (line.id, line.rect) for i, line in enumerate(xml_lines)}, ours)
        unmatched = [line for i, line in enumerate(xml_lines) if i not in matched]
        if unmatched:
            shown = ", ".join(f"{line.id} ('{line.text[:40]}')" for line in unmatched[:5])
            raise _Refused(f"{len(unmatched)} line(s) match no line of page {page.id} by id or position: {shown}")
        versions = {line.line_id: line for line in state.lines}
        changed = stale = 0
        for i, xml_line in enumerate(xml_lines):
            current = versions[matched[i]]
            if xml_line.text == unicodedata.normalize("NFC", current.text):
                if not xml_line.words_text:
                    continue
                xml_line = xml_line.model_copy(update={"text": xml_line.words_text})
            if xml_line.text in _earlier_texts(store, page.id, current):
                # The file still has what the line said when it was exported; the newer text
                # (a reviewer's correction since) wins over an untouched line.
                stale += 1
                continue
            store.correct_line(page.id, current.line_id, xml_line.text, author, current.version,
                               source=f"import:{file.name}")
            changed += 1
        if changed:
            refresh_records(folder, store, [page.id])  # in the file's transaction: exports current at once
    return ImportFile(path=str(file), status="imported" if changed else "unchanged", page_id=page.id,
                      changed=changed, kept_newer=stale)


def _earlier_texts(store: Store, page_id: str, line: LineState) -> set[str]:
    texts = {line.ocr_text or ""} if line.corrected else set()
    for c in store.history(page_id=page_id, line_id=line.line_id):
        texts.update(str(v) for v in (c.old_value, c.new_value) if v is not None)
    texts.discard(line.text)
    return {unicodedata.normalize("NFC", t) for t in texts}


def _parse(file: Path) -> etree._Element:
    try:
        if file.stat().st_size > MAX_BYTES:
            raise _Refused(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        # No entities, no network: an imported file must not read local files or call out.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.parse(str(file), parser).getroot()
    except OSError as exc:
        raise _Refused(f"cannot read the file: {exc.strerror or exc}") from exc
    except etree.XMLSyntaxError as exc:
        raise _Refused(f"not well-formed XML: {exc}") from exc
    ns = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "PcGts" or not ns.startswith(PAGE_NS_PREFIX):
        raise _Refused(f"not a PAGE-XML file (root element {etree.QName(root).localname} in namespace '{ns}')")
    return root


def _find_page(store: Store, root: etree._Element, page_el: etree._Element, ns: str) -> Page:
    items = {el.get("name"): el.get("value") for el in root.iter(f"{{{ns}}}MetadataItem")}
    index = store.page_index()
    page_id = items.get("scan2text:page_id")
    if page_id:
        if not any(pid == page_id for pid, _, _ in index):
            raise _Refused(f"page {page_id} (named in the file) is not in this output folder")
        return store.current_page(page_id)
    image = (page_el.get("imageFilename") or "").replace("\\", "/")
    if not image:
        raise _Refused("the file names neither a scan2text page id nor an image file")
    frame = items.get("scan2text:frame", "")
    # Editors keep the image name but often drop its folders, or even its suffix.
    for key in (lambda s: s, lambda s: Path(s).name, lambda s: Path(s).stem):
        found = [(pid, fr) for pid, img, fr in index if key(img) == key(image)]
        if len(found) > 1 and frame.isdigit():
            found = [(pid, fr) for pid, fr in found if fr == int(frame)]
        if len(found) == 1:
            return store.current_page(found[0][0])
        if len(found) > 1:
            raise _Refused(f"image {image} has {len(found)} pages here; cannot tell which this file is")
    raise _Refused(f"no page of this output folder has the image {image}")


def _scale(page_el: etree._Element, width: int, height: int) -> tuple[float, float]:
    """Editors may have worked on a resized copy of the image: scale its coordinates to ours."""
    try:
        w, h = int(page_el.get("imageWidth", "0")), int(page_el.get("imageHeight", "0"))
    except ValueError as exc:
        raise _Refused("imageWidth/imageHeight are not numbers") from exc
    if w <= 0 or h <= 0:
        return 1.0, 1.0
    return width / w, height / h


def _lines(page_el: etree._Element, ns: str, sx: float, sy: float) -> list[_XmlLine]:
    out: list[_XmlLine] = []
    for el in page_el.iter(f"{{{ns}}}TextLine"):
        line_id = el.get("id") or f"#{len(out) + 1}"
        coords = el.find(f"{{{ns}}}Coords")
        if coords is None or not coords.get("points"):
            raise _Refused(f"line {line_id} has no Coords points")
        try:
            points = [(float(x) * sx, float(y) * sy) for x, y in (p.split(",") for p in coords.get("points").split())]
        except ValueError as exc:
            raise _Refused(f"line {line_id} has malformed Coords points") from exc
        if len(points) < 2:
            raise _Refused(f"line {line_id} has fewer than two points")
        text = _text(el, ns)
        if text is None:
            continue  # nothing to say about this line's text
        text = unicodedata.normalize("NFC", text.strip())
        words = [_text(w, ns) for w in el.findall(f"{{{ns}}}Word")]
        joined = unicodedata.normalize("NFC", " ".join(w.strip() for w in words if w)) if words else None
        # Words cannot hold the spaces between them: a line typed with two spaces is not edited by its words.
        edited = joined is not None and joined != " ".join(text.split())
        out.append(_XmlLine(id=line_id, text=text, rect=bounds(points), words_text=joined if edited else None))
    return out


def _text(line: etree._Element, ns: str) -> str | None:
    """The line's text: its own TextEquiv (lowest index first), else its words' joined."""
    equivs = line.findall(f"{{{ns}}}TextEquiv")
    if equivs:
        best = min(equivs, key=lambda e: int(e.get("index", "0")) if e.get("index", "0").lstrip("-").isdigit() else 0)
        unicode_el = best.find(f"{{{ns}}}Unicode")
        return (unicode_el.text or "") if unicode_el is not None else ""
    words = [_text(w, ns) for w in line.findall(f"{{{ns}}}Word")]
    if not words:
        return None
    return " ".join(w for w in words if w)
