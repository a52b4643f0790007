"""SQLite's own floor for writing what a bulk load keeps: no Python per row at all.

    .venv/bin/python -m benchmarks.write_floor --store STORE [--rounds 3]

STORE is a SQLite store a bulk load filled (`benchmarks.throughput --persons N` leaves one). Its rows,
every table, are copied by `INSERT … SELECT` inside SQLite into an empty store with the same schema and
indexes, in one transaction with the bulk load's settings (WAL, synchronous NORMAL, a 1 GB page cache);
then again with the secondary indexes built after the rows, the usual bulk-load order. The source is
read into the page cache first and never changed. Whatever runs the load, in whatever language, writes
at least these rows: the figures bound from below how fast a load that keeps them can be. JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.throughput import read_into_page_cache
from mpi.store.repository import BULK_CACHE_KIB


def copy_seconds(store: Path, target: Path, *, indexes_after: bool) -> tuple[float, dict[str, int]]:
    """Seconds to copy every row of `store` into a new store at `target`, and the rows per table."""
    source = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        objects = source.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        tables = [name for kind, name, _ in objects if kind == "table"]
        rows = {t: source.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        source.close()
    early = [sql for kind, _, sql in objects if kind == "table" or not indexes_after]
    late = [sql for kind, _, sql in objects if kind != "table" and indexes_after]
    copy = sqlite3.connect(f"file:{target}", uri=True, isolation_level=None)
    try:
        copy.execute("PRAGMA journal_mode=WAL")
        copy.execute("PRAGMA synchronous=NORMAL")
        copy.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        for sql in early:
            copy.execute(sql)
        copy.execute("ATTACH ? AS source", (f"file:{store}?mode=ro",))
        started = time.perf_counter()
        copy.execute("BEGIN")
        for table in tables:
            copy.execute(f'INSERT INTO main."{table}" SELECT * FROM source."{table}"')
        for sql in late:
            copy.execute(sql)
        copy.execute("COMMIT")
        return time.perf_counter() - started, rows
    finally:
        copy.close()


def measure(store: Path, rounds: int) -> dict[str, Any]:
    read_into_page_cache(store)
    results: dict[str, Any] = {"store": str(store)}
    with tempfile.TemporaryDirectory() as folder:
        for label, indexes_after in (("indexes_first_seconds", False), ("indexes_after_seconds", True)):
            seconds = []
            for i in range(rounds):
                elapsed, rows = copy_seconds(
                    store, Path(folder) / f"{label}{i}.sqlite3", indexes_after=indexes_after
                )
                seconds.append(round(elapsed, 2))
                results["rows"] = rows
            results[label] = seconds
    results["rows_total"] = sum(results["rows"].values())
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.store, args.rounds)))


if __name__ == "__main__":
    main()
