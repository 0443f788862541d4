"""The HTML diff report, opened from disk in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_diff_sources import write_run

from scan2text.diff.batch import compare
from scan2text.diff.report import render_page_fragment, report_css, write_html
from scan2text.diff.sources import RunFolderSource

pytestmark = pytest.mark.browser

A = {
    "f/0001": ["Ереван, 3 мая 1920 г.", "Երևան։", "unchanged line"],
    "f/0002": ["No. 2800", "To the Government"],
    "f/0003": ["Hello world"],
    "f/0004": ["identical page"],
    "f/0005": ["Another line here"],
}
B = {
    "f/0001": ["Epeван, 3 мая 1920 г.", "Երևան:", "unchanged line"],
    "f/0002": ["No. 2300", "To the Governrnent"],
    "f/0003": ["Hello world"],
    "f/0004": ["identical page"],
    "f/0005": ["Another line"],
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("report")
    batch = compare(RunFolderSource(write_run(root / "A", A)), RunFolderSource(write_run(root / "B", B)))
    html = root / "out" / "report.html"
    written = write_html(batch, html, pages_per_file=2, max_cer=0.01)
    return html, written


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    tab = context.new_page()
    yield tab
    context.close()


def test_report_is_paginated_and_self_contained(report: tuple[Path, list[Path]], page: Any) -> None:
    html, written = report
    assert [p.name for p in written] == ["report.html", "report-2.html", "report-3.html"]
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(html.as_uri())
    assert all(u.startswith(("file://", "data:")) for u in requested), requested
    assert page.locator("#batch-cer").inner_text().endswith("%")
    assert "FAILED" in page.locator("body").inner_text()


def test_changes_are_highlighted_with_line_crops(report: tuple[Path, list[Path]], page: Any) -> None:
    html, _ = report
    page.goto(html.as_uri())
    page.locator("table.summary a", has_text="f/0001").click()
    page.wait_for_load_state()
    section = page.locator('section[data-page-id="f/0001"]')
    assert section.is_visible()
    armenian = section.locator("tr", has_text="Երևան").first
    deleted = armenian.locator("td.ref del")
    inserted = armenian.locator("td.hyp ins")
    assert deleted.is_visible() and deleted.inner_text() == "։"
    assert inserted.is_visible() and inserted.inner_text() == ":"
    assert "lookalike" in (inserted.get_attribute("class") or "")
    assert "Armenian punctuation" in (inserted.get_attribute("title") or "")
    latin = section.locator("tr", has_text="мая").first.locator("td.hyp ins.lookalike")
    assert latin.first.inner_text() == "Epe"
    # the changed line's image crop is embedded right under it and actually decodes
    line_no = armenian.locator("td.no").inner_text()
    crop = section.locator(f'tr.crop-row[data-line="{line_no}"] td.crop img')
    assert crop.is_visible()
    assert crop.evaluate("img => img.complete && img.naturalWidth > 0 && img.src.startsWith('data:image/png')")
    unchanged = section.locator("tr.same", has_text="unchanged line")
    assert unchanged.is_visible()
    assert section.locator(f'tr.crop-row[data-line="{unchanged.locator("td.no").inner_text()}"]').count() == 0
    assert section.locator("tr.crop-row").count() == 2  # one per changed line
    page.locator("#only-changed").check()
    assert not unchanged.is_visible()


def test_summary_links_and_pager_navigate(report: tuple[Path, list[Path]], page: Any) -> None:
    html, _ = report
    page.goto(html.as_uri())
    # the identical page sorts last, into part 3: its summary link crosses files to its section
    page.locator("table.summary a", has_text="f/0004").click()
    page.wait_for_load_state()
    assert page.url.endswith("report-3.html#page-5")
    target = page.locator("#page-5")
    assert target.is_visible() and target.get_attribute("data-page-id") == "f/0004"
    assert "No differences" in target.inner_text()
    assert target.evaluate("el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    # pager: back to part 2 with "previous", then forward again with "next"
    page.locator("nav.pager a.prev").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("report-2.html")
    page.locator("nav.pager a.next").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("report-3.html")
    # most changed lines link to the line's row
    page.goto(html.as_uri())
    page.locator("table.worst a").first.click()
    assert "#page-" in page.url and "-l" in page.url.split("#")[1]


def test_page_fragment_renders_for_reuse(report: tuple[Path, list[Path]], page: Any, tmp_path: Path) -> None:
    batch = compare(*_runs(tmp_path))
    target = next(p for p in batch.pages if p.page_id == "f/0005")
    fragment = render_page_fragment(target, anchor="review-page")
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    page.set_content(f"<style>{report_css()}</style><div class='s2t-diff'>{fragment}</div>")
    deleted = page.locator("#review-page td.ref del")
    assert deleted.first.is_visible()
    assert "".join(deleted.all_inner_texts()) == "␣here"  # a space, then a word: two classes, one run
    assert page.locator("#review-page tr.crop-row img").evaluate("img => img.naturalWidth > 0")


def _runs(root: Path) -> tuple[RunFolderSource, RunFolderSource]:
    a, b = root / "A", root / "B"
    if not a.exists():
        write_run(a, A)
        write_run(b, B)
    return RunFolderSource(a), RunFolderSource(b)
