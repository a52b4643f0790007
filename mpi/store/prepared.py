"""Statements of the Match path, compiled once per dialect and run on the driver's cursor.

SQLAlchemy's `Connection.execute` costs about 80 µs a statement here (cache key, execution context,
result wrapper), against about 5 µs for SQLite's own work on an indexed read and 36 µs through
`exec_driver_sql` (measured on the record-state read); a match runs ten statements. The statements stay
SQLAlchemy Core, compiled by SQLAlchemy for the session's dialect; binds and results go through the
column types' own processors (JSON, UTC timestamps), and a driver error is raised as SQLAlchemy raises
it (`DBAPIError.instance`), so the retries of `Database.run_write` see what they always saw. The
statement runs on the session's connection, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None  # bind names in order for a positional paramstyle, else None
    binds: dict[str, tuple[Any, Processor]]  # name → (its value when the caller gives none, processor)
    results: tuple[Processor, ...]

    def parameters(self, values: Mapping[str, Any]) -> Any:
        out = {}
        for name, (default, process) in self.binds.items():
            value = values.get(name, default)
            out[name] = value if process is None else process(value)
        return out if self.positions is None else tuple(out[name] for name in self.positions)


class Prepared:
    """One Core statement: `rows` for a read, `run` and `run_many` for writes."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, frozenset[str]], _Compiled] = {}

    def rows(self, session: Session, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        compiled, cursor = self._execute(session, values, many=False)
        rows = cursor.fetchall()
        cursor.close()
        if not any(compiled.results):
            return rows  # type: ignore[no-any-return]
        return [
            tuple(p(v) if p is not None else v for p, v in zip(compiled.results, row, strict=True))
            for row in rows
        ]

    def run(self, session: Session, values: Mapping[str, Any]) -> None:
        self._execute(session, values, many=False)[1].close()

    def run_many(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self._execute(session, rows, many=True)[1].close()

    def _execute(self, session: Session, values: Any, *, many: bool) -> tuple[_Compiled, Any]:
        connection = session.connection()
        dialect = connection.dialect
        compiled = self._for(dialect, frozenset(values[0] if many else values))
        parameters = [compiled.parameters(v) for v in values] if many else compiled.parameters(values)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            if many:
                cursor.executemany(compiled.sql, parameters)
            else:
                cursor.execute(compiled.sql, parameters)
        except dialect.loaded_dbapi.Error as error:
            cursor.close()
            raise DBAPIError.instance(
                compiled.sql, parameters, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        return compiled, cursor

    def _for(self, dialect: Dialect, keys: frozenset[str]) -> _Compiled:
        cache_key = (dialect.name, keys)
        if (found := self._compiled.get(cache_key)) is not None:
            return found
        if isinstance(self.statement, Insert):
            table = self.statement.table
            missing = [c.key for c in table.columns if getattr(c, "default", None) and c.key not in keys]
            if missing:  # a Python-side default would be left out: the caller must give it
                raise ValueError(f"{table} insert without {missing}")
        compiled = self.statement.compile(dialect=dialect, column_keys=sorted(keys))
        assert isinstance(compiled, SQLCompiler)
        binds: dict[str, tuple[Any, Processor]] = {
            name: (
                bind.value if bind.callable is None else bind.callable(),
                bind.type.dialect_impl(dialect).bind_processor(dialect),
            )
            for name, bind in ((compiled.bind_names[b], b) for b in compiled.binds.values())
        }
        columns = getattr(self.statement, "selected_columns", ())
        results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
        positional = compiled.positiontup if dialect.positional else None
        found = _Compiled(compiled.string, tuple(positional) if positional else None, binds, results)
        self._compiled[cache_key] = found
        return found
