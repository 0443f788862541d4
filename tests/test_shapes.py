"""Documents of archive files found by their shape (letterheads, number/place/date lines, salutations,
closings, new files), on pages built from lines (no images), in English, Russian and Armenian."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scan2text.extract import build_records
from scan2text.extract.citations import parse_citation_detailed
from scan2text.extract.dates import find_dates
from scan2text.grammar import default_grammar
from scan2text.models import Box, Line, Page, Record
from scan2text.settings import ExtractSettings

pytestmark = pytest.mark.unit

FLAG_BELOW = ExtractSettings().flag_below  # the default: what a run flags

BODY_ENG = ["I have the honor to refer to my telegram of March 25, 1939, in which it was reported that the",
            "leader of a movement called the Workers of New Bulgaria was interned in a provincial town. This",
            "grouping, which has existed for over two years, is organized along nationalistic lines."]


def page(image: str, texts: list[str], lang: str = "eng") -> Page:
    lines = [Line(id=f"l{i:04d}", text=t, box=Box(x=100, y=100 + 40 * i, w=1800, h=32), conf=92.0, language=lang)
             for i, t in enumerate(texts)]
    return Page(id=image.rsplit(".", 1)[0], image=image, lines=lines, language=lang)


def pages_of(records: list[Record]) -> list[list[str]]:
    return [[p.page_id for p in r.pages] for r in records]


DESPATCH = [
    page("US-1939-0519_01.jpg", ["LEGATION OF THE", "UNITED STATES OF AMERICA", "No. 1559. Budapest, May 19, 1939.",
                                 "Subject: Anti-Jewish Legislation in", "Hungary.", "The Honorable",
                                 "The Secretary of State,", "Washington.", "Sir:", *BODY_ENG]),
    page("US-1939-0519_02.jpg", ["- 2 -", "taken and by interning the leader of the organization, the Government",
                                 "wishes to make it understood that it will not permit such movements.",
                                 "Respectfully yours,", "John F. Montgomery", "File 840.1", "RA/MM"]),
]
LETTER = [
    page("BF-1938-0509_01.jpg", ["c/o 35, Lordship Park,", "LONDON, N. 16.", "9th May, 1938.", "TO -",
                                 "The Council for German Jewry,", "Woburn House,", "Dear Sirs,", *BODY_ENG]),
    page("BF-1938-0509_02.jpg", ["-2-", "facts approached these families and brought them life-saving aid",
                                 "into their homes.", "Yours sincerely,", "MICHAL WEISSMANDL, Rabbi"]),
]
TESTIMONY = [
    page("WL-16560044_06.jpg", ["P. III. e. No. 44.",
                                "The Experiences of Mrs. Johanna FRAENKEL in FRANKFURT-AM-MAIN,", "1939 - 1945.",
                                "(Reported, 15th April, 1955.", "Report by Peter Zadek)", *BODY_ENG]),
    page("WL-16560044_07.jpg", ["was being considered. Meanwhile Mrs Fraenkel did not wear the star and",
                                "therefore did not suffer the resulting loss of privilege."]),
]


def test_despatch_letter_and_testimony_in_one_folder_are_three_records_with_their_fields() -> None:
    records = build_records(LETTER + DESPATCH + TESTIMONY)
    assert pages_of(records) == [["BF-1938-0509_01", "BF-1938-0509_02"], ["US-1939-0519_01", "US-1939-0519_02"],
                                 ["WL-16560044_06", "WL-16560044_07"]]
    letter, despatch, testimony = records
    assert (letter.doc_type, letter.place, letter.date, letter.number) == ("letter", "London", "1938-05-09", None)
    assert letter.addressee == "The Council for German Jewry, Woburn House"
    assert letter.signatories == ["MICHAL WEISSMANDL, Rabbi"]
    assert (despatch.doc_type, despatch.number, despatch.place, despatch.date) == (
        "despatch", "1559", "Budapest", "1939-05-19")
    assert despatch.subject == "Anti-Jewish Legislation in Hungary."
    assert despatch.addressee == "The Honorable The Secretary of State, Washington."
    assert despatch.signatories == ["John F. Montgomery"]  # not the file number, not the typist's initials
    assert (testimony.doc_type, testimony.number, testimony.date) == ("testimony", "44", "1955-04-15")
    assert testimony.title.startswith("The Experiences of Mrs. Johanna FRAENKEL")
    assert "date" in testimony.flags  # read from a line that is more than a date: a reviewer checks it
    assert not any(r.review for r in records)


def test_a_record_never_runs_past_a_closing_into_a_page_that_starts_anew() -> None:
    # Same file, no header on the next page: only the closing says a document ended. The start is made and
    # flagged with its reason rather than folded into the letter before.
    first = page("f_01.jpg", ["Dear Sir:-", *BODY_ENG, "Respectfully yours,", "A. Smith"])
    second = page("f_02.jpg", ["The committee met on the first of the month and resolved the following",
                               "points, which are set out here for the record of the meeting."])
    records = build_records([first, second])
    assert pages_of(records) == [["f_01"], ["f_02"]]
    assert "boundary" in records[1].flags
    assert "closing 'Respectfully yours,'" in records[1].review[0]


def test_continuation_pages_stay_with_their_document_even_with_a_date_in_the_text() -> None:
    middle = page("g_02.jpg", ["- 2 -", "May 4, 1939.", "the Minister replied that no further measures were planned."])
    records = build_records([DESPATCH[0], middle, DESPATCH[1]])
    assert pages_of(records) == [["US-1939-0519_01", "g_02", "US-1939-0519_02"]]


def test_many_pages_without_any_header_are_flagged_not_silent() -> None:
    pages = [page(f"h_{n:02d}.jpg", [f"- {n} -", "the report goes on about the conditions in the camps and",
                                     "the supply of the population during the winter months."]) for n in range(1, 7)]
    records = build_records(pages)
    assert len(records) == 1
    assert "boundary" in records[0].flags
    assert "6 pages with no document header" in records[0].review[0]


def test_a_new_file_after_a_last_page_starts_a_document_flagged_when_nothing_else_says_so() -> None:
    a = page("A-1939_01.jpg", ["Sir:", *BODY_ENG])
    b = page("B-1940_01.jpg", ["The situation in the provinces has not changed since the last report",
                               "and the authorities continue the measures described."])
    records = build_records([a, b])
    assert pages_of(records) == [["A-1939_01"], ["B-1940_01"]]
    assert records[1].review and "new file" in records[1].review[0]


RUS_BODY = ["Имею честь сообщить Вам, что Правительство Республики получило ноту и считает",
            "необходимым немедленно начать переговоры по всем спорным вопросам."]


def test_russian_letterhead_number_place_date_and_old_style_and_roman_month() -> None:
    first = page("rus-a_01.jpg", ["МИНИСТЕРСТВО ИНОСТРАННЫХ ДЕЛ", "№ 123. Тифлис, 3 мая 1920 г.",
                                  "Господину Председателю Совета Министров", "Милостивый Государь,", *RUS_BODY,
                                  "С совершенным почтением,", "Министр Е. Гегечкори"], lang="rus")
    second = page("rus-b_01.jpg", ["КОМИТЕТ ПОМОЩИ БЕЖЕНЦАМ", "Тифлис, 21 апреля 1920 г. ст. ст.",
                                   "Тема: о беженцах из Карса", "Милостивый Государь!", *RUS_BODY], lang="rus")
    third = page("rus-c_01.jpg", ["ПОСОЛЬСТВО В ТИФЛИСЕ", "№ 7. Тифлис, 3.V.1920", "Милостивый Государь,",
                                  *RUS_BODY], lang="rus")
    records = build_records([first, second, third])
    assert pages_of(records) == [["rus-a_01"], ["rus-b_01"], ["rus-c_01"]]
    a, b, c = records
    assert (a.doc_type, a.number, a.place, a.date) == ("letter", "123", "Тифлис", "1920-05-03")
    assert a.addressee == "Председателю Совета Министров" or a.addressee.startswith("Господину")
    assert a.signatories == ["Министр Е. Гегечкори"]
    assert (b.date, b.place, b.subject) == ("1920-05-04", "Тифлис", "о беженцах из Карса")  # Old Style converted
    assert (c.doc_type, c.number, c.date) == ("despatch", "7", "1920-05-03")


HYE_BODY = ["Պատիվ ունեմ հայտնելու Ձեզ, որ Հայաստանի Հանրապետության կառավարությունը ստացել է",
            "Ձեր նոտան և համաձայն է անհապաղ սկսել բանակցություններ բոլոր վիճելի հարցերի շուրջ։"]


def test_armenian_letterhead_number_place_date_salutation_and_closing() -> None:
    first = page("hye-a_01.jpg", ["ԱՐՏԱՔԻՆ ԳՈՐԾՈՑ ՆԱԽԱՐԱՐՈՒԹՅՈՒՆ", "№ 45, Երևան, 1920 թ. մայիսի 3",
                                  "Պարոն Նախագահ,", *HYE_BODY, "Խորին հարգանքով՝", "Նախարար Համո Օհանջանյան"],
                 lang="hye")
    cont = page("hye-a_02.jpg", ["- 2 -", "շարունակությունը հաջորդ նիստում։"], lang="hye")
    second = page("hye-b_01.jpg", ["ՀԵՌԱԳԻՐ", "Երևան, 3.V.1920", *HYE_BODY], lang="hye")
    records = build_records([first, cont, second])
    assert pages_of(records) == [["hye-a_01", "hye-a_02"], ["hye-b_01"]]
    a, b = records
    assert (a.doc_type, a.number, a.place, a.date) == ("letter", "45", "Երևան", "1920-05-03")
    assert a.signatories == ["Նախարար Համո Օհանջանյան"]
    assert (b.doc_type, b.place, b.date) == ("telegram", "Երևան", "1920-05-03")


@pytest.mark.unit
def test_armenian_papers_in_the_classical_orthography_are_found_as_well() -> None:
    # 1918-1920: -ութիւն, -եան, եւ; the same letter as above, spelled as it was typed then
    first = page("hye-c_01.jpg", ["ԱՐՏԱՔԻՆ ԳՈՐԾՈՑ ՆԱԽԱՐԱՐՈՒԹԻՒՆ", "№ 45, Երեւան, 1920 թ. մայիսի 3",
                                  "Պարոն Նախագահ,", *HYE_BODY, "Խորին յարգանքով՝", "Նախարար Համօ Օհանջանեան"],
                 lang="hye")
    cont = page("hye-c_02.jpg", ["- 2 -", "շարունակութիւնը յաջորդ նիստում։"], lang="hye")
    second = page("hye-d_01.jpg", ["ՅԱՅՏԱՐԱՐՈՒԹԻՒՆ", "Երեւան, 3.V.1920", *HYE_BODY], lang="hye")
    records = build_records([first, cont, second])
    assert pages_of(records) == [["hye-c_01", "hye-c_02"], ["hye-d_01"]]
    assert (records[0].doc_type, records[0].number, records[0].date) == ("letter", "45", "1920-05-03")
    assert (records[1].doc_type, records[1].date) == ("statement", "1920-05-03")


@pytest.mark.parametrize(("text", "iso"), [
    ("3.V.1920", "1920-05-03"), ("Тифлис, 3 VIII 1920 г.", "1920-08-03"), ("9th May, 1938", "1938-05-09"),
    ("the 4th of April, 1939", "1939-04-04"), ("3-го мая 1920 г.", "1920-05-03"), ("Երևան, 3.V.1920 թ.", "1920-05-03"),
])
def test_written_out_and_roman_numeral_dates(text: str, iso: str) -> None:
    assert find_dates(text)[0].iso == iso


# ---------------------------------------------------------------- citations read by rough OCR
HYE_CONFUSED = {"ց.": ["ց.", "Է.", "է."], "գ.": ["գ.", "զ.", "Զ."], "թ.": ["թ.", "Թ.", "Թ-"]}
RUS_CONFUSED = {"ф.": ["ф.", "Ф."], "д.": ["д.", "ц."], "л.": ["л.", "п."]}
numbers = st.integers(min_value=1, max_value=999)


def _check(source: dict[str, str], text: str) -> None:
    sources, _ = parse_citation_detailed(text, default_grammar())
    assert len(sources) == 1
    got = sources[0]
    for name, want in source.items():
        value = getattr(got.source, name)
        # Never a silent wrong number: a field is right, or it is flagged for a reviewer.
        assert value == want or got.confidence.get(name, 0.0) < FLAG_BELOW, (name, want, value, text)


@settings(max_examples=60, deadline=None)
@given(fund=numbers, inv=numbers, file=numbers, sheet=numbers, data=st.data())
def test_armenian_citation_through_abbreviation_confusions(fund: int, inv: int, file: int, sheet: int,
                                                           data: st.DataObject) -> None:
    inv_kw, file_kw, sheet_kw = (data.draw(st.sampled_from(HYE_CONFUSED[k])) for k in ("ց.", "գ.", "թ."))
    text = f"Աղբյուր՝ ՀԿՊՊԱ, ֆ. {fund}, {inv_kw} {inv}, {file_kw} {file}, {sheet_kw} {sheet}։"
    _check({"fund": str(fund), "inventory": str(inv), "file": str(file), "sheets": str(sheet)}, text)
    sources, _ = parse_citation_detailed(text, default_grammar())
    for kw, name in ((inv_kw, "inventory"), (file_kw, "file"), (sheet_kw, "sheets")):
        if kw.lower() not in ("ց.", "գ.", "թ."):
            assert sources[0].confidence[name] < FLAG_BELOW  # read through a confusion: flagged


@settings(max_examples=60, deadline=None)
@given(fund=numbers, inv=numbers, file=numbers, sheet=numbers, extra=st.sampled_from("0179"), data=st.data())
def test_russian_citation_with_confusions_and_a_misread_digit_is_never_silently_wrong(
        fund: int, inv: int, file: int, sheet: int, extra: str, data: st.DataObject) -> None:
    fund_kw, file_kw, sheet_kw = (data.draw(st.sampled_from(RUS_CONFUSED[k])) for k in ("ф.", "д.", "л."))
    rough = sum(kw.lower() not in ("ф.", "д.", "л.") for kw in (fund_kw, file_kw, sheet_kw)) >= 2
    printed_fund = f"{fund}{extra}" if rough else str(fund)  # rough OCR also adds a digit ('2090' for '200')
    text = f"Источник: ЦГИА Армении, {fund_kw} {printed_fund}, оп. {inv}, {file_kw} {file}, {sheet_kw} {sheet}."
    _check({"fund": str(fund), "inventory": str(inv), "file": str(file), "sheets": str(sheet)}, text)


def test_the_issue_armenian_line_is_read_with_its_wrong_numbers_flagged() -> None:
    sources, _ = parse_citation_detailed("Աղբյուր՝ ՀԿՊՊԱ, ֆ. 2090, Է. 17 զ. 581, Թ- 50-51։", default_grammar())
    src = sources[0]
    assert (src.source.file, src.source.sheets) == ("581", "50–51")
    assert src.confidence["fund"] < FLAG_BELOW and src.confidence["inventory"] < FLAG_BELOW


USER_GRAMMAR = """
[languages.fra]
script = "Latn"
letterheads = { "représentation" = "despatch" }
salutations = ["Monsieur le Ministre"]
closings = ["Veuillez agréer"]

[months]
avril = 4
"""


def test_a_user_grammar_adds_an_archive_s_own_header_shape(tmp_path) -> None:
    from scan2text.grammar import load_grammar

    french = [page("fr-1939_01.jpg", ["REPRÉSENTATION DIPLOMATIQUE DE FRANCE", "N° 112. Sofia, 4 avril 1939.",
                                      "Monsieur le Ministre,", *BODY_ENG,
                                      "Veuillez agréer, Monsieur le Ministre, l'assurance de ma haute considération.",
                                      "J. Dupont"])]
    before = build_records(DESPATCH + french)[1]
    # The default grammar finds the start (a new file, a closing before it, a date), but not the letterhead's
    # type nor the closing's signatory, and reads 'avril' only as like 'april': flagged.
    assert (before.doc_type, before.signatories) == (None, []) and "date" in before.flags
    path = tmp_path / "archive.toml"
    path.write_text(USER_GRAMMAR, encoding="utf-8")
    after = build_records(DESPATCH + french, load_grammar(path))
    assert pages_of(after)[1] == ["fr-1939_01"]
    assert (after[1].doc_type, after[1].number, after[1].place, after[1].date) == (
        "despatch", "112", "Sofia", "1939-04-04")
    assert not after[1].flags and after[1].signatories == ["J. Dupont"]
