"""Turn one labelled Segment into a Record: header fields, body, signatories, citation, pages."""

from __future__ import annotations

import re
from statistics import fmean

from scan2text.extract.citations import parse_citation_detailed
from scan2text.extract.headers import (
    ADDRESSEE,
    BODY,
    CITATION,
    DATE,
    SUBJECT,
    TITLE,
    title_shaped,
)
from scan2text.extract.segment import Segment, StreamLine
from scan2text.extract.tolerant import (
    CLEAN,
    damaged,
    join_lines,
    script_of,
    strip_specks,
)
from scan2text.grammar import Grammar
from scan2text.models import Page, Record, RecordPage, SheetRef
from scan2text.settings import ExtractSettings

CITED_FIELDS = ("archive", "fund", "inventory", "file", "sheets", "form")
REQUIRED_CITED = ("archive", "fund", "file", "sheets")


def ocr_factor(lines: list[StreamLine]) -> float:
    """How much to trust text read from these lines: 1.0 at Tesseract confidence ≥ 70, less below."""
    confs = [sl.line.conf for sl in lines if sl.line.conf > 0]
    if not confs:
        return 1.0
    conf = fmean(confs)
    return 1.0 if conf >= 70 else 0.5 + 0.5 * conf / 70


def sheet_span(refs: list[SheetRef]) -> str | None:
    """'213–214', '41v' or '41–41v' from the sheet references of a document's pages."""
    labels = [r.label for r in refs if r.sheet is not None]
    if not labels:
        return None
    return labels[0] if labels[0] == labels[-1] else f"{labels[0]}–{labels[-1]}"


def _text(lines: list[StreamLine]) -> str | None:
    return join_lines([sl.clean for sl in lines]) or None


def _strip_prefix(text: str, prefixes: list[str]) -> str:
    for p in sorted(prefixes, key=len, reverse=True):
        m = re.match(rf"^{re.escape(p)}\s*[:՝]?\s+", text)
        if m:
            return text[m.end():]
    return text


def _sender(title: str, doc_type_word_end: int) -> str | None:
    rest = title[doc_type_word_end:].strip()
    m = re.match(r"^(?:from|of)\s+(?P<s>.+)$", rest, re.IGNORECASE)
    if m:
        return m.group("s")
    if rest and not re.match(r"^[a-z]", rest):  # "ТЕЛЕГРАММА МИНИСТРА …": the genitive rest names the sender
        return rest
    return None


def _signatories(body: list[StreamLine], before_citation: str, max_lines: int) -> list[str]:
    """Short unpunctuated lines closing the body: the signatory's title and name.

    Wrapped body lines run to the typed margin; a signature line stops well short of it.
    """
    out: list[str] = []
    if sum(ch.isalnum() for ch in before_citation) >= 2:
        out.append(strip_specks(before_citation))
    full = max((len(sl.clean.strip()) for sl in body), default=0)
    for sl in reversed(body):
        text = strip_specks(sl.clean)
        if sum(ch.isalnum() for ch in text) < 2:
            continue  # a smudge between the signature and the citation
        if len(out) >= max_lines or text.endswith((".", ":", ";", ",", "…", "։")):
            break
        if len(text) > 0.85 * full and not title_shaped(text):
            break  # a wrapped body line, not a name or a title
        out.insert(0, text)
    return out


def build_record(seg: Segment, pages: list[Page], grammar: Grammar, settings: ExtractSettings) -> Record:
    lines = seg.lines
    first = lines[0]
    by_role: dict[str, list[StreamLine]] = {}
    for sl, role in zip(lines, seg.roles, strict=True):
        by_role.setdefault(role, []).append(sl)
    page_indexes = list(dict.fromkeys(sl.page_index for sl in lines))
    doc_pages = [pages[i] for i in page_indexes]
    script = script_of(" ".join(sl.clean for sl in lines))
    language = grammar.language_of_script(script) or first.line.language
    lg = grammar.languages.get(language)
    record = Record(
        id=f"{pages[first.page_index].id}:{first.line.id}",
        language=language,
        text="\n".join(sl.line.text for sl in lines),
        pages=[RecordPage(page_id=p.id, image=p.image, frame=p.frame, sheet=p.sheet) for p in doc_pages],
        sheets=sheet_span([p.sheet for p in doc_pages if p.sheet]),
        ocr_conf=round(fmean(sl.line.conf for sl in lines), 2),
    )
    conf: dict[str, float] = {}
    if seg.header:
        _header(seg, record, by_role, conf, lg.addressee_prefixes if lg else [], settings)
    elif seg.shape is not None:
        _shape_header(seg, record, conf)
    _citation(seg, record, by_role, conf, grammar, settings, lg.script if lg else "")
    body = by_role.get(BODY, [])
    cite_lines = by_role.get(CITATION, [])
    before = cite_lines[0].line.text[: seg.citation_offset] if cite_lines else ""
    record.signatories = _signatories(body, before, settings.max_signature_lines) if cite_lines or seg.header else []
    if seg.signatories:
        record.signatories = seg.signatories
    record.confidence = {k: round(v, 3) for k, v in conf.items()}
    record.flags = [k for k, v in conf.items() if v < settings.flag_below]
    record.review = list(seg.review)
    if seg.review:
        record.flags.append("boundary")
    return record


def _shape_header(seg: Segment, record: Record, conf: dict[str, float]) -> None:
    """Fields of a letter, despatch or testimony from the header its shape gave (see `shapes.py`)."""
    h = seg.shape
    assert h is not None
    factor = ocr_factor(seg.lines[:12])
    record.doc_type, record.title, record.subject, record.addressee = h.doc_type, h.title, h.subject, h.addressee
    record.number, record.place = h.number, h.place
    if h.doc_type:
        conf["doc_type"] = h.conf.get("doc_type", CLEAN) * factor
    for name in ("number", "place"):
        if getattr(record, name):
            conf[name] = h.conf.get(name, CLEAN) * factor
    if h.date is not None:
        record.date, record.date_text = h.date.iso, h.date.date_text
        conf["date"] = h.conf.get("date", h.date.confidence) * factor
    else:
        conf["date"] = 0.0  # a letter or despatch is dated: its date line was missed or damaged


def _header(seg: Segment, record: Record, by_role: dict[str, list[StreamLine]], conf: dict[str, float],
            addressee_prefixes: list[str], settings: ExtractSettings) -> None:
    title_lines = by_role.get(TITLE, [])
    record.doc_type = seg.doc_type
    conf["doc_type"] = seg.doc_type_conf * ocr_factor(title_lines[:1]) if seg.doc_type else 0.0
    record.collection_number = seg.collection_number
    if seg.collection_number:
        conf["collection_number"] = seg.collection_number_conf
    record.title = join_lines([strip_specks(sl.clean) for sl in title_lines]) or None
    if record.title:
        conf["title"] = ocr_factor(title_lines)
        word = re.search(r"[^\W\d_]+", record.title)
        record.sender = _sender(record.title, word.end() if word else 0)
    if addressee := _text(by_role.get(ADDRESSEE, [])):
        record.addressee = _strip_prefix(addressee, addressee_prefixes)
    record.subject = _text(by_role.get(SUBJECT, []))
    dl = seg.date_line
    if dl is None:
        # Every document of these collections is dated: a header without a date line means OCR damaged it
        # past recognition, and the place was on that line too. Say so rather than leave them silently empty.
        conf["date"] = conf["place"] = 0.0
        return
    date_lines = by_role.get(DATE, [])
    factor = ocr_factor(date_lines)
    record.date, record.date_text = dl.date.iso, dl.date.date_text
    conf["date"] = dl.date.confidence * factor
    record.place = dl.place
    record.number = dl.number
    if dl.place and date_lines:
        sl = date_lines[0]
        at = sl.clean.find(dl.place)
        repaired = settings.repaired_conf if at >= 0 and damaged(sl.mask, at, at + len(dl.place)) else CLEAN
        conf["place"] = min(repaired, dl.place_conf) * factor
    if dl.number:
        conf["number"] = dl.number_conf * factor


def _citation(seg: Segment, record: Record, by_role: dict[str, list[StreamLine]], conf: dict[str, float],
              grammar: Grammar, settings: ExtractSettings, lg_script: str = "") -> None:
    cite_lines = by_role.get(CITATION, [])
    if not cite_lines:
        if seg.header:
            conf["cited_source"] = 0.0  # a document without its citation: maybe a missed boundary
        return
    texts = [sl.line.text for sl in cite_lines]
    texts[0] = texts[0][seg.citation_offset:]
    sources, pubs = parse_citation_detailed(join_lines(texts), grammar, settings)
    record.cited_source = [s.source for s in sources]
    record.published_in = pubs
    factor = ocr_factor(cite_lines)
    if not sources:
        conf["cited_source"] = 0.0
        return
    for name in CITED_FIELDS:
        values = [s.confidence[name] for s in sources if name in s.confidence and getattr(s.source, name)]
        if values:
            conf[name] = min(values) * factor
    conf.setdefault("archive", CLEAN * factor)
    for name in _disagreeing_with_pages(record):
        conf[name] = min(conf.get(name, CLEAN), settings.fuzzy_conf)
    for name in REQUIRED_CITED:
        if any(getattr(s.source, name) is None for s in sources):
            conf[name] = 0.0  # every archival reference has these: OCR lost or garbled it
    doubtful = [s for s in sources if sum(v < settings.flag_below for v in s.confidence.values())
                + sum(getattr(s.source, n) is None for n in REQUIRED_CITED) >= settings.garbled_fields]
    foreign = [sl for sl in cite_lines
               if sl.script not in ("", lg_script) and sum(ch.isalpha() for ch in sl.clean) >= 3]
    if doubtful or (lg_script and foreign):
        # A line read in the wrong script ('Убрёцшайп:' for 'Մեքենագիր։') or most fields guessed: nothing in
        # it, the form included, can be trusted.
        conf["cited_source"] = 0.0


def _disagreeing_with_pages(record: Record) -> list[str]:
    """Citation fields that contradict where the scanned pages sit (fund/inventory/file folders, sheet numbers).

    A document may cite any archive, so a source unlike the pages' file says nothing. But a source that
    names the pages' own sheets and two of their fund/inventory/file, and differs in the third ('ֆ. 209' on
    a page of fund 200), or one that names their file but other sheets, was most likely misread by OCR.
    """
    refs = [p.sheet for p in record.pages if p.sheet and p.sheet.fund]
    if not refs:
        return []
    here = (refs[0].fund, refs[0].inventory, refs[0].file)
    sheets = [r.sheet for r in refs if r.sheet is not None]
    out: list[str] = []
    for src in record.cited_source:
        same = [a == b for a, b in zip((src.fund, src.inventory, src.file), here, strict=True)]
        if not sheets or src.sheet_first is None or src.sheet_last is None:
            continue
        covers = src.sheet_first <= min(sheets) and max(sheets) <= src.sheet_last
        if all(same) and not covers:
            out.append("sheets")
        elif sum(same) == 2 and covers:
            out.append(("fund", "inventory", "file")[same.index(False)])
    return out
