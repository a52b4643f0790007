"""Expectation–maximisation of m probabilities and λ over blocked pairs, u held fixed (as Splink does).

Pairs are grouped by their comparison vector (the tuple of levels), so an iteration costs the number of
distinct vectors, not of pairs. Conditional independence of fields given match status is the model's
assumption; u from random pairs is kept fixed because EM left free on u tends to mistake households
(same surname, address, phone) for matches.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from matching.compare import MISSING, Comparison

M_FLOOR = 1e-6


@dataclass(frozen=True)
class EmResult:
    m: dict[str, dict[str, float]]
    probability_match: float  # λ among the blocked pairs
    iterations: int
    converged: bool


def match_posterior(
    vector: tuple[str, ...],
    comparisons: tuple[Comparison, ...],
    m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
    lam: float,
) -> float:
    log_odds = math.log(lam / (1 - lam))
    for comparison, level in zip(comparisons, vector, strict=True):
        if level != MISSING:
            log_odds += math.log(m[comparison.field][level] / u[comparison.field][level])
    return 1.0 / (1.0 + math.exp(-max(-700.0, min(700.0, log_odds))))


def expectation_maximisation(
    vectors: Counter[tuple[str, ...]],
    comparisons: tuple[Comparison, ...],
    m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
    lam: float,
    *,
    max_iterations: int = 100,
    tolerance: float = 1e-6,
) -> EmResult:
    m = {f: dict(levels) for f, levels in m.items()}
    total = sum(vectors.values())
    for iteration in range(1, max_iterations + 1):
        posterior = {v: match_posterior(v, comparisons, m, u, lam) for v in vectors}
        expected_matches = sum(count * posterior[v] for v, count in vectors.items())
        new_lam = min(max(expected_matches / total, 1e-9), 1 - 1e-9)
        new_m: dict[str, dict[str, float]] = {}
        change = abs(new_lam - lam)
        for index, comparison in enumerate(comparisons):
            mass = dict.fromkeys(comparison.levels, 0.0)
            for vector, count in vectors.items():
                level = vector[index]
                if level != MISSING:
                    mass[level] += count * posterior[vector]
            present = sum(mass.values())
            if present <= 0:
                new_m[comparison.field] = m[comparison.field]
                continue
            levels = {level: max(mass[level] / present, M_FLOOR) for level in comparison.levels}
            norm = sum(levels.values())
            new_m[comparison.field] = {level: p / norm for level, p in levels.items()}
            change = max(
                change, *(abs(new_m[comparison.field][lv] - m[comparison.field][lv]) for lv in levels)
            )
        m, lam = new_m, new_lam
        if change < tolerance:
            return EmResult(m, lam, iteration, True)
    return EmResult(m, lam, max_iterations, False)
