"""Train the model shipped with the package (mpi/default_model.json) on the synthetic population.

    .venv/bin/python -m benchmarks.train_default_model [--persons 20000] [--seed 101]

Unsupervised, like `mpi model train`: the truth of the synthetic population is not used. The registry
rows are part of the training records, as they are in a store. The quality benchmark evaluates on
populations drawn with other seeds.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.synthetic import make_population, registry_rows
from matching import SourceRecord, model_to_dict, normalize_record, train_model
from matching.record import dict_to_source_record

OUT = Path(__file__).resolve().parent.parent / "mpi" / "default_model.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=101)
    args = parser.parse_args()
    population = make_population(args.persons, seed=args.seed)
    records = [normalize_record(dict_to_source_record(r)) for r in population.records]
    records += [
        normalize_record(SourceRecord("registry", row["national_id"], **{k: v for k, v in row.items()}))
        for row in registry_rows(population.registry)
    ]
    model = train_model(records)
    body = model_to_dict(model)
    body["training"]["data"] = f"synthetic population: {args.persons} persons, seed {args.seed}"
    OUT.write_text(json.dumps(body, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(
        f"{model.version}: link ≥ {model.link_threshold:.2f}, review ≥ {model.review_threshold:.2f} → {OUT}"
    )


if __name__ == "__main__":
    main()
