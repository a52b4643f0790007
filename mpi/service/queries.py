"""Read-only use cases: a person, a record, and the export of every record's current state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from matching import FieldWeight
from mpi.errors import NotFound
from mpi.service.clock import utc_now
from mpi.service.evidence import evidence_fields
from mpi.store import repository as repo
from mpi.store.database import Database
from mpi.store.models import REGISTRY_SOURCE, Link, Person, ReviewTask, SourceRecordRow

EXPORT_COLUMNS = (
    "source",
    "source_record_id",
    "person_id",
    "national_id",
    "status",
    "link_kind",
    "match_weight",
    "review_task_id",
    "model_version",
)


@dataclass(frozen=True, slots=True)
class LinkedRecord:
    source: str
    source_record_id: str
    link_kind: str
    match_weight: float | None


@dataclass(frozen=True, slots=True)
class PersonView:
    person_id: str
    national_id: str | None
    registry_backed: bool
    full_name: str
    birth_date: str | None
    sex: str | None
    status: str
    created_at: datetime
    records: tuple[LinkedRecord, ...]
    phone: str | None = None
    address: str | None = None
    merged_into: str | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class LinkView:
    person_id: str
    kind: str
    match_weight: float | None
    explanation: tuple[FieldWeight, ...]
    model_version: str
    reason: str
    valid_from: datetime


@dataclass(frozen=True, slots=True)
class RecordView:
    raw: dict[str, Any]
    version: int
    status: str  # linked | new_person | review
    updated_at: datetime
    link: LinkView | None
    open_review_task_id: str | None


class QueryService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def audit_read(self, actor: str, entity_type: str, entity_id: str) -> None:
        """Who looked at whom: reads of personal data are audited like changes."""

        def unit(session: Session) -> None:
            repo.audit(
                session,
                at=utc_now(),
                actor=actor,
                action=f"{entity_type}.read",
                entity_type=entity_type,
                entity_id=entity_id,
                reason="read through the API",
            )

        self.db.run_write(unit)

    def get_person(self, person_id: str, *, actor: str | None = None) -> PersonView:
        view = self._get_person(person_id)
        if actor is not None:
            self.audit_read(actor, "person", person_id)
        return view

    def _get_person(self, person_id: str) -> PersonView:
        with self.db.read() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFound("no person with that id")
            rows = session.execute(
                select(SourceRecordRow.source, SourceRecordRow.source_record_id, Link.kind, Link.match_weight)
                .join(Link, and_(Link.record_id == SourceRecordRow.id, Link.valid_to.is_(None)))
                .where(Link.person_id == person_id)
                .order_by(SourceRecordRow.source, SourceRecordRow.source_record_id)
            )
            return person_view(person, tuple(LinkedRecord(*r) for r in rows))

    def get_record(self, source: str, source_record_id: str, *, actor: str | None = None) -> RecordView:
        with self.db.read() as session:
            row = repo.find_record(session, source, source_record_id)
            if row is None:
                raise NotFound("no record with that source and source_record_id")
            view, record_id = _record_view(session, row), row.id
        if actor is not None:
            self.audit_read(actor, "record", str(record_id))
        return view


def person_view(person: Person, records: tuple[LinkedRecord, ...] = ()) -> PersonView:
    return PersonView(
        person.id,
        person.national_id,
        person.registry_backed,
        person.full_name,
        person.birth_date,
        person.sex,
        person.status,
        person.created_at,
        records,
        person.phone,
        person.address,
        person.merged_into,
        person.version,
    )


def _record_view(session: Session, row: SourceRecordRow) -> RecordView:
    link = repo.current_link(session, row.id)
    task = repo.open_review_task(session, row.id)
    link_view = None
    if link is not None:
        link_view = LinkView(
            link.person_id,
            link.kind,
            link.match_weight,
            evidence_fields(link.explanation),
            link.model_version,
            link.reason,
            link.valid_from,
        )
    status = link.decision if link is not None else "review"
    return RecordView(row.raw, row.version, status, row.updated_at, link_view, task.id if task else None)


def export_rows(db: Database, batch_size: int = 5000) -> Iterator[dict[str, Any]]:
    """One row per source record (registry rows excluded), in (source, source_record_id) order.

    status: `linked` (auto or manual link to an existing person), `new` (the record started a new person),
    `review` (a review task is open on it) — RECORD_SCHEMA.md.
    """
    query = (
        select(
            SourceRecordRow.source,
            SourceRecordRow.source_record_id,
            Link.person_id,
            Person.national_id,
            Link.decision,
            Link.kind,
            Link.match_weight,
            Link.model_version,
            ReviewTask.id,
        )
        .outerjoin(Link, and_(Link.record_id == SourceRecordRow.id, Link.valid_to.is_(None)))
        .outerjoin(Person, Person.id == Link.person_id)
        .outerjoin(ReviewTask, and_(ReviewTask.record_id == SourceRecordRow.id, ReviewTask.status == "open"))
        .where(SourceRecordRow.source != REGISTRY_SOURCE)
        .order_by(SourceRecordRow.source, SourceRecordRow.source_record_id)
        .execution_options(yield_per=batch_size)
    )
    with db.read() as session:
        for source, sid, person_id, nid, decision, kind, weight, model_version, task_id in session.execute(
            query
        ):
            yield {
                "source": source,
                "source_record_id": sid,
                "person_id": person_id or "",
                "national_id": nid or "",
                "status": {"linked": "linked", "new_person": "new"}.get(decision or "", "review"),
                "link_kind": kind or "",
                "match_weight": "" if weight is None else f"{weight:.3f}",
                "review_task_id": task_id or "",
                "model_version": model_version or "",
            }
