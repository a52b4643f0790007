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


# Enough for every vector and name-frequency combination a national index meets often; past it, scores
# are built as before (and the cache never grows without bound in a long-running server).
SCORE_CACHE_SIZE = 200_000


def score_levels(model: Model, levels: tuple[str, ...], a: Any) -> PairScore:
    """Score a comparison vector (term frequencies read from record `a`, the one that agreed)."""
    frequencies = model.term_frequencies
    adjustments = tuple(
        [
            tf.adjustment(comparison.tf_value(a))
            if level in comparison.tf_levels
            and comparison.tf_value is not None
            and (tf := frequencies.get(comparison.field)) is not None
            else 0.0
            for comparison, level in zip(model.comparisons, levels, strict=True)
        ]
    )
    cache = model.score_cache
    key = (levels, adjustments)
    if (cached := cache.get(key)) is not None:
        return cached  # type: ignore[no-any-return]
    fields: list[FieldWeight] = []
    for comparison, level, weights, adjustment in zip(
        model.comparisons, levels, model.field_weights, adjustments, strict=True
    ):
        fields.append(weights[level])
        if adjustment:
            fields.append(FieldWeight(comparison.field, TF_ADJUSTMENT, adjustment))
    prior = model.prior_weight
    score = PairScore(prior + sum(f.weight for f in fields), prior, tuple(fields))
    if len(cache) < SCORE_CACHE_SIZE:
        cache[key] = score
    return score


def score_pair(model: Model, a: Any, b: Any) -> PairScore:
    return score_levels(model, comparison_vector(model.comparisons, a, b), a)
