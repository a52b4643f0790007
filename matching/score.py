"""Scoring one pair of records under a model: the match weight and its explanation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from matching.compare import MISSING, comparison_vector
from matching.model import TF_ADJUSTMENT, FieldWeight, Model


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
    frequencies = model.term_frequencies
    for comparison, level, weights in zip(model.comparisons, levels, model.field_weights, strict=True):
        fields.append(weights[level])
        if level in comparison.tf_levels and comparison.tf_value is not None:
            tf = frequencies.get(comparison.field)
            adjustment = tf.adjustment(comparison.tf_value(a)) if tf is not None else 0.0
            if adjustment:
                fields.append(FieldWeight(comparison.field, TF_ADJUSTMENT, adjustment))
    prior = model.prior_weight
    return PairScore(prior + sum(f.weight for f in fields), prior, tuple(fields))


def score_pair(model: Model, a: Any, b: Any) -> PairScore:
    return score_levels(model, comparison_vector(model.comparisons, a, b), a)
