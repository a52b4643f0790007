"""u probabilities from random pairs: how often two records of (almost surely) different people land on
each level. Random pairs are overwhelmingly non-matches; the few matches among them bias u upwards,
which only makes agreement weigh a little less (the conservative side)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from matching.compare import Comparison


def estimate_u(
    comparisons: tuple[Comparison, ...], records: Sequence[Any], *, pairs: int = 200_000, seed: int = 1
) -> dict[str, dict[str, float]]:
    """u per field and level, for the fields present in the data. A level never seen among the sampled
    pairs gets half a count, so that its weight is large but finite."""
    rng = random.Random(seed)
    n = len(records)
    counts = {c.field: Counter[str]() for c in comparisons}
    if n < 2:
        raise ValueError("need at least two records to estimate u")
    for _ in range(pairs):
        i, j = rng.randrange(n), rng.randrange(n)
        if i == j:
            continue
        for comparison in comparisons:
            counts[comparison.field][comparison.compare(records[i], records[j])] += 1
    u: dict[str, dict[str, float]] = {}
    for comparison in comparisons:
        seen = counts[comparison.field]
        if not any(seen.get(level) for level in comparison.levels):
            continue  # never present in the data: nothing to estimate, the caller keeps its prior
        present = {level: seen.get(level) or 0.5 for level in comparison.levels}
        total = sum(present.values())
        u[comparison.field] = {level: count / total for level, count in present.items()}
    return u
