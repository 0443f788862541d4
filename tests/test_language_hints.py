"""The batch's guess of a page's language: learnt per folder, withdrawn where it keeps failing."""

from __future__ import annotations

from scan2text.language_hints import LanguageHints
from scan2text.models import Page


def page(page_id: str, image: str, language: str) -> Page:
    return Page(id=page_id, image=image, width=10, height=10, language=language)


def test_a_folder_language_is_offered_to_the_folders_next_pages_and_its_neighbours():
    hints = LanguageHints()
    assert hints.hint("a1", "rus/file-1/0001.png") is None  # nothing read yet: detect
    hints.learn(page("a1", "rus/file-1/0001.png", "rus"))
    assert hints.hint("a2", "rus/file-1/0002.png") == "rus"
    assert hints.hint("b1", "rus/file-2/0001.png") == "rus"  # a new file of the same branch
    assert hints.hint("c1", "hye/file-1/0001.png") is None  # another branch is no evidence


def test_guesses_stop_when_they_keep_failing_and_resume_when_they_hold():
    hints = LanguageHints()
    languages = ["eng", "rus", "hye"] * 3  # a flat folder whose language changes every page
    for n, lang in enumerate(languages):
        hints.hint(f"p{n}", f"p{n}.png")
        hints.learn(page(f"p{n}", f"p{n}.png", lang))
    assert hints.hint("next", "next.png") is None
    for n in range(20):  # then a long run of one language
        hints.hint(f"q{n}", f"q{n}.png")
        hints.learn(page(f"q{n}", f"q{n}.png", "rus"))
    assert hints.hint("last", "last.png") == "rus"
