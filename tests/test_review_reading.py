"""The scan is readable while correcting, at 1366×768 and 1920×1080: zoom and pan, boxes that leave the
letters visible, the line's crop beside its text, lines that wrap; Ctrl+Enter opens the next page in
queue order; the reviewer's name is kept; the queue says how many words to check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from test_review_browser import LOW, MID, running
from test_store import PAGE, make_out_dir, make_page, make_record

from scan2text.store.run_folder import RunFolder

pytestmark = pytest.mark.browser

SIZES = [(1366, 768), (1920, 1080)]
LONG = ("Настоящим сообщаю, что по распоряжению Правительства Республики Армения все архивные дела Министерства "
        "внутренних дел за 1919–1920 годы переданы в ведение Центрального государственного архива, ф. 200, оп. 1.")


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    pages = [
        make_page(PAGE, texts=["ПИСЬМО ПРЕДСЕДАТЕЛЯ", LONG, "Источник: ЦГИА РА"], confs=[92, 88, 95]),
        make_page(LOW, texts=["ՀԵՌԱԳԻՐ Հայաստանի", "Երևան, 1920 թ. մայիսի 3"], language="hye", confs=[30, 50]),
        make_page(MID, texts=["Telegram from Yerevan", "Source: Fund 200"], language="eng", confs=[70, 75]),
    ]
    return make_out_dir(tmp_path, pages=pages, records=[make_record("doc-1", pages=[PAGE])])


@pytest.fixture
def server(out_dir: Path) -> Iterator[str]:
    with running(out_dir) as url:
        yield url


def _open(browser, size: tuple[int, int], name: str | None = "ann"):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    if name:
        context.add_init_script(f"localStorage.setItem('scan2text.reviewer', '{name}')")
    page = context.new_page()
    page.set_default_timeout(5000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def _url(base: str, page_id: str) -> str:
    return f"{base}/page/{quote(page_id, safe='/')}"


def _settled(page) -> None:
    """Panzoom applies a transform in the next animation frame: wait two."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _shown_width(page) -> float:
    _settled(page)
    return page.locator(".imgwrap:not([hidden]) img").bounding_box()["width"]


def _shown_box(page) -> dict:
    _settled(page)
    return page.locator(".imgwrap:not([hidden]) img").bounding_box()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_scan_zooms_pans_and_keeps_letters_visible(browser, server: str, size) -> None:
    context, page, errors = _open(browser, size)
    page.goto(_url(server, PAGE))
    page.locator("#stage[data-fitted]").wait_for(state="attached")
    stage = page.locator("#stage").bounding_box()
    assert stage["x"] + stage["width"] <= size[0] and stage["y"] + stage["height"] <= size[1]  # all on screen
    fitted = _shown_width(page)
    assert abs(fitted - stage["width"]) < 3  # starts with the page's width filling the stage

    page.click("#zoom-in")
    page.click("#zoom-in")
    assert _shown_width(page) > fitted * 1.5
    assert page.locator("#zoom-level").inner_text().endswith("%")
    before = _shown_box(page)
    page.mouse.move(stage["x"] + 200, stage["y"] + 200)
    page.mouse.down()
    page.mouse.move(stage["x"] + 120, stage["y"] + 90, steps=5)
    page.mouse.up()
    after = _shown_box(page)
    assert after["x"] < before["x"] - 40 and after["y"] < before["y"] - 40  # dragged: panned
    page.mouse.move(stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2)
    zoomed = _shown_width(page)
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(100)
    assert _shown_width(page) < zoomed  # the wheel zooms out
    page.click("#zoom-fit")
    whole = _shown_box(page)
    assert whole["height"] <= stage["height"] + 1 and whole["width"] <= stage["width"] + 1

    # Boxes are outlines: nothing is painted over the letters. Word boxes start hidden; both toggle.
    fills = page.locator(".imgwrap:not([hidden]) polygon").evaluate_all(
        "els => els.map(e => getComputedStyle(e).fill)")
    assert fills and set(fills) == {"none"}
    words = page.locator(".imgwrap:not([hidden]) polygon.word")
    assert words.count() > 0 and not words.first.is_visible()
    page.check("#show-words")
    assert words.first.is_visible()
    page.uncheck("#show-lines")
    assert not page.locator(".imgwrap:not([hidden]) polygon.line:not(.active)").first.is_visible()
    page.reload()  # the choice is kept
    assert page.locator("#show-words").is_checked() and not page.locator("#show-lines").is_checked()
    assert errors == []
    context.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_lines_wrap_and_the_focused_line_shows_its_crop(browser, server: str, size) -> None:
    context, page, errors = _open(browser, size)
    page.goto(_url(server, PAGE))
    cut = page.locator(".line-input").evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 2).length")
    assert cut == 0
    long_box = page.locator(".line-input[data-line='l0001']")
    assert long_box.input_value() == LONG
    assert long_box.bounding_box()["height"] > 1.8 * page.locator(".line-input[data-line='l0000']").bounding_box()[
        "height"]  # wrapped onto more rows rather than cut off
    side = page.locator(".side").bounding_box()
    assert side["x"] + side["width"] <= size[0]

    long_box.focus()
    crop = page.locator("#row-l0001 .crop")
    crop.wait_for(state="visible")
    pieces = crop.locator("div").evaluate_all(
        "els => els.map(e => [getComputedStyle(e).backgroundImage, e.clientWidth, e.clientHeight])")
    assert pieces and all("/img/clean/" in image for image, _, _ in pieces)
    assert all(width > 100 and height >= 26 for _, width, height in pieces)  # letters big enough to read
    assert page.locator(".imgwrap:not([hidden]) polygon.line.active[data-line='l0001']").count() == 1
    assert errors == []
    context.close()


def test_ctrl_enter_approves_and_opens_the_next_page_in_the_queue(browser, server: str, out_dir: Path) -> None:
    context, page, _ = _open(browser, SIZES[0])
    page.goto(server)
    assert page.locator(".queue tbody tr td:first-child").all_inner_texts() == [LOW, MID, PAGE]
    page.goto(_url(server, MID))  # the second in the queue; LOW, the first, is not approved
    page.locator(".line-input").first.focus()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(_url(server, PAGE))  # the next one, not back to LOW
    with RunFolder(out_dir).open_store() as store:
        assert store.page_state(MID).approved_by == "ann"
        assert not store.page_state(LOW).approved
    page.locator(".line-input").first.focus()
    page.keyboard.press("Control+Enter")  # past the end of the queue: the page left unapproved
    page.wait_for_url(_url(server, LOW))
    page.locator(".line-input").first.focus()
    page.keyboard.press("Control+Enter")  # all approved: the queue
    page.wait_for_url(server + "/")
    context.close()


def test_the_reviewers_name_is_asked_once_and_kept(browser, server: str, out_dir: Path) -> None:
    context, page, _ = _open(browser, SIZES[0], name=None)
    page.goto(_url(server, MID))
    line = page.locator(".line-input[data-line='l0000']")
    line.fill("Telegram from Erevan")
    line.press("Enter")
    assert "Reviewer" in page.locator("#banner").inner_text()
    page.locator("#reviewer").type("Anna Petrosyan")
    page.locator("#reviewer").press("Enter")
    page.wait_for_function("document.activeElement.dataset.line === 'l0000'")  # back to the line
    with page.expect_response(lambda r: r.url.endswith("/api/line")) as saved:
        line.press("Enter")
    assert saved.value.status == 200

    for url in (_url(server, LOW), server + "/", _url(server, MID)):
        page.goto(url)
        assert page.locator("#reviewer").input_value() == "Anna Petrosyan", url
    # in a new tab of the same browser, the server fills the box before any script runs
    other = context.new_page()
    other.route("**/static/review.js", lambda route: route.abort())
    other.goto(_url(server, LOW))
    assert other.locator("#reviewer").input_value() == "Anna Petrosyan"
    with RunFolder(out_dir).open_store() as store:
        assert store.history(page_id=MID)[0].author == "Anna Petrosyan"
    context.close()


def test_queue_says_how_many_words_to_check(browser, server: str) -> None:
    context, page, _ = _open(browser, SIZES[0])
    page.goto(server)
    cells = dict(zip(page.locator(".queue tbody td:first-child").all_inner_texts(),
                     page.locator(".queue tbody td.to-check").all_inner_texts(), strict=True))
    # LOW's words are read at 30 and 50% (all seven below 60), MID's at 70-75, PAGE's at 88-95
    assert cells == {LOW: "7 words", MID: "", PAGE: ""}
    context.close()
