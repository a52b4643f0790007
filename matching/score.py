"""Scoring one pair of records under a model: the match weight and its explanation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from matching.compare import MISSING, comparison_vector
from matching.model import Model

TF_ADJUSTMENT = "tf_adjustment"


@dataclass(frozen=True, slots=True)
class FieldWeight:
    field: str
    level: str  # a comparison level, or "tf_adjustment" for the term-frequency correction of the level before
    weight: float


@dataclass(frozen=True, slots=True)
class PairScore:
    """prior_weight + Σ field weights = match_weight, always."""

    match_weight: float
    prior_weight: float
    fields: tuple[FieldWeight, ...]

    @property
    def match_probability(self) -> float:
        return 1.0 / (1.0 + math.pow(2.0, -self.match_weight))

    def level(self, field: str) -> str:
        """The level a field reached; "missing" for a field this comparison set does not have."""
        return next((f.level for f in self.fields if f.field == field and f.level != TF_ADJUSTMENT), MISSING)


def score_levels(model: Model, levels: tuple[str, ...], a: Any) -> PairScore:
    """Score a comparison vector (term frequencies read from record `a`, the one that agreed)."""
    fields: list[FieldWeight] = []
    for comparison, level in zip(model.comparisons, levels, strict=True):
        fields.append(FieldWeight(comparison.field, level, model.level_weight(comparison.field, level)))
        tf = model.term_frequencies.get(comparison.field)
        if tf is not None and level in comparison.tf_levels and comparison.tf_value is not None:
            adjustment = tf.adjustment(comparison.tf_value(a))
            if adjustment:
                fields.append(FieldWeight(comparison.field, TF_ADJUSTMENT, adjustment))
    prior = model.prior_weight
    return PairScore(prior + sum(f.weight for f in fields), prior, tuple(fields))


def score_pair(model: Model, a: Any, b: Any) -> PairScore:
    return score_levels(model, comparison_vector(model.comparisons, a, b), a)
