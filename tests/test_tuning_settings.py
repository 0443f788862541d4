"""The thresholds that decide how a page reads are settings: printed, loaded from old files, in the cache key."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from scan2text.cli import app as cli
from scan2text.console import load_settings
from scan2text.errors import ConfigError
from scan2text.pipeline.page import cache_key
from scan2text.preprocess.scale import scale_for
from scan2text.settings import PreprocessSettings, Settings

pytestmark = pytest.mark.unit

TUNED = {
    "preprocess": ["layout_sure", "flip_margin", "hint_weak", "defer_lean", "strip_size", "min_scale", "max_scale",
                   "small_type_px", "channel_gain", "analysis_side"],
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
