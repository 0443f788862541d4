"""Records (documents) per run and field corrections kept apart from them."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from scan2text.errors import CorrectionError
from scan2text.models import Record
from scan2text.store.base import StoreBase
from scan2text.store.db import StoreError, now, when
from scan2text.store.validate import apply_fields, check_path, field_names, normalise
from scan2text.store.views import FieldState, RecordState, StaleVersion

# Citation parts the review app offers per cited source.
SOURCE_FIELDS = ["archive", "fund", "inventory", "file", "sheets", "form"]
# Record fields the search box covers.
_SEARCHED = ["title", "doc_type", "date", "date_text", "place", "number", "collection_number", "sender",
             "addressee", "subject", "sheets"]


def field_value(record: Record, field: str) -> Any:
    name, index, attr = check_path(field)
    if index is None:
        return getattr(record, name)
    items = getattr(record, name)
    return getattr(items[index], attr) if index < len(items) else None


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def record_hash(record: Record) -> str:
    return hashlib.sha256(record.model_dump_json().encode()).hexdigest()


class RecordsMixin(StoreBase):
    def save_records(self, run_id: int, records: list[Record]) -> None:
        """Store a run's full set of records (replacing the previous set as current) and carry the
        field corrections over, following a record to its new id through the pages it covers."""
        ids = [r.id for r in records]
        if len(set(ids)) != len(ids):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            raise StoreError(f"record ids repeat in one run: {', '.join(dupes)}")
        with self.transaction() as db:
            self._require_run(db, run_id)
            set_id = db.execute(
                "INSERT INTO record_sets(run_id, saved_at) VALUES (?, ?)", (run_id, now())
            ).lastrowid
            for seq, record in enumerate(records):
                row = db.execute(
                    "INSERT INTO records(set_id, seq, record_id, data) VALUES (?,?,?,?)",
                    (set_id, seq, record.id, record.model_dump_json()),
                ).lastrowid
                db.executemany(
                    "INSERT INTO record_pages(record_row, seq, page_id) VALUES (?,?,?)",
                    [(row, i, p.page_id) for i, p in enumerate(record.pages)],
                )
            self._rekey_fields(db, {r.id: r for r in records})
            self._after_records_change(db, None)

    def extracted_records(self) -> list[Record]:
        """The current record set as extraction made it (no field corrections), in document order."""
        with self._read() as db:
            rows = db.execute(
                "SELECT data FROM records WHERE set_id = (SELECT MAX(id) FROM record_sets) ORDER BY seq"
            ).fetchall()
        return [Record.model_validate_json(row["data"]) for row in rows]

    def replace_records(self, records: list[Record]) -> None:
        """Make `records` the current set in place (documents rebuilt from corrected text between runs),
        rewriting only the records that changed, and carry the field corrections over as a run does."""
        ids = [r.id for r in records]
        if len(set(ids)) != len(ids):
            raise StoreError(f"record ids repeat: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
        with self.transaction() as db:
            set_row = db.execute("SELECT MAX(id) FROM record_sets").fetchone()[0]
            if set_row is None:
                raise StoreError("no records to replace: no run has saved any yet")
            old = {r["record_id"]: (r["id"], r["data"]) for r in db.execute(
                "SELECT id, record_id, data FROM records WHERE set_id = ?", (set_row,))}
            changed: list[str] = []
            for seq, record in enumerate(records):
                data = record.model_dump_json()
                row, old_data = old.pop(record.id, (None, None))
                if row is not None and old_data == data:
                    db.execute("UPDATE records SET seq = ? WHERE id = ?", (seq, row))
                    continue
                if row is not None:
                    _delete_record_row(db, row)
                row = db.execute("INSERT INTO records(set_id, seq, record_id, data) VALUES (?,?,?,?)",
                                 (set_row, seq, record.id, data)).lastrowid
                db.executemany("INSERT INTO record_pages(record_row, seq, page_id) VALUES (?,?,?)",
                               [(row, i, p.page_id) for i, p in enumerate(record.pages)])
                changed.append(record.id)
            for record_id, (row, _) in old.items():
                _delete_record_row(db, row)
                db.execute("DELETE FROM search_docs WHERE kind = 'field' AND record_id = ?", (record_id,))
            if changed or old:
                self._rekey_fields(db, {r.id: r for r in records})
            # A vanished record's field corrections may have moved to another record: re-index all then.
            for record_id in [None] if old else changed:
                self._after_records_change(db, record_id)

    def _rekey_fields(self, db: sqlite3.Connection, new: dict[str, Record]) -> None:
        slots = db.execute("SELECT * FROM field_slots ORDER BY id").fetchall()
        taken = {(s["record_id"], s["field"]) for s in slots if s["record_id"] in new}
        for s in slots:
            record_id = s["record_id"]
            if record_id not in new:
                target = _follow(json.loads(s["anchor_pages"]), new, s["field"], taken)
                if target is None:
                    if not s["orphan"]:
                        db.execute("UPDATE field_slots SET orphan = 1, needs_review = 1 WHERE id = ?", (s["id"],))
                    continue
                taken.add((target, s["field"]))
                record_id = target
            record = new[record_id]
            fresh = _dump(field_value(record, s["field"]))
            changed = fresh != s["base_value"] and fresh != s["value"]
            db.execute(
                "UPDATE field_slots SET record_id = ?, base_value = ?, orphan = 0, needs_review = ?,"
                " anchor_pages = ? WHERE id = ?",
                (record_id, fresh, int(bool(s["needs_review"]) or changed),
                 json.dumps([p.page_id for p in record.pages]), s["id"]),
            )

    def current_records(self) -> list[Record]:
        """The newest run's records with field corrections applied, in document order."""
        with self._read() as db:
            return [state.record for state in self._record_states(db, None)]

    def record_state(self, record_id: str) -> RecordState:
        with self._read() as db:
            states = self._record_states(db, record_id)
        if not states:
            raise CorrectionError(f"no record {record_id} in this output folder", record_id)
        return states[0]

    def run_documents(self, run_id: int) -> dict[str, list[str]]:
        """record id -> page ids of the records one run saved last, in document order."""
        with self._read() as db:
            rows = db.execute(
                "SELECT r.record_id, rp.page_id FROM record_sets s JOIN records r ON r.set_id = s.id "
                "JOIN record_pages rp ON rp.record_row = r.id WHERE s.run_id = ? "
                "AND s.id = (SELECT MAX(id) FROM record_sets WHERE run_id = ?) ORDER BY r.seq, rp.seq",
                (run_id, run_id),
            ).fetchall()
        docs: dict[str, list[str]] = {}
        for record_id, page_id in rows:
            docs.setdefault(record_id, []).append(page_id)
        return docs

    def record_ids(self) -> list[str]:
        with self._read() as db:
            rows = db.execute(
                "SELECT record_id FROM records WHERE set_id = (SELECT MAX(id) FROM record_sets) ORDER BY seq"
            ).fetchall()
        return [r[0] for r in rows]

    def _record_states(self, db: sqlite3.Connection, record_id: str | None) -> list[RecordState]:
        where, args = ("AND r.record_id = ?", (record_id,)) if record_id is not None else ("", ())
        rows = db.execute(
            f"SELECT r.record_id, r.data, a.approved_by, a.approved_at, a.approved_hash FROM records r "
            f"LEFT JOIN record_approvals a ON a.record_id = r.record_id "
            f"WHERE r.set_id = (SELECT MAX(id) FROM record_sets) {where} ORDER BY r.seq",
            args,
        ).fetchall()
        slots: dict[str, list[sqlite3.Row]] = {}
        for s in db.execute("SELECT * FROM field_slots WHERE orphan = 0 ORDER BY id"):
            slots.setdefault(s["record_id"], []).append(s)
        return [_state(row, slots.get(row["record_id"], [])) for row in rows]

    def correct_field(
        self, record_id: str, field: str, value: Any, author: str, expected_version: int, source: str = "review",
    ) -> int:
        """Save a reviewer's value for a record field; returns the field's new version.

        Raises CorrectionError naming the reason when the field is unknown or the value invalid
        (a date must be ISO 8601, sheets a sheet or range), ConflictError when the version is stale.
        """
        value = normalise(field, value)
        if not author or not author.strip():
            raise CorrectionError("a correction needs an author (the reviewer's name)")
        with self.transaction() as db:
            states = self._record_states(db, record_id)
            if not states:
                raise CorrectionError(f"no record {record_id} in this output folder", record_id)
            state = states[0]
            slot = db.execute(
                "SELECT * FROM field_slots WHERE record_id = ? AND field = ?", (record_id, field)
            ).fetchone()
            version = slot["version"] if slot else 0
            current = field_value(state.record, field)
            if expected_version != version:
                who = slot["author"] if slot else None
                at = when(slot["updated_at"] if slot else None)
                raise StaleVersion(
                    f"{field} of {record_id} was saved by {who or 'someone else'}{at} (version {version}) after you "
                    f"loaded version {expected_version}; your value was not saved",
                    current_version=version, current_value=current, author=who,
                    updated_at=slot["updated_at"] if slot else None, path=record_id,
                )
            apply_fields(state.record, {field: value})  # refuses a value the Record model would reject
            if value == current and not (slot and slot["needs_review"]):
                return version
            stamp = now()
            ocr = self._ocr_record(db, record_id)
            if slot is None:
                slot_id = db.execute(
                    "INSERT INTO field_slots(record_id, field, value, base_value, version, anchor_pages, author,"
                    " updated_at) VALUES (?,?,?,?,1,?,?,?)",
                    (record_id, field, _dump(value), _dump(field_value(ocr, field)),
                     json.dumps([p.page_id for p in ocr.pages]), author, stamp),
                ).lastrowid
            else:
                slot_id = slot["id"]
                db.execute(
                    "UPDATE field_slots SET value = ?, version = version + 1, needs_review = 0, author = ?,"
                    " updated_at = ? WHERE id = ?",
                    (_dump(value), author, stamp, slot_id),
                )
            run_id = db.execute(
                "SELECT run_id FROM record_sets WHERE id = (SELECT MAX(id) FROM record_sets)"
            ).fetchone()[0]
            db.execute(
                "INSERT INTO corrections(kind, record_id, field, old_value, new_value, version, author, at, run_id,"
                " source) VALUES ('field',?,?,?,?,?,?,?,?,?)",
                (record_id, field, _dump(current), _dump(value), version + 1, author, stamp, run_id, source),
            )
            self._after_records_change(db, record_id)
            return version + 1

    def approve_record(self, record_id: str, author: str) -> None:
        if not author or not author.strip():
            raise CorrectionError("an approval needs an author (the reviewer's name)")
        with self.transaction() as db:
            states = self._record_states(db, record_id)
            if not states:
                raise CorrectionError(f"no record {record_id} in this output folder", record_id)
            stamp = now()
            db.execute(
                "INSERT INTO record_approvals(record_id, approved_by, approved_at, approved_hash) VALUES (?,?,?,?) "
                "ON CONFLICT(record_id) DO UPDATE SET approved_by = excluded.approved_by,"
                " approved_at = excluded.approved_at, approved_hash = excluded.approved_hash",
                (record_id, author, stamp, record_hash(states[0].record)),
            )
            db.execute("UPDATE field_slots SET needs_review = 0 WHERE record_id = ?", (record_id,))
            db.execute(
                "INSERT INTO corrections(kind, record_id, author, at, source) VALUES ('approve_record',?,?,?,?)",
                (record_id, author, stamp, "review"),
            )

    def _ocr_record(self, db: sqlite3.Connection, record_id: str) -> Record:
        row = db.execute(
            "SELECT data FROM records WHERE set_id = (SELECT MAX(id) FROM record_sets) AND record_id = ?",
            (record_id,),
        ).fetchone()
        return Record.model_validate_json(row["data"])

    def _after_records_change(self, db: sqlite3.Connection, record_id: str | None) -> None:
        """Re-index record fields for search and withdraw approvals the change made stale."""
        states = self._record_states(db, record_id)
        if record_id is None:
            db.execute("DELETE FROM search_docs WHERE kind = 'field'")
        else:
            db.execute("DELETE FROM search_docs WHERE kind = 'field' AND record_id = ?", (record_id,))
        rows = []
        for state in states:
            record = state.record
            for name in _SEARCHED:
                value = getattr(record, name)
                if value:
                    rows.append((record.id, name, str(value)))
            for i, source in enumerate(record.cited_source):
                if source.text:
                    rows.append((record.id, f"cited_source.{i}.text", source.text))
        db.executemany("INSERT INTO search_docs(kind, record_id, field, text) VALUES ('field', ?, ?, ?)", rows)
        for state in states:
            if state.approved:
                continue
            db.execute("DELETE FROM record_approvals WHERE record_id = ?", (state.record.id,))


def _delete_record_row(db: sqlite3.Connection, row: int) -> None:
    db.execute("DELETE FROM record_pages WHERE record_row = ?", (row,))
    db.execute("DELETE FROM records WHERE id = ?", (row,))


def _follow(pages: list[str], new: dict[str, Record], field: str, taken: set[tuple[str, str]]) -> str | None:
    """The new record sharing the most pages with a vanished one (first page breaking ties)."""
    if not pages:
        return None
    best: tuple[int, int, str] | None = None
    for record_id, record in new.items():
        if (record_id, field) in taken:
            continue
        ids = [p.page_id for p in record.pages]
        shared = len(set(ids) & set(pages))
        if shared == 0:
            continue
        key = (shared, int(bool(ids) and ids[0] == pages[0]), record_id)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def _state(row: sqlite3.Row, slots: list[sqlite3.Row]) -> RecordState:
    ocr = Record.model_validate_json(row["data"])
    values = {s["field"]: json.loads(s["value"]) for s in slots}
    try:
        record = apply_fields(ocr, values)
    except CorrectionError:
        record = ocr
        for field, value in values.items():
            try:
                record = apply_fields(record, {field: value})
            except CorrectionError:
                continue  # kept in the store; an unusable value must not hide the whole record
    by_field = {s["field"]: s for s in slots}
    names = field_names() + [
        f"cited_source.{i}.{attr}" for i in range(max(1, len(record.cited_source))) for attr in SOURCE_FIELDS
    ]
    names += [f for f in by_field if f not in names]
    fields: dict[str, FieldState] = {}
    for name in names:
        slot = by_field.get(name)
        fields[name] = FieldState(
            field=name, value=field_value(record, name), ocr_value=field_value(ocr, name),
            version=slot["version"] if slot else 0, corrected=slot is not None,
            needs_review=bool(slot["needs_review"]) if slot else False,
            author=slot["author"] if slot else None, updated_at=slot["updated_at"] if slot else None,
        )
    approved = row["approved_hash"] is not None and row["approved_hash"] == record_hash(record)
    return RecordState(record=record, fields=fields, approved=approved,
                       approved_by=row["approved_by"] if approved else None,
                       approved_at=row["approved_at"] if approved else None)

