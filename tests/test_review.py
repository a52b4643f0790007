"""The review workflow through the gRPC API on a real server, SQLite and PostgreSQL: each task type from
creation to resolution and back by undo, sticky decisions, concurrency, merge and split."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import grpc
import pytest

from mpi.api.server import RunningServer
from mpi.cli import main
from mpi.service.match import MatchService
from mpi.service.model_registry import shipped_model
from mpi.service.registry import RegistryService
from mpi.store.database import Database
from mpi.v1 import mpi_pb2 as pb

REVIEWER = [("x-mpi-actor", "reviewer:lan")]


@pytest.fixture
def registry(db_url: str, server: RunningServer) -> Iterator[RegistryService]:
    db = Database(db_url)
    yield RegistryService(MatchService(db, shipped_model()))
    db.dispose()


def match(stub, rid: str, source: str = "01001", **fields: str) -> pb.MatchResponse:
    return stub.Match(pb.MatchRequest(record=pb.SourceRecord(source=source, source_record_id=rid, **fields)))


def task_of(stub, reply: pb.MatchResponse) -> pb.ReviewTask:
    assert reply.decision == pb.DECISION_REVIEW, reply.reason
    return stub.GetReviewTask(pb.GetReviewTaskRequest(task_id=reply.review_task_id)).task


def resolve(stub, task: pb.ReviewTask, action: int, **fields) -> pb.ResolveReviewTaskResponse:
    request = pb.ResolveReviewTaskRequest(
        task_id=task.summary.task_id,
        version=task.summary.version,
        action=action,
        reason="checked the paper file",
        **fields,
    )
    return stub.ResolveReviewTask(request, metadata=REVIEWER)


def undo(stub, task_id: str) -> pb.UndoResolutionResponse:
    version = stub.GetReviewTask(pb.GetReviewTaskRequest(task_id=task_id)).task.summary.version
    return stub.UndoResolution(
        pb.UndoResolutionRequest(task_id=task_id, version=version, reason="resolved by mistake"),
        metadata=REVIEWER,
    )


def record_person(stub, source: str, rid: str) -> str:
    return stub.GetRecord(pb.GetRecordRequest(source=source, source_record_id=rid)).link.person_id


DUC = {
    "national_id": "001090012345",
    "full_name": "Nguyễn Văn Đức",
    "birth_date": "1990-05-01",
    "sex": "male",
    "province_code": "01",
}


def test_possible_match_link_undo_keep_apart_and_sticky(stub, registry, db_url: str) -> None:
    duc = registry.import_row(DUC, actor="loader").person_id
    reply = match(stub, "BN1", full_name="NGUYEN VAN DUC", birth_date="1990", sex="1")
    task = task_of(stub, reply)
    assert task.summary.type == pb.REVIEW_TASK_TYPE_POSSIBLE_MATCH
    queue = stub.ListReviewTasks(pb.ListReviewTasksRequest()).tasks
    assert [t.task_id for t in queue] == [task.summary.task_id]

    # Side by side: every field raw and normalized, with what differs marked.
    candidate = task.candidates[0]
    assert candidate.person.person_id == duc and candidate.best_record.source == "@registry"
    fields = {f.field: f for f in candidate.fields}
    assert (
        fields["full_name"].record_value == "NGUYEN VAN DUC"
        and fields["full_name"].candidate_value == "Nguyễn Văn Đức"
    )
    assert fields["birth_date"].record_normalized == "1990" and fields["birth_date"].differs

    linked = resolve(stub, task, pb.RESOLUTION_ACTION_LINK, person_id=duc)
    assert linked.person_id == duc and record_person(stub, "01001", "BN1") == duc
    assert (
        stub.GetRecord(pb.GetRecordRequest(source="01001", source_record_id="BN1")).link.kind
        == pb.LINK_KIND_MANUAL
    )

    reopened = undo(stub, task.summary.task_id).task
    assert reopened.status == pb.REVIEW_TASK_STATUS_OPEN
    assert not stub.GetRecord(pb.GetRecordRequest(source="01001", source_record_id="BN1")).HasField("link")

    task = stub.GetReviewTask(pb.GetReviewTaskRequest(task_id=task.summary.task_id)).task
    apart = resolve(stub, task, pb.RESOLUTION_ACTION_KEEP_APART)
    assert apart.person_id and apart.person_id != duc

    # Sticky: neither a re-match nor an identical re-send undoes it or asks again.
    assert main(["rematch", "--db", db_url]) == 0
    again = match(stub, "BN1", full_name="NGUYEN VAN DUC", birth_date="1990", sex="1")
    assert again.record_change == pb.RECORD_CHANGE_UNCHANGED and again.person_id == apart.person_id
    assert not stub.ListReviewTasks(pb.ListReviewTasksRequest()).tasks
    # New evidence: the record changed, the manual decision still stands.
    changed = match(stub, "BN1", full_name="NGUYEN VAN DUC", birth_date="1990-05-01", sex="1")
    assert changed.record_change == pb.RECORD_CHANGE_UPDATED and changed.person_id == apart.person_id

    history = stub.GetPersonHistory(pb.GetPersonHistoryRequest(person_id=duc)).events
    actions = [e.action for e in history]
    assert "link.created" in actions and "link.superseded" in actions
    assert any(e.actor == "reviewer:lan" for e in history)


def test_ambiguous_then_merge_refused_for_two_national_ids(stub, registry) -> None:
    twin = {"full_name": "Trần Văn An", "birth_date": "1985-03-03", "sex": "male", "province_code": "01"}
    a = registry.import_row({**twin, "national_id": "001085000001"}, actor="loader").person_id
    b = registry.import_row({**twin, "national_id": "001085000002"}, actor="loader").person_id
    task = task_of(
        stub,
        match(stub, "BN2", full_name="TRAN VAN AN", birth_date="03/03/1985", sex="Nam", province_code="01"),
    )
    assert task.summary.type == pb.REVIEW_TASK_TYPE_AMBIGUOUS
    assert {c.person.person_id for c in task.candidates} == {a, b}
    with pytest.raises(grpc.RpcError) as refused:
        resolve(stub, task, pb.RESOLUTION_ACTION_MERGE, person_id=a, merge_person_id=b)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    resolve(stub, task, pb.RESOLUTION_ACTION_LINK, person_id=b)
    assert record_person(stub, "01001", "BN2") == b
    undo(stub, task.summary.task_id)
    assert not stub.GetRecord(pb.GetRecordRequest(source="01001", source_record_id="BN2")).HasField("link")


def test_two_reviewers_at_once_only_one_wins(stub, registry) -> None:
    duc = registry.import_row(DUC, actor="loader").person_id
    task = task_of(stub, match(stub, "BN7", full_name="NGUYEN VAN DUC", birth_date="1990", sex="1"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def reviewer(action: int, **fields: str) -> None:
        barrier.wait()
        try:
            resolve(stub, task, action, **fields)
            outcomes.append("won")
        except grpc.RpcError as error:
            outcomes.append(error.code().name)

    threads = [
        threading.Thread(target=reviewer, args=(pb.RESOLUTION_ACTION_LINK,), kwargs={"person_id": duc}),
        threading.Thread(target=reviewer, args=(pb.RESOLUTION_ACTION_KEEP_APART,)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ABORTED", "won"]


def test_national_id_conflict_keep_apart_and_undo(stub, registry) -> None:
    duc = registry.import_row(DUC, actor="loader").person_id
    task = task_of(
        stub,
        match(
            stub,
            "BN3",
            full_name="Trần Thị Mai",
            birth_date="1990-07-09",
            sex="male",
            national_id="001090012345",
        ),
    )
    assert task.summary.type == pb.REVIEW_TASK_TYPE_NATIONAL_ID_CONFLICT
    apart = resolve(stub, task, pb.RESOLUTION_ACTION_KEEP_APART)
    assert apart.person_id != duc and record_person(stub, "01001", "BN3") == apart.person_id
    undo(stub, task.summary.task_id)
    person = stub.GetPerson(pb.GetPersonRequest(person_id=apart.person_id)).person
    assert person.status == "retired" and not person.records


def test_stale_versions_and_resolved_tasks_are_refused(stub, registry) -> None:
    duc = registry.import_row(DUC, actor="loader").person_id
    task = task_of(stub, match(stub, "BN4", full_name="NGUYEN VAN DUC", birth_date="1990", sex="1"))
    resolve(stub, task, pb.RESOLUTION_ACTION_LINK, person_id=duc)
    with pytest.raises(grpc.RpcError) as stale:  # the second reviewer saw the old version
        resolve(stub, task, pb.RESOLUTION_ACTION_KEEP_APART)
    assert stale.value.code() == grpc.StatusCode.ABORTED
    fresh = stub.GetReviewTask(pb.GetReviewTaskRequest(task_id=task.summary.task_id)).task
    with pytest.raises(grpc.RpcError) as done:
        resolve(stub, fresh, pb.RESOLUTION_ACTION_KEEP_APART)
    assert done.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as no_reason:
        stub.UndoResolution(
            pb.UndoResolutionRequest(task_id=fresh.summary.task_id, version=fresh.summary.version)
        )
    assert no_reason.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_registry_mismatch_split_and_undo(stub, registry) -> None:
    for rid, source in (("T1", "01001"), ("T2", "ksk-school")):  # two senders: the CCCD is corroborated
        match(
            stub,
            rid,
            source=source,
            full_name="Lê Văn Tám",
            birth_date="1990-01-01",
            sex="male",
            national_id="001090077777",
        )
    holder = record_person(stub, "01001", "T1")
    outcome = registry.import_row(
        {
            "national_id": "001090077777",
            "full_name": "Phạm Quốc Hùng",
            "birth_date": "1990-11-11",
            "sex": "male",
        },
        actor="loader",
    )
    assert outcome.person_id == holder and outcome.review_task_id
    task = stub.GetReviewTask(pb.GetReviewTaskRequest(task_id=outcome.review_task_id)).task
    assert task.summary.type == pb.REVIEW_TASK_TYPE_REGISTRY_MISMATCH and task.person.person_id == holder
    records = [
        pb.RecordKey(source="01001", source_record_id="T1"),
        pb.RecordKey(source="ksk-school", source_record_id="T2"),
    ]
    split = resolve(stub, task, pb.RESOLUTION_ACTION_SPLIT, person_id=holder, records=records)
    assert (
        record_person(stub, "01001", "T1")
        == record_person(stub, "ksk-school", "T2")
        == split.person_id
        != holder
    )
    undo(stub, task.summary.task_id)
    assert record_person(stub, "01001", "T1") == record_person(stub, "ksk-school", "T2") == holder


def test_possible_duplicate_persons_merge_undo_and_keep_apart(stub, registry) -> None:
    existing = match(stub, "N1", full_name="NGUYEN VAN NAM", birth_date="1970").person_id
    outcome = registry.import_row(
        {
            "national_id": "001070055555",
            "full_name": "Nguyễn Văn Nam",
            "birth_date": "1970-02-02",
            "sex": "male",
        },
        actor="loader",
    )
    task = stub.GetReviewTask(pb.GetReviewTaskRequest(task_id=outcome.review_task_id)).task
    assert task.summary.type == pb.REVIEW_TASK_TYPE_POSSIBLE_DUPLICATE_PERSONS
    assert task.person.person_id == outcome.person_id and task.candidates[0].person.person_id == existing
    resolve(stub, task, pb.RESOLUTION_ACTION_MERGE, person_id=outcome.person_id, merge_person_id=existing)
    assert record_person(stub, "01001", "N1") == outcome.person_id
    merged = stub.GetPerson(pb.GetPersonRequest(person_id=existing)).person
    assert merged.status == "merged" and merged.merged_into == outcome.person_id
    undo(stub, task.summary.task_id)
    assert record_person(stub, "01001", "N1") == existing
    assert stub.GetPerson(pb.GetPersonRequest(person_id=existing)).person.status == "active"
    task = stub.GetReviewTask(pb.GetReviewTaskRequest(task_id=task.summary.task_id)).task
    resolve(stub, task, pb.RESOLUTION_ACTION_KEEP_APART)
    assert record_person(stub, "01001", "N1") == existing


def test_merge_then_split_returns_every_record(stub) -> None:
    a1 = match(stub, "A1", full_name="Đỗ Thị Hoa", birth_date="1975-04-04", sex="2", phone="0912000111")
    a2 = match(
        stub,
        "A2",
        source="ksk-company",
        full_name="DO THI HOA",
        birth_date="04/04/1975",
        sex="2",
        phone="0912000111",
    )
    b1 = match(stub, "B1", full_name="Vũ Minh Châu", birth_date="1999-09-09", sex="2")
    a, b = a1.person_id, b1.person_id
    assert a2.person_id == a and a != b
    pa = stub.GetPerson(pb.GetPersonRequest(person_id=a)).person
    pb_ = stub.GetPerson(pb.GetPersonRequest(person_id=b)).person
    merged = stub.MergePersons(
        pb.MergePersonsRequest(
            survivor_person_id=a,
            merged_person_id=b,
            survivor_version=pa.version,
            merged_version=pb_.version,
            reason="same woman, name changed",
        ),
        metadata=REVIEWER,
    ).person
    assert len(merged.records) == 3
    split = stub.SplitPerson(
        pb.SplitPersonRequest(
            person_id=a,
            version=merged.version,
            reason="not the same after all",
            records=[pb.RecordKey(source="01001", source_record_id="B1")],
        ),
        metadata=REVIEWER,
    ).new_person
    assert split.person_id == b
    assert {record_person(stub, "01001", r) for r in ("A1",)} | {
        record_person(stub, "ksk-company", "A2")
    } == {a}
    assert record_person(stub, "01001", "B1") == b
    history = [e.action for e in stub.GetPersonHistory(pb.GetPersonHistoryRequest(person_id=a)).events]
    assert "person.merged" in history and "person.split" in history


def test_unlink_and_direct_link(stub) -> None:
    first = match(stub, "U1", full_name="Phan Văn Lợi", birth_date="1960-06-06", sex="1", phone="0988000222")
    second = match(
        stub,
        "U2",
        source="ksk",
        full_name="PHAN VAN LOI",
        birth_date="06/06/1960",
        sex="1",
        phone="0988000222",
    )
    assert second.person_id == first.person_id
    alone = stub.UnlinkRecord(
        pb.UnlinkRecordRequest(
            record=pb.RecordKey(source="ksk", source_record_id="U2"), reason="different man"
        ),
        metadata=REVIEWER,
    ).person_id
    assert alone != first.person_id and record_person(stub, "ksk", "U2") == alone
    person = stub.GetPerson(pb.GetPersonRequest(person_id=first.person_id)).person
    link = stub.LinkRecord(
        pb.LinkRecordRequest(
            record=pb.RecordKey(source="ksk", source_record_id="U2"),
            person_id=first.person_id,
            person_version=person.version,
            reason="same man after all",
        ),
        metadata=REVIEWER,
    ).link
    assert link.kind == pb.LINK_KIND_MANUAL and record_person(stub, "ksk", "U2") == first.person_id
    with pytest.raises(grpc.RpcError) as stale:
        stub.LinkRecord(
            pb.LinkRecordRequest(
                record=pb.RecordKey(source="ksk", source_record_id="U2"),
                person_id=alone,
                person_version=999,
                reason="x",
            ),
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED


def test_reviewer_cli_list_show_resolve_undo(tmp_path, sqlite_url: str, capsys) -> None:
    db = Database(sqlite_url)
    db.migrate()
    matcher = MatchService(db, shipped_model())
    duc = RegistryService(matcher).import_row(DUC, actor="loader").person_id
    from matching import SourceRecord

    outcome = matcher.match(
        SourceRecord("01001", "C1", "NGUYEN VAN DUC", birth_date="1990", sex="1"), actor="t"
    )
    task = outcome.review_task_id
    assert task
    assert main(["review", "list", "--db", sqlite_url]) == 0
    assert task in capsys.readouterr().out
    assert main(["review", "show", task, "--db", sqlite_url]) == 0
    shown = capsys.readouterr().out
    assert "NGUYEN VAN DUC" in shown and "Nguyễn Văn Đức" in shown and "≠ birth_date" in shown
    assert (
        main(
            [
                "review",
                "resolve",
                task,
                "--action",
                "link",
                "--person",
                duc,
                "--reason",
                "same man",
                "--db",
                sqlite_url,
            ]
        )
        == 0
    )
    assert f"person {duc}" in capsys.readouterr().out
    assert (
        main(
            [
                "review",
                "resolve",
                task,
                "--action",
                "link",
                "--person",
                duc,
                "--reason",
                "again",
                "--db",
                sqlite_url,
            ]
        )
        == 2
    )
    assert "not open" in capsys.readouterr().err
    assert main(["review", "undo", task, "--reason", "too quick", "--db", sqlite_url]) == 0
    assert "reopened" in capsys.readouterr().out
    db.dispose()
