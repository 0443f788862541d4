"""The batch's guess of a page's language: learnt per folder, withdrawn where it keeps failing."""

from __future__ import annotations

from scan2text.batch import PageOutcome, plan_batch
from scan2text.language_hints import LanguageHints
from scan2text.models import Page
from scan2text.settings import Settings


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


def test_a_page_waits_while_a_page_of_its_folder_is_telling_the_language():
    hints = LanguageHints()
    assert hints.hint("a1", "rus/file-1/0001.png") is None  # started: its script will be detected
    assert hints.waiting("rus/file-1/0002.png")
    assert hints.waiting("rus/file-2/0001.png")  # same branch: likely the same language
    assert not hints.waiting("hye/file-1/0001.png")  # nothing of its branch is being read
    hints.learn(page("a1", "rus/file-1/0001.png", "rus"))
    hints.finished("a1")
    assert not hints.waiting("rus/file-1/0002.png")  # now it has a language to try


def test_a_failed_page_stops_holding_its_folder_back():
    hints = LanguageHints()
    hints.hint("a1", "rus/file-1/0001.png")
    hints.finished("a1")  # failed: nothing learnt
    assert not hints.waiting("rus/file-1/0002.png")


def test_the_batch_starts_each_folders_first_page_before_more_pages_that_would_detect(tmp_path):
    # Three language folders of three pages: with two workers, a folder's second page waits for its first
    # (which tells the language) while the other folders' first pages go ahead.
    root = tmp_path / "in"
    for lang in ("eng", "hye", "rus"):
        for n in range(3):
            path = root / lang / "file-1" / f"{n:04d}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f"{lang}{n}".encode())  # discovery only lists and hashes the files
    plan = plan_batch(root, tmp_path / "out", Settings())
    first = plan.take(room=4, running=0, workers=2)
    assert [src.image for src, _ in first] == [
        "eng/file-1/0000.png", "eng/file-1/0001.png", "hye/file-1/0000.png", "rus/file-1/0000.png"
    ]  # the second eng page goes only because a worker would idle otherwise
    assert all(hint is None for _, hint in first)
    plan.accept(PageOutcome(page_id=first[0][0].id, page=page(first[0][0].id, first[0][0].image, "eng")))
    nxt = plan.take(room=1, running=3, workers=2)
    assert [(src.image, hint) for src, hint in nxt] == [("eng/file-1/0002.png", "eng")]


def test_with_a_fixed_language_pages_go_in_order(tmp_path):
    root = tmp_path / "in"
    for name in ("a/1.png", "a/2.png", "b/1.png"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(name.encode())
    settings = Settings.model_validate({"ocr": {"lang": "rus"}})
    plan = plan_batch(root, tmp_path / "out", settings)
    assert [src.image for src, _ in plan.take(room=3, running=0, workers=1)] == ["a/1.png", "a/2.png", "b/1.png"]
