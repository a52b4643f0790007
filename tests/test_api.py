"""The gRPC API on a real server on 127.0.0.1, through the generated stubs, on SQLite and PostgreSQL."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status

from benchmarks.synthetic import make_population
from mpi.v1 import mpi_pb2 as pb


def record(rid: str = "BN1", **changes: str) -> pb.SourceRecord:
    fields = {
        "source": "01001",
        "source_record_id": rid,
        "full_name": "Nguyễn Văn Đức",
        "birth_date": "1990-05-01",
        "sex": "Nam",
        "phone": "0912345678",
        "province_code": "01",
    }
    fields.update(changes)
    return pb.SourceRecord(**fields)


def test_match_again_and_a_variant(stub) -> None:
    first = stub.Match(pb.MatchRequest(record=record()))
    assert first.decision == pb.DECISION_NEW_PERSON and first.record_change == pb.RECORD_CHANGE_NEW
    assert first.person_id and first.model_version

    again = stub.Match(pb.MatchRequest(record=record()))
    assert again.record_change == pb.RECORD_CHANGE_UNCHANGED and again.person_id == first.person_id

    variant = stub.Match(
        pb.MatchRequest(
            record=record(
                "K-77",
                source="ksk-school",
                full_name="NGUYEN VAN DUC",
                birth_date="01/05/1990",
                sex="1",
                phone="+84 912 345 678",
            )
        )
    )
    assert variant.decision == pb.DECISION_LINKED and variant.person_id == first.person_id
    assert variant.link_kind == pb.LINK_KIND_AUTO
    levels = {e.field: e.level for e in variant.explanation if e.level != "tf_adjustment"}
    assert levels["family_name"] == levels["given_name"] == "folded"
    assert levels["birth_date"] == "exact" and levels["contact"] == "phone"
    assert variant.prior_weight + sum(e.weight for e in variant.explanation) == pytest.approx(
        variant.match_weight
    )
    assert variant.candidates[0].person_id == first.person_id

    person = stub.GetPerson(pb.GetPersonRequest(person_id=first.person_id)).person
    assert {(r.source, r.source_record_id) for r in person.records} == {
        ("01001", "BN1"),
        ("ksk-school", "K-77"),
    }
    assert person.full_name == "Nguyễn Văn Đức" and person.sex == pb.SEX_MALE

    got = stub.GetRecord(pb.GetRecordRequest(source="ksk-school", source_record_id="K-77"))
    assert got.record.full_name == "NGUYEN VAN DUC" and got.version == 1
    assert got.decision == pb.DECISION_LINKED and got.link.person_id == first.person_id


def _status_details(error: grpc.RpcError):
    status = rpc_status.from_call(error)
    assert status is not None
    violations, reasons = [], []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations += [(v.field, v.description) for v in bad.field_violations]
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reasons.append(info.reason)
    return violations, reasons


def test_bad_input_is_invalid_argument_with_field_violations(stub) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.Match(pb.MatchRequest(record=record(birth_date="31/02/1990", national_id="1234567")))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations, reasons = _status_details(info.value)
    assert {f for f, _ in violations} == {"record.birth_date", "record.national_id"}
    assert reasons == ["INVALID_RECORD"]
    assert "1234567" not in info.value.details()  # the value is not echoed back
    with pytest.raises(grpc.RpcError) as missing:
        stub.GetRecord(pb.GetRecordRequest(source="01001", source_record_id="BN1"))
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_unknown_ids_are_not_found(stub) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.GetPerson(pb.GetPersonRequest(person_id="nobody"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as empty:
        stub.GetPerson(pb.GetPersonRequest())
    assert empty.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _status_details(empty.value)[0] == [("person_id", "is required")]


def test_a_stream_of_1000_records_answers_each_in_order(stub) -> None:
    population = make_population(650, seed=11)
    records = population.records[:1000]
    requests = (pb.MatchRequest(record=pb.SourceRecord(**r)) for r in records)
    responses = list(stub.MatchStream(requests))
    assert [(r.source, r.source_record_id) for r in responses] == [
        (r["source"], r["source_record_id"]) for r in records
    ]
    decisions = {r.decision for r in responses}
    assert pb.DECISION_NEW_PERSON in decisions and pb.DECISION_LINKED in decisions
    # Records of one true person mostly end on one master person.
    person_of = {}
    for response, truth in zip(responses, population.truth, strict=False):
        if response.decision != pb.DECISION_REVIEW:
            person_of.setdefault(truth, set()).add(response.person_id)
    split = sum(1 for ids in person_of.values() if len(ids) > 1)
    assert split / len(person_of) < 0.2


def test_records_of_one_stream_see_the_ones_before_them(stub) -> None:
    """Records already arrived are matched in one transaction; each still sees those before it."""
    sent = [record("S1"), record("S1"), record("S1", phone="0987654321")]
    responses = list(stub.MatchStream(iter([pb.MatchRequest(record=r) for r in sent])))
    assert [r.record_change for r in responses] == [
        pb.RECORD_CHANGE_NEW,
        pb.RECORD_CHANGE_UNCHANGED,
        pb.RECORD_CHANGE_UPDATED,
    ]
    # The corrected record was its person's only one and matches no one else: the person (its id, which
    # senders already hold) is kept, and takes the corrected phone.
    assert responses[2].person_id == responses[0].person_id
    person = stub.GetPerson(pb.GetPersonRequest(person_id=responses[0].person_id)).person
    assert person.status == "active" and person.phone == "0987654321"
    later = stub.Match(pb.MatchRequest(record=record("S2")))
    assert later.decision == pb.DECISION_LINKED and later.person_id == responses[0].person_id


def test_a_bad_record_ends_the_stream_naming_its_position(stub) -> None:
    requests = [pb.MatchRequest(record=record("S1")), pb.MatchRequest(record=record("S2", phone="12"))]
    responses = []
    with pytest.raises(grpc.RpcError) as info:
        for response in stub.MatchStream(iter(requests)):
            responses.append(response)
    assert len(responses) == 1 and info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _status_details(info.value)[0][0][0] == "records[1].phone"
    # The record before the bad one was kept.
    assert stub.GetRecord(pb.GetRecordRequest(source="01001", source_record_id="S1")).version == 1


def test_health_and_reflection(channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "mpi.v1.MasterPatientIndexService"):
        assert (
            health.Check(health_pb2.HealthCheckRequest(service=service)).status
            == health_pb2.HealthCheckResponse.SERVING
        )
    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    answer = next(
        reflection.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]))
    )
    names = {s.name for s in answer.list_services_response.service}
    assert {"mpi.v1.MasterPatientIndexService", "grpc.health.v1.Health"} <= names
