"""Citation lines in English, Russian and Armenian: sources, sheets, forms, publications."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scan2text.extract.citations import (
    citation_start,
    continues_citation,
    format_citation,
    parse_citation,
    parse_citation_detailed,
)
from scan2text.grammar import GrammarError, load_grammar
from scan2text.models import CitedSource
from scan2text.settings import ExtractSettings

pytestmark = pytest.mark.unit

FLAG_BELOW = ExtractSettings().flag_below  # the default: what a run flags

CSHAA = "Central State Historical Archive of Armenia"

# text, expected (archive, fund, inventory, file, sheets, first, last, verso, form) per source
CASES = [
    (f"Source: {CSHAA}, Fund 200, Inventory 1, File 271, Sheets 213–214. Typescript.",
     [(CSHAA, "200", "1", "271", "213–214", 213, 214, False, "typescript")]),
    (f"Source: {CSHAA}, Fund 200, Inventory 1, File 581, Sheets 41 and reverse. Original. Typescript.",
     [(CSHAA, "200", "1", "581", "41 and reverse", 41, 41, True, "original, typescript")]),
    ("Source: Russian State Military Archive (RGVA), Fund 6, Inventory 12, File 8, Sheet 8 reverse; "
     "Central State Archive of Armenia (CGASA), Fund 195, Inventory 3, File 199, Sheet 14.",
     [("Russian State Military Archive (RGVA)", "6", "12", "8", "8 reverse", 8, 8, True, None),
      ("Central State Archive of Armenia (CGASA)", "195", "3", "199", "14", 14, 14, False, None)]),
    ("Source: Russian State Archive of Socio-Political History (RGASPI), Fund 85, Inventory 14, File 29, "
     "Sheet 1. Archival copy from: RGASA, Fund 4, Inventory 1, File 158s, Sheet 169.",
     [("Russian State Archive of Socio-Political History (RGASPI)", "85", "14", "29", "1", 1, 1, False, None),
      ("RGASA", "4", "1", "158s", "169", 169, 169, False, "copy")]),
    (f"Source: {CSHAA}, Fund 278, Inventory 1, File 35, Sheets 5–6. Certified copy. Typescript.",
     [(CSHAA, "278", "1", "35", "5–6", 5, 6, False, "certified copy, typescript")]),
    ("Источник: ЦГИА РА, ф. 200, оп. 1, д. 271, лл. 213–214 об. Машинопись. Подлинник.",
     [("ЦГИА РА", "200", "1", "271", "213–214 об.", 213, 214, True, "typescript, original")]),
    ("Источник: НАА, ф. 200, оп. 1, д. 271, л. 8 об. Заверенная копия.",
     [("НАА", "200", "1", "271", "8 об.", 8, 8, True, "certified copy")]),
    ("Источник: РГВА, ф. 109, оп. 10, д. 52, л. 36. Копия.",
     [("РГВА", "109", "10", "52", "36", 36, 36, False, "copy")]),
    ("Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 271, թ. 213–214։ Մեքենագիր։",
     [("ՀԱԱ", "200", "1", "271", "213–214", 213, 214, False, "typescript")]),
    ("Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 581, թ. 41 շրջ.։ Բնագիր։ Մեքենագիր։",
     [("ՀԱԱ", "200", "1", "581", "41 շրջ.", 41, 41, True, "original, typescript")]),
]


def _fields(src: CitedSource) -> tuple[object, ...]:
    return (src.archive, src.fund, src.inventory, src.file, src.sheets, src.sheet_first, src.sheet_last,
            src.verso, src.form)


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_clean_citations_parse_exactly(text: str, expected: list[tuple[object, ...]]) -> None:
    sources, _ = parse_citation(text)
    assert [_fields(s) for s in sources] == expected
    assert all(s.confidence == 1.0 for s in sources)


def test_abbreviation_in_brackets_is_kept_and_split_out() -> None:
    sources, _ = parse_citation("Source: Russian State Military Archive (RGVA), Fund 109, Inventory 10, File 52, "
                                "Sheet 36.")
    assert sources[0].archive_abbr == "RGVA"


@pytest.mark.parametrize(("text", "pub"), [
    (f"Source: {CSHAA}, Fund 200, Inventory 1, File 221, Sheet 40. Typescript. Published in: "
     "Nagorno-Karabakh in 1918–1923, Yerevan, 1992, Document No. 314.",
     ("Nagorno-Karabakh in 1918–1923", "Yerevan", 1992, "314", None)),
    (f"Source: {CSHAA}, Fund 200, Inventory 1, File 271, Sheets 213–214. Typescript. Published in: "
     "Bulletin of the Archives of Armenia, 1989, No. 1, pp. 117–118.",
     ("Bulletin of the Archives of Armenia", None, 1989, None, "117–118")),
    ("Источник: ЦГИА РА, ф. 200, оп. 1, д. 221, л. 40. Опубликовано: Нагорный Карабах в 1918–1923 гг., "
     "Ереван, 1992, док. № 314.",
     ("Нагорный Карабах в 1918–1923 гг.", "Ереван", 1992, "314", None)),
])
def test_publication_after_published_in(text: str, pub: tuple[object, ...]) -> None:
    sources, pubs = parse_citation(text)
    assert len(sources) == 1 and sources[0].form in ("typescript", None)
    assert [(p.title, p.place, p.year, p.document_number, p.pages) for p in pubs] == [pub]


def test_text_after_forms_is_not_a_form() -> None:
    sources, _ = parse_citation(f"Source: {CSHAA}, Fund 200, Inventory 1, File 581, Sheets 41 and reverse. "
                                "Original. Typescript. Copies sent to V. I. Lenin and G. V. Chicherin.")
    assert sources[0].form == "original, typescript"


DAMAGED = [
    # text, field, expected value: the field must be right and flagged
    (f"Source: {CSHAA}, Fund 2O0, Inventory 1, File 271, Sheets 213–214. Typescript.", "fund", "200"),
    (f"Source: {CSHAA}, Fund 200, lnventory 1, File 271, Sheets 213–214. Typescript.", "inventory", "1"),
    (f"Source: {CSHAA}, Fund 200, Inventory 1, File 27l, Sheets 213–214. Typescript.", "file", "271"),
    ("Источник: ЦГИА РА, ф. 200, oп. 1, д. 271, лл. 213–214 об. Машинопись.", "inventory", "1"),  # Latin o
    ("Источник: ЦГИА РА, ф. 200, оп. 1, д. 271, лл. 2l3–214 об. Машинопись.", "sheets", "213–214 об."),
    ("Source: Centrai State Historicai Archive of Armenia, Fund 200, Inventory 1, File 271, Sheet 5.",
     "archive", CSHAA),
    (f"Source: {CSHAA}, Fund 200, Inventory 1, File 271, Sheets 213–214. Typescrlpt.", "form", "typescript"),
    # Hard sample page: the abbreviation after a known name damaged, restored from the grammar
    ("Source: Russian State Military Archive (i:GVA), Fund 109, Inventory 10, File 52, Sheet 36.",
     "archive", "Russian State Military Archive (RGVA)"),
    ("Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1, գ. 582, թ. 2O։ Պատճեն։", "sheets", "20"),
    ("Источник: ЦГИА кА, ф. 200, оп. 1, д. 581, лл. 28-29. Копия.", "archive", "ЦГИА РА"),  # Р read as к
    ("Ис. очник: ЦГИА РА, ф. 200, оп. 1, д. 581, л. 32. Копия.", "archive", "ЦГИА РА"),  # keyword broken
    ("Աղբյուր՝ ՀԱՍ, ֆ. 200, ց. 1, գ. 581, թ. 41։ Բնագիր։ Մեքենագիր։", "archive", "ՀԱԱ"),  # one letter of three
    ("Svuurce: Russian State Military Archive “RGVA),. Fund (109, Tnventory 10, File 52, Sheet 36. .",
     "inventory", "10"),
]


@pytest.mark.parametrize(("text", "name", "value"), DAMAGED)
def test_damaged_fields_parse_right_and_are_flagged(text: str, name: str, value: str) -> None:
    sources, _ = parse_citation_detailed(text)
    assert getattr(sources[0].source, name) == value
    assert sources[0].confidence[name] < FLAG_BELOW


def test_unreadable_abbreviations_are_read_by_their_place_and_flagged() -> None:
    # As Tesseract read a typed Russian citation: ф. -> Фф., д. -> дц., лл. -> пл.
    sources, _ = parse_citation_detailed("Источник: ЦГИА РА, Фф. 200, оп. 1, дц. 271, пл. 213-214 об. Машинопись.")
    src = sources[0]
    assert (src.source.archive, src.source.fund, src.source.inventory, src.source.file, src.source.sheets) == (
        "ЦГИА РА", "200", "1", "271", "213–214 об.")
    # Three abbreviations known only by their place: the line is rough, so its clean-looking 'оп. 1' is not
    # trusted either (rough OCR misreads digits as readily as letters).
    assert {k for k, v in src.confidence.items() if v < FLAG_BELOW} == {"fund", "inventory", "file", "sheets"}


def test_armenian_citation_as_ocr_reads_it() -> None:
    # '՝' read as a backquote, '։' as a colon
    sources, _ = parse_citation("Աղբյուր` ՀԱԱ, ֆ. 200, ց. 1, գ. 581, թ. 41: Բնագիր: Մեքենագիր։")
    assert [_fields(s) for s in sources] == [("ՀԱԱ", "200", "1", "581", "41", 41, 41, False, "original, typescript")]


def test_damaged_copy_keyword_still_splits_sources() -> None:
    sources, _ = parse_citation_detailed(
        "Source: Russian State Archive of Socio-Political History (RGASPI), Fund 85, Inventory 14, File 29, "
        "Sheet 1. Archival copy frorn: RGASA, Fund 4, Inventory 1, File 158s, Sheet 169.")
    assert [(s.source.archive, s.source.file) for s in sources] == [
        ("Russian State Archive of Socio-Political History (RGASPI)", "29"), ("RGASA", "158s")]
    assert sources[1].confidence["archive"] < FLAG_BELOW


@pytest.mark.parametrize(("text", "sheets"), [
    (f"Source: {CSHAA}, Fund 200, Inventory 1, File 271, Sheets 213-214. Typescript.", "213–214"),  # hyphen
    ("Источник: ЦГИА РА, ф 200, оп 1, д 271, лл 213-214 об Машинопись", "213–214 об."),  # periods lost
])
def test_lost_punctuation_is_tolerated(text: str, sheets: str) -> None:
    sources, _ = parse_citation(text)
    assert (sources[0].fund, sources[0].inventory, sources[0].file, sources[0].sheets) == ("200", "1", "271", sheets)
    assert sources[0].form == "typescript"


@pytest.mark.parametrize(("line", "start"), [
    ("Source: Central State Historical Archive of Armenia, Fund 200,", 0),
    ("Sourcе: ЦГИА РА, ф. 200", 0),  # Cyrillic е in the keyword
    ("Источник: ЦГИА РА, ф. 200, оп. 1, д. 271, лл. 213–214 об.", 0),
    ("Աղբյուր՝ ՀԱԱ, ֆ. 200, ց. 1", 0),
    ("Minister of Foreign Affairs of the Republic of Armenia Source: Central State", 55),
    ("Source of the trouble lies elsewhere, as everybody knows.", None),
    ("The fund was spent on 200 rifles and one inventory of stores.", None),
])
def test_citation_start(line: str, start: int | None) -> None:
    assert citation_start(line) == start


ARCHIVES = {"eng": [CSHAA, "Russian State Military Archive (RGVA)", "RGASA"],
            "rus": ["ЦГИА РА", "НАА", "РГВА", "РГАСПИ", "ЦГИА Армении"],
            "hye": ["ՀԱԱ"]}
FORMS = st.sampled_from([None, "typescript", "original", "certified copy", "copy", "original, typescript",
                         "certified copy, typescript", "draft"])


@st.composite
def sources(draw: st.DrawFn) -> tuple[str, CitedSource]:
    lang = draw(st.sampled_from(sorted(ARCHIVES)))
    first = draw(st.integers(1, 400))
    last = first + draw(st.integers(0, 3))
    src = CitedSource(
        archive=draw(st.sampled_from(ARCHIVES[lang])),
        fund=str(draw(st.integers(1, 5000))),
        inventory=str(draw(st.integers(1, 30))),
        file=str(draw(st.integers(1, 2000))) + draw(st.sampled_from(["", "", "s", "a"])),
        sheet_first=first, sheet_last=last, verso=draw(st.booleans()),
        form=draw(FORMS),
    )
    return lang, src


@settings(max_examples=150, deadline=None)
@given(sources())
def test_formatted_citation_parses_back(case: tuple[str, CitedSource]) -> None:
    lang, src = case
    parsed, _ = parse_citation(format_citation(src, lang))
    assert len(parsed) == 1
    got = parsed[0]
    assert (got.archive, got.fund, got.inventory, got.file) == (src.archive, src.fund, src.inventory, src.file)
    assert (got.sheet_first, got.sheet_last, got.verso, got.form) == (src.sheet_first, src.sheet_last, src.verso,
                                                                      src.form)
    assert got.confidence == 1.0


SWAPS = {"0": "O", "1": "l", "о": "o", "О": "O", "а": "a", "е": "e", "o": "о", "e": "е", ".": "", "–": "-"}


@settings(max_examples=120, deadline=None)
@given(sources(), st.integers(0, 500))
def test_damaged_citation_is_right_or_flagged(case: tuple[str, CitedSource], where: int) -> None:
    lang, src = case
    text = format_citation(src, lang)
    spots = [k for k, ch in enumerate(text) if ch in SWAPS]
    k = spots[where % len(spots)]
    damaged = text[:k] + SWAPS[text[k]] + text[k + 1:]
    parsed, _ = parse_citation_detailed(damaged)
    for got in parsed[:1]:
        for name in ("archive", "fund", "inventory", "file", "form"):
            value = getattr(got.source, name)
            if value is not None and value != getattr(src, name):
                assert got.confidence[name] < FLAG_BELOW, (damaged, name, value)
        if got.source.sheet_first is not None and (got.source.sheet_first, got.source.sheet_last) != (
                src.sheet_first, src.sheet_last):
            assert got.confidence["sheets"] < FLAG_BELOW, damaged


def test_user_grammar_adds_an_archive_and_a_form(tmp_path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[archives.mine]\nnames = ["Archive of the Diocese of Shushi"]\nabbreviations = ["ADS"]\n'
                    '[languages.eng]\nscript = "Latn"\nforms = { "carbon copy" = "copy" }\n', encoding="utf-8")
    grammar = load_grammar(path)
    sources, _ = parse_citation_detailed("Source: Archive of the Diocese of Shushl, Fund 1, Inventory 2, File 3, "
                                         "Sheet 4. Carbon copy.", grammar)
    assert sources[0].source.archive == "Archive of the Diocese of Shushi"  # restored through the grammar
    assert sources[0].source.form == "copy"
    assert "typescript" in grammar.forms  # the default words are still there


def test_bad_grammar_file_names_the_file(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[languages.eng\n", encoding="utf-8")
    with pytest.raises(GrammarError, match=r"bad\.toml"):
        load_grammar(path)


def test_unknown_abbreviation_after_a_known_name_is_flagged() -> None:
    sources, _ = parse_citation_detailed("Source: Russian State Military Archive (XQZW), Fund 109.")
    assert sources[0].source.archive == "Russian State Military Archive (XQZW)"
    assert sources[0].confidence["archive"] < FLAG_BELOW


@pytest.mark.parametrize(("previous", "line", "expected"), [
    # Hard sample page: the publication note of a finished citation, its keyword damaged
    ("Inventory 1, File 35, Sheets 5-6. Certified copy. Typescript.",
     "Pubt-ished in: Nagorno-Karabakh in 1918-1923, Yerevan, 1992,", True),
    ("Sheet 1.", "Archival copy frorn: RGASA, Fund 4, Inventory 1, File 158s, Sheet 169.", True),
    ("Inventory 1, File 35, Sheets 5-6. Certified copy. Typescript.", "Protest from the Ministry of Foreign", False),
    ("Inventory 1, File 35, Sheets 5-6. Typescript.", "Published by order of the Council: no copies to be made", False),
])
def test_citation_continues_through_damaged_keywords(previous: str, line: str, expected: bool) -> None:
    assert continues_citation(previous, line) is expected


def test_damaged_source_keyword_and_brackets() -> None:
    line = "Svuurce: Russian State Military Archive “RGVA),. Fund (109,"
    assert citation_start(line) == 0
    (src,), _ = parse_citation_detailed(line + " Tnventory 10, File 52, Sheet 36. .")
    assert (src.source.archive, src.source.fund, src.source.sheets) == ("Russian State Military Archive (RGVA)",
                                                                         "109", "36")
    assert citation_start("Course: the army moved south") is None
