"""benchmarks.pair_speed times the bulk load's own candidate pairs, each comparison and the baseline."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from benchmarks import pair_speed
from benchmarks.synthetic import TODAY, make_population
from matching import blocking_keys, normalize_record
from matching.record import dict_to_source_record


def test_candidate_pairs_are_earlier_records_sharing_a_key() -> None:
    records = [
        normalize_record(dict_to_source_record(r), today=TODAY) for r in make_population(300, seed=3).records
    ]
    keys = [set(blocking_keys(r)) for r in records]

    pairs = pair_speed.candidate_pairs(records)

    assert pairs and len(set(pairs)) == len(pairs)
    assert all(j < i and keys[i] & keys[j] for i, j in pairs)
    # every earlier record sharing a key is a candidate while the keys' blocks are under the cap
    expected = {(i, j) for i in range(len(records)) for j in range(i) if keys[i] & keys[j]}
    assert set(pairs) == expected


def test_it_reports_mpi_per_pair_and_the_baseline_when_installed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["pair_speed", "--persons", "300"])

    pair_speed.main()

    results = json.loads(capsys.readouterr().out)
    assert results["pairs"] > 0 and results["records"] == len(
        make_population(300, seed=pair_speed.SEED).records
    )
    mpi = results["mpi"]
    assert mpi["us_per_pair"] > 0 and mpi["compiled"] is False
    assert set(mpi["us_per_pair_by_comparison"]) >= {"family_name", "given_name", "birth_date", "contact"}
    if importlib.util.find_spec("recordlinkage") is None:  # the `bench` extra is not installed
        assert results["recordlinkage"]["error"].startswith("not installed")
    else:
        baseline = results["recordlinkage"]["us_per_pair"]
        assert results["mpi_vs_recordlinkage"] == mpi["us_per_pair"] / baseline
