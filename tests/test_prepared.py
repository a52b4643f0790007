"""Statements run on the driver's cursor (mpi.store.prepared) read and write what SQLAlchemy would, and
fail as SQLAlchemy fails, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from mpi.store.database import Database
from mpi.store.models import AuditEvent, Person
from mpi.store.prepared import Prepared

NOW = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _person(person_id: str, national_id: str | None) -> dict[str, object]:
    return {
        "id": person_id,
        "national_id": national_id,
        "registry_backed": False,
        "full_name": "Nguyễn Văn A",
        "birth_date": "1990",
        "sex": None,
        "phone": None,
        "address": None,
        "status": "active",
        "merged_into": None,
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }


def test_values_round_trip_through_the_column_types(db: Database) -> None:
    audit = Prepared(insert(AuditEvent.__table__))
    read = Prepared(
        select(AuditEvent.at, AuditEvent.details, AuditEvent.reason).where(
            AuditEvent.entity_id == bindparam("entity")
        )
    )
    details = {"record_id": 7, "note": "đã xem", "nested": [1, None]}
    with db.write() as session:
        audit.run(
            session,
            {
                "at": NOW,
                "actor": "test",
                "action": "link.created",
                "entity_type": "record",
                "entity_id": "7",
                "reason": "why",
                "details": details,
            },
        )
    with db.read() as session:
        assert read.rows(session, {"entity": "7"}) == [(NOW, details, "why")]
        # SQLAlchemy's own reading of the same row agrees
        orm = session.scalars(select(AuditEvent).where(AuditEvent.entity_id == "7")).one()
        assert (orm.at, orm.details) == (NOW, details)


def test_an_insert_that_would_leave_out_a_python_default_is_refused(db: Database) -> None:
    values = _person("p1", None)
    del values["status"]  # the column's default is Python-side: a raw insert would store NULL
    with db.write() as session, pytest.raises(ValueError, match="status"):
        Prepared(insert(Person.__table__)).run(session, values)


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(db: Database) -> None:
    add = Prepared(insert(Person.__table__))
    with db.write() as session:
        add.run_many(session, [_person("p1", "001090000001")])
    with pytest.raises(IntegrityError), db.write() as session:  # the unique national ID
        add.run(session, _person("p2", "001090000001"))
    with db.read() as session:
        assert session.scalars(select(Person.id)).all() == ["p1"]


def test_on_postgresql_a_prepared_statement_is_planned_once(db: Database) -> None:
    """The driver prepares a statement it runs often; PostgreSQL is told to keep one plan for it
    instead of planning it again each run (the candidate query's planning cost more than its run)."""
    if db.is_sqlite:
        pytest.skip("SQLite plans each statement once per connection anyway")
    for _ in range(3):  # connections of the pool, new and reused
        with db.write() as session:
            assert (
                session.connection().exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_generic_plan"
            )
