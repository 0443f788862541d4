"""The quality benchmark reads a sample set (truth.json) or a plain folder with .gt.txt files and compares
plain Tesseract with preprocess + Tesseract."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from scan2text_tools.bench.quality import fold_typography, format_table, quality_bench, run_bench, words_lost
from scan2text_tools.samplegen import render_page, skew_page, turn_page

LINES = [
    "The Government of Armenia has the honour to inform",
    "you that the troops crossed the border on May 2.",
    "We request immediate assistance for the district.",
]


@pytest.fixture(scope="module")
def sample_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("set")
    page = render_page(LINES, "eng", dpi=200, seed=2, top_in=0.5, left_in=0.6, height_in=1.6)
    (root / "eng").mkdir()
    cv2.imwrite(str(root / "eng" / "0001.png"), turn_page(skew_page(page, -2.2), 180))
    (root / "eng" / "0001.gt.txt").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    truth = {"pages": [{"image": "eng/0001.png", "frame": 0, "language": "eng", "gt": "eng/0001.gt.txt",
                        "skew": -2.2, "rotation": 180, "dpi": 200, "level": "hard"}], "documents": []}
    (root / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return root


@pytest.mark.integration
def test_bench_on_a_sample_set_scores_skew_orientation_and_text(sample_set: Path) -> None:
    results = run_bench(sample_set)
    [r] = results
    assert r.skew_error is not None and r.skew_error <= 0.1
    assert r.orientation_right is True
    assert r.chars.rate < 0.03 < r.raw_chars.rate  # upside down, plain Tesseract reads nothing useful
    table = format_table(results)
    assert "eng/hard" in table.splitlines()[1]
    assert "1/1" in table


@pytest.mark.integration
def test_bench_on_a_plain_folder_of_images_with_gt_files(tmp_path: Path) -> None:
    upright = render_page(LINES, "eng", dpi=200, seed=4, top_in=0.5, left_in=0.6, height_in=1.6)
    cv2.imwrite(str(tmp_path / "p1.png"), upright)
    (tmp_path / "p1.gt.txt").write_text("\n".join(LINES), encoding="utf-8")
    table = quality_bench(tmp_path)
    head, row = table.splitlines()[:2]
    assert row.split()[0] == "eng/real" and row.split()[1] == "1"
    cer = float(row.split()[head.split().index("CER")])
    assert cer < 3.0


@pytest.mark.unit
def test_words_lost_and_typographic_folding() -> None:
    assert words_lost("one two two three", "one two three") == pytest.approx(0.25)
    assert fold_typography("1918–1923 … «да» ։") == '1918-1923 ... "да" :'
