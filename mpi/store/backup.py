"""Backup and restore of the embedded SQLite store, online and consistent.

SQLite's backup API copies the database page by page inside a read transaction, so writers may go on
while it runs and the copy is the state at one instant (WAL included). PostgreSQL has its own tools,
which do the same at scale: `pg_dump -Fc DB > mpi.dump` and `pg_restore -d DB mpi.dump` (or continuous
archiving with pg_basebackup for point-in-time recovery).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise BackupError(
            "mpi backup copies the embedded SQLite store; for PostgreSQL use pg_dump -Fc and pg_restore"
        )
    return Path(parsed.database)


def backup(url: str, target: Path) -> int:
    """Copy the live database to `target` (a new file); returns its size in bytes."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"{source_path}: no database there")
    if target.exists():
        raise BackupError(f"{target}: exists already; choose a new file")
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target.stat().st_size


def restore(url: str, backup_file: Path, *, force: bool = False) -> None:
    """Replace the database at `url` with the backup (online: writers wait on the lock meanwhile)."""
    target_path = sqlite_path(url)
    if not backup_file.exists():
        raise BackupError(f"{backup_file}: no such backup")
    with sqlite3.connect(backup_file) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{backup_file}: the backup fails SQLite's integrity check")
    if target_path.exists() and not force:
        raise BackupError(f"{target_path}: a database is there; pass --force to replace it")
    with sqlite3.connect(backup_file) as source, sqlite3.connect(target_path) as target:
        source.backup(target)
