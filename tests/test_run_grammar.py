"""A run keeps the grammar it was given (--grammar): its records are built with it, and so are the records rebuilt
after a correction, even once the grammar file has gone."""

from __future__ import annotations

import shutil

import pytest

from scan2text.errors import ConfigError
from scan2text.export.refresh import refresh_records
from scan2text.models import Record
from scan2text.pipeline.batch import finish_batch, plan_batch, run_pages
from scan2text.settings import Settings
from scan2text.store.run_folder import RunFolder

pytestmark = pytest.mark.integration

PAGE = "eng/fund-6/inv-12/file-8/0008v.png"  # 'Order from the Command of the Caucasian Front'
# An archive's own name for the type: the default grammar calls this document an 'order'.
GRAMMAR = '[languages.eng]\ndoc_types = { order = "military order" }\n'


def _records(folder: RunFolder) -> list[Record]:
    return [Record.model_validate_json(line) for line in folder.records_path.read_text(encoding="utf-8").splitlines()]


def test_records_rebuilt_after_a_correction_keep_the_runs_grammar(tmp_path, samples_dir):
    root, out, path = tmp_path / "in", tmp_path / "out", tmp_path / "archive.toml"
    (root / PAGE).parent.mkdir(parents=True)
    shutil.copy(samples_dir / PAGE, root / PAGE)
    path.write_text(GRAMMAR, encoding="utf-8")
    settings = Settings.model_validate({"ocr": {"lang": "eng"}, "grammar": str(path)})
    plan = plan_batch(root, out, settings)
    chosen = plan.take(running=0, workers=1)
    for outcome in run_pages([src for src, _ in chosen], out, settings, [hint for _, hint in chosen],
                             keys=[plan.keys[src.id] for src, _ in chosen]):
        plan.accept(outcome)
    finish_batch(plan)
    folder = RunFolder(out)
    assert [r.doc_type for r in _records(folder)] == ["military order"]

    path.unlink()  # the grammar file is gone; the run kept its text
    with folder.open_store() as store:
        assert store.runs()[-1].grammar == GRAMMAR
        page_id = PAGE.removesuffix(".png")
        line = store.page_state(page_id).lines[-1]
        with store.transaction():
            store.correct_line(page_id, line.line_id, line.text + " (corrected)", "ann", line.version)
            refresh_records(folder, store, [page_id])
    (record,) = _records(folder)
    assert record.doc_type == "military order" and "(corrected)" in record.text


def test_a_grammar_that_cannot_be_read_stops_the_run_before_any_page(tmp_path, samples_dir):
    root, out, path = tmp_path / "in", tmp_path / "out", tmp_path / "broken.toml"
    (root / PAGE).parent.mkdir(parents=True)
    shutil.copy(samples_dir / PAGE, root / PAGE)
    path.write_text("[languages.eng\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        plan_batch(root, out, Settings(grammar=str(path)))
    with RunFolder(out).open_store() as store:
        assert store.runs() == []  # no run begun, and the output folder is free for the next
