"""The Fellegi–Sunter model: EM recovers known parameters, training on unlabelled records gives a
sensible model, and models survive their JSON form."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from benchmarks.synthetic import make_population
from matching import dict_to_model, model_to_dict, normalize_record, score_pair, train_model
from matching.compare import Comparison
from matching.expectation_maximisation import expectation_maximisation
from matching.record import dict_to_source_record
from matching.score import TF_ADJUSTMENT

# Three fields with known m and u; vectors are drawn from them, EM must find m and λ again.
KNOWN_M = {
    "name": {"exact": 0.85, "close": 0.10, "different": 0.05},
    "dob": {"exact": 0.90, "year": 0.07, "different": 0.03},
    "phone": {"exact": 0.60, "different": 0.40},
}
KNOWN_U = {
    "name": {"exact": 0.01, "close": 0.04, "different": 0.95},
    "dob": {"exact": 0.002, "year": 0.02, "different": 0.978},
    "phone": {"exact": 0.001, "different": 0.999},
}
FIELDS = tuple(Comparison(f, tuple(levels), lambda a, b: "missing") for f, levels in KNOWN_M.items())


def _draw(probabilities: dict[str, float], rng: random.Random) -> str:
    return rng.choices(list(probabilities), weights=list(probabilities.values()))[0]


def test_em_recovers_known_m_and_lambda() -> None:
    rng = random.Random(42)
    true_lambda = 0.3
    vectors: Counter[tuple[str, ...]] = Counter()
    for _ in range(60_000):
        table = KNOWN_M if rng.random() < true_lambda else KNOWN_U
        vectors[tuple(_draw(table[c.field], rng) for c in FIELDS)] += 1
    start = {f: dict.fromkeys(levels, 1 / len(levels)) for f, levels in KNOWN_M.items()}
    result = expectation_maximisation(vectors, FIELDS, start, KNOWN_U, lam=0.5)
    assert result.converged
    assert result.probability_match == pytest.approx(true_lambda, abs=0.01)
    for field, levels in KNOWN_M.items():
        for level, m in levels.items():
            assert result.m[field][level] == pytest.approx(m, abs=0.015), (field, level)


@pytest.fixture(scope="module")
def trained():
    population = make_population(3000, seed=12)
    records = [normalize_record(dict_to_source_record(r)) for r in population.records]
    return train_model(records, u_pairs=100_000), records


def test_training_learns_weights_in_the_right_direction(trained) -> None:
    model, _ = trained
    weight = model.level_weight
    assert weight("national_id", "exact") > 10 > 0 > weight("national_id", "different")
    assert (
        weight("birth_date", "exact")
        > weight("birth_date", "year_only")
        > 0
        > weight("birth_date", "different")
    )
    assert weight("given_name", "exact") > 0 > weight("given_name", "different")
    assert model.link_threshold > model.review_threshold
    assert model.training["em_sessions"] and all(s["converged"] for s in model.training["em_sessions"])
    assert model.version.startswith("fs-")


def test_common_family_and_middle_names_weigh_less_than_rare_ones(trained) -> None:
    model, _ = trained
    tf = model.term_frequencies["family_name"]  # family and middle names, as the comparison compares
    assert tf.adjustment("nguyen van") < 0 < tf.adjustment("khuc van")


def test_an_explanation_lists_the_tf_adjustment_and_sums_to_the_weight(trained) -> None:
    model, records = trained
    a = next(r for r in records if r.name.family == "nguyen" and r.birth_date and r.birth_date.is_full)
    score = score_pair(model, a, a)
    assert any(f.level == TF_ADJUSTMENT and f.field == "family_name" and f.weight < 0 for f in score.fields)
    assert score.match_weight == pytest.approx(score.prior_weight + sum(f.weight for f in score.fields))


def test_a_model_survives_its_json_form(trained) -> None:
    model, records = trained
    again = dict_to_model(model_to_dict(model))
    assert model_to_dict(again) == model_to_dict(model)
    assert score_pair(again, records[0], records[1]) == score_pair(model, records[0], records[1])


def test_training_is_repeatable(trained) -> None:
    model, records = trained
    assert train_model(records, u_pairs=100_000).version == model.version
