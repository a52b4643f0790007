"""Match in process, without gRPC: what one call costs at a given index size, and where the time goes.

    .venv/bin/python -m benchmarks.match_in_process --store STORE --persons N [--records 1500]

STORE is a SQLite store that `benchmarks.throughput --persons N` bulk-loaded (the population is rebuilt
from the same seed). It is copied first, never changed, and the copy read into the page cache (the
original's pages are dropped from it, so that two copies of a 6.7 GB store do not crowd each other
out). The service is set up as `mpi serve` sets it up (background checkpoints, the active model,
frozen start-up objects); then the population's first --records records, the ones the throughput run
held out of the index, are matched one after another under new record ids (after that run's server
phase the store holds them already: each is then a second checkup of a stored record). Wall time and
CPU time per call, the candidate persons considered and the cyclic collector's passes, as JSON on
stdout. Run it under `py-spy record --native -- …` to see where the time goes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.synthetic import make_population
from benchmarks.throughput import SEED, percentiles, read_into_page_cache
from matching.record import dict_to_source_record
from mpi.api.server import keep_full_collections_short
from mpi.service.match import MatchService
from mpi.service.model_registry import ModelRegistry
from mpi.store.database import Database


class _CollectorWatch:
    """Passes of the cyclic collector and the time they took."""

    def __init__(self) -> None:
        self.passes, self.seconds, self._started = 0, 0.0, 0.0

    def __call__(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.passes += 1
            self.seconds += time.perf_counter() - self._started


def _drop_from_page_cache(path: Path) -> None:
    with path.open("rb") as handle:
        os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def measure(store: Path, persons: int, records: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp())
    copy = folder / "store.sqlite3"
    db = None
    try:
        shutil.copy(store, copy)
        _drop_from_page_cache(store)
        read_into_page_cache(copy)
        held_out = make_population(persons, seed=SEED).records[:records]
        batch = [
            dict_to_source_record(r | {"source_record_id": f"{r['source_record_id']}-inprocess"})
            for r in held_out
        ]
        db = Database(f"sqlite:///{copy}", background_checkpoints=True)
        matcher = MatchService(db, ModelRegistry(db).active)
        keep_full_collections_short()
        watch = _CollectorWatch()
        gc.callbacks.append(watch)
        wall, cpu, considered = [], [], []
        try:
            for record in batch:
                started, started_cpu = time.perf_counter(), time.process_time()
                outcome = matcher.match(record, actor="benchmark")
                cpu.append(time.process_time() - started_cpu)
                wall.append(time.perf_counter() - started)
                considered.append(outcome.candidates_considered)
        finally:
            gc.callbacks.remove(watch)
        return {
            "store": str(store),
            "persons": persons,
            "records": len(wall),
            **percentiles(wall),
            "max_ms": 1000 * max(wall),
            "mean_ms": 1000 * statistics.mean(wall),
            "cpu_mean_ms": 1000 * statistics.mean(cpu),
            "candidate_persons_mean": statistics.mean(considered),
            "collector_passes_per_match": watch.passes / len(wall),
            "collector_ms_per_match": 1000 * watch.seconds / len(wall),
        }
    finally:
        if db is not None:
            db.dispose()
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--persons", type=int, required=True, help="the --persons of the run that loaded it")
    parser.add_argument("--records", type=int, default=1_500)
    args = parser.parse_args()
    print(json.dumps(measure(args.store, args.persons, args.records)))


if __name__ == "__main__":
    main()
