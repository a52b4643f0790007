"""Queries and writes on the tables, used inside a unit of work (a Session in a transaction)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from matching import CandidateProfile
from matching.identifiers import cccd_contradictions
from matching.normalize import dict_to_normalized
from mpi.store.models import AuditEvent, BlockingKey, KeepApart, Link, Person, ReviewTask, SourceRecordRow


def new_id() -> str:
    return uuid.uuid4().hex


def content_hash(raw: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def find_record(session: Session, source: str, source_record_id: str) -> SourceRecordRow | None:
    return session.scalars(
        select(SourceRecordRow).where(
            SourceRecordRow.source == source, SourceRecordRow.source_record_id == source_record_id
        )
    ).one_or_none()


def current_link(session: Session, record_id: int) -> Link | None:
    return session.scalars(
        select(Link).where(Link.record_id == record_id, Link.valid_to.is_(None))
    ).one_or_none()


def open_review_task(session: Session, record_id: int) -> ReviewTask | None:
    return session.scalars(
        select(ReviewTask)
        .where(ReviewTask.record_id == record_id, ReviewTask.status == "open")
        .order_by(ReviewTask.created_at.desc())
        .limit(1)
    ).one_or_none()


def person_by_national_id(session: Session, national_id: str) -> Person | None:
    return session.scalars(select(Person).where(Person.national_id == national_id)).one_or_none()


def replace_blocking_keys(session: Session, record_id: int, keys: Iterable[str]) -> None:
    session.execute(delete(BlockingKey).where(BlockingKey.record_id == record_id))
    rows = [{"key": key, "record_id": record_id} for key in keys]
    if rows:
        session.execute(insert(BlockingKey), rows)


def candidate_profiles(
    session: Session,
    keys: Sequence[str],
    *,
    exclude_record_id: int | None,
    cap: int,
    extra_person: str | None,
) -> list[CandidateProfile]:
    """Profiles of the linked records sharing a blocking key (at most `cap` per key), plus every
    profile of `extra_person` (the holder of the record's CCCD, so that it is never capped away)."""
    # One query for all keys, at most `cap` records from each (a window function: SQLite ≥ 3.25, PostgreSQL).
    ranked = (
        select(
            BlockingKey.record_id,
            func.row_number().over(partition_by=BlockingKey.key, order_by=BlockingKey.record_id).label("n"),
        )
        .where(BlockingKey.key.in_(keys))
        .subquery()
    )
    record_ids = set(session.scalars(select(ranked.c.record_id).where(ranked.c.n <= cap)))
    record_ids.discard(exclude_record_id)  # type: ignore[arg-type]
    query = (
        select(SourceRecordRow.normalized, Link.person_id, Person.national_id)
        .join(Link, (Link.record_id == SourceRecordRow.id) & Link.valid_to.is_(None))
        .join(Person, Person.id == Link.person_id)
    )
    condition: ColumnElement[bool] = SourceRecordRow.id.in_(record_ids)
    if extra_person is not None:
        condition = condition | (Link.person_id == extra_person)
    if exclude_record_id is not None:
        condition = condition & (SourceRecordRow.id != exclude_record_id)
    if not record_ids and extra_person is None:
        return []
    return [
        CandidateProfile(person_id, national_id, dict_to_normalized(normalized))
        for normalized, person_id, national_id in session.execute(query.where(condition))
    ]


def cccd_claims(session: Session, person_id: str) -> dict[str, set[str]]:
    """CCCD → the senders whose current records of this person carry it, self-consistently."""
    claims: dict[str, set[str]] = {}
    rows = session.execute(
        select(SourceRecordRow.source, SourceRecordRow.normalized)
        .join(Link, (Link.record_id == SourceRecordRow.id) & Link.valid_to.is_(None))
        .where(Link.person_id == person_id)
    )
    for source, normalized in rows:
        rec = dict_to_normalized(normalized)
        if rec.cccd is not None and not cccd_contradictions(rec.cccd, rec.birth_date, rec.sex):
            claims.setdefault(rec.cccd, set()).add(source)
    return claims


def kept_apart_from_record(session: Session, record_id: int) -> dict[str, int | None]:
    """Persons a reviewer kept this record apart from → the record version the reviewer saw."""
    rows = session.execute(
        select(KeepApart.person_id, KeepApart.record_version).where(
            KeepApart.record_id == record_id, KeepApart.revoked_at.is_(None)
        )
    )
    return {person_id: version for person_id, version in rows}


def current_records(session: Session, person_id: str) -> list[tuple[SourceRecordRow, Link]]:
    rows = session.execute(
        select(SourceRecordRow, Link)
        .join(Link, (Link.record_id == SourceRecordRow.id) & Link.valid_to.is_(None))
        .where(Link.person_id == person_id)
        .order_by(SourceRecordRow.id)
    )
    return [(row, link) for row, link in rows]


def close_link(session: Session, link: Link, at: datetime) -> None:
    link.valid_to = at


def live_link_count(session: Session, person_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Link).where(Link.person_id == person_id, Link.valid_to.is_(None))
        )
        or 0
    )


def supersede_open_tasks(session: Session, record_id: int, at: datetime) -> list[str]:
    ids = list(
        session.scalars(
            select(ReviewTask.id).where(ReviewTask.record_id == record_id, ReviewTask.status == "open")
        )
    )
    if ids:
        session.execute(
            update(ReviewTask)
            .where(ReviewTask.id.in_(ids))
            .values(status="superseded", resolved_at=at, version=ReviewTask.version + 1)
        )
    return ids


def audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    reason: str,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=at,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            reason=reason,
            details=details or {},
        )
    )


def audit_person(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    person_id: str,
    reason: str,
    details: dict[str, Any] | None = None,
) -> None:
    audit(
        session,
        at=at,
        actor=actor,
        action=action,
        entity_type="person",
        entity_id=person_id,
        reason=reason,
        details=details,
    )
