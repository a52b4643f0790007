"""benchmarks.match_in_process measures on a copy and leaves the store it was given as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

from benchmarks.match_in_process import SEED, measure
from benchmarks.synthetic import make_population
from mpi.intake.items import IntakeItem
from mpi.service.bulk import bulk_load
from mpi.service.model_registry import shipped_model
from mpi.store.database import Database


def test_it_matches_the_held_out_records_on_a_copy(tmp_path: Path) -> None:
    persons, held_out = 300, 40
    store = tmp_path / "index.sqlite3"
    db = Database(f"sqlite:///{store}")
    db.migrate()
    index = make_population(persons, seed=SEED).records[held_out:]
    bulk_load(
        db, shipped_model(), [IntakeItem(f"line {i}", r) for i, r in enumerate(index)], actor="t", workers=1
    )
    db.dispose()
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    files = sorted(tmp_path.iterdir())

    result = measure(store, persons, held_out)

    assert result["records"] == held_out
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert result["cpu_mean_ms"] > 0
    assert result["candidate_persons_mean"] > 0  # about half of them belong to indexed persons
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
    assert sorted(tmp_path.iterdir()) == files  # no log or lock of its own left beside it
