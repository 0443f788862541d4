"""`--lang auto` against the right single language and against all three models at once, page by page.

    .venv/bin/python bench/language_choice.py [samples bench/hard …]

Each page is cleaned once by scan2text's preprocess, then read four ways with the same psm:
  right   its own language (what a user who knows it would pass),
  all     `eng+rus+hye` (what a user who does not would pass),
  auto    `--lang auto` on a folder's first page (script detected, then the page's model, second pass),
  guess   `--lang auto` on a later page (the folder's language tried first and confirmed).
Per page it prints CER against the truth and CPU seconds (this process and its Tesseract children); then
whether auto was ever less accurate than `right` and ever slower than `all`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from scan2text.ingest import PageSource, load_image
from scan2text.ocr import ocr_page, tesseract
from scan2text.preprocess import preprocess
from scan2text.settings import OcrSettings, PreprocessSettings
from scan2text_tools.bench.quality import load_pages, normalize_text

ALL = "eng+rus+hye"


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(read: Callable[[], str]) -> tuple[str, float]:
    start = cpu()
    text = read()
    return text, cpu() - start


def text_of(lines: list) -> str:
    return normalize_text("\n".join(line.text for line in lines))


def read_four_ways(cleaned: np.ndarray, lang: str) -> dict[str, tuple[str, float]]:
    return {
        "right": timed(lambda: text_of(ocr_page(cleaned, OcrSettings(lang=lang)).lines)),
        "all": timed(lambda: text_of(tesseract.recognize(cleaned, ALL, psm=4))),
        "auto": timed(lambda: text_of(ocr_page(cleaned, OcrSettings()).lines)),
        "guess": timed(lambda: text_of(ocr_page(cleaned, OcrSettings(), hint=lang).lines)),
    }


def main(roots: list[str]) -> None:
    worse = pages = 0
    slower = {"auto": 0, "guess": 0}
    print(f"{'page':44s} {'CER right':>9s} {'all':>6s} {'auto':>6s} {'guess':>6s}   "
          f"{'s right':>7s} {'all':>5s} {'auto':>5s} {'guess':>5s}")
    for root in map(Path, roots):
        for page in load_pages(root, "eng"):
            src = PageSource(id=page.image, path=str(root / page.image), image=page.image, frame=page.frame)
            cleaned, _ = preprocess(load_image(src), PreprocessSettings(), page.language)
            gt = normalize_text((root / page.gt).read_text(encoding="utf-8"))
            runs = read_four_ways(cleaned, page.language)
            cer = {k: Levenshtein.distance(t, gt) / max(len(gt), 1) * 100 for k, (t, _) in runs.items()}
            secs = {k: s for k, (_, s) in runs.items()}
            pages += 1
            worse += max(cer["auto"], cer["guess"]) > cer["right"] + 1e-9
            for way in slower:
                slower[way] += secs[way] > secs["all"]
            print(f"{str(root.name + '/' + page.image)[-44:]:44s} {cer['right']:9.2f} {cer['all']:6.2f} "
                  f"{cer['auto']:6.2f} {cer['guess']:6.2f}   {secs['right']:7.2f} {secs['all']:5.2f} "
                  f"{secs['auto']:5.2f} {secs['guess']:5.2f}")
    print(f"\n{pages} pages: auto less accurate than the right language on {worse}; slower than {ALL} on "
          f"{slower['auto']} (script detected) and {slower['guess']} (folder language confirmed)")


if __name__ == "__main__":
    main(sys.argv[1:] or ["samples", "bench/hard"])
