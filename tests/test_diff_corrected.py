"""`diff OUT --against GT --corrected` scores the text after review, so a team sees what review bought."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_store import PAGE, make_out_dir, make_page
from typer.testing import CliRunner

from scan2text.cli import app as cli
from scan2text.store.run_folder import RunFolder

pytestmark = pytest.mark.unit

OCR = ["ПИСЬМО ПРЕДСЕДАТЕЛЯ", "Ереван, 3 мая 1920 г.", "Источник: ЦГИА РА"]
TRUTH = ["ПИСЬМО ПРЕДСЕДАТЕЛЯ", "Ереван, 5 мая 1920 г.", "Источник: ЦГИА РА"]


def _cer(out: Path, gt: Path, *flags: str) -> float:
    result = CliRunner().invoke(cli, ["diff", str(out), "--against", str(gt), "--json", "-", *flags])
    assert result.exit_code == 0, result.output
    report, _ = json.JSONDecoder().raw_decode(result.output)
    assert report["batch"]["pages"] == 1
    return report["batch"]["cer"]


def test_corrected_text_is_scored_beside_the_raw_ocr(tmp_path: Path) -> None:
    out = make_out_dir(tmp_path, pages=[make_page(PAGE, texts=OCR)])
    gt = tmp_path / "gt" / f"{PAGE}.gt.txt"
    gt.parent.mkdir(parents=True)
    gt.write_text("\n".join(TRUTH) + "\n", encoding="utf-8")
    assert _cer(out, tmp_path / "gt") == _cer(out, tmp_path / "gt", "--corrected") > 0  # nothing reviewed yet

    with RunFolder(out).open_store() as store:
        store.correct_line(PAGE, "l0001", TRUTH[1], "ann", 0)
    raw, corrected = _cer(out, tmp_path / "gt"), _cer(out, tmp_path / "gt", "--corrected")
    assert raw > 0 and corrected == 0

    refused = CliRunner().invoke(cli, ["diff", str(out), "--against", "corrections", "--corrected"])
    assert refused.exit_code != 0 and "--against DIR" in " ".join(refused.output.split())
