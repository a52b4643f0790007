"""Queries and writes on the tables, used inside a unit of work (a Session in a transaction)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import islice
from typing import Any, NamedTuple, TypeVar
from typing import cast as typed

from sqlalchemy import (
    JSON,
    Insert,
    Table,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    text,
    union,
    union_all,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from matching import CandidateProfile
from matching.normalize import NormalizedRecord, dict_to_normalized
from mpi.store.models import (
    AuditEvent,
    BlockingKey,
    KeepApart,
    Link,
    Person,
    RecordVersion,
    ReviewTask,
    SourceRecordRow,
)
from mpi.store.prepared import Prepared

T = TypeVar("T")


# The Match path runs Core statements built once here on the session's connection: the ORM's unit of work
# costs more than the database itself for the few rows one match writes (benchmarks/throughput.py).
def _table(model: type[Any]) -> Table:
    return typed(Table, model.__table__)


_records, _links, _persons = _table(SourceRecordRow), _table(Link), _table(Person)
_INSERT_RECORD = insert(_records)
_INSERT_VERSION = insert(_table(RecordVersion))
_INSERT_KEYS = insert(_table(BlockingKey))
_INSERT_PERSON = insert(_persons)
_INSERT_LINK = insert(_links)
_INSERT_TASK = insert(_table(ReviewTask))
_INSERT_AUDIT = insert(_table(AuditEvent))
# The same one row at a time, on the Match path (mpi.store.prepared).
_ADD_RECORD = Prepared(insert(_records).returning(_records.c.id))
_ADD_VERSION, _ADD_KEYS = Prepared(_INSERT_VERSION), Prepared(_INSERT_KEYS)
_ADD_PERSON, _ADD_LINK = Prepared(_INSERT_PERSON), Prepared(_INSERT_LINK)
_ADD_TASK, _ADD_AUDIT = Prepared(_INSERT_TASK), Prepared(_INSERT_AUDIT)


@lru_cache(maxsize=64)
def _candidate_query(key_count: int) -> Prepared:
    """Profiles of the records sharing a blocking key, plus every record of the person holding `cccd`;
    minus the record being matched. A key shared by more than `cap` records is left out whole: it is too
    common to tell anyone apart ("nguyen van" born in 1985 at national scale), and taking an arbitrary
    `cap` of it would be a lottery. Each key reads at most cap + 1 index entries (enough to know it is
    too big), so a match costs the same at a million persons as at a thousand; one statement per number
    of keys, built once."""
    keys = _table(BlockingKey)
    per_key = [
        select(keys.c.key, keys.c.record_id)
        .where(keys.c.key == bindparam(f"k{i}"))
        .limit(bindparam("over_cap"))
        .subquery()
        for i in range(key_count)
    ]
    # A CTE, read once: as a subquery it was inlined twice (the ids and the size check), every index
    # lookup done twice — 2.4× the time of the whole statement on SQLite.
    hits = union_all(*(select(part.c.key, part.c.record_id) for part in per_key)).cte("hits")
    small = select(hits.c.key).group_by(hits.c.key).having(func.count() <= bindparam("cap"))
    holder = _links.alias("holder_links")
    ids = union(
        select(hits.c.record_id).where(hits.c.key.in_(small)),
        select(holder.c.record_id)
        .join(_persons, _persons.c.id == holder.c.person_id)
        .where(_persons.c.national_id == bindparam("cccd"), holder.c.valid_to.is_(None)),
    ).subquery()
    return Prepared(
        select(cast(_records.c.normalized, Text), _links.c.person_id, _persons.c.national_id)
        .select_from(ids)
        .join(_records, _records.c.id == ids.c.record_id)
        .join(_links, (_links.c.record_id == _records.c.id) & _links.c.valid_to.is_(None))
        .join(_persons, _persons.c.id == _links.c.person_id)
        .where(_records.c.id != bindparam("exclude"))
    )


GOLDEN_COLUMNS = ("full_name", "birth_date", "sex", "phone", "address", "national_id")
# A person's current records with its golden columns on each row: what the Match path's refresh of a
# person (golden values, CCCD corroboration) reads, in one statement.
_PERSON_WITH_RECORDS = Prepared(
    select(
        _records.c.id,
        _records.c.source,
        _records.c.normalized,
        _records.c.raw,
        _records.c.updated_at,
        *(_persons.c[name] for name in GOLDEN_COLUMNS),
    )
    .join(_links, (_links.c.record_id == _records.c.id) & _links.c.valid_to.is_(None))
    .join(_persons, _persons.c.id == _links.c.person_id)
    .where(_links.c.person_id == bindparam("person_id"))
)
# Built once (a statement built per call costs its compilation, ~1 ms): every golden column is set.
_SET_GOLDEN = Prepared(
    update(_persons)
    .where(_persons.c.id == bindparam("person_id"))
    .values(
        {
            **{name: bindparam(f"new_{name}") for name in GOLDEN_COLUMNS},
            "version": _persons.c.version + 1,
            "updated_at": bindparam("now"),
        }
    )
)


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


@dataclass(frozen=True, slots=True)
class RecordState:
    id: int
    version: int
    content_hash: str


# The index size and the record's state in one statement: every Match reads both first.
_INDEX_SIZE = select(func.coalesce(func.max(_records.c.id), 0).label("size"))
_sized = _INDEX_SIZE.subquery()
_ARRIVAL = Prepared(
    select(_sized.c.size, _records.c.id, _records.c.version, _records.c.content_hash).select_from(
        _sized.outerjoin(
            _records,
            (_records.c.source == bindparam("source")) & (_records.c.source_record_id == bindparam("sid")),
        )
    )
)


def arrival(session: Session, source: str, source_record_id: str) -> tuple[RecordState | None, int]:
    """The state of the record stored under (source, source_record_id), if any, and index_size()."""
    ((size, *state),) = _ARRIVAL.rows(session, {"source": source, "sid": source_record_id})
    return (RecordState(*state) if state[0] is not None else None), int(size)


NewRecordRows = tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]


def new_record_rows(
    record_id: int | None,
    *,
    raw: dict[str, str],
    normalized: dict[str, Any],
    content_hash: str,
    keys: Sequence[str],
    now: datetime,
) -> NewRecordRows:
    """A record seen for the first time: its row, its first version and its blocking keys (the row
    without an id when the store assigns it)."""
    row = {
        "source": raw["source"],
        "source_record_id": raw["source_record_id"],
        "version": 1,
        "content_hash": content_hash,
        "raw": raw,
        "normalized": normalized,
        "created_at": now,
        "updated_at": now,
    }
    if record_id is not None:
        row["id"] = record_id
    version = {
        "record_id": record_id,
        "version": 1,
        "content_hash": content_hash,
        "raw": raw,
        "created_at": now,
    }
    return row, version, [{"key": key, "record_id": record_id} for key in keys]


def insert_record(session: Session, **values: Any) -> int:
    """Store a record seen for the first time (new_record_rows' keywords); its id."""
    row, version, keys = new_record_rows(None, **values)
    ((record_id,),) = _ADD_RECORD.rows(session, row)
    _ADD_VERSION.run(session, {**version, "record_id": record_id})
    _ADD_KEYS.run_many(session, [{**k, "record_id": record_id} for k in keys])
    return record_id


def index_size(session: Session) -> int:
    """The records in the index, read as the highest record id (the primary key's end, not a count):
    what the model's prior is sized by (Model.for_index). The bulk load's ordinal is the same number."""
    return int(session.connection().execute(_INDEX_SIZE).scalar_one())


def has_records(session: Session) -> bool:
    return session.connection().execute(select(_records.c.id).limit(1)).first() is not None


BULK_CHUNK = 5_000
BULK_CACHE_KIB = 1_048_576
_MOVE_RECORD_IDS_PAST = text(
    "SELECT setval(pg_get_serial_sequence('source_records', 'id'), max(id)) FROM source_records"
)


def _chunks(rows: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, BULK_CHUNK)):
        yield chunk


def bulk_insert(
    session: Session,
    *,
    persons: Iterable[dict[str, Any]],
    records: Iterable[NewRecordRows],
    links: Iterable[dict[str, Any]],
    tasks: Iterable[dict[str, Any]],
    audits: Iterable[dict[str, Any]],
) -> None:
    """The rows of a bulk load (mpi.service.bulk) in chunks, by executemany (COPY on PostgreSQL);
    records carry their ids (rows, first versions, blocking keys), so the id sequence is moved past
    them afterwards."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    write = _copy if postgres else _insert_many
    with _bulk_page_cache(connection):
        for chunk in _chunks(persons):
            write(connection, _INSERT_PERSON, chunk)
        for batch in _chunks(records):
            write(connection, _INSERT_RECORD, [row for row, _, _ in batch])
            write(connection, _INSERT_VERSION, [version for _, version, _ in batch])
            write(connection, _INSERT_KEYS, [key for _, _, keys_of in batch for key in keys_of])
        if postgres:
            connection.execute(_MOVE_RECORD_IDS_PAST)
        for statement, rows in ((_INSERT_LINK, links), (_INSERT_TASK, tasks), (_INSERT_AUDIT, audits)):
            for chunk in _chunks(rows):
                write(connection, statement, chunk)


def _insert_many(connection: Connection, statement: Insert, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(statement, rows)


def _copy(connection: Connection, statement: Insert, rows: list[dict[str, Any]]) -> None:
    """The rows by PostgreSQL's COPY, which parses them in bulk where an INSERT runs once a row: JSON
    values serialized as the engine serializes them, the others through their column type's own bind
    processor (UTC timestamps), and the columns' Python-side defaults filled in as the INSERT fills
    them. Every row has the first row's keys."""
    if not rows:
        return
    table, dialect = statement.table, connection.dialect
    defaults = {
        c.name: typed(Any, c.default).arg
        for c in table.columns
        if c.name not in rows[0] and c.default is not None and c.default.is_scalar
    }
    given = list(rows[0])
    names = [*given, *defaults]
    processors = [_copy_processor(table.c[name].type, dialect) for name in names]
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            values = [*(row[name] for name in given), *defaults.values()]
            copy.write_row([v if p is None else p(v) for p, v in zip(processors, values, strict=True)])


def _copy_processor(column_type: Any, dialect: Any) -> Any:
    if isinstance(column_type, JSON):  # the driver adapts JSON for INSERT itself, not for COPY
        serialize = getattr(dialect, "_json_serializer", None) or json.dumps
        none_as_null = column_type.none_as_null  # else None is stored as JSON null, as INSERT stores it
        return lambda value: None if value is None and none_as_null else serialize(value)
    return column_type.bind_processor(dialect)


@contextmanager
def _bulk_page_cache(connection: Connection) -> Iterator[None]:
    """One bulk transaction touches every page of the keys' and persons' indexes in random order: with
    SQLite's default 2 MB page cache it reads them back from the OS again and again. A larger cache for
    this transaction only (the connection goes back to the pool): inserts 35.1 -> 27.6 s at 100,000
    persons."""
    if connection.dialect.name != "sqlite":
        yield
        return
    default = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={default}")


def insert_person(session: Session, values: dict[str, Any]) -> None:
    _ADD_PERSON.run(session, values)


def insert_link(session: Session, values: dict[str, Any]) -> None:
    _ADD_LINK.run(session, values)


def insert_review_task(session: Session, values: dict[str, Any]) -> None:
    _ADD_TASK.run(
        session,
        {
            "version": 1,
            "resolved_at": None,
            "resolved_by": None,
            "resolution": None,
            "person_id": None,
            **values,
        },
    )


class PersonRecord(NamedTuple):
    """A current record of a person, as survivorship (golden_values) reads it."""

    id: int
    source: str
    normalized: dict[str, Any]
    raw: dict[str, str]
    updated_at: datetime


def person_with_records(session: Session, person_id: str) -> tuple[dict[str, Any], list[PersonRecord]]:
    """The person's golden columns (GOLDEN_COLUMNS; empty when it has no current record) and its current
    records."""
    rows = _PERSON_WITH_RECORDS.rows(session, {"person_id": person_id})
    golden = dict(zip(GOLDEN_COLUMNS, rows[0][5:], strict=True)) if rows else {}
    return golden, [PersonRecord(*row[:5]) for row in rows]


def set_golden(session: Session, person_id: str, golden: dict[str, Any], now: datetime) -> None:
    """Set every golden column of a person (GOLDEN_COLUMNS) and count a new version of it."""
    _SET_GOLDEN.run(
        session,
        {"person_id": person_id, "now": now, **{f"new_{k}": golden[k] for k in GOLDEN_COLUMNS}},
    )


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


def holder_of(session: Session, national_id: str) -> str | None:
    """The id of the person holding this national ID, if any."""
    return (
        session.connection()
        .execute(select(_persons.c.id).where(_persons.c.national_id == national_id))
        .scalar_one_or_none()
    )


def replace_blocking_keys(session: Session, record_id: int, keys: Iterable[str]) -> None:
    session.execute(delete(BlockingKey).where(BlockingKey.record_id == record_id))
    rows = [{"key": key, "record_id": record_id} for key in keys]
    if rows:
        session.execute(insert(BlockingKey), rows)


CandidateRows = frozenset[
    tuple[str, str, str | None]
]  # (stored profile as JSON text, person, its national ID)


def candidate_rows(
    session: Session,
    keys: Sequence[str],
    *,
    exclude_record_id: int | None,
    cap: int,
    cccd: str | None,
) -> CandidateRows:
    """The linked records sharing a blocking key of at most `cap` records, plus every record of the
    person holding `cccd` (_candidate_query), as comparable rows: two reads that return the same rows
    lead to the same decision."""
    if not keys:  # every record has at least its name key (matching.blocking)
        return frozenset()
    params: dict[str, Any] = {f"k{i}": key for i, key in enumerate(keys)}
    params.update(cap=cap, over_cap=cap + 1, cccd=cccd, exclude=exclude_record_id or -1)
    rows = _candidate_query(len(keys)).rows(session, params)
    return frozenset((text_, person_id, national_id) for text_, person_id, national_id in rows)


def candidate_profiles(rows: CandidateRows) -> list[CandidateProfile]:
    return [
        CandidateProfile(person_id, national_id, _profile(normalized))
        for normalized, person_id, national_id in rows
    ]


# A stored record version never changes, so its profile, read once, serves every later match that
# meets it (common-name blocks meet the same records again and again): parsing was a third of a
# match's work. About 1.3 KB an entry with its key (measured): 43 MB when full.
PROFILE_CACHE = 32_768


@lru_cache(maxsize=PROFILE_CACHE)
def _profile(normalized: str) -> NormalizedRecord:
    return dict_to_normalized(json.loads(normalized))


def kept_apart_from_record(session: Session, record_id: int) -> dict[str, int | None]:
    """Persons a reviewer kept this record apart from → the record version the reviewer saw."""
    rows = session.connection().execute(
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


def audit_row(
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    reason: str,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An audit event's columns: ids only, no personal data."""
    return {
        "at": at,
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "reason": reason,
        "details": details or {},
    }


def audit(session: Session, **event: Any) -> None:
    """Record an audit event (audit_row's keywords) in the session's transaction."""
    _ADD_AUDIT.run(session, audit_row(**event))


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
