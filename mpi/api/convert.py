"""Protobuf messages ⇄ domain values. The only module that knows both."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from matching import RECORD_FIELDS, FieldWeight, SourceRecord
from mpi.service.outcome import MatchOutcome, RecordChange
from mpi.service.queries import PersonView, RecordView, person_view
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
        phone=view.phone or "",
        address=view.address or "",
        status=view.status,
        merged_into=view.merged_into or "",
        version=view.version,
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


TASK_TYPES = {
    "possible_match": pb.REVIEW_TASK_TYPE_POSSIBLE_MATCH,
    "ambiguous": pb.REVIEW_TASK_TYPE_AMBIGUOUS,
    "national_id_conflict": pb.REVIEW_TASK_TYPE_NATIONAL_ID_CONFLICT,
    "registry_mismatch": pb.REVIEW_TASK_TYPE_REGISTRY_MISMATCH,
    "possible_duplicate_persons": pb.REVIEW_TASK_TYPE_POSSIBLE_DUPLICATE_PERSONS,
}
TASK_TYPE_NAMES = {v: k for k, v in TASK_TYPES.items()}
TASK_STATUSES = {
    "open": pb.REVIEW_TASK_STATUS_OPEN,
    "resolved": pb.REVIEW_TASK_STATUS_RESOLVED,
    "superseded": pb.REVIEW_TASK_STATUS_SUPERSEDED,
}
TASK_STATUS_NAMES = {v: k for k, v in TASK_STATUSES.items()}
ACTION_NAMES = {
    pb.RESOLUTION_ACTION_LINK: "link",
    pb.RESOLUTION_ACTION_KEEP_APART: "keep_apart",
    pb.RESOLUTION_ACTION_MERGE: "merge",
    pb.RESOLUTION_ACTION_SPLIT: "split",
}


def record_key(source: str, source_record_id: str) -> pb.RecordKey:
    return pb.RecordKey(source=source, source_record_id=source_record_id)


def task_summary(task: Any, record_key_of: Any = None) -> pb.ReviewTaskSummary:
    summary = pb.ReviewTaskSummary(
        task_id=task.id,
        type=TASK_TYPES.get(task.type, pb.REVIEW_TASK_TYPE_UNSPECIFIED),
        status=TASK_STATUSES.get(task.status, pb.REVIEW_TASK_STATUS_UNSPECIFIED),
        priority=task.priority,
        reason=task.reason,
        candidate_person_ids=list(task.candidate_person_ids),
        created_at=timestamp(task.created_at),
        version=task.version,
    )
    if record_key_of is not None:
        summary.record.CopyFrom(record_key(record_key_of.source, record_key_of.source_record_id))
    return summary


def task_view_to_proto(view: Any) -> pb.ReviewTask:
    message = pb.ReviewTask(
        summary=task_summary(view.task, view.record_key),
        resolution=json.dumps(view.task.resolution) if view.task.resolution else "",
        resolved_by=view.task.resolved_by or "",
    )
    if view.task.resolved_at is not None:
        message.resolved_at.CopyFrom(timestamp(view.task.resolved_at))
    if view.record is not None:
        message.record.CopyFrom(record_to_proto(view.record.raw))
    if view.person is not None:
        message.person.CopyFrom(person_to_proto(person_view(view.person)))
    for candidate in view.candidates:
        item = message.candidates.add(
            person=person_to_proto(person_view(candidate.person)), match_weight=candidate.match_weight
        )
        if candidate.best_record is not None:
            item.best_record.CopyFrom(
                record_key(candidate.best_record.source, candidate.best_record.source_record_id)
            )
        for f in candidate.fields:
            item.fields.add(
                field=f.field,
                record_value=f.record_value,
                candidate_value=f.candidate_value,
                record_normalized=f.record_normalized,
                candidate_normalized=f.candidate_normalized,
                level=f.level,
                weight=f.weight,
                differs=f.differs,
            )
    return message


def history_to_proto(events: Any) -> pb.GetPersonHistoryResponse:
    response = pb.GetPersonHistoryResponse()
    for e in events:
        item = response.events.add(
            at=timestamp(e.at),
            actor=e.actor,
            action=e.action,
            reason=e.reason,
            model_version=e.model_version,
            link_kind=LINK_KINDS.get(e.link_kind, pb.LINK_KIND_UNSPECIFIED),
            match_weight=e.match_weight or 0.0,
            other_person_id=e.other_person_id,
        )
        if e.record is not None:
            item.record.CopyFrom(record_key(e.record.source, e.record.source_record_id))
    return response
