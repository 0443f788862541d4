"""The throughput bench's two bounds read every cleaned page once, in its own language."""

from __future__ import annotations

import cv2

from scan2text.bench.throughput import tesseract_bound, tesseract_list_bound
from scan2text.samplegen import render_page


def test_the_list_bound_gives_each_core_one_list_per_language_covering_every_page(tmp_path):
    languages = {}
    for n, lang in enumerate(["eng", "rus", "eng", "rus", "eng"]):
        text = "The troops crossed the border." if lang == "eng" else "Войска перешли границу."
        page = render_page([text], lang, dpi=150, seed=n, top_in=0.3, left_in=0.3, height_in=0.6)
        (tmp_path / lang).mkdir(exist_ok=True)
        cv2.imwrite(str(tmp_path / lang / f"{n}.clean.png"), page)
        languages[f"{lang}/{n}"] = lang
    pages_per_min, cpu = tesseract_list_bound(tmp_path, languages, workers=2)
    assert pages_per_min > 0 and cpu > 0
    listed = {}
    for listing in tmp_path.glob("bound-*.txt"):
        lang = listing.name.split("-")[1]
        for line in listing.read_text(encoding="utf-8").splitlines():
            assert line not in listed, "a page read twice"
            listed[line] = lang
    assert listed == {str(tmp_path / f"{key}.clean.png"): lang for key, lang in languages.items()}
    assert len(list(tmp_path.glob("bound-*.txt"))) == 4  # two cores, two languages
    assert tesseract_bound(tmp_path, languages, workers=2)[1] > 0
