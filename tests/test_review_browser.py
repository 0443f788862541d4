"""The review app in a real (headless) Chromium: correct, save, reload; conflicts; keyboard."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import uvicorn
from playwright.sync_api import expect
from test_store import PAGE, make_out_dir, make_page, make_record

from scan2text.review import create_app
from scan2text.store import Store
from scan2text.store.run_folder import RunFolder

pytestmark = pytest.mark.browser

LOW, MID = "low/0001", "mid/0001"  # queue order: LOW (conf 30-50), MID, then PAGE


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    pages = [
        make_page(PAGE, scale=1.5, offset=(20, 10), confs=[92, 88, 95]),
        make_page(LOW, texts=["ՀԵՌԱԳԻՐ Հայաստանի", "Երևան, 1920 թ. մայիսի 3"], language="hye", confs=[30, 50]),
        make_page(MID, texts=["Telegram from Yerevan", "Source: Fund 200"], language="eng", confs=[70, 75]),
    ]
    return make_out_dir(tmp_path, pages=pages, records=[make_record("doc-1", pages=[PAGE])])


@contextmanager
def running(out_dir: Path) -> Iterator[str]:
    """The review app for `out_dir` on a free loopback port; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(out_dir), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "review server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def server(out_dir: Path) -> Iterator[str]:
    with running(out_dir) as url:
        yield url


def _reviewer(browser, name: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(f"localStorage.setItem('scan2text.reviewer', '{name}')")
    page = context.new_page()
    page.set_default_timeout(5000)
    return context, page


def _url(base: str, page_id: str) -> str:
    return f"{base}/page/{quote(page_id, safe='/')}"


def _line(page, line_id: str):
    return page.locator(f".line-input[data-line='{line_id}']")


def _field(page, field: str):
    return page.locator(f".field-input[data-field='{field}']")


def _store(out_dir: Path) -> Store:
    return RunFolder(out_dir).open_store()


def test_correct_a_line_and_a_date_save_reload_and_they_are_kept(browser, server: str, out_dir: Path) -> None:
    context, page = _reviewer(browser, "ann")
    page.goto(_url(server, PAGE))
    date = _field(page, "date")
    date.fill("5 May 1920")
    with page.expect_response(lambda r: r.url.endswith("/api/field")) as refused:
        date.press("Enter")
    assert refused.value.status == 422
    assert "YYYY-MM-DD" in page.locator(".field.invalid .field-error").inner_text()
    date.fill("1920-05-05")
    with page.expect_response(lambda r: r.url.endswith("/api/field")) as saved:
        date.press("Enter")
    assert saved.value.status == 200

    # the line after the field: its save re-reads the page's documents, the date correction goes with them
    line = _line(page, "l0001")
    line.fill("Ереван, 5 мая 1920 г.")
    with page.expect_response(lambda r: r.url.endswith("/api/line")) as saved:
        line.press("Enter")
    assert saved.value.status == 200
    expect(page.locator("textarea[data-line='l0002']")).to_be_focused()  # Enter moved on

    page.reload()
    assert _line(page, "l0001").input_value() == "Ереван, 5 мая 1920 г."
    assert _field(page, "date").input_value() == "1920-05-05"
    assert "corrected" in page.locator("#row-l0001").get_attribute("class")
    with _store(out_dir) as store:
        assert store.current_pages()[-1].lines[1].text == "Ереван, 5 мая 1920 г."
        assert store.current_records()[0].date == "1920-05-05"
        assert {c.author for c in store.history()} == {"ann"}
    context.close()


def test_second_reviewer_on_the_same_line_is_refused_and_told(browser, server: str, out_dir: Path) -> None:
    ann_ctx, ann = _reviewer(browser, "ann")
    bob_ctx, bob = _reviewer(browser, "bob")
    ann.goto(_url(server, PAGE))
    bob.goto(_url(server, PAGE))  # both loaded version 0 of every line

    _line(ann, "l0000").fill("ПИСЬМО ПРЕДСЕДАТЕЛЯ (ann)")
    with ann.expect_response(lambda r: r.url.endswith("/api/line")) as first:
        _line(ann, "l0000").press("Enter")
    assert first.value.status == 200

    _line(bob, "l0000").fill("ПИСЬМО ПРЕДСЕДАТЕЛЯ (bob)")
    with bob.expect_response(lambda r: r.url.endswith("/api/line")) as second:
        _line(bob, "l0000").press("Enter")
    assert second.value.status == 409
    banner = bob.locator("#banner")
    banner.wait_for(state="visible")
    assert "saved by ann" in banner.inner_text() and "not saved" in banner.inner_text()
    assert "ПИСЬМО ПРЕДСЕДАТЕЛЯ (ann)" in banner.inner_text()
    assert "conflict" in bob.locator("#row-l0000").get_attribute("class")
    assert "ann changed this line" in bob.locator("#row-l0000 .line-msg").inner_text()
    assert _line(bob, "l0000").input_value() == "ПИСЬМО ПРЕДСЕДАТЕЛЯ (bob)"  # bob's text is not thrown away

    _line(bob, "l0000").press("ArrowDown")  # leaving the line must not quietly retry the save
    bob.wait_for_timeout(300)
    with _store(out_dir) as store:
        assert store.page_state(PAGE).lines[0].text == "ПИСЬМО ПРЕДСЕДАТЕЛЯ (ann)"

    _line(bob, "l0000").focus()
    _line(bob, "l0000").press("Escape")  # take ann's text
    assert _line(bob, "l0000").input_value() == "ПИСЬМО ПРЕДСЕДАТЕЛЯ (ann)"
    assert banner.is_hidden()
    ann_ctx.close()
    bob_ctx.close()


def test_keyboard_moves_between_lines_and_pages_and_approves(browser, server: str, out_dir: Path) -> None:
    context, page = _reviewer(browser, "ann")
    page.goto(_url(server, LOW))
    expect(page.locator("textarea[data-line='l0000']")).to_be_focused()  # lowest-confidence line first
    page.keyboard.press("ArrowDown")
    expect(page.locator("textarea[data-line='l0001']")).to_be_focused()
    page.keyboard.press("Alt+ArrowRight")
    page.wait_for_url(_url(server, MID))
    page.keyboard.press("Alt+ArrowLeft")
    page.wait_for_url(_url(server, LOW))
    page.keyboard.press("Control+Enter")  # approve, then the next unapproved page
    page.wait_for_url(_url(server, MID))
    with _store(out_dir) as store:
        assert store.page_state(LOW).approved
        assert store.page_state(LOW).approved_by == "ann"
        assert [q.page_id for q in store.queue()] == [MID, PAGE, LOW]
    context.close()


def test_boxes_are_drawn_on_both_images_and_lead_to_their_line(browser, server: str) -> None:
    context, page = _reviewer(browser, "ann")
    page.goto(_url(server, MID))
    for pane in page.locator(".imgwrap").all():
        assert pane.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        assert pane.locator("polygon.line").count() == 2
    assert page.locator(".overlay polygon.line.c-mid").count() == 4  # conf 70 and 75, in both panes
    page.locator(".tab[data-pane='original']").click()
    page.locator(".imgwrap").nth(1).locator("polygon.line[data-line='l0001']").click()
    expect(page.locator("textarea[data-line='l0001']")).to_be_focused()
    assert page.locator(".overlay polygon.line.active").count() == 2
    context.close()


def test_search_box_and_document_view(browser, server: str) -> None:
    context, page = _reviewer(browser, "ann")
    page.goto(server)
    rows = page.locator(".queue tbody tr td:first-child").all_inner_texts()
    assert rows == [LOW, MID, PAGE]
    page.locator("#search").fill("ереван")
    page.locator("#search").press("Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator(".hits mark").first.inner_text().lower() == "ереван"
    page.locator(".hits a", has_text="l0001").click()
    expect(page.locator("textarea[data-line='l0001']")).to_be_focused()
    page.goto(f"{server}/doc/doc-1")
    assert page.locator("table.pages td.sheet").all_inner_texts() == ["213"]
    assert _field(page, "cited_source.0.sheets").input_value() == "213–214"
    context.close()


def test_diff_view_shows_the_correction_against_the_ocr(browser, server: str, out_dir: Path) -> None:
    with _store(out_dir) as store:
        state = store.page_state(MID)
        line = state.lines[0]
        store.correct_line(MID, line.line_id, "Telegram from Erevan", "ann", line.version)
    context, page = _reviewer(browser, "ann")
    page.goto(_url(server, MID))
    page.click("#diff-link")
    page.wait_for_url("**/diff/**")
    changed = page.locator(".s2t-diff del, .s2t-diff ins").all_inner_texts()
    assert changed, page.content()[:2000]
    assert "Erevan" in page.locator(".s2t-diff").inner_text()
    assert "%" in page.locator("h1 + p").inner_text()
    context.close()
