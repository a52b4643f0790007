"""The Match and registry use cases on a real store: SQLite and PostgreSQL, the same tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select

from matching import SourceRecord
from mpi.errors import InvalidInput
from mpi.service.match import MatchService
from mpi.service.outcome import RecordChange
from mpi.service.queries import QueryService, export_rows
from mpi.service.registry import RegistryAction, RegistryService
from mpi.store.database import Database
from mpi.store.models import AuditEvent, Link, Person, RecordVersion, ReviewTask, SourceRecordRow

DUC_REGISTRY = {
    "national_id": "001090012345",
    "full_name": "Nguyễn Văn Đức",
    "birth_date": "1990-05-01",
    "sex": "male",
    "province_code": "01",
}


def duc(rid: str = "BN1", **changes: str) -> SourceRecord:
    fields = {
        "full_name": "NGUYEN VAN DUC",
        "birth_date": "199005010000",
        "sex": "1",
        "phone": "0912345678",
        "province_code": "01",
    }
    fields.update(changes)
    return SourceRecord("01001", rid, **fields)


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _spy_on_decisions_first(matcher: MatchService, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    decided_first: list[str] = []
    original = matcher._provisional

    def spy(session, prepared):  # type: ignore[no-untyped-def]
        decided_first.append(prepared.raw["source_record_id"])
        return original(session, prepared)

    monkeypatch.setattr(matcher, "_provisional", spy)
    return decided_first


@contextmanager
def _writer_turn_held(db: Database) -> Iterator[None]:
    """A thread holds `db`'s writer turn for the block (a write transaction under way)."""
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with db._writer_turn():
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(5)
        yield
    finally:
        release.set()
        thread.join(5)


def _decides_first(call: Callable[[], Any], decided_first: list[str], db: Database) -> tuple[bool, Any]:
    """Run `call` while a writer turn of `db` is taken: whether it decided before the turn was free, and
    its result once it was."""
    outcome: dict[str, Any] = {}
    caller = threading.Thread(target=lambda: outcome.update(o=call()))
    with _writer_turn_held(db):
        caller.start()
        deadline = time.monotonic() + 1
        while not decided_first and time.monotonic() < deadline:
            time.sleep(0.005)
        assert "o" not in outcome  # waiting for the turn
        decided = bool(decided_first)
    caller.join(5)
    return decided, outcome["o"]


def test_a_record_is_decided_before_the_writer_lock_only_while_another_writer_has_it(
    db: Database, matcher: MatchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    decided_first = _spy_on_decisions_first(matcher, monkeypatch)
    assert matcher.match(duc("BN1"), actor="test").decision == "new_person"
    assert decided_first == []  # the lock was free: decided once, under it
    if not db.is_sqlite:
        return  # PostgreSQL has no single writer: the next test

    other_process = Database(db.url)  # its own turn-taking, as another server process has
    try:
        decided, linked = _decides_first(
            lambda: matcher.match(duc("BN2"), actor="test"), decided_first, other_process
        )
    finally:
        other_process.dispose()
    assert decided and decided_first == ["BN2"]
    assert linked.decision == "linked" and linked.candidates_considered == 1


def test_on_postgresql_a_record_is_decided_first_only_while_this_process_has_a_transaction_under_way(
    db: Database, matcher: MatchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL has no single writer: what deciding first can overlap is this process's own write
    transaction. Here one waits for a key lock another connection holds (another server's writer)."""
    if db.is_sqlite:
        pytest.skip("SQLite: the test before")
    decided_first = _spy_on_decisions_first(matcher, monkeypatch)
    matcher.match(duc("BN1"), actor="test")
    assert decided_first == []
    other_server = Database(db.url)
    outcomes: dict[str, Any] = {}

    def match(rid: str) -> threading.Thread:
        thread = threading.Thread(
            target=lambda: outcomes.update({rid: matcher.match(duc(rid), actor="test")})
        )
        thread.start()
        return thread

    try:
        with other_server.write() as session:
            other_server.lock_keys(session, ["record:01001:BN9"])
            waiting = match("BN9")  # its transaction waits for that key's lock
            deadline = time.monotonic() + 5
            while not matcher._combiner.busy() and time.monotonic() < deadline:
                time.sleep(0.005)
            meanwhile = match("BN2")
            while "BN2" not in decided_first and time.monotonic() < deadline:
                time.sleep(0.005)
            assert decided_first == ["BN2"] and outcomes == {}  # decided, then waiting for its turn
        waiting.join(5)
        meanwhile.join(5)
    finally:
        other_server.dispose()
    assert decided_first == ["BN2"]  # BN9 was decided once, in its transaction
    assert outcomes["BN2"].decision == outcomes["BN9"].decision == "linked"


def test_a_unary_call_waits_undecided_while_this_process_writes_and_a_stream_batch_decides_first(
    db: Database, matcher: MatchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deciding first while a thread of this same process writes would compete with it for the
    interpreter: a unary call waits for the next shared transaction instead, and is decided there."""
    if not db.is_sqlite:
        pytest.skip("PostgreSQL has no single writer")
    decided_first = _spy_on_decisions_first(matcher, monkeypatch)
    matcher.match(duc("BN1"), actor="test")

    decided, linked = _decides_first(lambda: matcher.match(duc("BN2"), actor="test"), decided_first, db)
    assert not decided and decided_first == []
    assert linked.decision == "linked" and linked.candidates_considered == 1

    batch = [matcher.prepare(duc("BN3")), matcher.prepare(duc("BN4"))]
    decided, outcomes = _decides_first(lambda: matcher.match_batch(batch, actor="test"), decided_first, db)
    assert decided and decided_first == ["BN3", "BN4"]
    assert [o.decision for o in outcomes] == ["linked", "linked"]


def test_first_record_starts_a_person_and_a_resend_changes_nothing(
    db: Database, matcher: MatchService
) -> None:
    first = matcher.match(duc(), actor="test")
    assert (first.decision, first.record_change, first.record_version) == ("new_person", RecordChange.NEW, 1)
    assert first.person_id and first.link_kind == "auto"
    audits = count(db, AuditEvent)

    again = matcher.match(duc(), actor="test")
    assert again.record_change is RecordChange.UNCHANGED
    assert (again.person_id, again.record_version) == (first.person_id, 1)
    assert (count(db, SourceRecordRow), count(db, RecordVersion), count(db, AuditEvent)) == (1, 1, audits)


def test_a_changed_resend_adds_a_version_and_rematches(db: Database, matcher: MatchService) -> None:
    first = matcher.match(duc(), actor="test")
    updated = matcher.match(duc(address="12 Lê Lợi, Hà Nội"), actor="test")
    assert updated.record_change is RecordChange.UPDATED and updated.record_version == 2
    assert count(db, SourceRecordRow) == 1 and count(db, RecordVersion) == 2
    # The old link is superseded, not deleted: history keeps both.
    with db.read() as session:
        links = session.scalars(select(Link).order_by(Link.id)).all()
    assert len(links) == 2 and links[0].valid_to is not None and links[1].valid_to is None
    assert updated.person_id is not None and first.person_id is not None


def test_a_variant_of_the_same_person_links(matcher: MatchService) -> None:
    first = matcher.match(duc(), actor="test")
    variant = matcher.match(
        SourceRecord(
            "ksk-school",
            "77",
            "Nguyễn Văn Đức",
            birth_date="01/05/1990",
            sex="Nam",
            phone="+84 912 345 678",
            province_code="001",
        ),
        actor="test",
    )
    assert variant.decision == "linked" and variant.person_id == first.person_id
    assert variant.match_weight is not None and variant.match_weight >= matcher.model.link_threshold
    assert sum(f.weight for f in variant.explanation) + variant.prior_weight == pytest.approx(
        variant.match_weight
    )
    assert variant.candidates[0].person_id == first.person_id


def test_a_registry_person_gives_its_national_id_to_matching_records(
    db: Database, matcher: MatchService, registry: RegistryService
) -> None:
    created = registry.import_row(DUC_REGISTRY, actor="test")
    assert created.action is RegistryAction.CREATED
    outcome = matcher.match(duc(), actor="test")
    assert outcome.decision == "linked" and outcome.person_id == created.person_id
    assert outcome.national_id == "001090012345"
    assert registry.import_row(DUC_REGISTRY, actor="test").action is RegistryAction.UNCHANGED
    changed = registry.import_row({**DUC_REGISTRY, "full_name": "Nguyễn Văn Đức Anh"}, actor="test")
    assert changed.action is RegistryAction.UPDATED
    person = QueryService(db).get_person(created.person_id)
    assert person.full_name == "Nguyễn Văn Đức Anh" and person.registry_backed


def test_registry_attaches_to_a_person_built_from_records(
    matcher: MatchService, registry: RegistryService
) -> None:
    first = matcher.match(duc(national_id="001090012345"), actor="test")
    assert first.decision == "new_person" and first.national_id is None  # one record's CCCD is a claim
    attached = registry.import_row(DUC_REGISTRY, actor="test")
    assert attached.action is RegistryAction.ATTACHED and attached.person_id == first.person_id
    assert matcher.match(duc("BN2", national_id="001090012345"), actor="test").national_id == "001090012345"


def test_two_senders_agreeing_on_a_cccd_give_it_to_the_person(matcher: MatchService) -> None:
    first = matcher.match(duc(national_id="001090012345"), actor="test")
    same_sender = matcher.match(duc("BN2", national_id="001090012345"), actor="test")
    assert same_sender.person_id == first.person_id and same_sender.national_id is None
    other_sender = matcher.match(
        SourceRecord("ksk-school", "K1", "Nguyễn Văn Đức", birth_date="1990", national_id="001090012345"),
        actor="test",
    )
    assert other_sender.person_id == first.person_id and other_sender.national_id == "001090012345"


def test_a_parents_cccd_on_a_childs_record_never_links_to_the_parent(db: Database, matcher, registry) -> None:
    father = registry.import_row(DUC_REGISTRY, actor="test")
    child = matcher.match(
        SourceRecord(
            "01001", "BN9", "Nguyễn Văn Minh", birth_date="2016-02-03", sex="male", national_id="001090012345"
        ),
        actor="test",
    )
    assert child.decision == "new_person" and child.person_id != father.person_id
    assert child.national_id is None and "set aside" in child.reason
    rows = [r for r in export_rows(db) if r["source_record_id"] == "BN9"]
    assert rows[0]["status"] == "new" and rows[0]["national_id"] == ""


def test_a_cccd_held_by_someone_else_is_a_national_id_conflict(db: Database, matcher, registry) -> None:
    registry.import_row(DUC_REGISTRY, actor="test")
    other = matcher.match(
        SourceRecord(
            "01001", "BN8", "Trần Thị Mai", birth_date="1990-07-09", sex="male", national_id="001090012345"
        ),
        actor="test",
    )
    assert other.decision == "review" and other.person_id is None and other.review_task_id
    with db.read() as session:
        task = session.get(ReviewTask, other.review_task_id)
        assert task is not None and task.type == "national_id_conflict" and task.status == "open"
    rows = [r for r in export_rows(db) if r["source_record_id"] == "BN8"]
    assert rows[0]["status"] == "review" and rows[0]["person_id"] == ""


def test_an_invalid_record_stores_nothing(db: Database, matcher: MatchService) -> None:
    with pytest.raises(InvalidInput) as info:
        matcher.match(duc(birth_date="31/02/1990", national_id="1234567"), actor="test")
    assert {v.field for v in info.value.violations} == {"birth_date", "national_id"}
    assert (count(db, SourceRecordRow), count(db, Person), count(db, AuditEvent)) == (0, 0, 0)


def test_a_failure_mid_transaction_leaves_nothing_half_written(
    db: Database, matcher: MatchService, monkeypatch
) -> None:
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("mpi.service.match.repo.audit", explode)
    with pytest.raises(RuntimeError):
        matcher.match(duc(), actor="test")
    assert (count(db, SourceRecordRow), count(db, Person), count(db, Link)) == (0, 0, 0)


def test_every_change_is_audited_without_personal_data(db: Database, matcher: MatchService, registry) -> None:
    registry.import_row(DUC_REGISTRY, actor="registry-loader")
    matcher.match(duc(), actor="clinic-gateway")
    with db.read() as session:
        events = session.scalars(select(AuditEvent)).all()
    assert {e.actor for e in events} == {"registry-loader", "clinic-gateway"}
    assert {e.action for e in events} >= {"registry.created", "link.created"}
    text = repr([(e.reason, e.details) for e in events]).lower()
    for secret in ("001090012345", "nguyen", "nguyễn", "0912345678", "1990"):
        assert secret not in text


def test_a_decision_reached_outside_the_lock_stands_only_on_the_same_candidates(
    db: Database, matcher: MatchService
) -> None:
    """Match decides a new record first without the writer lock; a record written meanwhile (another
    client, or the one before it in the same stream) changes its candidates, and it is decided again."""
    first, second = matcher.prepare(duc("BN1")), matcher.prepare(duc("BN2"))
    with db.read() as session:
        stale = matcher._provisional(session, second)
    assert stale is not None and stale.decision.outcome == "new_person"  # nobody was there yet
    matcher.match_batch([first], actor="test")
    outcome = db.run_write(lambda s: matcher.match_prepared(s, second, actor="test", provisional=stale))
    assert outcome.decision == "linked" and outcome.candidates_considered == 1

    # In one batch, each record sees the ones before it although none was stored when they were read.
    third, fourth = (
        matcher.prepare(duc("BN3", full_name="Trần Thị Mai")),
        matcher.prepare(duc("BN4", full_name="TRAN THI MAI")),
    )
    made, linked = matcher.match_batch([third, fourth], actor="test")
    assert made.decision == "new_person" and linked.decision == "linked"
    assert linked.person_id == made.person_id
