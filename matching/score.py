"""Scoring one pair of records under a model: the match weight and its explanation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from matching.compare import MISSING, ONE_LETTER, comparison_vector
from matching.model import TF_ADJUSTMENT, FieldWeight, Model


@dataclass(frozen=True, slots=True)
class PairScore:
    """prior_weight + Σ field weights = match_weight, always."""

    match_weight: float
    prior_weight: float
    fields: tuple[FieldWeight, ...]
    # field → its weight line, built once: deciding asks a person's every score for several fields.
    _by_field: dict[str, FieldWeight] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_field = {f.field: f for f in self.fields if f.level != TF_ADJUSTMENT}
        object.__setattr__(self, "_by_field", by_field)

    @property
    def match_probability(self) -> float:
        return 1.0 / (1.0 + math.pow(2.0, -self.match_weight))

    def level(self, field: str) -> str:
        """The level a field reached; "missing" for a field this comparison set does not have."""
        found = self._by_field.get(field)
        return MISSING if found is None else found.level

    def weight_of(self, field: str) -> FieldWeight:
        """The weight line of a field this comparison set has (without its frequency adjustment)."""
        return self._by_field[field]


# Enough for every vector and name-frequency combination a national index meets often; past it, scores
# are built as before (and the cache never grows without bound in a long-running server).
SCORE_CACHE_SIZE = 200_000


def score_levels(model: Model, levels: tuple[str, ...], a: Any) -> PairScore:
    """Score a comparison vector (term frequencies read from record `a`, the one that agreed)."""
    return RecordScorer(model, a).score(levels)


def score_pair(model: Model, a: Any, b: Any) -> PairScore:
    return score_levels(model, pair_levels(model, a, b), a)


class RecordScorer:
    """Scores for one record against many: the term-frequency adjustment its values would earn where a
    pair agrees is read once, not once a pair (a record meets tens of candidates)."""

    __slots__ = ("_adjustable", "_model", "_record")

    def __init__(self, model: Model, a: Any) -> None:
        self._model, self._record = model, a
        self._adjustable = tuple(
            (i, tf_levels, tf.adjustment(value(a))) for i, tf_levels, value, tf in model.term_frequency_slots
        )

    def pair(self, b: Any) -> PairScore:
        return self.score(pair_levels(self._model, self._record, b))

    def score(self, levels: tuple[str, ...]) -> PairScore:
        adjustments = tuple(
            [adjust if levels[i] in tf_levels else 0.0 for i, tf_levels, adjust in self._adjustable]
        )
        model = self._model
        cache = model.score_cache
        key = (levels, adjustments)
        if (cached := cache.get(key)) is not None:
            return cached  # type: ignore[no-any-return]
        adjusted = dict(zip((slot[0] for slot in self._adjustable), adjustments, strict=True))
        fields: list[FieldWeight] = []
        for i, (comparison, level, weights) in enumerate(
            zip(model.comparisons, levels, model.field_weights, strict=True)
        ):
            fields.append(weights[level])
            if adjustment := adjusted.get(i):
                fields.append(FieldWeight(comparison.field, TF_ADJUSTMENT, adjustment))
        prior = model.prior_weight
        score = PairScore(prior + sum(f.weight for f in fields), prior, tuple(fields))
        if len(cache) < SCORE_CACHE_SIZE:
            cache[key] = score
        return score


def pair_levels(model: Model, a: Any, b: Any) -> tuple[str, ...]:
    """The comparison vector of a pair as the model reads it: the costly half of scoring, which depends
    on the model's comparisons and term frequencies only (not its prior, Model.for_index)."""
    levels = comparison_vector(model.comparisons, a, b)
    if ONE_LETTER in levels:
        levels = _one_letter_read(model, levels, a, b)
    return levels


def _one_letter_read(model: Model, levels: tuple[str, ...], a: Any, b: Any) -> tuple[str, ...]:
    """Two real names one letter apart are two people's names (twins Minh and Vinh) when both are names
    parents choose. When the training data holds one far more rarely than the other ("Hy" beside Huy, "Ga"
    beside Nga), the rare one is the common one typed with a slip, and weighs as a typo. A model without
    term frequencies keeps the cautious reading."""
    i = levels.index(ONE_LETTER)
    comparison = model.comparisons[i]
    tf = model.term_frequencies.get(comparison.field)
    if tf is None or comparison.tf_value is None:
        return levels
    if not tf.one_is_a_slip(comparison.tf_value(a), comparison.tf_value(b)):
        return levels
    return (*levels[:i], "typo", *levels[i + 1 :])
