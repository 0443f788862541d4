"""The throughput bench's two bounds read every cleaned page once, in its own language."""

from __future__ import annotations

import cv2
import pytest

from scan2text.store.run_folder import RunFolder
from scan2text_tools.bench.throughput import tesseract_bound, tesseract_list_bound
from scan2text_tools.samplegen import render_page


@pytest.mark.integration
def test_the_list_bound_gives_each_core_one_list_per_language_covering_every_page(tmp_path):
    out, languages = RunFolder(tmp_path), {}
    for n, lang in enumerate(["eng", "rus", "eng", "rus", "eng"]):
        text = "The troops crossed the border." if lang == "eng" else "Войска перешли границу."
        page = render_page([text], lang, dpi=150, seed=n, top_in=0.3, left_in=0.3, height_in=0.6)
        out.clean_image(f"{lang}/{n}").parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(out.clean_image(f"{lang}/{n}")), page)
        languages[f"{lang}/{n}"] = lang
    pages_per_min, cpu = tesseract_list_bound(out, languages, workers=2)
    assert pages_per_min > 0 and cpu > 0
    listed = {}
    for listing in out.pages_dir.glob("bound-*.txt"):
        lang = listing.name.split("-")[1]
        for line in listing.read_text(encoding="utf-8").splitlines():
            assert line not in listed, "a page read twice"
            listed[line] = lang
    assert listed == {str(out.clean_image(key)): lang for key, lang in languages.items()}
    assert len(list(out.pages_dir.glob("bound-*.txt"))) == 4  # two cores, two languages
    assert tesseract_bound(out, languages, workers=2)[1] > 0


@pytest.mark.unit
def test_the_report_prints_each_figure_as_its_median_over_the_rounds():
    from scan2text_tools.bench.throughput import Round, RunFigures, ThroughputReport, format_report

    def round_of(bound: float, run_seconds: float) -> Round:
        return Round(bound_pages_per_min=bound, bound_cpu_seconds=60.0, list_bound_pages_per_min=bound + 1,
                     list_bound_cpu_seconds=54.0, run=RunFigures(pages=60, seconds=run_seconds, peak_rss_mb=250,
                                                                 cpu_seconds=80.0),
                     rerun=RunFigures(pages=60, seconds=10.0, peak_rss_mb=200, cpu_seconds=8.0))

    text = format_report(ThroughputReport(workers=2, rounds=[round_of(90, 70), round_of(110, 50), round_of(100, 60)]))
    assert "right language: 100.0 pages/min" in text  # the middle bound, not the mean of its run's round
    assert "pages: 72.0 pages/min" in text  # 60 pages in 60 - 10 s
    assert "(a) 1.00, (b) 1.20; ratio (a)/(b): 0.83" in text
    assert "ratio (b)/(a'): 0.71, CPU 0.75" in text  # the median of 60/91, 90/111 and 72/101
