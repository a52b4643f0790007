"""The database: engines, schema migrations and transactions with bounded retries.

SQLite (the embedded default) runs in WAL mode; writers take the lock at BEGIN (`BEGIN IMMEDIATE`) so
two writers never deadlock half-way through a transaction, and readers use plain deferred transactions
that never block them. PostgreSQL is used as it is, with transaction-scoped advisory locks
(`lock_keys`) serializing writers that touch the same blocking keys.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from mpi.errors import StoreBusy

log = logging.getLogger(__name__)
T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, unique violation after a race.
_RETRYABLE_PG = {"40001", "40P01", "23505"}
MAX_ATTEMPTS = 8
# A server's SQLite checkpoints (copying the write-ahead log into the database file, with an fsync) run in
# a thread of their own every CHECKPOINT_SECONDS, not inside whichever commit crosses SQLite's 1,000-page
# mark: at a million persons commits paid ~2.7 ms on average for them, and Match's mean in process fell
# from 12.2 to about 10 ms with this thread. Under continuous writes the log is never started over (a
# writer does that only when it begins with nothing left to copy), so it grows to WAL_SAFETY_PAGES
# (~200 MB, ~1,860 matches) and a commit runs the checkpoint that completes; the thread's flushes keep
# that commit's sync short (_checkpoint_until).
CHECKPOINT_SECONDS = 1.0
WAL_SAFETY_PAGES = 50_000


class Database:
    """Engines for one database URL; `write`/`read` open a unit of work (a session in a transaction)."""

    def __init__(self, url: str, *, echo: bool = False, background_checkpoints: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        database = make_url(url).database if self.is_sqlite else None
        on_disk = database is not None and database != ":memory:"
        checkpoints = background_checkpoints and on_disk
        wal_pages = WAL_SAFETY_PAGES if checkpoints else None
        self.engine = _create_engine(url, echo=echo, immediate=True, wal_pages=wal_pages)
        # SQLite readers get their own engine whose transactions do not take the write lock.
        self.read_engine = (
            _create_engine(url, echo=echo, immediate=False, wal_pages=wal_pages)
            if self.is_sqlite
            else self.engine
        )
        self._lock_path = f"{database}.writer-lock" if on_disk else None
        self._lock_file: IO[bytes] | None = None
        self._thread_lock = threading.Lock()
        self._writing_here = False
        self._write_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        self._stop_checkpoints = threading.Event()
        self._checkpointer: threading.Thread | None = None
        if checkpoints:
            assert database is not None
            self._checkpointer = threading.Thread(
                target=_checkpoint_until, args=(database, self._stop_checkpoints), name="sqlite-checkpoint"
            )
            self._checkpointer.daemon = True
            self._checkpointer.start()

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent)."""
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.connect() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
            connection.commit()

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._writer_turn(), self._write_sessions() as session, session.begin():
            yield session

    def write_if_free(self, unit: Callable[[Session], T]) -> tuple[bool, T | None]:
        """SQLite: run `unit` in a write transaction if no writer holds or awaits the turn right now,
        else do nothing and say so — (True, its result) or (False, None) — so that a caller can do its
        lock-free work first (mpi.service.match). A lock time-out inside counts as busy: nothing of it
        was committed. PostgreSQL has no single writer: always (False, None)."""
        if not self.is_sqlite:
            return False, None
        with self._writer_turn(wait=False) as taken:
            if not taken:
                return False, None
            try:
                with self._write_sessions() as session, session.begin():
                    return True, unit(session)
            except OperationalError as exc:
                if self._retryable(exc):
                    return False, None
                raise

    def writing_here(self) -> bool:
        """SQLite on disk: a thread of this process has the writer's turn and is writing right now, not
        waiting for it (a moment's answer, for choosing how to wait for the turn)."""
        return self._writing_here

    @contextmanager
    def _writer_turn(self, *, wait: bool = True) -> Iterator[bool]:
        """SQLite has one writer at a time. Waiting writers queue here, on a thread lock and an flock on a
        file beside the database (every process of `mpi serve --processes` and the CLI), and each
        starts the moment the one before commits, instead of polling the database lock with SQLite's
        sleeping busy handler (which sleeps up to 100 ms a turn). Without `wait`, yields False at once
        when the turn is taken."""
        if self._lock_path is None:
            yield True
            return
        if not self._thread_lock.acquire(blocking=wait):
            yield False
            return
        try:
            if self._lock_file is None:
                self._lock_file = open(self._lock_path, "a+b")  # noqa: SIM115 (held for the engine's life)
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            self._writing_here = True
            try:
                yield True
            finally:
                self._writing_here = False
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session, session.begin():
            yield session

    def run_write(self, unit: Callable[[Session], T]) -> T:
        """Run `unit` in one write transaction; retry it whole on lock time-outs, deadlocks and races."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.write() as session:
                    return unit(session)
            except (OperationalError, IntegrityError, DBAPIError) as exc:
                if not self._retryable(exc) or attempt == MAX_ATTEMPTS:
                    if self._retryable(exc):
                        raise StoreBusy("the database stayed busy; try again") from exc
                    raise
                log.info("transaction retried", extra={"attempt": attempt, "error": type(exc.orig).__name__})
                time.sleep(min(0.5, 0.01 * 2**attempt))
        raise AssertionError("unreachable")

    def _retryable(self, exc: DBAPIError) -> bool:
        if self.is_sqlite:
            return isinstance(exc, OperationalError) and "locked" in str(exc.orig)
        return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_PG

    def lock_keys(self, session: Session, keys: Iterable[str]) -> None:
        """Serialize writers that share any key, until the transaction ends (PostgreSQL only: a
        SQLite writer already holds the whole database)."""
        if self.is_sqlite:
            return
        # All in one round trip (a record has about ten keys), in ascending order: two writers sharing
        # keys take them in the same order, so neither holds one the other waits for; unnest yields an
        # array's elements in order.
        key_ids = sorted({_key_id(k) for k in keys})
        session.connection().exec_driver_sql(_LOCK_KEYS, (key_ids,))

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._stop_checkpoints.set()
            self._checkpointer.join()
            self._checkpointer = None
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def _checkpoint_until(path: str, stop: threading.Event) -> None:
    """Passive checkpoints (they wait for no reader or writer) every CHECKPOINT_SECONDS until `stop`,
    each followed by a flush of the database file to disk.

    Under continuous writes a passive checkpoint never finds the log without new frames, and SQLite
    syncs the database file only after a checkpoint that copied every frame: the pages copied second
    after second stayed in the kernel's cache until the log reached WAL_SAFETY_PAGES and a commit ran
    the checkpoint that completes, whose one sync wrote all of them — that commit took ~350 ms at
    100,000 persons and 1.2 s at a million, once in ~1,860 matches. Flushed here, outside any lock, that
    sync has only the last second's pages left. (A flush never hurts SQLite: it only makes durable what
    the file already holds.)"""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    database = os.open(path, os.O_RDONLY)
    try:
        while not stop.wait(CHECKPOINT_SECONDS):
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as error:  # busy or locked now: the next turn tries again
                log.info("checkpoint skipped", extra={"error": type(error).__name__})
            try:
                os.fdatasync(database)
            except OSError as error:  # the disk's trouble, not this thread's: say so and keep going
                log.warning("database flush failed", extra={"error": error.strerror})
    finally:
        os.close(database)
        connection.close()


_LOCK_KEYS = "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k"


def _key_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def _create_engine(url: str, *, echo: bool, immediate: bool, wal_pages: int | None = None) -> Engine:
    if not url.startswith("sqlite"):
        pg = create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)

        @event.listens_for(pg, "connect")
        def _plan_once(dbapi_connection: Any, _record: Any) -> None:
            # The driver prepares a statement run five times on a connection (psycopg's default), and
            # PostgreSQL then chose to plan the candidate query (a union of one index read per key)
            # again at every run: 3.8 ms of a 9.8 ms match at 20,000 persons, 1.1 ms planned once.
            # The Match path's statements are equality reads and inserts, whose plan does not depend
            # on the values; statements run fewer times are not prepared and are planned as before.
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET plan_cache_mode = force_generic_plan")
            dbapi_connection.commit()

        return pg
    engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if wal_pages is not None:  # Database(background_checkpoints=True)
            cursor.execute(f"PRAGMA wal_autocheckpoint={wal_pages}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
