"""CER/WER on grapheme clusters, edit scripts, error classes and line alignment."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scan2text.diff.align import diff_page
from scan2text.diff.classify import classify_edit, classify_substitution
from scan2text.diff.metrics import EditCounts, TextOptions, cer, edit_counts, graphemes, tokens, wer
from scan2text.diff.sources import SourceLine

pytestmark = pytest.mark.unit


def _lines(*texts: str) -> list[SourceLine]:
    return [SourceLine(text=t) for t in texts]


def _reference_distance(a: list[str], b: list[str]) -> int:
    """Textbook Wagner-Fischer, only as an oracle for the property test."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


# ---- known edit scripts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "hyp", "subs", "ins", "dels"),
    [
        ("kitten", "sitting", 2, 1, 0),
        ("Ереван", "Ерван", 0, 0, 1),
        ("Երևան", "Երևանն", 0, 1, 0),
        ("No. 2800", "No, 2300", 2, 0, 0),
        ("", "abc", 0, 3, 0),
        ("abc", "", 0, 0, 3),
        ("same", "same", 0, 0, 0),
    ],
)
def test_edit_counts_on_known_scripts(ref: str, hyp: str, subs: int, ins: int, dels: int) -> None:
    counts = edit_counts(ref, hyp)
    assert (counts.substitutions, counts.insertions, counts.deletions) == (subs, ins, dels)
    assert counts.reference_length == len(graphemes(ref))
    assert counts.edits == subs + ins + dels


def test_cer_counts_graphemes_not_code_points() -> None:
    # "é" as e + combining acute is one character to a reader, and equal to the precomposed form
    decomposed, precomposed = "Cafe\u0301", "Caf\u00e9"
    assert cer(precomposed, decomposed) == 0.0
    assert len(graphemes(decomposed)) == 4
    # Armenian with a combining mark: a single wrong cluster is one edit of four, not two of five
    assert cer("աբգդ", "աբգդ\u0301"[:3] + "x") == pytest.approx(1 / 4)
    assert cer("Ёлка", "Елка") == pytest.approx(1 / 4)


def test_cer_and_wer_values() -> None:
    assert cer("Привет мир", "Прнвет мпр") == pytest.approx(0.2)
    assert wer("Привет мир, hello", "Прнвет мир hello") == pytest.approx(1 / 3)
    assert wer("Երևան, 1920 թ. մայիսի 3։", "Երևան 1920 թ մայիսի 3:") == 0.0  # punctuation is not a word
    assert tokens("Երևան, 1920 թ. մայիսի 3։") == ["Երևան", "1920", "թ", "մայիսի", "3"]


def test_empty_reference_conventions() -> None:
    assert cer("", "") == 0.0
    assert cer("", "x") == 1.0
    assert wer("", "") == 0.0


def test_options_fold_case_punctuation_whitespace() -> None:
    assert cer("ТЕЛЕГРАММА", "Телеграмма") > 0.5
    assert cer("ТЕЛЕГРАММА", "Телеграмма", ignore_case=True) == 0.0
    assert cer("Ереван, 3 мая.", "Ереван 3 мая", ignore_punctuation=True) == 0.0
    assert cer("Ереван, 3 мая.", "Ереван 3 мая") > 0
    assert cer("No. 2800", "No.2800", ignore_whitespace=True) == 0.0
    assert wer("ТЕЛЕГРАММА министра", "Телеграмма МИНИСТРА", ignore_case=True) == 0.0
    with pytest.raises(TypeError, match="ignore_cases"):
        cer("a", "b", ignore_cases=True)


def test_edit_counts_sum_across_pages() -> None:
    total = edit_counts("abcd", "abxd") + edit_counts("ef", "")
    assert total == EditCounts(reference_length=6, hypothesis_length=4, substitutions=1, deletions=2)
    assert total.rate == pytest.approx(3 / 6)  # batch CER is total edits / total reference, not a mean


# ---- properties ------------------------------------------------------------------------------------

# a small alphabet so random pairs share characters; combining marks make multi-code-point clusters
_TEXT = st.lists(st.sampled_from([*"abcАБВаеорсЕրևան։: .,\n", "e\u0301", "\u0301"]), max_size=40).map("".join)


@settings(max_examples=100, deadline=None)
@given(_TEXT)
def test_cer_of_a_text_with_itself_is_zero(text: str) -> None:
    assert cer(text, text) == 0.0
    assert wer(text, text) == 0.0


@settings(max_examples=100, deadline=None)
@given(_TEXT, _TEXT)
def test_cer_is_edit_distance_over_reference_length(a: str, b: str) -> None:
    ga = graphemes(a)
    gb = graphemes(b)
    distance = _reference_distance(ga, gb)
    expected = distance / len(ga) if ga else (0.0 if not gb else 1.0)
    assert cer(a, b) == pytest.approx(expected)
    assert edit_counts(a, b).edits == distance
    # graphemes are NFC clusters: re-joining them gives back the normalised text
    assert "".join(ga) == unicodedata.normalize("NFC", a)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXT.filter(lambda t: "\n" not in t), max_size=5), st.lists(_TEXT, max_size=5))
def test_line_alignment_adds_up_to_the_page(ref_lines: list[str], hyp_lines: list[str]) -> None:
    page = diff_page("p", _lines(*ref_lines), _lines(*hyp_lines))
    whole = edit_counts("\n".join(ref_lines), "\n".join(hyp_lines))
    assert page.chars.edits == whole.edits
    assert page.chars.reference_length == whole.reference_length
    assert sum(line.chars.edits for line in page.lines) == whole.edits
    assert sum(page.error_classes.values()) == whole.edits
    if ref_lines:
        assert [line.ref_text for line in page.lines] == [t.rstrip("\n") for t in ref_lines]


# ---- error classes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "hyp", "expected"),
    [
        ("а", "a", "cyrillic_latin"),
        ("с", "c", "cyrillic_latin"),
        ("р", "p", "cyrillic_latin"),
        ("х", "x", "cyrillic_latin"),
        ("у", "y", "cyrillic_latin"),
        ("К", "K", "cyrillic_latin"),
        ("M", "М", "cyrillic_latin"),
        ("Н", "H", "cyrillic_latin"),
        ("Т", "T", "cyrillic_latin"),
        ("В", "B", "cyrillic_latin"),
        ("С", "c", "cyrillic_latin"),
        ("։", ":", "armenian_punctuation"),
        (":", "։", "armenian_punctuation"),
        ("՝", "`", "armenian_punctuation"),
        ("օ", "o", "armenian_latin"),
        ("0", "О", "digit_letter"),
        ("a", "A", "case"),
        ("е", "ё", "diacritic"),
        (",", ";", "punctuation"),
        ("б", "д", "other"),
        ("a", "b", "other"),
    ],
)
def test_substitution_classes(ref: str, hyp: str, expected: str) -> None:
    assert classify_substitution(ref, hyp) == expected


def test_insertions_and_deletions_classes() -> None:
    assert classify_edit("insert", "", " ") == "whitespace"
    assert classify_edit("delete", "\n", "") == "line_break"
    assert classify_edit("delete", ".", "") == "punctuation"
    assert classify_edit("insert", "", "ж") == "other"


def test_page_diff_counts_lookalikes_as_their_own_class() -> None:
    # "Ереван" typed with Latin e/a/p look-alikes, and an Armenian full stop typed as a colon
    page = diff_page("p", _lines("Ереван, 3 мая", "Երևան։"), _lines("Epeвaн, 3 мая", "Երևան:"))
    assert page.error_classes == {"cyrillic_latin": 4, "armenian_punctuation": 1}
    assert page.chars.substitutions == 5
    subs = [s for s in page.lines[0].segments if s.tag == "replace"]
    assert "".join(s.ref for s in subs) == "Ереа" and "".join(s.hyp for s in subs) == "Epea"


# ---- line alignment --------------------------------------------------------------------------------


def test_split_and_merged_lines_cost_one_edit_each() -> None:
    ref = _lines("первая строка", "вторая строка", "третья")
    merged = diff_page("p", ref, _lines("первая строка вторая строка", "третья"))
    assert merged.chars.edits == 1
    assert merged.lines[0].hyp_text == "первая строка"
    assert merged.lines[1].hyp_text == "вторая строка"
    assert merged.error_classes == {"line_break": 1}
    split = diff_page("p", _lines("one two three"), _lines("one two", "three"))
    assert split.chars.edits == 1
    assert split.lines[0].hyp_text == "one two three"


def test_extra_text_lands_on_the_line_it_follows() -> None:
    page = diff_page("p", _lines("Երևան։", "Ереван"), _lines("Երևան: extra", "Ереван"))
    first, second = page.lines
    assert [(s.tag, s.ref, s.hyp) for s in first.segments if s.tag != "equal"] == [
        ("replace", "։", ":"),
        ("insert", "", " "),
        ("insert", "", "extra"),
    ]
    assert first.error_classes == {"armenian_punctuation": 1, "whitespace": 1, "other": 5}
    assert not second.changed
    assert first.chars.edits == 7


def test_ignored_characters_are_kept_for_display_but_not_counted() -> None:
    options = TextOptions(ignore_punctuation=True)
    page = diff_page("p", _lines("Ереван, 3 мая."), _lines("Ереван 3 мая"), options=options)
    assert page.chars.edits == 0
    assert [s.ref for s in page.lines[0].segments if s.tag == "ignored"] == [",", "."]


# ---- fast paths agree with full UAX #29 segmentation -------------------------------------------------

_TRICKY = st.lists(
    st.sampled_from(
        [*"aZ9Ёж Ք,.:;'’-_\t\n\r", "\u0301", "\u200d", "\u00a0", "\u202f", "\u0589", "\u055a", "ª", "²", "\u05d0",
         "\u0e33", "\U0001f1e6", "\U0001f44d", "\ufe0f", "\u00ad", "\u2116", "\u3042"]
    ),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_TRICKY)
def test_fast_segmentation_matches_uniseg(text: str) -> None:
    from uniseg.graphemecluster import grapheme_clusters
    from uniseg.wordbreak import words

    text = unicodedata.normalize("NFC", text)
    assert graphemes(text) == list(grapheme_clusters(text))
    assert tokens(text) == [w for w in words(text) if any(unicodedata.category(c)[0] in "LN" for c in w)]
