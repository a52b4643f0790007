"""Scoring one pair of records under a model: the match weight and its explanation."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matching.compare import compare_records
from matching.model import Model
from matching.normalize import NormalizedRecord


@dataclass(frozen=True, slots=True)
class FieldWeight:
    field: str
    level: str
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
        return next(f.level for f in self.fields if f.field == field)


def score_pair(model: Model, a: NormalizedRecord, b: NormalizedRecord) -> PairScore:
    fields = tuple(
        FieldWeight(field, level, model.level_weight(field, level))
        for field, level in compare_records(a, b).items()
    )
    prior = model.prior_weight
    return PairScore(prior + sum(f.weight for f in fields), prior, fields)
