"""Segmentation of a page stream into documents, built from Page/Line models (no images needed)."""

from __future__ import annotations

import textwrap

import pytest

from scan2text.extract import build_records
from scan2text.extract.segment import segment
from scan2text.grammar import load_grammar
from scan2text.models import Box, Line, Page, SheetRef

pytestmark = pytest.mark.unit

CSHAA = "Central State Historical Archive of Armenia"


def make_page(page_id: str, texts: list[str], sheet: int | None = None, verso: bool = False,
              lang: str = "eng", conf: float = 96.0) -> Page:
    lines = [Line(id=f"l{i:04d}", text=t, box=Box(x=100, y=100 + 40 * i, w=1800, h=32), conf=conf, language=lang)
             for i, t in enumerate(texts)]
    ref = SheetRef(fund="200", inventory="1", file="271", sheet=sheet, verso=verso) if sheet is not None else None
    return Page(id=page_id, image=f"{page_id}.png", sheet=ref, lines=lines, language=lang)


def wrap(paragraphs: list[str], width: int = 72) -> list[str]:
    return [line for p in paragraphs for line in textwrap.wrap(p, width)]


# Documents of the seed (English translations of 1920 documents) laid out as on the sample pages.
ORDER = {
    "head": ["Order from the Command of the Caucasian Front",
             "To the Command of the 11th Red Army",
             "On Occupying the Nakhichevan–Ordubad–Shusha Region to Prevent Interethnic",
             "Massacres Until the Border Issue Is Resolved by Agreement",
             "Baku, May 11, 1920"],
    "body": ["I hereby order:",
             "Second. In order to halt the Armenian-Muslim massacres in the Shusha and Zangezur regions, the left "
             "flank of the 11th Army is to advance into the Nakhichevan–Ordubad–Shusha area. Until the issue of "
             "the border between Azerbaijan and Armenia is resolved by a joint commission of both governments, "
             "strong garrisons must be maintained in the designated area.",
             "Report upon receipt and execution of these orders."],
    "sign": ["Commander of the Caucasian Front – Smilga", "Chief of Staff of the Front – Pugachev"],
    "cite": "Source: Russian State Military Archive (RGVA), Fund 6, Inventory 12, File 8, Sheet 8 reverse; "
            "Central State Archive of Armenia (CGASA), Fund 195, Inventory 3, File 199, Sheet 14. Published in: "
            "Nagorno-Karabakh in 1918–1923, Yerevan, 1992, Document No. 319.",
}
PROPOSAL = {
    "head": ["Proposal from the Deputy People’s Commissar for Foreign Affairs",
             "of Soviet Azerbaijan",
             "To the Government of Armenia",
             "On Initiating Negotiations to Resolve All Disputed Issues",
             "Baku, May 9, 1920"],
    "body": ["…Although the working population of Armenia has not yet cast off the yoke of the Dashnak "
             "government, in order to avoid further bloodshed among the laboring masses, the Government of the "
             "Azerbaijan Socialist Soviet Republic proposes to the current Armenian government to enter into "
             "negotiations for the resolution of all disputed issues.",
             "To this end, it is requested that authorized representatives be sent to the city of Baku no later "
             "than May 15 of this year."],
    "sign": ["Deputy Commissar for Foreign Affairs Guseynov"],
    "cite": f"Source: {CSHAA}, Fund 200, Inventory 1, File 581, Sheets 41 and reverse. Original. Typescript.",
}
TELEGRAM = {
    "head": ["Telegram from Deputy People’s Commissar for Foreign Affairs of the RSFSR L. Karakhan",
             "To G. Ordzhonikidze, Member of the Caucasian Bureau of the Central Committee",
             "No later than May 11, 1920"],
    "body": ["We have received a copy of Azerbaijan’s note to Armenia containing an ultimatum. Ilyich has "
             "instructed us to inform you that we should not rush to expand our influence.",
             "Note that any expansion not driven by immediate necessity should be postponed.",
             "Letter and telegram traffic with Baku will continue as before.",
             "Telegram No. 114 was sent to Baku on the same day.",
             "Order and discipline must be kept in the occupied districts at all costs.",
             "Narimanov departed on the 28th.",
             "No. 114/Ш"],
    "sign": ["L. Karakhan"],
    "cite": "Source: Russian State Archive of Socio-Political History (RGASPI), Fund 85, Inventory 14, File 29, "
            "Sheet 1. Archival copy from: RGASA, Fund 4, Inventory 1, File 158s, Sheet 169.",
}
LETTER = {
    "head": ["No. 45", "Letter from the Prime Minister of the Government of Armenia",
             "To the Diplomatic Representative in Georgia",
             "On the Determination to Defend the Borders of the Republic, Including Karabakh",
             "No. 2800 — May 6, 1920"],
    "body": ["The government will resolutely defend the borders of independent Armenia against all enemies, "
             "particularly in light of the ongoing military actions against Azerbaijan in Karabakh. Begin "
             "negotiations with the Georgian government in this direction."],
    "sign": ["Prime Minister A. Ogandzhanian"],
    "cite": f"Source: {CSHAA}, Fund 200, Inventory 1, File 221, Sheet 40. Typescript. Published in: "
            "Nagorno-Karabakh in 1918–1923, Yerevan, 1992, Document No. 314.",
}
SEED_DOCS = [ORDER, PROPOSAL, TELEGRAM, LETTER]


def doc_lines(doc: dict, width: int = 72) -> list[str]:
    return [*doc["head"], *wrap(doc["body"], width), *doc["sign"], *textwrap.wrap(doc["cite"], width)]


@pytest.mark.parametrize("width", [48, 60, 66, 72, 80])
def test_seed_bodies_produce_no_false_headers(width: int) -> None:
    texts = [t for doc in SEED_DOCS for t in doc_lines(doc, width)]
    # Every sentence of every body also on a line of its own: lines starting 'To', 'Report', 'Note' …
    sentences = [s for doc in SEED_DOCS for p in doc["body"] for s in p.replace(". ", ".\n").split("\n")]
    pages = [make_page("eng/p1", texts[: len(texts) // 2]), make_page("eng/p2", texts[len(texts) // 2:]),
             make_page("eng/p3", sentences)]
    records = build_records(pages)
    starts = [r.title.split()[0] for r in records if r.doc_type]
    assert starts == ["Order", "Proposal", "Telegram", "Letter"]
    # The sentence-per-line page after the last citation is one more (untitled) stretch of text at most.
    assert all(r.doc_type is None for r in records[4:])
    assert len(records) <= 5


def test_seed_documents_fields() -> None:
    texts = [t for doc in SEED_DOCS for t in doc_lines(doc)]
    records = build_records([make_page("eng/p1", texts)])
    assert [r.doc_type for r in records] == ["order", "proposal", "telegram", "letter"]
    order, proposal, telegram, letter = records
    assert (order.place, order.date, order.addressee) == ("Baku", "1920-05-11", "the Command of the 11th Red Army")
    assert order.subject.startswith("On Occupying") and order.subject.endswith("by Agreement")
    assert [s.sheets for s in order.cited_source] == ["8 reverse", "14"]
    assert order.published_in[0].document_number == "319"
    assert order.signatories == ORDER["sign"]
    assert proposal.title == "Proposal from the Deputy People’s Commissar for Foreign Affairs of Soviet Azerbaijan"
    assert proposal.cited_source[0].form == "original, typescript"
    assert (telegram.date, telegram.date_text) == ("1920-05-11", "No later than May 11, 1920")
    assert [s.archive for s in telegram.cited_source] == [
        "Russian State Archive of Socio-Political History (RGASPI)", "RGASA"]
    assert (letter.collection_number, letter.number, letter.date, letter.place) == ("45", "2800", "1920-05-06", None)
    assert all(r.flags == [] for r in records)


def test_document_spanning_two_pages() -> None:
    lines = doc_lines(LETTER, 40)
    pages = [make_page("eng/f/0040", lines[:6], sheet=40), make_page("eng/f/0041", lines[6:], sheet=41)]
    (rec,) = build_records(pages)
    assert [p.page_id for p in rec.pages] == ["eng/f/0040", "eng/f/0041"]
    assert rec.sheets == "40–41"
    assert rec.text == "\n".join(lines)
    assert rec.cited_source[0].sheets == "40"
    assert rec.id == "eng/f/0040:l0000"


def test_page_with_end_of_one_document_and_start_of_next() -> None:
    first, second = doc_lines(PROPOSAL), doc_lines(LETTER)
    pages = [make_page("eng/f/0041", first[:5], sheet=41),
             make_page("eng/f/0041v", first[5:] + second[:6], sheet=41, verso=True),
             make_page("eng/f/0042", second[6:], sheet=42)]
    a, b = build_records(pages)
    assert (a.doc_type, b.doc_type) == ("proposal", "letter")
    assert a.sheets == "41–41v" and b.sheets == "41v–42"
    assert b.id == f"eng/f/0041v:l{len(first) - 5:04d}"
    assert b.collection_number == "45"


def test_leading_text_before_first_header_is_its_own_record() -> None:
    tail = ["and the population of the district was evacuated to the mountains.",
            "Chairman of the National Council",
            f"Source: {CSHAA}, Fund 200, Inventory 1, File 270, Sheet 5. Typescript."]
    (lead, doc) = build_records([make_page("eng/f/0001", tail + doc_lines(LETTER))])
    assert lead.doc_type is None and lead.title is None
    assert lead.text == "\n".join(tail)
    assert lead.cited_source[0].file == "270"
    assert doc.doc_type == "letter"


def test_leading_text_without_citation_is_kept() -> None:
    tail = ["the last lines of a document whose start is in another batch"]
    records = build_records([make_page("eng/f/0001", tail + doc_lines(ORDER))])
    assert [r.doc_type for r in records] == [None, "order"]


RUS = ["№ 314",
       "ТЕЛЕГРАММА МИНИСТРА ИНОСТРАННЫХ ДЕЛ АРМЕНИИ",
       "НАРОДНОМУ КОМИССАРУ ИНОСТРАННЫХ ДЕЛ РСФСР",
       "Правительству Грузии",
       "О границах Республики",
       "Ереван, 3 мая 1920 г.",
       "Правительство твердо намерено защищать границы независимой Армении от",
       "всех врагов. Письмо о границах будет отправлено позже.",
       "Доклад о положении в Карабахе прилагается.",
       "Министр иностранных дел",
       "Источник: ЦГИА РА, ф. 200, оп. 1, д. 271, лл. 213–214 об. Машинопись.",
       "Подлинник.",
       "Письмо председателя правительства Армении",
       "Кому: Дипломатическому представителю в Грузии",
       "№ 2800 — 6–7 мая 1920 г.",
       "Текст письма.",
       "Источник: НАА, ф. 200, оп. 1, д. 221, л. 40. Заверенная копия."]
HYE = ["№ 21",
       "ՀԵՌԱԳԻՐ ՀԱՅԱՍՏԱՆԻ ԱՐՏԱՔԻՆ ԳՈՐԾԵՐԻ ՆԱԽԱՐԱՐԻՑ",
       "Հայաստանի կառավարությանը",
       "Սահմանների պաշտպանության մասին",
       "Երևան, 1920 թ. մայիսի 3",
       "Կառավարությունը վճռականորեն կպաշտպանի անկախ Հայաստանի սահմանները։",
       "Նամակ կուղարկվի հետագայում։",
       "Արտաքին գործերի նախարար",
       "Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 271, թ. 41 շրջ.։ Մեքենագիր։"]


def test_russian_documents() -> None:
    a, b = build_records([make_page("rus/f/0213", RUS, sheet=213, lang="rus")])
    assert (a.doc_type, a.collection_number, a.place, a.date) == ("telegram", "314", "Ереван", "1920-05-03")
    assert a.title == "ТЕЛЕГРАММА МИНИСТРА ИНОСТРАННЫХ ДЕЛ АРМЕНИИ НАРОДНОМУ КОМИССАРУ ИНОСТРАННЫХ ДЕЛ РСФСР"
    assert (a.addressee, a.subject) == ("Правительству Грузии", "О границах Республики")
    src = a.cited_source[0]
    assert (src.archive, src.sheets, src.verso, src.form) == ("ЦГИА РА", "213–214 об.", True, "typescript, original")
    assert (b.doc_type, b.number, b.date, b.addressee) == (
        "letter", "2800", "1920-05-06/1920-05-07", "Дипломатическому представителю в Грузии")
    assert b.cited_source[0].form == "certified copy"
    assert a.language == b.language == "rus"


def test_armenian_document() -> None:
    (rec,) = build_records([make_page("hye/f/0041", HYE, sheet=41, lang="hye")])
    assert (rec.doc_type, rec.collection_number, rec.place, rec.date) == ("telegram", "21", "Երևան", "1920-05-03")
    assert (rec.addressee, rec.subject) == ("Հայաստանի կառավարությանը", "Սահմանների պաշտպանության մասին")
    assert (rec.cited_source[0].sheets, rec.cited_source[0].form) == ("41 շրջ.", "typescript")
    assert rec.language == "hye"


def test_ocr_damaged_header_is_found_and_flagged() -> None:
    damaged = ["Nо. 45", "Lettеr from the Prime Minister of the Government of Armenia",  # Cyrillic о, е
               "To the Diplomatic Representative in Georgia", "No. 2800 — May 6, l920",
               "The government will defend the borders.",
               f"Sourcе: {CSHAA}, Fund 2O0, lnventory 1, File 221, Sheet 40. Typescript."]
    (rec,) = build_records([make_page("eng/f/0040", damaged)])
    assert (rec.doc_type, rec.collection_number, rec.date, rec.number) == ("letter", "45", "1920-05-06", "2800")
    src = rec.cited_source[0]
    assert (src.fund, src.inventory, src.file) == ("200", "1", "221")
    assert {"doc_type", "date", "fund", "inventory"} <= set(rec.flags)
    assert "file" not in rec.flags


def test_low_ocr_confidence_flags_fields() -> None:
    (rec,) = build_records([make_page("eng/f/0040", doc_lines(LETTER), conf=30.0)])
    assert rec.date == "1920-05-06"
    assert "date" in rec.flags and rec.ocr_conf == 30.0


def test_date_broken_over_two_lines() -> None:
    lines = ["Note from the Ministry of Foreign Affairs of Armenia", "To the Deputy People’s Commissar",
             "Yerevan, May 4,", "1920", "In response to your note dated April 30, received on May 1.",
             f"Source: {CSHAA}, Fund 200, Inventory 1, File 581, Sheets 30–31. Typescript."]
    (rec,) = build_records([make_page("eng/f/0030", lines)])
    assert (rec.place, rec.date) == ("Yerevan", "1920-05-04")


def test_header_after_missing_citation_found_by_its_date_line() -> None:
    texts = doc_lines({**LETTER, "cite": ""}) + doc_lines(PROPOSAL)  # the letter's citation was lost
    records = build_records([make_page("eng/f/0040", texts)])
    assert [r.doc_type for r in records] == ["letter", "proposal"]
    assert "cited_source" in records[0].flags


def test_same_input_gives_same_ids() -> None:
    pages = [make_page("eng/f/0040", doc_lines(LETTER) + doc_lines(ORDER))]
    assert [r.id for r in build_records(pages)] == [r.id for r in build_records(pages)] == [
        "eng/f/0040:l0000", f"eng/f/0040:l{len(doc_lines(LETTER)):04d}"]


def test_segments_label_citation_and_header_roles() -> None:
    (seg,) = segment([make_page("eng/f/0040", doc_lines(LETTER))])
    assert seg.roles[:5] == ["number", "title", "addressee", "subject", "date"]
    assert seg.roles[-1] == "citation" and "body" in seg.roles


def test_user_grammar_adds_a_document_type(tmp_path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[languages.eng]\nscript = "Latn"\ndoc_types = { circular = "circular" }\n', encoding="utf-8")
    lines = ["Circular of the Ministry of Internal Affairs", "Yerevan, June 1, 1920", "All prefects are to report.",
             f"Source: {CSHAA}, Fund 200, Inventory 1, File 9, Sheet 2. Typescript."]
    pages = [make_page("eng/f/0002", lines)]
    assert build_records(pages)[0].doc_type is None
    assert build_records(pages, load_grammar(path))[0].doc_type == "circular"


def test_specks_read_as_junk_lines_do_not_break_headers() -> None:
    first, second = doc_lines(PROPOSAL), doc_lines(LETTER)
    texts = [*first, "~", ".", second[0], "'", *second[1:4], "i", *second[4:]]
    a, b = build_records([make_page("eng/f/0041", texts)])
    assert (a.doc_type, b.doc_type, b.collection_number, b.date) == ("proposal", "letter", "45", "1920-05-06")
    assert b.addressee == "the Diplomatic Representative in Georgia"
    assert a.text.endswith("\n~\n.")  # nothing OCR read is dropped


def test_armenian_page_as_tesseract_read_it() -> None:
    # Real OCR of a sample page: '№' read as 'ն'/'յն', 'և' as 'ն' (so Երևան came out Երնան).
    lines = ["Հայաստանի Հանրապետության արտաքին գործերի նախարար",
             "Աղբյուր` ՀԱԱ, ֆ. 200, ց. 1, գ. 581, թ. 40-41: Մեքենագիր։",
             "ն 22",
             "Նամակ Հայաստանի կառավարության նախագահից Վրաստանում",
             "դիվանագիտական ներկայացուցչին",
             "Հանրապետության սահմանները պաշտպանելու մասին",
             "յն 2800 -- 1920 թ. մայիսի 6",
             "Կառավարությունը վճռականորեն պաշտպանելու է անկախ Հայաստանի",
             "սահմանները բոլոր թշնամիներից։",
             "Կառավարության նախագահ",
             "Ա. Օհանջանյան",
             "Աղբյուր` ՀԱԱ, ֆ. 200, ց. 1, գ. 581, թ. 41: Բնագիր: Մեքենագիր։",
             "յ 24",
             "ՀՐԱՄԱՆ ՀԱՅԱՍՏԱՆԻ ՀԱՆՐԱՊԵՏՈՒԹՅԱՆ ԶԻՆՎՈՐԱԿԱՆ ՆԱԽԱՐԱՐԻ",
             "Երնան, 1920 թ. մայիսի 14",
             "Զորքերում կարգապահությունն ամրապնդելու նպատակով հրամայում եմ`"]
    lead, letter, order = build_records([make_page("hye/f/0041", lines, lang="hye")])
    assert lead.doc_type is None and lead.cited_source[0].sheets == "40–41"
    assert (letter.doc_type, letter.collection_number, letter.number, letter.date) == (
        "letter", "22", "2800", "1920-05-06")
    assert letter.subject == "Հանրապետության սահմանները պաշտպանելու մասին"
    assert (letter.cited_source[0].archive, letter.cited_source[0].form) == ("ՀԱԱ", "original, typescript")
    assert (order.doc_type, order.collection_number, order.place, order.date) == ("order", "24", "Երևան", "1920-05-14")
    assert "place" in order.flags  # restored from the grammar's place names, for a reviewer to confirm


def test_lost_number_sign_and_lost_letter_in_type_word() -> None:
    lines = [*RUS[:12], "316", "Письм председателя правительства Армении", "Кому: Дипломатическому представителю",
             "№ 2800 — 6 мая 1920 г.", "Текст письма.", "Источник: НАА, ф. 200, оп. 1, д. 221, л. 40. Копия."]
    _telegram, letter = build_records([make_page("rus/f/0213", lines, lang="rus")])
    assert (letter.doc_type, letter.collection_number, letter.number) == ("letter", "316", "2800")
    assert {"doc_type", "collection_number"} <= set(letter.flags)


def test_wrapped_citation_number_is_not_taken_for_a_collection_number() -> None:
    cite = ["Source: Central State Historical Archive of Armenia, Fund 200, Inventory 1, File 221,",
            "Sheet 40. Typescript. Published in: Nagorno-Karabakh in 1918–1923, Yerevan, 1992, Document No.",
            "314."]
    first = [*LETTER["head"][1:], "Body text of the letter.", *cite]
    a, b = build_records([make_page("eng/f/0040", first + doc_lines(ORDER))])
    assert a.published_in[0].document_number == "314"
    assert (b.doc_type, b.collection_number) == ("order", None)


# Lines below are as Tesseract read them on the mild and hard sample pages.
KARAKHAN = ["No. 49", "Telegram from Deputy People’s Commissar for Foreign", "Affairs of the RSFSR L. Karakhan",
            "To G. Ordzhonikidze, Member of the Caucasian Bureau of the",
            "With Lenin’s Recommendation to Resolve Armenian-Azerbaijani", "Disputes Peacefully",
            "No later than May 1i1, 1920", *TELEGRAM["body"][:1], "L. Karakhan",
            "Source: Russian State Archive of Socio-Political History (RGASPI), Fund 85, Inventory 14, File 29,",
            "Sheet 1."]
KARAKHAN_TITLE = "Telegram from Deputy People’s Commissar for Foreign Affairs of the RSFSR L. Karakhan"


def test_two_line_title_and_date_with_a_stray_letter() -> None:
    (rec,) = build_records([make_page("eng/f/0041v", KARAKHAN)])
    assert (rec.title, rec.date, rec.collection_number) == (KARAKHAN_TITLE, "1920-05-11", "49")
    assert rec.addressee == "G. Ordzhonikidze, Member of the Caucasian Bureau of the"
    assert "date" in rec.flags  # '1i1' read as 11: right, but a guess


def test_two_line_title_runs_on_even_without_a_date_line() -> None:
    lines = [line for line in KARAKHAN if "May" not in line]
    (rec,) = build_records([make_page("eng/f/0041v", lines)])
    assert rec.title == KARAKHAN_TITLE
    assert {"date", "place"} <= set(rec.flags)  # a document without a date line is never silently undated


def test_date_line_damaged_past_reading_is_flagged_not_dropped() -> None:
    lines = ["№ 323", "ПРОТЕСТ МИНИСТЕРСТВА ИНОСТРАННЫХ ДЕЛ АРМЕНИИ", "Кому: Правнтельству Советского Азербайджана",
             "О продолжении антиармянской политики и захвате армянских", "территории", 'Ереван, "2 мал 1720 г.',
             "В ответ на вашу радиограмму от 8 мас сообщаю следухщее.",
             "Источник: ЦГИА РА, ф. 200, оп. 1, д. 581, лл. 31–32. Заверенная копия. Машинопись."]
    (rec,) = build_records([make_page("rus/f/0031", lines, lang="rus")])
    assert rec.subject == "О продолжении антиармянской политики и захвате армянских территории"
    assert (rec.place, rec.date_text) == ("Ереван", '"2 мал 1720 г.')
    assert "date" in rec.flags and "place" not in rec.flags


def test_damaged_number_signs_and_trailing_specks() -> None:
    lines = ["Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 582, թ. 10-11։ Մեքենագիր։", "ի 18",  # '№ 18'
             "ՀԵՌԱԳԻՐ ԼԵՌՆԱՅԻՆ ՂԱՐԱԲԱՂԻ ԳՅՈՒՂԱՑԻՈՒԹՅԱՆ ՊԱՇՏՊԱՆՈՒԹՅԱՆ", "' ԿՈՄԻՏԵԻՑ",
             "Շուշիի հեղափոխական կոմիտեին և Վ. Լենինին", "Շուշի, 1920 թ. մայիսի 7 |",
             "Մայիսի 6-ին ժամանակավոր կառավարությունը։",
             "Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 582, թ. 11: Պատճեն։"]
    _lead, rec = build_records([make_page("hye/f/0011", lines, lang="hye")])
    assert (rec.doc_type, rec.collection_number, rec.date) == ("telegram", "18", "1920-05-07")
    assert rec.title == "ՀԵՌԱԳԻՐ ԼԵՌՆԱՅԻՆ ՂԱՐԱԲԱՂԻ ԳՅՈՒՂԱՑԻՈՒԹՅԱՆ ՊԱՇՏՊԱՆՈՒԹՅԱՆ ԿՈՄԻՏԵԻՑ"
    assert "collection_number" in rec.flags and "date" not in rec.flags
    (note,) = build_records([make_page("eng/f/0030", ["No.. 41", *LETTER["head"][1:], "Text.", LETTER["cite"]])])
    assert (note.collection_number, note.doc_type) == ("41", "letter")


def test_damaged_publication_keyword_and_smudge_keep_the_citation_together() -> None:
    first = [*LETTER["head"], "Body of the letter.", "Minister of Foreign Affairs", "ԷԲքսԵԼ1ՇՏ.",
             f"Source: {CSHAA}, Fund 278,", "Inventory 1, File 35, Sheets 5-6. Certified copy. Typescript.",
             "Pubt-ished in: Nagorno-Karabakh in 1918-1923, Yerevan, 1992,", "Document No. 319.", "Ap"]
    page = make_page("eng/f/0006", first + doc_lines(ORDER))
    page.lines[len(LETTER["head"]) + 2].conf = 51.0  # the smudge OCR read in the wrong script
    letter, order = build_records([page])
    assert (letter.doc_type, order.doc_type) == ("letter", "order")
    assert letter.published_in[0].document_number == "319"
    assert letter.signatories == ["Minister of Foreign Affairs"]



HYE_CITE = "Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 271, թ. 12–13։ Պատճեն։ Մեքենագիր։"


def test_citation_at_odds_with_the_page_folder_is_flagged() -> None:
    # make_page files the page in fund 200, inventory 1, file 271, sheet 12: 'ֆ. 209' is a misread 200
    lines = [*HYE[:5], "Տեքստ։", HYE_CITE.replace("ֆ. 200", "ֆ. 209")]
    (rec,) = build_records([make_page("hye/f/0012", lines, sheet=12, lang="hye")])
    assert rec.cited_source[0].fund == "209" and "fund" in rec.flags
    (right,) = build_records([make_page("hye/f/0012", [*HYE[:5], "Տեքստ։", HYE_CITE], sheet=12, lang="hye")])
    assert right.flags == []
    elsewhere = [*LETTER["head"], "Text.", LETTER["cite"]]  # cites file 221, sheet 40: another file altogether
    assert build_records([make_page("eng/f/0214", elsewhere, sheet=214)])[0].flags == []


def test_citation_read_in_the_wrong_script_is_flagged_whole() -> None:
    garbled = "Unpjntn WU, >. 200, g. 1, q. 582, p. 12-13: Twin6tu: Utptuwghn:"  # Armenian OCR'd as English
    (rec,) = build_records([make_page("hye/f/0013", [*HYE[:5], "Տեքստ։", garbled], lang="hye")])
    assert "cited_source" in rec.flags


def test_citation_line_read_in_another_script_flags_the_citation() -> None:
    lines = [*HYE[:5], "Տեքստ։", "Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 581, թ. 41 շրջ.։ Պատճեն։", "Убрёцшайп:"]
    page = make_page("hye/f/0041v", lines, lang="hye")
    page.lines[-1].conf = 47.0  # 'Մեքենագիր։' as the Russian model read it
    (rec,) = build_records([page])
    assert rec.cited_source[0].form == "copy" and "cited_source" in rec.flags  # 'typescript' was lost


def test_citation_does_not_run_on_to_a_page_in_another_script() -> None:
    hye = [*HYE[:5], "Տեքստ։", "Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 582, թ. 12-13: Պատճեն։ Մեքենագիր:"]
    rus = ["гарнизонам пограничных пунктов усилить охрану дорог и впредь не",
           "допускать подобных нарушений, о чем донести к 5 мая.", "Начальник штаба армии",
           "Источник: ЦГИА РА, ф. 200, оп. 1, д. 581, лл. 28–29. Копия."]
    doc, lead = build_records([make_page("hye/f/0013", hye, lang="hye"), make_page("rus/f/0029", rus, lang="rus")])
    assert doc.doc_type == "telegram" and [p.page_id for p in doc.pages] == ["hye/f/0013"]
    assert lead.doc_type is None and lead.cited_source[0].sheets == "28–29"


@pytest.mark.parametrize("number", ["/ № 321.", "ի։ 321", "No. 32?"])
def test_damaged_number_line_before_a_damaged_title(number: str) -> None:
    lines = [RUS[10], number, "՛", "ПРЕППОЖЕНИЕ ЗАМЕСТИТЕЛЯ НАРОДНОГО КОМИССАРА ИНОСТРАННЫХ",
             "ДЕЛ СОВЕТСКОГО АЗЕРБАЙДЖАНА", "Правительству Армении", "Бак`’, 9 мая 1920 г.", "Текст.",
             "Источник: ЦГИА РА, ф. 200, оп. 1, д. 581, л. 30. Подлинник."]
    _lead, rec = build_records([make_page("rus/f/0030", lines, lang="rus")])
    assert (rec.doc_type, rec.collection_number[:2], rec.date) == ("proposal", "32", "1920-05-09")
    assert rec.title == "ПРЕППОЖЕНИЕ ЗАМЕСТИТЕЛЯ НАРОДНОГО КОМИССАРА ИНОСТРАННЫХ ДЕЛ СОВЕТСКОГО АЗЕРБАЙДЖАНА"
    assert {"doc_type", "place"} <= set(rec.flags)
    assert ("collection_number" in rec.flags) is (number != "/ № 321.")


def test_place_that_lost_its_capital() -> None:
    lines = ["№ 320", "НОТА МИНИСТЕРСТВА ИНОСТРАННЫХ ДЕЛ АРМЕНИИ", "Заместителю народного комиссара",
             "преван, 4 мая 1920 г.", "В ответ на вашу ноту.", "Источник: ЦГИА РА, ф. 200, оп. 1, д. 581, л. 29."]
    (rec,) = build_records([make_page("rus/f/0029", lines, lang="rus")])
    assert (rec.place, rec.date) == ("Ереван", "1920-05-04") and "place" in rec.flags
