"""Evaluation against a truth.json dict: boundary P/R/F1 and per-field accuracy per language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scan2text.extract import build_records
from scan2text.models import CitedSource, Record, RecordPage
from scan2text_tools.evaluate import FIELDS, evaluate, format_table, ground_truth_pages

pytestmark = pytest.mark.unit

CSHAA = "Central State Historical Archive of Armenia"


def truth_doc(image: str, title: str, lang: str = "eng", **fields: Any) -> dict[str, Any]:
    source = {"archive": CSHAA, "fund": "200", "inventory": "1", "file": "271", "sheets": "213–214",
              "sheet_first": 213, "sheet_last": 214, "verso": False, "form": "typescript"}
    return {"language": lang, "doc_type": "telegram", "title": title, "collection_number": None, "number": None,
            "place": "Yerevan", "date": "1920-05-03", "date_text": "May 3, 1920",
            "pages": [{"image": image, "frame": 0}], "cited_source": [source]} | fields


def record_for(doc: dict[str, Any], **changes: Any) -> Record:
    src = CitedSource(**doc["cited_source"][0])
    rec = Record(id=f"{doc['pages'][0]['image']}:{doc['title'][:8]}", doc_type=doc["doc_type"], title=doc["title"],
                 language=doc["language"], date=doc["date"], place=doc["place"], cited_source=[src],
                 pages=[RecordPage(page_id=p["image"], image=p["image"], frame=p["frame"]) for p in doc["pages"]])
    return rec.model_copy(update=changes)


@pytest.fixture
def truth() -> dict[str, Any]:
    return {"pages": [], "documents": [
        truth_doc("eng/a.png", "Telegram from the Minister"),
        truth_doc("eng/a.png", "Note from the Ministry", doc_type="note"),
        truth_doc("eng/b.png", "Letter from the Prime Minister", doc_type="letter"),
        truth_doc("rus/c.png", "ТЕЛЕГРАММА МИНИСТРА", lang="rus", place="Ереван"),
    ]}


def test_perfect_records_score_one(truth: dict[str, Any]) -> None:
    report = evaluate([record_for(d) for d in truth["documents"]], truth)
    assert (report.overall.precision, report.overall.recall, report.overall.f1) == (1.0, 1.0, 1.0)
    assert all(report.overall.fields[f].accuracy == 1.0 for f in FIELDS)
    assert report.overall.perfect == 4 and report.mismatches == []


def test_missed_and_extra_boundaries(truth: dict[str, Any]) -> None:
    docs = truth["documents"]
    # The note was merged into the telegram (missed boundary); the letter was split in two (extra one).
    records = [record_for(docs[0]), record_for(docs[2]), record_for(docs[2], title="Prime Minister A. O."),
               record_for(docs[3])]
    report = evaluate(records, truth)
    eng = report.languages["eng"]
    assert (eng.documents, eng.predicted, eng.boundaries_matched) == (3, 3, 2)
    assert eng.precision == pytest.approx(2 / 3) and eng.recall == pytest.approx(2 / 3)
    assert eng.fields["doc_type"].correct == 2  # the unmatched note counts as wrong
    assert report.languages["rus"].f1 == 1.0
    assert any("not found" in m for m in report.mismatches)


def test_field_errors_are_counted_per_field(truth: dict[str, Any]) -> None:
    docs = truth["documents"]
    wrong_src = CitedSource(**docs[1]["cited_source"][0] | {"fund": "201", "sheets": "213"})
    records = [record_for(docs[0], date="1920-05-04"), record_for(docs[1], cited_source=[wrong_src]),
               record_for(docs[2]), record_for(docs[3], place=None)]
    report = evaluate(records, truth)
    eng, rus = report.languages["eng"], report.languages["rus"]
    assert eng.fields["date"].correct == 2 and eng.fields["fund"].correct == 2 and eng.fields["sheets"].correct == 2
    assert eng.fields["archive"].correct == 3 and eng.perfect == 1
    assert rus.fields["place"].correct == 0
    assert report.overall.fields["date"].accuracy == pytest.approx(3 / 4)


def test_equivalent_spellings_count_as_right(truth: dict[str, Any]) -> None:
    doc = truth["documents"][0]
    src = CitedSource(**doc["cited_source"][0] | {"sheets": "213-214", "archive": f"{CSHAA} (CSHAA)",
                                                  "archive_abbr": "CSHAA"})
    report = evaluate([record_for(doc, cited_source=[src])], {"documents": [doc]})
    assert report.overall.fields["sheets"].accuracy == 1.0
    assert report.overall.fields["archive"].accuracy == 1.0


def test_leading_text_records_are_not_boundaries(truth: dict[str, Any]) -> None:
    lead = Record(id="eng/a.png:l0", pages=[RecordPage(page_id="a", image="eng/a.png")])
    report = evaluate([lead, *(record_for(d) for d in truth["documents"])], truth)
    assert report.overall.precision == 1.0


def test_format_table_has_a_row_per_language(truth: dict[str, Any]) -> None:
    table = format_table(evaluate([record_for(d) for d in truth["documents"]], truth))
    rows = table.splitlines()
    assert rows[0].split()[:9] == ["lang", "docs", "pred", "P", "R", "F1", "all-ok", "flagged", "silent"]
    assert [r.split()[0] for r in rows[2:]] == ["eng", "rus", "all"]
    assert rows[-1].split()[1:9] == ["4", "4", "1.00", "1.00", "1.00", "4/4", "0", "0"]


def test_wrong_fields_are_told_apart_by_their_flags(truth: dict[str, Any]) -> None:
    docs = truth["documents"]
    wrong_src = CitedSource(**docs[1]["cited_source"][0] | {"fund": "201"})
    records = [record_for(docs[0], date="1920-05-04", flags=["date"]),  # wrong, but a reviewer is told
               record_for(docs[1], cited_source=[wrong_src], flags=["cited_source"]),  # the whole citation flagged
               record_for(docs[2], place="Baku"),  # wrong and silent
               record_for(docs[3], flags=["place"])]  # flagged but right: no error at all
    report = evaluate(records, truth)
    eng = report.languages["eng"]
    assert (eng.fields["date"].wrong_flagged, eng.fields["fund"].wrong_flagged) == (1, 1)
    assert (eng.fields["place"].wrong_unflagged, eng.wrong_flagged, eng.wrong_unflagged) == (1, 2, 1)
    assert (report.overall.wrong_flagged, report.overall.wrong_unflagged) == (2, 1)
    assert report.languages["rus"].wrong_flagged == report.languages["rus"].wrong_unflagged == 0
    silent = [m for m in report.mismatches if not m.flagged]
    assert [(m.language, m.title, m.field, m.expected, m.got) for m in silent] == [
        ("eng", "Letter from the Prime Minister", "place", "Yerevan", "Baku")]
    assert "SILENT" in silent[0] and "\n".join(report.mismatches).count("[flagged]") == 2
    assert silent[0] in format_table(report).splitlines()  # the eval command lists every mismatch
    assert format_table(report, details=False).splitlines()[-1].split()[7:9] == ["2", "1"]


def test_missed_document_is_silently_wrong_in_every_field(truth: dict[str, Any]) -> None:
    docs = truth["documents"]
    report = evaluate([record_for(d) for d in docs[1:]], truth)
    assert report.languages["eng"].wrong_unflagged == len(FIELDS)
    assert [(m.field, m.flagged) for m in report.mismatches] == [("document", False)]


def test_title_is_right_through_a_damaged_letter_but_not_when_cut_short() -> None:
    title = "Telegram from Deputy People’s Commissar for Foreign Affairs of the RSFSR L. Karakhan"
    doc = truth_doc("eng/a.png", title)
    damaged = evaluate([record_for(doc, title=title.replace("Affairs", "Affalrs"))], {"documents": [doc]})
    cut = evaluate([record_for(doc, title="Telegram from Deputy People’s Commissar for Foreign")],
                   {"documents": [doc]})
    assert damaged.overall.fields["title"].correct == 1
    assert cut.overall.fields["title"].correct == 0 and cut.overall.wrong_unflagged == 1


def test_sample_ground_truth_gives_every_document_with_every_field(samples_dir: Path) -> None:
    truth_path = samples_dir / "truth.json"
    if not truth_path.is_file():
        pytest.skip("samples/truth.json has not been generated")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    records = build_records(ground_truth_pages(samples_dir, truth))
    report = evaluate(records, truth)
    assert report.mismatches == []
    assert report.overall.f1 == 1.0
    assert report.overall.perfect == report.overall.documents == len(truth["documents"])
    assert not any(r.flags for r in records)  # clean text: nothing for a reviewer to check
