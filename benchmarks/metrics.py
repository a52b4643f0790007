"""Clustering metrics from truth, without materializing pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(
    cluster_of: Mapping[str, Hashable], entity_of: Mapping[str, Hashable]
) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering; records missing from `cluster_of` are singletons."""
    by_cluster: dict[Hashable, Counter[Hashable]] = defaultdict(Counter)
    for key, entity in entity_of.items():
        by_cluster[cluster_of.get(key, ("singleton", key))][entity] += 1
    true_positive = sum(_pairs(n) for c in by_cluster.values() for n in c.values())
    predicted = sum(_pairs(sum(c.values())) for c in by_cluster.values())
    actual = sum(_pairs(n) for n in Counter(entity_of.values()).values())
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wrongly_merged = sum(
        sum(c.values()) for c in by_cluster.values() if len(c) > 1
    )  # records sharing a cluster with another human's records
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": actual,
        "predicted_pairs": predicted,
        "wrongly_merged_records": wrongly_merged,
    }


def connected_components(keys: list[str], edges: list[tuple[str, str]]) -> dict[str, str]:
    parent = {k: k for k in keys}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    return {k: find(k) for k in keys}


def national_id_scores(given: Mapping[str, str], truth: Mapping[str, str]) -> dict[str, float]:
    """Share of records given their own national ID, someone else's, or none."""
    n = len(truth)
    right = sum(1 for k, nid in truth.items() if given.get(k) and given[k] == nid)
    wrong = sum(1 for k, nid in truth.items() if given.get(k) and given[k] != nid)
    return {"right": right / n, "wrong": wrong / n, "none": (n - right - wrong) / n, "wrong_count": wrong}
