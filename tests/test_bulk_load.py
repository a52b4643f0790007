"""The bulk path decides and scores exactly as Match does record by record, and writes all or nothing."""

from __future__ import annotations

import itertools
import os
import signal
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks.postgres import database_of_its_own
from benchmarks.synthetic import make_population
from matching import Model
from matching.record import dict_to_source_record
from mpi.intake.items import IntakeItem
from mpi.service import bulk, bulk_pairs
from mpi.service.bulk import IndexNotEmpty, bulk_load
from mpi.service.bulk_pairs import affordable_workers
from mpi.service.forked import WorkerDied
from mpi.service.match import MatchService
from mpi.service.model_registry import shipped_model
from mpi.store import repository
from mpi.store.database import Database
from mpi.store.models import AuditEvent, Base, BlockingKey, Link, Person, ReviewTask, SourceRecordRow
from tests.conftest import PG_ADMIN


def _state(db: Database) -> tuple[dict[tuple[str, str], tuple], list[frozenset[tuple[str, str]]]]:
    """Per record: decision, weight and explanation of its current link or open task; and the persons
    as sets of records (ids are random, the partition is not)."""
    out: dict[tuple[str, str], tuple] = {}
    members: dict[str, set[tuple[str, str]]] = defaultdict(set)
    with db.read() as session:
        for row, link in session.execute(
            select(SourceRecordRow, Link).join(
                Link, (Link.record_id == SourceRecordRow.id) & Link.valid_to.is_(None)
            )
        ):
            key = (row.source, row.source_record_id)
            out[key] = (link.decision, link.match_weight, link.explanation["fields"], link.reason)
            members[link.person_id].add(key)
        for row, task in session.execute(
            select(SourceRecordRow, ReviewTask).join(ReviewTask, ReviewTask.record_id == SourceRecordRow.id)
        ):
            out[(row.source, row.source_record_id)] = (
                "review",
                task.evidence["match_weight"],
                task.evidence["fields"],
                task.reason,
            )
    return out, sorted((frozenset(m) for m in members.values()), key=sorted)


def _items(records: list[dict[str, str]]) -> list[IntakeItem]:
    return [IntakeItem(f"line {i + 2}", r) for i, r in enumerate(records)]


def _online_store(tmp_path: Path) -> Database:
    """A store of its own for Match to fill record by record (not the bulk-loaded one: the sqlite `db`
    fixture's file is tmp_path/mpi.sqlite3)."""
    online = Database(f"sqlite:///{tmp_path / 'online.sqlite3'}")
    online.migrate()
    return online


def _trained_on(records: int) -> Model:
    model = shipped_model()
    return replace(model, training={**model.training, "records": records})


@pytest.mark.parametrize(
    "model",
    [shipped_model(), _trained_on(64)],
    ids=["index-smaller-than-training", "prior-lowered-as-the-index-grows"],
)
def test_bulk_load_decides_and_scores_as_match_does_one_by_one(
    db: Database, tmp_path: Path, model: Model
) -> None:
    records = make_population(400, seed=11).records
    summary = bulk_load(db, model, _items(records), actor="test", workers=2)

    online = _online_store(tmp_path)
    matcher = MatchService(online, model)
    for values in records:
        matcher.match(dict_to_source_record(values), actor="test")

    bulk_state, bulk_persons = _state(db)
    online_state, online_persons = _state(online)
    assert len(bulk_state) == len(records) == summary.rows_read
    assert bulk_state == online_state  # same decision, same weight, same (field, level, weight) list
    assert bulk_persons == online_persons
    assert summary.outcomes["linked"] > 0 and summary.outcomes["review"] > 0  # the sample exercises them
    with db.read() as session:
        persons = session.scalar(select(func.count()).select_from(Person))
        links = session.scalar(select(func.count()).select_from(Link))
        audited_links = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "link.created")
        )
        keys = session.scalar(select(func.count()).select_from(BlockingKey))
        priors = {
            e["prior_weight"] for e in session.scalars(select(Link.explanation)) if e.get("prior_weight")
        }
    assert (
        persons == len(bulk_persons)
        and links == audited_links == summary.outcomes["linked"] + summary.outcomes["new_person"]
    )
    assert keys > len(records)
    if db.is_sqlite:  # the load's larger page cache went with its transaction
        cache = db.run_write(
            lambda session: session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
        )
        assert cache == -2000
    # Past the training data's size the prior steps down as the index grows, on both paths alike.
    assert (len(priors) > 1) == (model.training["records"] < len(records))
    online.dispose()

    # The index is no longer empty: a second bulk load is refused, and Match goes on after it.
    with pytest.raises(IndexNotEmpty):
        bulk_load(db, model, _items(records[:3]), actor="test", workers=1)
    extra = make_population(5, seed=12).records[0] | {"source_record_id": "after-bulk-1"}
    outcome = MatchService(db, model).match(dict_to_source_record(extra), actor="test")
    assert outcome.record_change == "new"


def test_bulk_load_reports_bad_rows_and_repeats_by_position(db: Database) -> None:
    records = make_population(20, seed=13).records[:6]
    bad = records[1] | {"birth_date": "31/02/1990"}
    changed = records[0] | {"phone": "0912345678"}
    items = _items([records[0], bad, records[2], records[0], changed])
    summary = bulk_load(db, shipped_model(), items, actor="test", workers=1)
    assert summary.rows_read == 5
    assert summary.outcomes["unchanged"] == 1
    assert [r.position for r in summary.rejections] == ["line 3", "line 6"]
    assert summary.rejections[0].problems[0].field == "birth_date"
    assert summary.rejections[1].problems[0].field == "source_record_id"
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecordRow)) == 2


def test_bulk_load_scores_the_cccd_holders_records_that_blocking_does_not_bring(
    db: Database, tmp_path: Path
) -> None:
    """The last record shares no blocking key with the holder's record that has the address: only the
    CCCD brings that record in (as the store's candidate query does), and its address speaks for the
    person."""
    cccd, address = "001090123456", "12 Phố Huế, Hai Bà Trưng, Hà Nội"  # synthetic: a man born in 1990
    person = {"full_name": "Khúc Văn Toản", "birth_date": "1990-05-01", "sex": "1"}
    records = [
        person | {"source": "clinic-a", "source_record_id": "1", "national_id": cccd},
        person | {"source": "clinic-b", "source_record_id": "2", "national_id": cccd},
        person | {"source": "clinic-c", "source_record_id": "3", "address": address},
        {"source": "clinic-d", "source_record_id": "4", "full_name": "Khúc Toản", "sex": "1"}
        | {"national_id": cccd, "address": address},
    ]
    model = shipped_model()
    bulk_load(db, model, _items(records), actor="test", workers=1)
    online = _online_store(tmp_path)
    matcher = MatchService(online, model)
    for values in records:
        matcher.match(dict_to_source_record(values), actor="test")

    bulk_state, bulk_persons = _state(db)
    assert bulk_state == _state(online)[0]
    assert len(bulk_persons) == 1 and len(bulk_persons[0]) == 4  # all four linked to one person
    decision, _, fields, _ = bulk_state[("clinic-d", "4")]
    assert decision == "linked" and dict((f[0], f[1]) for f in fields)["contact"] != "missing", fields
    online.dispose()


def test_comparing_workers_are_as_many_as_the_memory_holds() -> None:
    gib = 2**30
    assert affordable_workers(2, 1 * gib, 20 * gib) == 2  # 100,000 persons: room for both
    assert affordable_workers(2, int(6.2 * gib), 16 * gib) == 2  # a million here: it fit, with 2 GB left
    assert affordable_workers(2, int(6.2 * gib), 12 * gib) == 1  # a smaller machine: one copy only
    assert affordable_workers(4, 8 * gib, 4 * gib) == 0  # no room for a copy: compared in the process
    assert affordable_workers(2, 0, 0) == 2  # memory unknown (no /proc): as asked


def _killed(*_: object) -> None:
    """A worker's task that ends its process as the kernel's out-of-memory killer would."""
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("phase", ["read", "compare"])
def test_a_worker_killed_by_the_system_fails_the_load_and_writes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch, phase: str
) -> None:
    """With multiprocessing.Pool the load waited forever for the dead worker's answer."""
    if phase == "read":
        monkeypatch.setattr(bulk, "_prepare_chunk", _killed)
    else:
        monkeypatch.setattr(bulk_pairs, "_compare", _killed)
        monkeypatch.setattr(bulk_pairs, "_memory", lambda: (1, 1 << 40))  # room for both workers
    records = make_population(200, seed=3).records

    with pytest.raises(WorkerDied, match="out of memory"):
        bulk_load(db, shipped_model(), _items(records), actor="test", workers=2)

    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecordRow)) == 0


def test_on_postgresql_copy_stores_exactly_what_inserts_store(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL takes the bulk load's rows by COPY: every table holds, value for value, what the
    INSERTs of the other engines' path would have stored (JSON, UTC timestamps, defaults)."""
    if db.is_sqlite:
        pytest.skip("COPY is PostgreSQL's")
    records = make_population(150, seed=23).records
    now = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)

    def load(into: Database) -> dict[str, list[tuple[object, ...]]]:
        ids = itertools.count()
        monkeypatch.setattr(repository, "new_id", lambda: f"id-{next(ids):06d}")
        bulk_load(into, shipped_model(), _items(records), actor="test", clock=lambda: now, workers=1)
        with into.read() as session:
            return {
                table.name: sorted(session.execute(select(table)).all(), key=repr)
                for table in Base.metadata.sorted_tables
            }

    copied = load(db)
    with database_of_its_own(PG_ADMIN, "mpi_test_") as url:
        inserted_into = Database(url)
        inserted_into.migrate()
        monkeypatch.setattr(repository, "_copy", repository._insert_many)
        inserted = load(inserted_into)
        inserted_into.dispose()
    assert copied["source_records"] and copied["audit_events"] and copied["review_tasks"]
    assert copied == inserted
