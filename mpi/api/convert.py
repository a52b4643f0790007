"""Protobuf messages ⇄ domain values. The only module that knows both."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from matching import RECORD_FIELDS, FieldWeight, SourceRecord
from mpi.service.outcome import MatchOutcome, RecordChange
from mpi.service.queries import PersonView, RecordView
from mpi.v1 import mpi_pb2 as pb

DECISIONS = {
    "linked": pb.DECISION_LINKED,
    "new_person": pb.DECISION_NEW_PERSON,
    "review": pb.DECISION_REVIEW,
}
CHANGES = {
    RecordChange.NEW: pb.RECORD_CHANGE_NEW,
    RecordChange.UPDATED: pb.RECORD_CHANGE_UPDATED,
    RecordChange.UNCHANGED: pb.RECORD_CHANGE_UNCHANGED,
}
LINK_KINDS = {"auto": pb.LINK_KIND_AUTO, "manual": pb.LINK_KIND_MANUAL, "registry": pb.LINK_KIND_REGISTRY}
SEXES = {"male": pb.SEX_MALE, "female": pb.SEX_FEMALE, "unknown": pb.SEX_UNKNOWN}


def proto_to_record(message: pb.SourceRecord) -> SourceRecord:
    return SourceRecord(**{name: getattr(message, name) for name in RECORD_FIELDS})


def record_to_proto(values: dict[str, str]) -> pb.SourceRecord:
    return pb.SourceRecord(**{name: values.get(name) or "" for name in RECORD_FIELDS})


def timestamp(value: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def _explanation(fields: tuple[FieldWeight, ...]) -> list[pb.FieldComparison]:
    return [pb.FieldComparison(field=f.field, level=f.level, weight=f.weight) for f in fields]


def outcome_to_proto(outcome: MatchOutcome) -> pb.MatchResponse:
    return pb.MatchResponse(
        source=outcome.source,
        source_record_id=outcome.source_record_id,
        decision=DECISIONS[outcome.decision],
        person_id=outcome.person_id or "",
        national_id=outcome.national_id or "",
        match_weight=outcome.match_weight or 0.0,
        prior_weight=outcome.prior_weight or 0.0,
        explanation=_explanation(outcome.explanation),
        candidates=[
            pb.Candidate(person_id=c.person_id, match_weight=c.match_weight, national_id=c.national_id or "")
            for c in outcome.candidates
        ],
        review_task_id=outcome.review_task_id or "",
        record_change=CHANGES[outcome.record_change],
        reason=outcome.reason,
        model_version=outcome.model_version,
        link_kind=LINK_KINDS.get(outcome.link_kind or "", pb.LINK_KIND_UNSPECIFIED),
        record_version=outcome.record_version,
    )


def person_to_proto(view: PersonView) -> pb.Person:
    return pb.Person(
        person_id=view.person_id,
        national_id=view.national_id or "",
        registry_backed=view.registry_backed,
        full_name=view.full_name,
        birth_date=view.birth_date or "",
        sex=SEXES.get(view.sex or "", pb.SEX_UNSPECIFIED),
        created_at=timestamp(view.created_at),
        records=[
            pb.RecordRef(
                source=r.source,
                source_record_id=r.source_record_id,
                link_kind=LINK_KINDS.get(r.link_kind, pb.LINK_KIND_UNSPECIFIED),
                match_weight=r.match_weight or 0.0,
            )
            for r in view.records
        ],
    )


def record_view_to_proto(view: RecordView) -> pb.GetRecordResponse:
    response = pb.GetRecordResponse(
        record=record_to_proto(view.raw),
        version=view.version,
        decision=DECISIONS[view.status],
        open_review_task_id=view.open_review_task_id or "",
        updated_at=timestamp(view.updated_at),
    )
    if view.link is not None:
        link = view.link
        response.link.CopyFrom(
            pb.Link(
                person_id=link.person_id,
                kind=LINK_KINDS.get(link.kind, pb.LINK_KIND_UNSPECIFIED),
                match_weight=link.match_weight or 0.0,
                explanation=_explanation(link.explanation),
                model_version=link.model_version,
                reason=link.reason,
                valid_from=timestamp(link.valid_from),
            )
        )
    return response
