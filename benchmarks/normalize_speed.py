"""Normalization speed: records per second on one core for matching.normalize_record.

    .venv/bin/python -m benchmarks.normalize_speed [--records 100000] [--out FILE.json]

A record is all its fields (name with encoding repair and tone placement, birth date, sex, CCCD, BHYT
cards, phone, address, province). The baseline in the same run, on the same records, is the generic
preparation a record-linkage library offers: recordlinkage.preprocessing.clean on the names (which,
note, strips Vietnamese letters rather than folding them: 'Nguyễn' → 'nguyn') and pandas.to_datetime on
the birth dates; it needs the `bench` extra and is skipped when missing.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from benchmarks.synthetic import make_population
from matching import InvalidRecord, normalize_record
from matching.record import dict_to_source_record


def _records(n: int) -> list[dict[str, str]]:
    population = make_population(int(n / 1.6) + 1, records_per_person=1.6, seed=21)
    return population.records[:n]


def measure_mpi(rows: list[dict[str, str]]) -> dict[str, float]:
    records = [dict_to_source_record(r) for r in rows]
    rejected = 0
    started = time.perf_counter()
    for record in records:
        try:
            normalize_record(record)
        except InvalidRecord:
            rejected += 1
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "records_per_second": len(records) / seconds, "rejected": rejected}


def measure_generic(rows: list[dict[str, str]]) -> dict[str, float] | None:
    try:
        import pandas as pd
        from recordlinkage.preprocessing import clean
    except ImportError:
        return None
    frame = pd.DataFrame(rows)
    started = time.perf_counter()
    clean(frame["full_name"])
    pd.to_datetime(frame["birth_date"], errors="coerce", dayfirst=True, format="mixed")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "records_per_second": len(rows) / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/normalize_speed.json"))
    args = parser.parse_args()
    rows = _records(args.records)
    mpi = measure_mpi(rows)
    generic = measure_generic(rows)
    result = {
        "command": f"python -m benchmarks.normalize_speed --records {args.records}",
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
        },
        "records": len(rows),
        "mpi_normalize_record": mpi,
        "generic_clean_and_to_datetime": generic,
        "ratio_mpi_to_generic": (mpi["records_per_second"] / generic["records_per_second"])
        if generic
        else None,
        "target_records_per_second": 20_000,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
