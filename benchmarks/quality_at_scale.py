"""mpi's matching quality at index sizes the full quality benchmark cannot reach in minutes.

    .venv/bin/python -m benchmarks.quality_at_scale [--persons 100000] [--seed 202] [--out benchmarks/results]

The synthetic population's records go through the bulk path (`bulk_load`: the decisions Match takes one
by one in file order, tests/test_bulk_load.py) into a fresh SQLite store with the shipped model and no
registry import: no person starts with a CCCD, the hard case. Reports pairwise precision, recall and F1,
wrongly merged records, the review rate and the outcomes, as JSON (quality_at_scale_<persons>.json).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.metrics import pairwise_scores
from benchmarks.synthetic import make_population
from mpi.intake.items import IntakeItem
from mpi.service.bulk import bulk_load
from mpi.service.model_registry import shipped_model
from mpi.service.queries import export_rows
from mpi.store.database import Database


def measure(persons: int, seed: int) -> dict[str, Any]:
    population = make_population(persons, seed=seed)
    items = (IntakeItem(f"record {i}", r) for i, r in enumerate(population.records))
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/scale.sqlite3")
        db.migrate()
        started = time.perf_counter()
        summary = bulk_load(db, shipped_model(), items, actor="benchmark")
        seconds = time.perf_counter() - started
        rows = {f"{r['source']}/{r['source_record_id']}": r for r in export_rows(db)}
        db.dispose()
    keys = [f"{r['source']}/{r['source_record_id']}" for r in population.records]
    entity = dict(zip(keys, population.truth, strict=True))
    clusters = {k: r["person_id"] for k, r in rows.items() if r["person_id"]}
    return {
        "command": f"python -m benchmarks.quality_at_scale --persons {persons} --seed {seed}",
        "persons": persons,
        "records": len(keys),
        "bulk_seconds": seconds,
        "review_rate": sum(r["status"] == "review" for r in rows.values()) / len(rows),
        **pairwise_scores(clusters, entity),
        "outcomes": dict(summary.outcomes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=202)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    results = measure(args.persons, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"quality_at_scale_{args.persons}.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
