"""Pair comparison speed: CPU time per candidate pair of mpi's comparisons, beside recordlinkage's.

    .venv/bin/python -m benchmarks.pair_speed [--persons 20000]

The pairs are a bulk load's: each record of a synthetic population against the earlier records that
share one of its blocking keys, under the store's per-key cap (mpi.service.bulk_pairs). mpi:
matching.score.pair_levels on every pair (the comparison vector, most of what scoring costs), the best
of three passes in process CPU time, and each comparison alone. The baseline in the same run, on the
same pairs: recordlinkage.Compare with the comparisons of benchmarks.quality (Jaro-Winkler on the
given name, family name and address; exact on birth date, national ID, phone and province) over its
generic preparation; it needs the `bench` extra and is skipped when missing. JSON on stdout.

What compiling the comparisons would give, with matching/ unchanged, compiled by mypyc in a copy (run
from the copy, so that its compiled package comes first):

    mkdir /tmp/compiled && cp -r matching pyproject.toml /tmp/compiled/ && cd /tmp/compiled
    /work/main/.venv/bin/mypyc matching/{compare,score,names,normalize,dates,identifiers,phones}.py \
        matching/{addresses,places,sex,phonetic,syllables,name_variants}.py
    PYTHONPATH=/tmp/compiled:/work/main /work/main/.venv/bin/python -m benchmarks.pair_speed
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from benchmarks.synthetic import TODAY, Population, make_population
from matching import blocking_keys, normalize_record
from matching import compare as comparisons
from matching.decide import scored_as
from matching.record import dict_to_source_record
from matching.score import pair_levels
from mpi.service.bulk_pairs import candidate_ordinals
from mpi.service.match import CANDIDATES_PER_KEY
from mpi.service.model_registry import shipped_model

SEED = 7
PASSES = 3


def candidate_pairs(records: list[Any]) -> list[tuple[int, int]]:
    """(record, earlier candidate) ordinals, as the bulk load finds them."""
    keys = [blocking_keys(r) for r in records]
    index: dict[str, list[int]] = {}
    for ordinal, of_record in enumerate(keys):
        for key in of_record:
            index.setdefault(key, []).append(ordinal)
    return [
        (i, j)
        for i, of_record in enumerate(keys)
        for j in candidate_ordinals(index, of_record, i, CANDIDATES_PER_KEY)
    ]


def _cpu_us_per_pair(work: Callable[[], object], pairs: int) -> float:
    best = float("inf")
    for _ in range(PASSES):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return 1e6 * best / pairs


def measure_mpi(records: list[Any], pairs: list[tuple[int, int]]) -> dict[str, Any]:
    model = shipped_model()
    scored = [scored_as(r) for r in records]
    per_comparison = {
        c.field: _cpu_us_per_pair(
            lambda compare=c.compare: [compare(scored[i], records[j]) for i, j in pairs], len(pairs)
        )
        for c in model.comparisons
    }
    return {
        "compiled": not str(comparisons.__file__).endswith(".py"),
        "us_per_pair": _cpu_us_per_pair(
            lambda: [pair_levels(model, scored[i], records[j]) for i, j in pairs], len(pairs)
        ),
        "us_per_pair_by_comparison": per_comparison,
    }


def measure_recordlinkage(population: Population, pairs: list[tuple[int, int]]) -> dict[str, Any]:
    import pandas as pd
    import recordlinkage

    from benchmarks.quality import _generic_frame

    frame = _generic_frame(population)
    keys = [f"{r['source']}/{r['source_record_id']}" for r in population.records]
    index = pd.MultiIndex.from_arrays([[keys[i] for i, _ in pairs], [keys[j] for _, j in pairs]])
    compare = recordlinkage.Compare()
    for column in ("given", "family", "address"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ("dob", "national_id", "phone", "province_code"):
        compare.exact(column, column, label=column)
    return {"us_per_pair": _cpu_us_per_pair(lambda: compare.compute(index, frame), len(pairs))}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    population = make_population(args.persons, seed=SEED)
    records = [normalize_record(dict_to_source_record(r), today=TODAY) for r in population.records]
    pairs = candidate_pairs(records)
    results: dict[str, Any] = {
        "command": f"python -m benchmarks.pair_speed --persons {args.persons}",
        "records": len(records),
        "pairs": len(pairs),
        "mpi": measure_mpi(records, pairs),
    }
    try:
        results["recordlinkage"] = measure_recordlinkage(population, pairs)
        results["mpi_vs_recordlinkage"] = (
            results["mpi"]["us_per_pair"] / results["recordlinkage"]["us_per_pair"]
        )
    except ImportError as error:
        results["recordlinkage"] = {"error": f"not installed: {error}"}
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
