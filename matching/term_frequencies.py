"""Term frequencies of name values, for the weight adjustment of agreeing names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from matching.compare import Comparison
from matching.model import TermFrequencies

# Values seen fewer times than this are not listed: they take the floor share, which keeps model files
# small and carries no single person's rare name.
MIN_COUNT = 3


def compute_term_frequencies(comparison: Comparison, records: Iterable[Any]) -> TermFrequencies | None:
    if comparison.tf_value is None:
        return None
    counts = Counter(v for r in records if (v := comparison.tf_value(r)) is not None)
    total = sum(counts.values())
    if not total:
        return None
    mean = sum((c / total) ** 2 for c in counts.values())
    listed = {value: count / total for value, count in counts.items() if count >= MIN_COUNT}
    return TermFrequencies(listed, mean, floor=(MIN_COUNT - 1) / total if listed else 1 / total)
