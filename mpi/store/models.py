"""SQLAlchemy models: the tables of the index.

- `source_records` (+ `record_versions`): what senders sent, keyed by (source, source_record_id); a
  re-send with other values adds a version, an identical one adds nothing.
- `persons`: master identities; `national_id` unique when set; `registry_backed` when a population
  registry row vouches for it.
- `links`: record → person with kind, weight, explanation and model version. Superseded (valid_to set),
  never deleted; at most one current link per record.
- `review_tasks`, `audit_events`, and `blocking_keys` (the indexed keys for candidate retrieval).

Registry rows are stored as source records of the reserved source `@registry` (a name no sender can
use: `@` is outside the source alphabet), so one scoring path serves both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

REGISTRY_SOURCE = "@registry"


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps in UTC, aware on the way out on every engine (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets 64-bit keys.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    national_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    registry_backed: Mapped[bool] = mapped_column(Boolean, default=False)
    full_name: Mapped[str] = mapped_column(String(255))
    birth_date: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | merged | retired
    merged_into: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SourceRecordRow(Base):
    __tablename__ = "source_records"
    __table_args__ = (UniqueConstraint("source", "source_record_id", name="uq_source_records_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    source_record_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    normalized: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RecordVersion(Base):
    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("record_id", "version", name="uq_record_versions"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("source_records.id"))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Link(Base):
    __tablename__ = "links"
    __table_args__ = (
        Index(
            "uq_links_current_record",
            "record_id",
            unique=True,
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),
        Index(
            "ix_links_current_person",
            "person_id",
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),
        Index("ix_links_record_history", "record_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("source_records.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(16))  # auto | manual | registry
    decision: Mapped[str] = mapped_column(String(16))  # linked | new_person
    match_weight: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)  # see mpi.service.evidence
    model_version: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(128))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ReviewTask(Base):
    __tablename__ = "review_tasks"
    __table_args__ = (
        Index("ix_review_tasks_queue", "status", "priority", "created_at", "id"),
        Index("ix_review_tasks_record", "record_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # open | resolved | superseded
    priority: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("source_records.id"))
    candidate_person_ids: Mapped[list[Any]] = mapped_column(JSON)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(128))
    # What the resolution did, so that it can be undone exactly (mpi.service.review).
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A second person a task is about (possible duplicate persons, registry mismatch).
    person_id: Mapped[str | None] = mapped_column(String(32))
    # Copied from the record for the queue's filters.
    source: Mapped[str | None] = mapped_column(String(64))
    province_code: Mapped[str | None] = mapped_column(String(3))


class AuditEvent(Base):
    """Who did what to which ids, when and why. Ids only: no personal data in an event."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class BlockingKey(Base):
    __tablename__ = "blocking_keys"
    __table_args__ = (Index("ix_blocking_keys_record", "record_id"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("source_records.id"), primary_key=True)


class ModelRow(Base):
    """A trained model version (matching.model_to_dict as JSON). At most one is active."""

    __tablename__ = "models"
    __table_args__ = (Index("ix_models_active", "active"),)

    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(128))


class KeepApart(Base):
    """A reviewer's "these are different humans": a record and a person, or two persons. Matching never
    proposes the pair again while it stands; `record_version` is the version of the record the reviewer
    saw, so a newer version is new evidence (and says so)."""

    __tablename__ = "keep_apart"
    __table_args__ = (
        Index("ix_keep_apart_record", "record_id"),
        Index("ix_keep_apart_person", "person_id"),
        Index("ix_keep_apart_other", "other_person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("source_records.id"))
    record_version: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    other_person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"))
    task_id: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
