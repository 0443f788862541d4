"""No correction is ever lost, over any sequence of pipeline runs and reviewer edits.

A hypothesis state machine re-runs OCR on two pages with lines appearing, vanishing, renumbering,
moving a little and the preprocessing scale changing, while reviewers correct lines (sometimes
with a stale version), approve pages and correct record fields of a record whose id changes
between runs. After every step the latest text of every correction must be on its page exactly
once, and the latest value of every field correction on the record covering the page.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from test_store import make_page, make_record

from scan2text.errors import ConflictError
from scan2text.settings import Settings
from scan2text.store import Store

pytestmark = pytest.mark.unit

PAGES = ["p/0001", "p/0002"]
GRID = [40 + 45 * i for i in range(8)]  # line positions in original pixels
OCR_WORDS = ["Ереван", "мая", "Source", "Fund", "ՀԱԱ", "թ.", "1920", "No."]


class StoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="s2t-prop-"))
        self.store = Store.open(self.dir / "scan2text.sqlite")
        self.live: dict[str, set[str]] = {p: set() for p in PAGES}  # latest correction texts per page
        self.fields: dict[str, str] = {}  # field -> latest corrected value
        self.counter = 0
        self.has_record = False

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _fresh(self) -> str:
        self.counter += 1
        return f"fix{self.counter}"

    @rule(data=st.data())
    def rerun(self, data: st.DataObject) -> None:
        run = self.store.begin_run(input_dir="/in", settings=Settings(), versions={})
        for page_id in data.draw(st.lists(st.sampled_from(PAGES), min_size=1, max_size=2, unique=True)):
            rows = sorted(data.draw(st.lists(st.sampled_from(range(len(GRID))), max_size=6, unique=True)))
            jitter = data.draw(st.integers(-6, 6))
            texts = [" ".join(data.draw(st.lists(st.sampled_from(OCR_WORDS), min_size=1, max_size=3))) for _ in rows]
            scale = data.draw(st.sampled_from([1.0, 0.5, 2.0]))
            page = make_page(page_id, texts=texts, ys=[GRID[r] + jitter for r in rows], scale=scale,
                             offset=(data.draw(st.sampled_from([0, 9])), 0))
            if data.draw(st.booleans()):  # ids that do not follow the layout, as after a split line
                for offset, line in enumerate(page.lines):
                    line.id = f"l{offset + data.draw(st.integers(0, 3)) * 10:04d}"
                if len({line.id for line in page.lines}) != len(page.lines):
                    for offset, line in enumerate(page.lines):
                        line.id = f"l{offset:04d}"
            self.store.save_page(run, page, key=str(run))
        record_id = data.draw(st.sampled_from(["doc-a", "doc-b", "doc-c"]))
        records = [make_record(record_id, pages=PAGES, date=data.draw(st.sampled_from(["1920-05-03", None])))]
        self.store.save_records(run, records)
        self.has_record = True
        self.store.finish_run(run, status="ok")

    @rule(data=st.data())
    def correct(self, data: st.DataObject) -> None:
        page_ids = self.store.page_ids()
        if not page_ids:
            return
        page_id = data.draw(st.sampled_from(page_ids))
        lines = self.store.page_state(page_id).lines
        if not lines:
            return
        line = data.draw(st.sampled_from(lines))
        text = self._fresh()
        stale = line.version > 0 and data.draw(st.booleans())
        if stale:
            try:
                self.store.correct_line(page_id, line.line_id, "lost", "bob", line.version - 1)
            except ConflictError:
                return
            raise AssertionError("a stale version was accepted")
        assert self.store.correct_line(page_id, line.line_id, text, "ann", line.version) == line.version + 1
        self.live[page_id].discard(line.text)
        self.live[page_id].add(text)

    @rule(data=st.data())
    def approve(self, data: st.DataObject) -> None:
        page_ids = self.store.page_ids()
        if page_ids:
            self.store.approve_page(data.draw(st.sampled_from(page_ids)), "ann")

    @precondition(lambda self: self.has_record)
    @rule(field=st.sampled_from(["date", "place", "cited_source.0.sheets"]), data=st.data())
    def correct_field(self, field: str, data: st.DataObject) -> None:
        record_id = self.store.record_ids()[0]
        state = self.store.record_state(record_id).fields[field]
        self.counter += 1
        value = {"date": f"19{self.counter % 100:02d}-01-02", "place": f"place {self.counter}",
                 "cited_source.0.sheets": f"{self.counter}v"}[field]
        self.store.correct_field(record_id, field, value, "ann", state.version)
        self.fields[field] = value

    @invariant()
    def no_correction_lost(self) -> None:
        for page_id, live in self.live.items():
            if not live:
                continue
            state = self.store.page_state(page_id)
            shown = [line.text for line in state.lines]
            ids = [line.line_id for line in state.lines]
            assert len(ids) == len(set(ids))
            for text in live:
                assert shown.count(text) == 1, (text, shown)
            current = next(p for p in self.store.current_pages() if p.id == page_id)
            assert live <= {line.text for line in current.lines}

    @invariant()
    def no_field_correction_lost(self) -> None:
        if not self.fields:
            return
        record = self.store.current_records()[0]
        for field, value in self.fields.items():
            actual = record.cited_source[0].sheets if field == "cited_source.0.sheets" else getattr(record, field)
            assert actual == value, (field, actual, value)


TestStoreMachine = StoreMachine.TestCase
TestStoreMachine.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
