"""The batch's guess of a page's language: learnt per folder, withdrawn where it keeps failing."""

from __future__ import annotations

import shutil

import pytest

from scan2text.ingest import discover
from scan2text.models import Page
from scan2text.pipeline.batch import MAX_PAGES_PER_TASK, PageOutcome, plan_batch, run_pages
from scan2text.pipeline.language_hints import LanguageHints
from scan2text.settings import Settings


def page(page_id: str, image: str, language: str) -> Page:
    return Page(id=page_id, image=image, width=10, height=10, language=language)


@pytest.mark.unit
def test_a_folder_language_is_offered_to_the_folders_next_pages_and_its_neighbours():
    hints = LanguageHints()
    assert hints.hint("a1", "rus/file-1/0001.png") is None  # nothing read yet: detect
    hints.learn(page("a1", "rus/file-1/0001.png", "rus"))
    assert hints.hint("a2", "rus/file-1/0002.png") == "rus"
    assert hints.hint("b1", "rus/file-2/0001.png") == "rus"  # a new file of the same branch
    assert hints.hint("c1", "hye/file-1/0001.png") is None  # another branch is no evidence


@pytest.mark.unit
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


@pytest.mark.unit
def test_a_page_waits_while_a_page_of_its_folder_is_telling_the_language():
    hints = LanguageHints()
    assert hints.hint("a1", "rus/file-1/0001.png") is None  # started: its script will be detected
    assert hints.waiting("rus/file-1/0002.png")
    assert hints.waiting("rus/file-2/0001.png")  # same branch: likely the same language
    assert not hints.waiting("hye/file-1/0001.png")  # nothing of its branch is being read
    hints.learn(page("a1", "rus/file-1/0001.png", "rus"))
    hints.finished("a1")
    assert not hints.waiting("rus/file-1/0002.png")  # now it has a language to try


@pytest.mark.unit
def test_a_failed_page_stops_holding_its_folder_back():
    hints = LanguageHints()
    hints.hint("a1", "rus/file-1/0001.png")
    hints.finished("a1")  # failed: nothing learnt
    assert not hints.waiting("rus/file-1/0002.png")


def language_folders(root, pages: int) -> None:
    for lang in ("eng", "hye", "rus"):
        for n in range(pages):
            path = root / lang / "file-1" / f"{n:04d}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f"{lang}{n}".encode())  # discovery only lists and hashes the files


@pytest.mark.integration
def test_the_batch_starts_each_folders_first_page_before_more_pages_that_would_detect(tmp_path):
    # Three language folders of three pages, two workers: a task takes a folder's first page and the pages
    # that follow it in the same folder (they learn its language from it); the folder's other pages wait for
    # that language while the other folders' first pages go ahead.
    language_folders(tmp_path / "in", 3)
    plan = plan_batch(tmp_path / "in", tmp_path / "out", Settings())
    first = plan.take(running=0, workers=2)
    assert [src.image for src, _ in first] == ["eng/file-1/0000.png", "eng/file-1/0001.png"]
    assert all(hint is None for _, hint in first) and plan.chaining()
    second = plan.take(running=1, workers=2)
    assert [src.image for src, _ in second] == ["hye/file-1/0000.png", "hye/file-1/0001.png"]
    third = plan.take(running=2, workers=2)  # the tail of the batch goes a page a task
    assert [src.image for src, _ in third] == ["rus/file-1/0000.png"]
    assert plan.take(running=3, workers=2) == []  # every page left would detect: wait
    plan.accept(PageOutcome(page_id=first[0][0].id, page=page(first[0][0].id, first[0][0].image, "eng")))
    nxt = plan.take(running=2, workers=2)
    assert [(src.image, hint) for src, hint in nxt] == [("eng/file-1/0002.png", "eng")]


@pytest.mark.integration
def test_a_held_page_goes_when_a_worker_would_idle(tmp_path):
    language_folders(tmp_path / "in", 3)
    plan = plan_batch(tmp_path / "in", tmp_path / "out", Settings())
    for running in range(3):
        plan.take(running=running, workers=2)
    assert plan.take(running=2, workers=2) == []
    assert [src.image for src, _ in plan.take(running=1, workers=2)] == ["eng/file-1/0002.png"]


@pytest.mark.integration
def test_tasks_hold_several_pages_then_shrink_towards_the_end_of_the_batch(tmp_path):
    root = tmp_path / "in"
    for n in range(40):
        (root / "file-1").mkdir(parents=True, exist_ok=True)
        (root / "file-1" / f"{n:04d}.png").write_bytes(str(n).encode())
    plan = plan_batch(root, tmp_path / "out", Settings.model_validate({"ocr": {"lang": "rus"}}))
    sizes = []
    while chosen := plan.take(running=0, workers=2):
        sizes.append(len(chosen))
    assert sum(sizes) == 40
    assert sizes[0] == MAX_PAGES_PER_TASK and sizes[-3:] == [1, 1, 1]
    assert sizes == sorted(sizes, reverse=True)


@pytest.mark.unit
def test_a_guess_passed_on_inside_a_task_is_scored():
    hints = LanguageHints()
    for n in range(4):  # guesses passed from page to page, each wrong
        hints.learn(page(f"p{n}", "p.png", "rus"), tried="eng")
    assert not hints.paying()


@pytest.mark.integration
def test_with_a_fixed_language_pages_go_in_order(tmp_path):
    root = tmp_path / "in"
    for name in ("a/1.png", "a/2.png", "b/1.png"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(name.encode())
    settings = Settings.model_validate({"ocr": {"lang": "rus"}})
    plan = plan_batch(root, tmp_path / "out", settings)
    order = []
    while chosen := plan.take(running=0, workers=1):
        order.extend(src.image for src, _ in chosen)
    assert order == ["a/1.png", "a/2.png", "b/1.png"]
    assert not plan.chaining()


@pytest.mark.integration
def test_a_task_passes_its_first_pages_language_on_to_the_next_page_of_the_folder(tmp_path, samples_dir):
    folder = tmp_path / "in" / "rus" / "file-1"
    folder.mkdir(parents=True)
    for name in ("0213.png", "0214.png"):
        shutil.copy(samples_dir / "rus/fund-200/inv-1/file-271" / name, folder / name)
    sources = discover(tmp_path / "in")
    outcomes = run_pages(sources, tmp_path / "out", Settings(), hints=[None, None], chain=True)
    assert [o.page.language for o in outcomes] == ["rus", "rus"]
    assert outcomes[0].page.language_basis == "script detected" and outcomes[0].tried is None
    assert outcomes[1].page.language_basis == "folder language confirmed" and outcomes[1].tried == "rus"


@pytest.mark.integration
def test_a_task_tries_the_language_its_last_page_found_over_the_plans_stale_guess(tmp_path, samples_dir):
    # The plan guessed English from pages read earlier; the task's first page shows the folder is Russian now.
    folder = tmp_path / "in" / "mixed"
    folder.mkdir(parents=True)
    for name in ("0213.png", "0214.png"):
        shutil.copy(samples_dir / "rus/fund-200/inv-1/file-271" / name, folder / name)
    outcomes = run_pages(discover(tmp_path / "in"), tmp_path / "out", Settings(), hints=["eng", "eng"], chain=True)
    assert [o.page.language for o in outcomes] == ["rus", "rus"]
    assert [o.tried for o in outcomes] == ["eng", "rus"]
    assert outcomes[1].page.language_basis == "folder language confirmed"
    hints = LanguageHints()
    hints.learn(page("earlier", "mixed/0001.png", "eng"))  # what the plan knew when it guessed
    assert [hints.hint(o.page_id, o.page.image) for o in outcomes] == ["eng", "eng"]
    for outcome in outcomes:
        hints.learn(outcome.page, tried=outcome.tried)
    assert list(hints.recent) == [False, True]  # the languages tried are scored, not the plan's stale guess
