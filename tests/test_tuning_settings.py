"""The thresholds that decide how a page reads are settings: printed, loaded from old files, in the cache key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scan2text.cli import app as cli
from scan2text.console import load_settings
from scan2text.errors import ConfigError
from scan2text.extract import build_records
from scan2text.models import Box, Line, Page
from scan2text.pipeline.page import cache_key
from scan2text.preprocess.scale import scale_for
from scan2text.settings import ExtractSettings, PreprocessSettings, Settings

pytestmark = pytest.mark.unit

TUNED = {
    "preprocess": ["layout_sure", "flip_margin", "hint_weak", "defer_lean", "strip_size", "min_scale", "max_scale",
                   "small_type_px", "channel_gain", "analysis_side"],
    "extract": ["header_threshold", "header_window", "max_title_length", "junk_conf", "citation_reach",
                "max_date_line", "handwriting_conf", "flag_below", "garbled_fields", "max_signature_lines",
                "max_damaged_date_line", "noted_conf", "repaired_conf", "fuzzy_conf", "damaged_date_conf",
                "archive_restore_name", "archive_restore_abbreviation", "archive_near", "short_abbreviation",
                "damaged_source_keyword", "rough_fields"],
    "ocr": ["second_pass_min_conf", "second_pass_line_height", "script_model_margin", "script_sure_letters",
            "script_sure_words", "margin_conf", "typed_block_words", "cover_conf", "row_gap", "reread_max_rows"],
}


def test_the_settings_command_prints_the_thresholds_and_its_output_loads_back(tmp_path):
    printed = CliRunner().invoke(cli, ["settings"])
    assert printed.exit_code == 0
    values = json.loads(printed.stdout)
    for section, names in TUNED.items():
        assert set(names) <= set(values[section]), section
    config = tmp_path / "settings.json"
    config.write_text(printed.stdout)
    assert load_settings(config, None, None) == Settings()


def test_a_settings_file_from_before_the_thresholds_were_settings_still_loads(tmp_path):
    config = tmp_path / "old.json"
    config.write_text(json.dumps({"preprocess": {"max_skew": 8.0, "target_xheight": 24},
                                  "ocr": {"low_conf": 55.0, "noise_conf": 45.0}, "workers": 2}))
    settings = load_settings(config, None, None)
    assert settings.preprocess.max_skew == 8.0 and settings.ocr.noise_conf == 45.0
    assert settings.preprocess.flip_margin == 15.0 and settings.ocr.reread_max_rows == 12


@pytest.mark.parametrize(("section", "name", "value"), [
    ("preprocess", "flip_margin", 20.0), ("preprocess", "strip_size", (30.0, 9.0)),
    ("ocr", "script_sure_letters", 25), ("ocr", "reread_max_rows", 4),
])
def test_a_tuned_threshold_makes_pages_read_again(section, name, value):
    tuned = Settings.model_validate({section: {name: value}})
    assert cache_key("ab" * 32, 0, tuned) != cache_key("ab" * 32, 0, Settings())


def test_a_tuned_extract_threshold_keeps_the_pages_read():
    # Documents are rebuilt from the stored pages at every run's end: no page needs reading again for them.
    tuned = Settings.model_validate({"extract": {"flag_below": 0.5}})
    assert cache_key("ab" * 32, 0, tuned) == cache_key("ab" * 32, 0, Settings())


def test_thresholds_out_of_range_are_refused_by_name(tmp_path):
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({"ocr": {"script_sure_share": 1.5}, "preprocess": {"min_scale": 0}}))
    with pytest.raises(ConfigError) as refused:
        load_settings(config, None, None)
    assert "ocr.script_sure_share" in str(refused.value) and "preprocess.min_scale" in str(refused.value)


def test_the_scale_limits_clamp_a_doubtful_x_height():
    # a 2 px "x-height" (dust taken for letters) would be blown up x6 for a 12 px target without a limit
    loose = PreprocessSettings(max_upscale=None)
    assert scale_for(2.0, loose) == 5.0
    assert scale_for(2.0, loose.model_copy(update={"max_scale": 3.0})) == 3.0
    assert scale_for(400.0, loose) == 0.2
    assert scale_for(400.0, loose.model_copy(update={"min_scale": 0.05})) == pytest.approx(22 / 400)


# A letter whose header and citation OCR damaged: look-alike letters (Cyrillic о, е; 2O0, lnventory) repaired.
_DAMAGED_LETTER = ["Nо. 45", "Lettеr from the Prime Minister of the Government of Armenia",
                   "To the Diplomatic Representative in Georgia", "No. 2800 — May 6, l920",
                   "The government will defend the borders.",
                   "Sourcе: Central State Historical Archive of Armenia, Fund 2O0, lnventory 1, File 221, Sheet 40. "
                   "Typescript."]


def _page(texts: list[str]) -> Page:
    lines = [Line(id=f"l{i:04d}", text=t, box=Box(x=100, y=100 + 40 * i, w=1800, h=32), conf=96.0, language="eng")
             for i, t in enumerate(texts)]
    return Page(id="eng/f/0040", image="eng/f/0040.png", lines=lines, language="eng")


def test_the_flag_threshold_decides_which_repaired_fields_are_flagged():
    (default,) = build_records([_page(_DAMAGED_LETTER)])
    assert {"doc_type", "fund", "inventory"} <= set(default.flags)  # repaired look-alikes: a human should see them
    (lenient,) = build_records([_page(_DAMAGED_LETTER)], settings=ExtractSettings(flag_below=0.5))
    assert {"doc_type", "fund", "inventory"}.isdisjoint(lenient.flags)
    assert (lenient.doc_type, lenient.date) == (default.doc_type, default.date)  # the same reading, fewer flags


def test_the_header_threshold_decides_whether_a_title_starts_a_document():
    two_letters = [_page(_DAMAGED_LETTER + _DAMAGED_LETTER)]  # the second starts mid-page: only its header shows it
    assert [r.doc_type for r in build_records(two_letters)] == ["letter", "letter"]
    strict = build_records(two_letters, settings=ExtractSettings(header_threshold=50))
    assert len(strict) == 1 and strict[0].text.count("Lettеr from") == 2


def test_build_records_defaults_to_the_default_extract_settings():
    pages = [_page(_DAMAGED_LETTER)]
    assert build_records(pages) == build_records(pages, settings=Settings().extract)


def _eval_table(out: Path, truth: Path, *flags: str) -> dict[str, dict[str, str]]:
    result = CliRunner().invoke(cli, ["eval", str(out), "--from-truth-text", "--truth", str(truth), *flags])
    assert result.exit_code == 0, result.output
    head, _rule, *rows = [line.split() for line in result.stdout.splitlines()[:6]]
    return {row[0]: dict(zip(head, row, strict=True)) for row in rows}


def test_eval_on_the_truth_text_scores_an_archives_tuned_settings_and_grammar(tmp_path, samples_dir):
    truth = samples_dir / "truth.json"
    default = _eval_table(tmp_path, truth)
    assert default["all"]["pred"] == default["all"]["docs"]
    strict = tmp_path / "strict.toml"
    strict.write_text("[extract]\nheader_threshold = 50\n", encoding="utf-8")  # no title scores that much
    assert int(_eval_table(tmp_path, truth, "--config", str(strict))["all"]["pred"]) < int(default["all"]["pred"])
    grammar = tmp_path / "archive.toml"
    grammar.write_text('[languages.eng]\ndoc_types = { order = "military order" }\n', encoding="utf-8")
    renamed = _eval_table(tmp_path, truth, "--grammar", str(grammar))  # the truth calls the English order 'order'
    assert renamed["eng"]["doc_type"] != default["eng"]["doc_type"] and renamed["rus"] == default["rus"]


def test_eval_refuses_settings_for_records_a_run_built(tmp_path):
    result = CliRunner().invoke(cli, ["eval", str(tmp_path), "--config", str(tmp_path / "x.toml")])
    assert result.exit_code == 2 and "--from-truth-text" in result.output
