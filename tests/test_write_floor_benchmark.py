"""benchmarks.write_floor copies every row of a loaded store, indexes and all, and leaves it unchanged."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from benchmarks.synthetic import make_population
from benchmarks.write_floor import copy_seconds, measure
from mpi.intake.items import IntakeItem
from mpi.service.bulk import bulk_load
from mpi.service.model_registry import shipped_model
from mpi.store.database import Database


def _loaded_store(folder: Path) -> Path:
    store = folder / "index.sqlite3"
    db = Database(f"sqlite:///{store}")
    db.migrate()
    records = make_population(200, seed=5).records
    bulk_load(
        db, shipped_model(), [IntakeItem(f"line {i}", r) for i, r in enumerate(records)], actor="t", workers=1
    )
    db.dispose()
    return store


def _contents(path: Path) -> tuple[dict[str, list[tuple[object, ...]]], list[str]]:
    with sqlite3.connect(path) as db:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
        indexes = sorted(n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
    return rows, indexes


@pytest.mark.parametrize("indexes_after", [False, True])
def test_the_copy_holds_every_row_and_index(tmp_path: Path, indexes_after: bool) -> None:
    store = _loaded_store(tmp_path)
    target = tmp_path / "copy.sqlite3"

    seconds, rows = copy_seconds(store, target, indexes_after=indexes_after)

    assert seconds > 0
    assert rows["source_records"] == len(make_population(200, seed=5).records)
    assert rows["audit_events"] > 0 and rows["blocking_keys"] > rows["source_records"]
    assert _contents(target) == _contents(store)


def test_measure_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = _loaded_store(tmp_path)
    before = hashlib.sha256(store.read_bytes()).hexdigest()

    result = measure(store, rounds=1)

    assert result["rows_total"] == sum(result["rows"].values()) > 0
    assert len(result["indexes_first_seconds"]) == len(result["indexes_after_seconds"]) == 1
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
