"""The Fellegi–Sunter model: comparison levels with m and u probabilities, a prior, and thresholds.

A level's weight is log2(m / u): m = P(level | same person), u = P(level | different persons). A pair's
match weight is the prior weight log2(λ / (1 − λ)) plus the weights of its fields' levels, so the
explanation of any decision is that list of numbers and nothing else.

`default_model()` is the first model: m and u set by hand from the facts in shared/domain (how often
diacritics are dropped, how many birth dates a year holds, how rarely two people share a CCCD). Training
from data replaces it behind the same type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from matching.compare import MISSING


@dataclass(frozen=True, slots=True)
class ComparisonLevel:
    label: str
    m_probability: float
    u_probability: float

    @property
    def weight(self) -> float:
        return math.log2(self.m_probability / self.u_probability)


@dataclass(frozen=True, slots=True)
class Model:
    version: str
    # λ: the probability that a record and a person drawn at random are the same human.
    probability_two_random_records_match: float
    levels: dict[str, dict[str, ComparisonLevel]]
    # Total match weight at or above which a link is automatic, and at or above which a human looks.
    link_threshold: float
    review_threshold: float
    # A runner-up within this many bits of the best candidate makes the choice ambiguous.
    ambiguity_margin: float

    @property
    def prior_weight(self) -> float:
        lam = self.probability_two_random_records_match
        return math.log2(lam / (1 - lam))

    def level_weight(self, field: str, label: str) -> float:
        if label == MISSING:
            return 0.0
        return self.levels[field][label].weight


def _field(**levels: tuple[float, float]) -> dict[str, ComparisonLevel]:
    return {label: ComparisonLevel(label, m, u) for label, (m, u) in levels.items()}


def default_model() -> Model:
    return Model(
        version="first-2026.12",
        probability_two_random_records_match=1e-6,
        levels={
            "full_name": _field(
                exact=(0.55, 2e-4),
                folded=(0.35, 2e-4),  # upper case without diacritics is the usual claim form
                reordered=(0.005, 2e-5),
                variant=(0.01, 2e-5),
                phonetic=(0.01, 1e-4),
                **{"jaro_winkler_0.94": (0.05, 2e-3), "jaro_winkler_0.88": (0.025, 1e-2)},
                different=(0.02, 0.9878),
            ),
            "birth_date": _field(
                exact=(0.80, 3.9e-5),  # about 1 in 70 × 365
                year_month=(0.02, 1e-4),
                year_only=(0.10, 2.2e-3),  # most screening records carry the year only
                day_month_swapped=(0.01, 2e-5),
                one_digit_off=(0.02, 1.5e-4),
                same_year=(0.02, 0.012),
                years_apart_1=(0.01, 0.028),
                different=(0.02, 0.957),
            ),
            "sex": _field(agree=(0.98, 0.5), different=(0.02, 0.5)),
            "national_id": _field(exact=(0.95, 1e-8), typo=(0.01, 1e-6), different=(0.04, 1.0)),
            "legacy_id": _field(exact=(0.7, 1e-7), different=(0.3, 1.0)),  # a CMND changes on a move
            "insurance_number": _field(shared=(0.9, 1e-8), different=(0.1, 1.0)),
            # Households share phones: equality is weak evidence.
            "phone": _field(exact=(0.5, 8e-3), different=(0.5, 0.992)),
            "province_code": _field(same=(0.9, 0.06), different=(0.1, 0.94)),
            # Households and neighbours share addresses: like the phone, weak evidence.
            "address": _field(exact=(0.35, 2e-3), overlap=(0.35, 0.02), different=(0.3, 0.978)),
        },
        link_threshold=9.0,
        review_threshold=0.0,
        ambiguity_margin=3.0,
    )


def model_to_dict(model: Model) -> dict[str, Any]:
    return {
        "version": model.version,
        "probability_two_random_records_match": model.probability_two_random_records_match,
        "link_threshold": model.link_threshold,
        "review_threshold": model.review_threshold,
        "ambiguity_margin": model.ambiguity_margin,
        "levels": {
            field: {label: [lvl.m_probability, lvl.u_probability] for label, lvl in levels.items()}
            for field, levels in model.levels.items()
        },
    }
