"""Many writers at once: 16 clients send overlapping records of the same humans to two servers sharing
one store, as several `mpi serve` processes and machines share one PostgreSQL. One human, one person; no
record lost, none duplicated, each linked exactly once (advisory locks on blocking keys serialize
writers that could see each other; deadlocks and races are retried inside). Within one server the
concurrent calls share its write transactions; across servers only the store keeps them apart."""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections import defaultdict
from typing import Any

import grpc
import pytest
from sqlalchemy import func, select

from benchmarks.synthetic import Person as Person_
from benchmarks.synthetic import make_persons
from matching.record import dict_to_source_record
from mpi.api.server import create_server
from mpi.config import Config
from mpi.service.match import MatchService, _Submitted
from mpi.service.model_registry import shipped_model
from mpi.store.database import Database
from mpi.store.models import Link, Person, SourceRecordRow
from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc

CLIENTS = 16
SERVERS = 2


def test_sixteen_clients_overlapping_records(db_url: str) -> None:
    servers = [
        create_server(Config(database_url=db_url, port=0, max_workers=CLIENTS, no_auth=True))
        for _ in range(SERVERS)
    ]
    for server in servers:
        server.server.start()
    try:
        _run([server.port for server in servers], db_url)
    finally:
        for server in servers:
            server.stop(grace=1)


def _run(ports: list[int], server_db_url: str) -> None:
    persons = make_persons(30, seed=91)
    rng = random.Random(5)
    requests = []
    for person in persons:  # six senders know each human, all with a consistent CCCD
        for sender in range(6):
            requests.append(
                (
                    person.index,
                    pb.SourceRecord(
                        source=f"clinic-{sender}",
                        source_record_id=f"P{person.index}",
                        full_name=person.full_name,
                        birth_date=person.birth_date.isoformat(),
                        sex=person.sex,
                        national_id=person.national_id,
                    ),
                )
            )
    requests += rng.sample(requests, 20)  # some re-sent at the same time as the first sending
    rng.shuffle(requests)
    shares = [requests[i::CLIENTS] for i in range(CLIENTS)]
    errors: list[str] = []
    barrier = threading.Barrier(CLIENTS)

    def client(share: list[tuple[int, pb.SourceRecord]], port: int) -> None:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
            barrier.wait()
            for _, record in share:
                try:
                    stub.Match(pb.MatchRequest(record=record), timeout=60)
                except grpc.RpcError as error:
                    errors.append(f"{error.code().name}: {error.details()}")

    threads = [
        threading.Thread(target=client, args=(share, ports[i % len(ports)])) for i, share in enumerate(shares)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    db = Database(server_db_url)
    with db.read() as session:
        records = session.scalar(select(func.count()).select_from(SourceRecordRow))
        current = session.execute(
            select(SourceRecordRow.source_record_id, Link.person_id).join(
                Link, (Link.record_id == SourceRecordRow.id) & Link.valid_to.is_(None)
            )
        ).all()
        live_persons = session.scalar(
            select(func.count()).select_from(Person).where(Person.status == "active")
        )
    db.dispose()
    assert records == len(persons) * 6  # re-sends did not duplicate
    assert len(current) == records  # every record linked, exactly once (one current link each)
    persons_of: dict[str, set[str]] = defaultdict(set)
    for record_id, person_id in current:
        persons_of[record_id].add(person_id)
    assert all(len(ids) == 1 for ids in persons_of.values())  # one human, one person
    assert live_persons == len(persons)


def test_two_batches_sharing_keys_in_opposite_order_wait_instead_of_deadlocking(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Two servers' transactions, each holding a stream batch whose records share keys with the other's
    in the opposite order. Each takes all its records' key locks at its start, in one order for every
    writer, so the second waits for the first; taken record by record, each held a key the other
    needed: a deadlock, found by PostgreSQL after a second and undone (logged as a retry)."""
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer at a time")
    people = make_persons(2, seed=17)

    def record(person: Person_, source: str) -> Any:
        return dict_to_source_record(
            {
                "source": source,
                "source_record_id": f"P{person.index}",
                "full_name": person.full_name,
                "birth_date": person.birth_date.isoformat(),
                "sex": person.sex,
            }
        )

    servers = [Database(db_url) for _ in range(2)]
    for server in servers:
        server.migrate()
    matchers = [MatchService(server, shipped_model()) for server in servers]
    batches = [
        [record(people[0], "clinic-a"), record(people[1], "clinic-a")],
        [record(people[1], "clinic-b"), record(people[0], "clinic-b")],
    ]
    first_done = threading.Barrier(2, timeout=2)  # both transactions past their first record
    original = MatchService.match_prepared

    def match_prepared(self: MatchService, session: Any, p: Any, **kwargs: Any) -> Any:
        outcome = original(self, session, p, **kwargs)
        if p.raw["source_record_id"] == batches[matchers.index(self)][0].source_record_id:
            with contextlib.suppress(threading.BrokenBarrierError):  # the other waits for this one's locks
                first_done.wait()
        return outcome

    outcomes: list[Any] = [None, None]

    def run(i: int) -> None:
        m = matchers[i]
        outcomes[i] = m._write_calls([[_Submitted(m.prepare(r), None, "test") for r in batches[i]]])

    caplog.set_level(logging.INFO, logger="mpi.store.database")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MatchService, "match_prepared", match_prepared)
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    for server in servers:
        server.dispose()
    assert [r.getMessage() for r in caplog.records if "retried" in r.getMessage()] == []
    decisions = [o.decision for batch in outcomes for call in batch for o in call]
    assert sorted(decisions) == ["linked", "linked", "new_person", "new_person"]
