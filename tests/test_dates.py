"""Dates as printed in the three languages, clean and OCR-damaged, to ISO 8601."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scan2text.extract.dates import find_dates, julian_offset, parse_date
from scan2text.extract.headers import damaged_date_line, date_line
from scan2text.grammar import default_grammar
from scan2text.settings import ExtractSettings

pytestmark = pytest.mark.unit

DEFAULTS = ExtractSettings()
FLAG_BELOW = DEFAULTS.flag_below  # the default: what a run flags

CLEAN_CASES = [
    # text, iso, date_text
    ("May 3, 1920", "1920-05-03", "May 3, 1920"),
    ("3 May 1920", "1920-05-03", "3 May 1920"),
    ("Yerevan, May 3, 1920", "1920-05-03", "May 3, 1920"),
    ("May 6–7, 1920", "1920-05-06/1920-05-07", "May 6–7, 1920"),
    ("No later than May 11, 1920", "1920-05-11", "No later than May 11, 1920"),
    ("No. 2800 — May 6, 1920", "1920-05-06", "May 6, 1920"),
    ("April 30 – May 2, 1920", "1920-04-30/1920-05-02", "April 30 – May 2, 1920"),
    ("3 мая 1920 г.", "1920-05-03", "3 мая 1920 г."),
    ("Ереван, 3 мая 1920 г.", "1920-05-03", "3 мая 1920 г."),
    ("6–7 мая 1920 г.", "1920-05-06/1920-05-07", "6–7 мая 1920 г."),
    ("№ 2800 — 6 мая 1920 г.", "1920-05-06", "6 мая 1920 г."),
    ("Не позднее 11 мая 1920 г.", "1920-05-11", "Не позднее 11 мая 1920 г."),
    ("30 апреля – 2 мая 1920 г.", "1920-04-30/1920-05-02", "30 апреля – 2 мая 1920 г."),
    ("03.05.1920", "1920-05-03", "03.05.1920"),
    ("1920 թ. մայիսի 3", "1920-05-03", "1920 թ. մայիսի 3"),
    ("Երևան, 1920 թ. մայիսի 3", "1920-05-03", "1920 թ. մայիսի 3"),
    ("№ 2800 — 1920 թ. մայիսի 6", "1920-05-06", "1920 թ. մայիսի 6"),
    ("1920 թ. մայիսի 6–7", "1920-05-06/1920-05-07", "1920 թ. մայիսի 6–7"),
    ("Ոչ ուշ, քան 1920 թ. մայիսի 11", "1920-05-11", "Ոչ ուշ, քան 1920 թ. մայիսի 11"),
    # Old Style / New Style: the ISO date is always the New Style one.
    ("20 апреля (3 мая) 1920 г.", "1920-05-03", "20 апреля (3 мая) 1920 г."),
    ("April 20 (May 3), 1920", "1920-05-03", "April 20 (May 3), 1920"),
    ("May 3, 1920 (O.S.)", "1920-05-16", "May 3, 1920 (O.S.)"),
    ("3 мая 1920 г. (ст. ст.)", "1920-05-16", "3 мая 1920 г. (ст. ст.)"),
    ("3 мая 1920 г. по ст. ст.", "1920-05-16", "3 мая 1920 г. по ст. ст."),
    ("16 мая 1920 г. (н. ст.)", "1920-05-16", "16 мая 1920 г. (н. ст.)"),
]


@pytest.mark.parametrize(("text", "iso", "date_text"), CLEAN_CASES)
def test_clean_dates_parse_exactly(text: str, iso: str, date_text: str) -> None:
    got = parse_date(text)
    assert got is not None
    assert (got.iso, got.date_text) == (iso, date_text)
    assert got.confidence == 1.0


DAMAGED_CASES = [
    # OCR damage that must still give the right date, but flagged (confidence below the threshold)
    ("Mау 3, l920", "1920-05-03"),  # Cyrillic а/у in an English month, l for 1
    ("May 3, 192O", "1920-05-03"),
    ("3 мaя 1920 г.", "1920-05-03"),  # Latin a inside a Russian month
    ("O3.05.1920", "1920-05-03"),
    ("Septmber 5, 1920", "1920-09-05"),  # a lost letter: fuzzy month
    ("1920 թ. մայիսի l1", "1920-05-11"),
    # Real OCR of the mild samples: a stray 'i' inside the day. Which character is the stray one is a guess.
    ("No later than May 1i1, 1920", "1920-05-11"),
    ("May 1i, 1920", "1920-05-11"),
    ("З мая 1920 г.", "1920-05-03"),  # Cyrillic Ze for 3
    ("May З, 1920", "1920-05-03"),  # ... in an English line, whose month then looks Cyrillic
    ("1|1 мая 1920 г.", "1920-05-11"),
]


def test_speck_for_a_space_changes_no_digit() -> None:
    got = parse_date("6-7 мая`1920 г.")  # mild sample OCR
    assert got is not None and got.iso == "1920-05-06/1920-05-07" and FLAG_BELOW <= got.confidence < 1.0
    assert parse_date("1920 թ. հունվարի 1'0") is None  # a speck inside the day: not the 1st, not a guess


@pytest.mark.parametrize(("text", "iso"), DAMAGED_CASES)
def test_damaged_dates_parse_right_and_are_flagged(text: str, iso: str) -> None:
    got = parse_date(text)
    assert got is not None and got.iso == iso
    assert got.confidence < FLAG_BELOW


def test_lost_comma_is_tolerated_without_a_flag() -> None:
    got = parse_date("May 3 1920")
    assert got is not None and got.iso == "1920-05-03"
    assert got.confidence >= FLAG_BELOW


@pytest.mark.parametrize("text", [
    "On May 6, the provisional government of Karabakh received",  # no year: not a date
    "Nagorno-Karabakh in 1918–1923, Yerevan, 1992, Document No. 314",
    "31 June 1920",  # no such day
    "Fund 200, Inventory 1, File 271",
])
def test_text_without_a_date_gives_none(text: str) -> None:
    assert parse_date(text) is None


def test_several_dates_in_a_line_are_found_in_order() -> None:
    found = find_dates("sent on 3 мая 1920 г., received May 5, 1920")
    assert [d.iso for d in found] == ["1920-05-03", "1920-05-05"]


def test_julian_offset_by_century() -> None:
    assert julian_offset(1920) == 13
    assert julian_offset(1850) == 12


ENG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
RUS_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря"]
HYE_MONTHS = ["հունվարի", "փետրվարի", "մարտի", "ապրիլի", "մայիսի", "հունիսի", "հուլիսի", "օգոստոսի",
              "սեպտեմբերի", "հոկտեմբերի", "նոյեմբերի", "դեկտեմբերի"]


def _format(day: dt.date, style: str) -> str:
    m = day.month - 1
    return {
        "mdy": f"{ENG_MONTHS[m]} {day.day}, {day.year}",
        "dmy": f"{day.day} {ENG_MONTHS[m]} {day.year}",
        "rus": f"{day.day} {RUS_MONTHS[m]} {day.year} г.",
        "hye": f"{day.year} թ. {HYE_MONTHS[m]} {day.day}",
        "num": f"{day.day:02d}.{day.month:02d}.{day.year}",
    }[style]


DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1939, 12, 31))
STYLES = st.sampled_from(["mdy", "dmy", "rus", "hye", "num"])


@settings(max_examples=150, deadline=None)
@given(day=DAYS, style=STYLES)
def test_formatted_date_parses_back(day: dt.date, style: str) -> None:
    got = parse_date(_format(day, style))
    assert got is not None
    assert got.iso == day.isoformat()
    assert got.confidence == 1.0


@settings(max_examples=100, deadline=None)
@given(day=DAYS, span=st.integers(1, 5), style=st.sampled_from(["mdy", "rus", "hye"]))
def test_formatted_range_parses_back(day: dt.date, span: int, style: str) -> None:
    assume(day.day <= 23)  # keep the range inside one month
    end = day + dt.timedelta(days=span)
    text = _format(day, style)
    text = {
        "mdy": text.replace(f" {day.day},", f" {day.day}–{end.day},"),
        "rus": text.replace(f"{day.day} ", f"{day.day}–{end.day} ", 1),
        "hye": f"{text}–{end.day}",
    }[style]
    got = parse_date(text)
    assert got is not None and got.iso == f"{day.isoformat()}/{end.isoformat()}"


SWAPS = {"0": "O", "1": "l", "a": "а", "o": "о", "e": "е", "а": "a", "о": "o", "е": "e", ",": "", "3": "З",
         "2": "2i"}


@settings(max_examples=200, deadline=None)
@given(day=DAYS, style=STYLES, where=st.integers(0, 40))
def test_damaged_date_is_right_or_flagged_never_silently_wrong(day: dt.date, style: str, where: int) -> None:
    text = _format(day, style)
    spots = [k for k, ch in enumerate(text) if ch in SWAPS]
    if not spots:
        return
    k = spots[where % len(spots)]
    damaged = text[:k] + SWAPS[text[k]] + text[k + 1:]
    got = parse_date(damaged)
    if got is None:
        return  # missed, so nothing was guessed
    assert got.iso == day.isoformat() or got.confidence < FLAG_BELOW


@settings(max_examples=100, deadline=None)
@given(day=DAYS, style=st.sampled_from(["mdy", "rus", "hye"]), junk=st.sampled_from(["i", "|", "l", "'", "."]))
def test_stray_character_in_the_day_is_read_flagged_or_not_at_all(day: dt.date, style: str, junk: str) -> None:
    text = _format(day, style)
    d = str(day.day)
    at = text.index(f" {d},") + 1 if style == "mdy" else (text.index(f"{d} ") if style == "rus" else text.rindex(d))
    damaged = text[:at + 1] + junk + text[at + 1:]  # '1i1' for 11, '3|' for 3
    got = parse_date(damaged)
    assert got is None or got.iso == day.isoformat() or got.confidence < FLAG_BELOW


# Place/date lines as OCR read them on the hard sample pages.
GRAMMAR = default_grammar()


@pytest.mark.parametrize(("line", "known_sign"), [("յ, 2800 — 1920 թ. մայիսի 6", True),
                                                  ("յք 2800 — 1920 թ. մայիսի 6", False)])
def test_number_sign_as_the_armenian_model_read_it(line: str, known_sign: bool) -> None:
    got = date_line(line, GRAMMAR, DEFAULTS)  # '№ 2800 —'
    assert got is not None and (got.number, got.date.iso, got.place) == ("2800", "1920-05-06", None)
    assert (got.number_conf >= FLAG_BELOW) is known_sign  # 'յք' is no sign the grammar knows


def test_speck_after_a_date_line_is_tolerated() -> None:
    got = date_line("Երնան, 1920 թ. մայիսի 4 |", GRAMMAR, DEFAULTS)
    assert got is not None and (got.date.iso, got.place) == ("1920-05-04", "Երևան")
    assert got.date.confidence >= FLAG_BELOW  # '4|' would be no day: the speck hides no digit
    ambiguous = date_line("Yerevan, 1920 թ. մայիսի 1 |", GRAMMAR, DEFAULTS)
    assert ambiguous is not None and ambiguous.date.confidence < FLAG_BELOW  # but '1|' may have been 11


@pytest.mark.parametrize(("text", "iso", "place"), [
    ('Ереван, "2 мал 1720 г.', "1720", "Ереван"),  # '12 мая 1920 г.' with 1 as '"', я as л, 9 as 7
    ("Երնան, 1920 թ. մայիսի .2", "1920-05", "Երևան"),  # the day's 1 read as '.'
    ("No. 2800 — Mav .6, 1920", "1920", None),
])
def test_date_line_damaged_past_reading_is_kept_with_a_low_confidence(text: str, iso: str, place: str | None) -> None:
    assert date_line(text, GRAMMAR, DEFAULTS) is None
    got = damaged_date_line(text, GRAMMAR, DEFAULTS)
    assert got is not None and (got.date.iso, got.place) == (iso, place)
    assert got.date.confidence < FLAG_BELOW


@pytest.mark.parametrize("text", [
    "В ответ на вашу радиограмму от 8 мас сообщаю следухщее.",
    "Narimanov departed on the 28th.",
    "Inventory 1, File 581, Sheets 30-31. Typescript.",
    "1. Immediate cessation. of all military operations",
    "Armenia, 1920.",
])
def test_body_lines_are_not_damaged_date_lines(text: str) -> None:
    assert damaged_date_line(text, GRAMMAR, DEFAULTS) is None
