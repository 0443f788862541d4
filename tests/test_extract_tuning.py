"""The confidence levels fields are scored on and the cut-offs of fuzzy matching are extract settings: each one,
changed, changes what a run reads or flags; out of order, the levels are refused."""

from __future__ import annotations

import pytest

from scan2text.errors import ConfigError
from scan2text.extract import build_records
from scan2text.extract.citations import citation_start, parse_citation_detailed
from scan2text.models import Box, Line, Page
from scan2text.settings import ExtractSettings, Settings, coerce_settings

pytestmark = pytest.mark.unit

DEFAULTS = ExtractSettings()


def _page(texts: list[str], lang: str = "eng") -> Page:
    lines = [Line(id=f"l{i:04d}", text=t, box=Box(x=100, y=100 + 40 * i, w=1800, h=32), conf=96.0, language=lang)
             for i, t in enumerate(texts)]
    return Page(id=f"{lang}/f/0040", image=f"{lang}/f/0040.png", lines=lines, language=lang)


def _one(texts: list[str], lang: str = "eng", **tuned: object):
    (record,) = build_records([_page(texts, lang)], settings=ExtractSettings(**tuned))
    return record


def _source(text: str, **tuned: object):
    sources, _ = parse_citation_detailed(text, settings=ExtractSettings(**tuned))
    return sources[0]


# Look-alike letters repaired in the type word (Cyrillic е) and the fund (2O0).
_REPAIRED_LETTER = ["Nо. 45", "Lettеr from the Prime Minister of the Government of Armenia",
                    "To the Diplomatic Representative in Georgia", "No. 2800 — May 6, 1920",
                    "The government will defend the borders.",
                    "Source: Central State Historical Archive of Armenia, Fund 2O0, lnventory 1, File 221, Sheet 40. "
                    "Typescript."]


def test_repaired_conf_decides_whether_repaired_look_alikes_are_flagged():
    default = _one(_REPAIRED_LETTER)
    assert {"doc_type", "fund"} <= set(default.flags)
    assert default.confidence["fund"] == DEFAULTS.repaired_conf
    trusted = _one(_REPAIRED_LETTER, repaired_conf=0.8)
    assert {"doc_type", "fund"}.isdisjoint(trusted.flags)
    assert trusted.confidence["fund"] == 0.8 and trusted.cited_source == default.cited_source  # the same reading


def test_noted_conf_decides_whether_a_lost_comma_in_a_date_is_flagged():
    letter = [*_REPAIRED_LETTER[:3], "No. 2800 — May 6 1920", *_REPAIRED_LETTER[4:]]
    default = _one(letter)
    assert default.date == "1920-05-06" and "date" not in default.flags  # noted, not flagged
    strict = _one(letter, noted_conf=0.72)
    assert strict.date == "1920-05-06" and "date" in strict.flags


def test_fuzzy_conf_is_the_confidence_of_a_keyword_read_by_edit_distance():
    broken = "Ис. очник: ЦГИА РА, ф. 200, оп. 1, д. 581, л. 32. Копия."  # 'Источник:' broken by OCR
    assert _source(broken).confidence["archive"] == DEFAULTS.fuzzy_conf
    assert _source(broken, fuzzy_conf=0.65).confidence["archive"] == 0.65


_DAMAGED_DATE = ["№ 323", "ПРОТЕСТ МИНИСТЕРСТВА ИНОСТРАННЫХ ДЕЛ АРМЕНИИ", "Кому: Правнтельству Советского Азербайджана",
                 "О продолжении антиармянской политики", 'Ереван, "2 мал 1720 г.',
                 "В ответ на вашу радиограмму от 8 мас сообщаю следухщее.",
                 "Источник: ЦГИА РА, ф. 200, оп. 1, д. 581, лл. 31–32. Заверенная копия. Машинопись."]


def test_damaged_date_conf_is_the_confidence_of_a_date_damaged_past_reading():
    default = _one(_DAMAGED_DATE, "rus")
    assert default.date_text == '"2 мал 1720 г.' and default.confidence["date"] == DEFAULTS.damaged_date_conf
    assert _one(_DAMAGED_DATE, "rus", damaged_date_conf=0.5).confidence["date"] == 0.5


def test_max_damaged_date_line_decides_how_long_a_damaged_date_line_may_be():
    assert _one(_DAMAGED_DATE, "rus").place == "Ереван"
    short = _one(_DAMAGED_DATE, "rus", max_damaged_date_line=20)  # the line has 22 characters
    assert (short.place, short.date_text) == (None, None) and {"date", "place"} <= set(short.flags)


@pytest.mark.parametrize(("text", "tuned", "default_archive", "tuned_archive"), [
    ("Source: Centrai State Historicai Archive of Armenia, Fund 200, Inventory 1, File 271, Sheet 5.",
     {"archive_restore_name": 99}, "Central State Historical Archive of Armenia",
     "Centrai State Historicai Archive of Armenia"),
    ("Источник: ЦГИА кА, ф. 200, оп. 1, д. 581, лл. 28-29. Копия.",  # Р read as к
     {"archive_restore_abbreviation": 95}, "ЦГИА РА", "ЦГИА кА"),
    ("Աղբյուր՝ ՀԱՍ, ֆ. 200, ց. 1, գ. 581, թ. 41։ Բնագիր։",  # one letter of three
     {"short_abbreviation": 2}, "ՀԱԱ", "ՀԱՍ"),
])
def test_archive_cut_offs_decide_whether_a_damaged_name_is_restored(text, tuned, default_archive, tuned_archive):
    assert _source(text).source.archive == default_archive
    assert _source(text, **tuned).source.archive == tuned_archive


def test_archive_near_decides_whether_an_unknown_name_is_taken_for_a_damaged_one():
    text = "Источник: ЦГИ РА, ф. 200, оп. 1, д. 581, лл. 28-29. Копия."
    assert _source(text).confidence["archive"] == DEFAULTS.fuzzy_conf  # near a known archive: flagged
    unknown = _source(text, archive_near=95)
    assert unknown.source.archive == "ЦГИ РА" and unknown.confidence["archive"] == DEFAULTS.noted_conf


def test_damaged_source_keyword_decides_how_damaged_a_source_keyword_may_be():
    line = "Svuurce: Russian State Military Archive “RGVA),. Fund (109,"
    assert citation_start(line) == 0
    assert citation_start(line, settings=ExtractSettings(damaged_source_keyword=90)) is None


def test_rough_fields_decides_when_every_number_of_a_rough_source_line_is_flagged():
    # 'Է.', 'զ.' and 'Թ-' are abbreviations rough OCR makes of 'ց.', 'գ.' and 'թ.'; the fund '2090' is '200'.
    text = "Աղբյուր՝ ՀԿՊՊԱ, ֆ. 2090, Է. 17 զ. 581, Թ- 50-51։"
    assert _source(text).confidence["fund"] < DEFAULTS.flag_below
    assert _source(text, rough_fields=4).confidence["fund"] == 1.0  # three rough abbreviations are not enough


@pytest.mark.parametrize("tuned", [
    {"fuzzy_conf": 0.8},  # above repaired_conf
    {"damaged_date_conf": 0.6},  # not below fuzzy_conf: a damaged date line would score as a read one
    {"noted_conf": 0.65},  # below repaired_conf
])
def test_confidence_levels_out_of_order_are_refused(tuned):
    with pytest.raises(ConfigError, match=r"extract: .*out of order"):
        coerce_settings({"extract": tuned})


def test_the_readers_caches_keep_grammar_and_settings_apart():
    text = "Ис. очник: ЦГИА РА, ф. 200, оп. 1, д. 581, л. 32. Копия."
    # The same grammar read with two settings, alternately: each reading keeps its own values.
    for _ in range(2):
        assert _source(text, fuzzy_conf=0.65).confidence["archive"] == 0.65
        assert _source(text).confidence["archive"] == DEFAULTS.fuzzy_conf
    assert Settings().extract == DEFAULTS and hash(Settings().extract) == hash(DEFAULTS)
