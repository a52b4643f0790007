"""Training a model from unlabelled records: blocked pairs → EM for m and λ, random pairs for u, term
frequencies for names, and thresholds chosen from a target precision and recall.

    model = train_model(records)             # records: normalized records of the store or a file

Thresholds come from the model's own posterior over the blocked pairs (no labels): the link threshold is
the lowest weight at which the expected precision of everything at or above it still meets
`target_precision`; the review threshold is the highest weight below which no more than
1 − `target_recall` of the expected matches fall. Between the two, a human looks.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from matching.blocking import blocking_keys
from matching.compare import Comparison, comparison_vector
from matching.estimate_u import estimate_u
from matching.expectation_maximisation import expectation_maximisation, match_posterior
from matching.model import COMPARISON_SETS, ComparisonLevel, Model, model_to_dict, untrained_model
from matching.term_frequencies import compute_term_frequencies

# No level is impossible for one person: one match in 500 may show any of them (a sex typed wrong, a
# phone changed). Without this floor a level absent from the training data would weigh as a veto.
M_FLOOR = 2e-3
# A block larger than this is too common a key to pair all of; its first records stand for it.
MAX_BLOCK = 200


def neutral_start(comparison_set: str, version: str = "untrained") -> Model:
    """A starting point for a comparison set without hand-set priors: the first level of each field
    likely among matches, the rest sharing the remainder; u flat."""
    comparisons = COMPARISON_SETS[comparison_set]
    levels = {}
    for c in comparisons:
        rest = len(c.levels) - 1
        levels[c.field] = {
            lv: ComparisonLevel(lv, 0.7 if i == 0 else 0.3 / rest, 1 / len(c.levels))
            for i, lv in enumerate(c.levels)
        }
    return Model(
        version, comparison_set, 1e-4, levels, link_threshold=10.0, review_threshold=0.0, ambiguity_margin=3.0
    )


def blocked_pairs(records: Sequence[Any], keys_of: Callable[[Any], Iterable[str]]) -> set[tuple[int, int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in keys_of(record):
            block = blocks[key]
            if len(block) < MAX_BLOCK:
                block.append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add((members[x], members[y]))
    return pairs


def vector_weight(model: Model, vector: tuple[str, ...]) -> float:
    return model.prior_weight + sum(
        model.level_weight(c.field, level) for c, level in zip(model.comparisons, vector, strict=True)
    )


def choose_thresholds(
    model: Model, vectors: Counter[tuple[str, ...]], *, target_precision: float, target_recall: float
) -> tuple[float, float, dict[str, float]]:
    """(link threshold, review threshold, the expected figures at those thresholds)."""
    m = {f: {lv: c.m_probability for lv, c in levels.items()} for f, levels in model.levels.items()}
    u = {f: {lv: c.u_probability for lv, c in levels.items()} for f, levels in model.levels.items()}
    lam = model.probability_two_random_records_match
    rows = sorted(
        (
            (vector_weight(model, v), count, match_posterior(v, model.comparisons, m, u, lam))
            for v, count in vectors.items()
        ),
        reverse=True,
    )
    expected_matches = sum(count * p for _, count, p in rows) or 1.0
    # Link: the lowest weight keeping cumulative precision at target, and never a posterior below 0.95.
    floor = math.log2(0.95 / 0.05)
    link, matches_above, pairs_above = rows[0][0] if rows else 10.0, 0.0, 0.0
    for weight, count, p in rows:
        if weight < floor:
            break
        if (matches_above + count * p) / (pairs_above + count) < target_precision:
            break
        matches_above += count * p
        pairs_above += count
        link = weight
    # Review: the highest weight with at most (1 - target_recall) of the expected matches below it.
    missed, review = 0.0, min(link, rows[-1][0] if rows else 0.0)
    for weight, count, p in reversed(rows):
        if weight >= link or missed + count * p > (1 - target_recall) * expected_matches:
            break
        missed += count * p
        review = weight
    figures = {
        "expected_precision_linked": matches_above / pairs_above if pairs_above else 1.0,
        "expected_recall_linked": matches_above / expected_matches,
        "expected_matches_below_review": missed / expected_matches,
    }
    return link, review, figures


# EM sessions (Splink's way): each blocks on one rule and estimates m only for the fields the rule does
# not involve; every other field's m is the average over the sessions that estimated it.
# A session leaves out the fields its rule blocks on, and the fields that would confound it: pairs sharing
# a CCCD that are not one person are mostly a parent's card on a child's record, whose household
# contact agrees, so that session learns only names, birth date and sex; pairs sharing a name and birth
# year that are not one person are namesakes, so that session learns identifiers and contact.
TRAINING_SESSIONS: tuple[tuple[str, Callable[[Any], Iterable[str]], frozenset[str]], ...] = (
    (
        "same CCCD",
        lambda r: [f"cccd:{r.cccd}"] if getattr(r, "cccd", None) else [],
        frozenset({"national_id", "legacy_id", "insurance_number", "contact"}),
    ),
    (
        "same name and birth year",
        lambda r: [k for k in blocking_keys(r) if k.startswith("name_year:")],
        frozenset({"family_name", "given_name", "birth_date"}),
    ),
)


def _estimate_m(
    records: Sequence[Any],
    comparisons: tuple[Comparison, ...],
    sessions: Sequence[tuple[str, Callable[[Any], Iterable[str]], frozenset[str]]],
    m0: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
) -> tuple[dict[str, dict[str, float]], list[dict[str, Any]]]:
    estimates: dict[str, list[dict[str, float]]] = defaultdict(list)
    log: list[dict[str, Any]] = []
    for name, keys_of, fixed in sessions:
        active = tuple(c for c in comparisons if c.field not in fixed and c.field in u)  # u: observed fields
        pairs = blocked_pairs(records, keys_of)
        if not pairs:
            log.append({"session": name, "pairs": 0})
            continue
        vectors = Counter(comparison_vector(active, records[i], records[j]) for i, j in pairs)
        em = expectation_maximisation(vectors, active, m0, u, lam=0.5)
        for c in active:
            estimates[c.field].append(em.m[c.field])
        log.append(
            {"session": name, "pairs": len(pairs), "iterations": em.iterations, "converged": em.converged,
             "probability_match_in_block": round(em.probability_match, 6)}
        )  # fmt: skip
    m = {}
    for c in comparisons:
        found = estimates.get(c.field)
        m[c.field] = (
            {lv: sum(e[lv] for e in found) / len(found) for lv in c.levels} if found else dict(m0[c.field])
        )
    return m, log


def _level(label: str, m: float, u: float, prior: ComparisonLevel) -> ComparisonLevel:
    """A level EM found no matches on keeps a small m (M_FLOOR at most) and no smaller a u than its
    prior's: otherwise a level that never occurred, with a tiny u, would weigh as strong agreement."""
    if m >= M_FLOOR:
        return ComparisonLevel(label, m, u)
    return ComparisonLevel(label, min(prior.m_probability, M_FLOOR), max(u, prior.u_probability))


def _cccd(record: Any) -> str | None:
    return getattr(record, "cccd", None)


def _probability_two_random_records_match(
    records: Sequence[Any], identifier: Callable[[Any], str | None]
) -> float:
    """λ from one near-certain rule: pairs sharing an identifier (the CCCD) are matches. Their count,
    divided by the chance that both records of a matching pair carry one, estimates all matching pairs."""
    n = len(records)
    counts = Counter(c for r in records if (c := identifier(r)))
    carrying = sum(counts.values()) / n
    sharing = sum(k * (k - 1) / 2 for k in counts.values())
    all_pairs = n * (n - 1) / 2
    if not sharing or carrying == 0:
        return 1 / n
    return min(0.5, sharing / carrying**2 / all_pairs)


def train_model(
    records: Sequence[Any],
    *,
    start: Model | None = None,
    keys_of: Callable[[Any], Iterable[str]] = blocking_keys,
    sessions: Sequence[tuple[str, Callable[[Any], Iterable[str]], frozenset[str]]] = TRAINING_SESSIONS,
    probability_two_random_records_match: float | None = None,
    identifier: Callable[[Any], str | None] = _cccd,
    target_precision: float = 0.998,
    target_recall: float = 0.99,
    u_pairs: int = 200_000,
    seed: int = 1,
) -> Model:
    """`keys_of` is the production blocking (thresholds are set on its pairs); `sessions` the EM
    blocking rules; λ is estimated from a shared `identifier` (the CCCD) unless given."""
    start = start or untrained_model()
    comparisons = COMPARISON_SETS[start.comparison_set]
    observed = estimate_u(comparisons, records, pairs=u_pairs, seed=seed)
    m0 = {f: {lv: c.m_probability for lv, c in levels.items()} for f, levels in start.levels.items()}
    m, sessions_log = _estimate_m(records, comparisons, sessions, m0, observed)
    lam = probability_two_random_records_match or _probability_two_random_records_match(records, identifier)
    levels = {
        c.field: (
            {
                lv: _level(lv, m[c.field][lv], observed[c.field][lv], start.levels[c.field][lv])
                for lv in c.levels
            }
            if c.field in observed
            else start.levels[c.field]  # absent from the data: the prior stays
        )
        for c in comparisons
    }
    tfs = {c.field: tf for c in comparisons if (tf := compute_term_frequencies(c, records)) is not None}
    model = start.with_levels(levels, probability_two_random_records_match=lam, term_frequencies=tfs)
    pairs = blocked_pairs(records, keys_of)
    vectors = Counter(comparison_vector(comparisons, records[i], records[j]) for i, j in pairs)
    link, review, figures = choose_thresholds(
        model, vectors, target_precision=target_precision, target_recall=target_recall
    )
    summary = {
        "records": len(records),
        "blocked_pairs": len(pairs),
        "distinct_comparison_vectors": len(vectors),
        "em_sessions": sessions_log,
        "u_random_pairs": u_pairs,
        "target_precision": target_precision,
        "target_recall": target_recall,
        **{k: round(v, 6) for k, v in figures.items()},
    }
    trained = model.with_levels(levels, link_threshold=link, review_threshold=review, training=summary)
    digest = hashlib.sha1(json.dumps(model_to_dict(trained), sort_keys=True).encode()).hexdigest()[:10]
    return trained.with_levels(levels, version=f"fs-{digest}")
