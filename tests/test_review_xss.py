"""Stored XSS: text saved through the review app or `scan2text import` is shown as text in every view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import etree
from test_review_browser import LOW, MID, running
from test_store import PAGE, make_out_dir, make_page, make_record

from scan2text.export import export
from scan2text.store.run_folder import RunFolder

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
PLAIN = 'a & b " c < d > e \' f'
AUTHOR = "<img src=x onerror=alert(3)>"
FIELD = "<svg onload=alert(4)>"
IMPORTED = "</title><script>alert(5)</script>"
OCR_PAGE = "odd/0001"
OCR_TEXTS = ["x < y & z", '"quoted" <b>bold</b>']
NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"

# Anything that would run or load if markup got through: scripts other than ours, event handlers, the
# payloads' elements.
INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (tag === 'script' && !(el.getAttribute('src') || '').startsWith('/static/')) bad.push(el.outerHTML);
    if (tag === 'img' && el.getAttribute('src') === 'x') bad.push(el.outerHTML);
    if (tag === 'b' && el.textContent === 'bold') bad.push(el.outerHTML);
    if (tag === 'svg' && el.hasAttribute('onload')) bad.push(el.outerHTML);
    for (const attr of el.attributes) if (attr.name.startsWith('on')) bad.push(tag + ' ' + attr.name);
  }
  return bad;
}"""


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    pages = [
        make_page(PAGE, confs=[92, 88, 95]),
        make_page(LOW, texts=["ՀԵՌԱԳԻՐ Հայաստանի", "Երևան, 1920 թ. մայիսի 3"], language="hye", confs=[30, 50]),
        make_page(MID, texts=["Telegram from Yerevan", "Source: Fund 200"], language="eng", confs=[70, 75]),
        make_page(OCR_PAGE, texts=OCR_TEXTS, language="eng", confs=[55, 65]),
    ]
    return make_out_dir(tmp_path, pages=pages, records=[make_record("doc-1", pages=[PAGE])])


@pytest.fixture
def server(out_dir: Path) -> Iterator[str]:
    with running(out_dir) as url:
        yield url


def _import_through_the_cli(out_dir: Path, tmp_path: Path) -> None:
    """Export MID as PAGE-XML, put the payload in its first line as an editor would, `scan2text import` it."""
    path = next(p for p in export(out_dir, "page", tmp_path / "page") if p.name == "0001.xml" and "mid" in p.parts)
    tree = etree.parse(str(path))
    line = tree.find(f".//{{{NS}}}TextLine")
    for word in line.findall(f"{{{NS}}}Word"):
        line.remove(word)
    line.find(f"{{{NS}}}TextEquiv/{{{NS}}}Unicode").text = IMPORTED
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    done = subprocess.run(
        [sys.executable, "-m", "scan2text", "import", str(out_dir), str(path), "--author", AUTHOR],
        capture_output=True, text=True, env=os.environ.copy(), timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _save(page, selector: str, text: str, api: str) -> None:
    box = page.locator(selector)
    box.fill(text)
    with page.expect_response(lambda r: r.url.endswith(api)) as saved:
        box.press("Enter")
    assert saved.value.status == 200, saved.value.text()


def test_payloads_saved_in_the_app_and_imported_stay_text_in_every_view(browser, server, out_dir, tmp_path):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script(f"localStorage.setItem('scan2text.reviewer', {json.dumps(AUTHOR)})")
    page = context.new_page()
    page.set_default_timeout(5000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(f"{server}/page/{quote(PAGE)}")
    _save(page, ".field-input[data-field='title']", FIELD, "/api/field")  # before the lines re-read the documents
    _save(page, ".line-input[data-line='l0000']", SCRIPT, "/api/line")
    _save(page, ".line-input[data-line='l0001']", IMG, "/api/line")
    _save(page, ".line-input[data-line='l0002']", PLAIN, "/api/line")
    _import_through_the_cli(out_dir, tmp_path)
    with RunFolder(out_dir).open_store() as store:
        assert store.page_state(MID).lines[0].text == IMPORTED.strip()
        docs = [f"/doc/{record_id}" for record_id in store.record_ids()]
        assert FIELD in [r.title for r in store.current_records()]

    views = ["/", f"/page/{PAGE}", f"/page/{MID}", f"/page/{OCR_PAGE}", f"/diff/{PAGE}", f"/diff/{MID}", *docs,
             "/search?q=script", "/search?q=img", "/search?q=alert", "/search?q=svg", "/search?q=" + quote(PLAIN)]
    for view in views:
        page.goto(server + quote(view, safe="/?=%"))
        page.wait_for_load_state("load")
        page.wait_for_timeout(100)  # an onerror fires after the image fails to load
        assert page.evaluate(INJECTED) == [], view
        assert dialogs == [], view

    # Shown as the very text that was typed, in the inputs, the overlays' hover titles and the history.
    page.goto(f"{server}/page/{quote(PAGE)}")
    assert page.locator(".line-input[data-line='l0000']").input_value() == SCRIPT
    assert page.locator(".line-input[data-line='l0002']").input_value() == PLAIN
    assert page.locator(".field-input[data-field='title']").input_value() == FIELD
    titles = page.locator(".overlay title").all_text_contents()
    assert any(t.startswith("<script>alert(1)</script>") for t in titles), titles
    assert any(t.startswith("<img") for t in titles), titles
    assert SCRIPT in page.locator(".history").text_content()
    assert AUTHOR in page.locator(".history").text_content()

    # Ordinary OCR text with < and & leaves the overlay whole: every line and word has its box.
    page.goto(f"{server}/page/{quote(OCR_PAGE)}")
    words = sum(len(t.split()) for t in OCR_TEXTS)
    assert page.locator(".overlay").first.locator("polygon").count() == len(OCR_TEXTS) + words
    titles = page.locator(".overlay").first.locator("title").all_text_contents()
    assert {"< · 55%", "& · 55%", '"quoted" · 65%', "<b>bold</b> · 65%"} <= set(titles), titles

    page.goto(f"{server}/page/{quote(MID)}")
    assert page.locator(".line-input[data-line='l0000']").input_value() == IMPORTED
    assert AUTHOR in page.locator(".history").text_content()
    assert page.evaluate(INJECTED) == [] and dialogs == []
    context.close()
