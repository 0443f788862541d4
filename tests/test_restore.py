"""Characters the Armenian model cannot output are restored only where the context is unambiguous."""

from __future__ import annotations

import pytest

from scan2text.models import Box, Line, Word
from scan2text.ocr.restore import restore_lines, restore_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("Հայաստանի ն Վրաստանի", "Հայաստանի և Վրաստանի"),
        ("ր 22", "№ 22"),
        ("յր 22", "№ 22"),
        ("ն 21", "№ 21"),
        ("յ 2800 -- 1920 թ. մայիսի 6", "№ 2800 — 1920 թ. մայիսի 6"),
        ("Աղբյուր` ՀԱԱ, ֆ. 200", "Աղբյուր՝ ՀԱԱ, ֆ. 200"),
        ("թ. 42։ Պատճեն:", "թ. 42։ Պատճեն։"),
    ],
)
def test_armenian_readings_are_restored(read, meant):
    assert restore_text(read, "hye") == meant


@pytest.mark.parametrize(
    "text",
    [
        "Երևան նախարարին",  # ն inside words is a letter
        "նա ասաց",  # a word starting with ն
        "ժամը 10:30",  # a colon between digits is a time
        "է 5 հոգի",  # a one-letter word before a number is not a number sign
    ],
)
def test_real_armenian_is_left_alone(text):
    assert restore_text(text, "hye") == text


def test_other_languages_are_untouched():
    assert restore_text("н 22 -- text:", "rus") == "н 22 -- text:"


def test_lines_and_their_words_change_together():
    box = Box(x=0, y=0, w=10, h=10)
    line = Line(id="l0001", text="Երևան ն Գորիս", box=box, conf=90, language="hye",
                words=[Word(text=t, box=box, conf=90) for t in ("Երևան", "ն", "Գորիս")])
    (fixed,) = restore_lines([line])
    assert fixed.text == "Երևան և Գորիս"
    assert [w.text for w in fixed.words] == ["Երևան", "և", "Գորիս"]


@pytest.mark.parametrize(
    ("words", "meant"),
    [(["յ", "22", "--", "1920"], ["№", "22", "—", "1920"]), (["Աղբյուր`", "ՀԱԱ"], ["Աղբյուր՝", "ՀԱԱ"])],
)
def test_rules_across_words_restore_the_words_too(words, meant):
    # «յ 22» is the number sign only with its number beside it, which no single word shows
    box = Box(x=0, y=0, w=10, h=10)
    line = Line(id="l0001", text=" ".join(words), box=box, conf=90, language="hye",
                words=[Word(text=t, box=box, conf=90) for t in words])
    (fixed,) = restore_lines([line])
    assert [w.text for w in fixed.words] == meant
    assert " ".join(w.text for w in fixed.words) == fixed.text
