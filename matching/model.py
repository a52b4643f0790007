"""The Fellegi–Sunter model: comparison levels with m and u probabilities, term frequencies, a prior,
and the thresholds of the three decisions.

A level's weight is log2(m / u): m = P(level | same person), u = P(level | different persons). For the
levels of a comparison with term frequencies (names), the weight is adjusted by log2(mean_tf / tf(value)):
agreeing on a value rarer than average is stronger evidence, on a commoner one weaker. A pair's match
weight is the prior weight log2(λ / (1 − λ)) plus all of those, so the explanation of any decision is that
list of numbers and nothing else.

`untrained_model()` holds m and u set by hand from shared/domain facts; training (training.py) starts
from it and replaces its numbers with ones estimated from data. A model is saved as JSON
(`model_to_dict`), its comparison set named, not serialized.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from matching.compare import MISSING, VIETNAMESE_COMPARISONS, VIETNAMESE_COMPARISONS_V1, Comparison

# A term-frequency adjustment beyond this many bits either way says more about sparse data than about
# identity.
MAX_TF_ADJUSTMENT = 6.0
# Of two values one letter apart, one this many times commoner than the other: the rarer is its slip. A
# slip makes a given variant of a name one or two hundred times rarer than the name (in the training data
# about 1 in 100 to 300); two names parents choose are seldom that far apart in popularity.
SLIP_RARITY = 32.0
# λ is the chance that two random records are one human: about (records per human − 1) / N for an index of
# N records, so it falls as the index outgrows the data it was trained on (a namesake born the same year
# is ten times likelier among a million records than among a hundred thousand). The prior follows the
# index in steps of this many bits: a decision depends on the index size only through its step, which
# the bulk load and Match compute alike.
PRIOR_STEP_BITS = 0.5
TF_ADJUSTMENT = "tf_adjustment"  # the explanation's label of a term-frequency correction
COMPARISON_SETS: dict[str, tuple[Comparison, ...]] = {
    "vietnamese-v1": VIETNAMESE_COMPARISONS_V1,
    # + a family-name typo level, a one-letter given-name level, family + middle name frequencies
    "vietnamese-v2": VIETNAMESE_COMPARISONS,
}


@dataclass(frozen=True, slots=True)
class FieldWeight:
    """One line of a pair's explanation (matching.score)."""

    field: str
    level: str  # a comparison level, or "tf_adjustment" for the term-frequency correction of the level before
    weight: float


@dataclass(frozen=True, slots=True)
class ComparisonLevel:
    label: str
    m_probability: float
    u_probability: float

    @property
    def weight(self) -> float:
        return math.log2(self.m_probability / self.u_probability)


@dataclass(frozen=True, slots=True)
class TermFrequencies:
    frequencies: dict[str, float]  # value → share of records carrying it
    mean: float  # Σ share²: the chance two random records agree on the value
    floor: float  # the share assumed for a value never seen in training

    # value → adjustment, filled as values are met: a model scores millions of pairs.
    _known: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def adjustment(self, value: str | None) -> float:
        if value is None:
            return 0.0
        known = self._known.get(value)
        if known is None:
            known = self._known[value] = max(
                -MAX_TF_ADJUSTMENT, min(MAX_TF_ADJUSTMENT, math.log2(self.mean / self.share(value)))
            )
        return known

    def share(self, value: str | None) -> float:
        return self.floor if value is None else max(self.frequencies.get(value, self.floor), self.floor)

    def one_is_a_slip(self, x: str | None, y: str | None) -> bool:
        """Whether one of two values is far too rare beside the other to be anything but its slip."""
        p, q = self.share(x), self.share(y)
        return max(p, q) >= SLIP_RARITY * min(p, q)


@dataclass(frozen=True)
class Model:
    version: str
    comparison_set: str
    # λ: the probability that two random records of the training data are the same human.
    probability_two_random_records_match: float
    levels: dict[str, dict[str, ComparisonLevel]]
    link_threshold: float  # total match weight at or above which a link is automatic
    review_threshold: float  # at or above which a human looks; below, a new person
    ambiguity_margin: float  # a runner-up within this many bits makes the choice ambiguous
    # Fields whose "different" (or "one_letter") level no weight may override into an automatic link
    # (decide.py).
    vetoes: tuple[str, ...] = ()
    term_frequencies: dict[str, TermFrequencies] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)  # what it was trained on, for `mpi model show`
    prior_steps: int = 0  # steps the prior is lowered by for the index's size (for_index); not stored

    @property
    def comparisons(self) -> tuple[Comparison, ...]:
        return COMPARISON_SETS[self.comparison_set]

    @cached_property
    def prior_weight(self) -> float:
        lam = self.probability_two_random_records_match
        return math.log2(lam / (1 - lam)) - self.prior_steps * PRIOR_STEP_BITS

    def for_index(self, records: int) -> Model:
        """The model for an index of `records` records: the prior lowered by the log of how many times the
        index outgrows the training data (never raised: a small index is no reason to link more)."""
        trained = self.training.get("records")
        steps = 0
        if trained and records > trained:
            steps = math.floor(math.log2(records / trained) / PRIOR_STEP_BITS)
        if steps == self.prior_steps:
            return self
        if (sized := self._sized.get(steps)) is None:
            sized = self._sized[steps] = replace(self, prior_steps=steps)
        return sized

    @cached_property
    def _sized(self) -> dict[int, Model]:
        return {}

    def level_weight(self, field: str, label: str) -> float:
        if label == MISSING:
            return 0.0
        return self.levels[field][label].weight

    @cached_property
    def field_weights(self) -> tuple[dict[str, FieldWeight], ...]:
        """Per comparison of the set, in order: level → its explanation line, built once."""
        return tuple(
            {
                label: FieldWeight(c.field, label, self.level_weight(c.field, label))
                for label in (MISSING, *self.levels.get(c.field, {}))
            }
            for c in self.comparisons
        )

    @cached_property
    def term_frequency_slots(self) -> tuple[tuple[int, frozenset[str], Any, TermFrequencies], ...]:
        """(position, levels adjusted, value read, frequencies) of each comparison this model adjusts."""
        return tuple(
            (i, c.tf_levels, c.tf_value, tf)
            for i, c in enumerate(self.comparisons)
            if c.tf_value is not None and (tf := self.term_frequencies.get(c.field)) is not None
        )

    @cached_property
    def score_cache(self) -> dict[Any, Any]:
        """Scores by comparison vector and term-frequency adjustments (matching.score): a few thousand
        vectors make up nearly every pair, so most pairs' explanations are built once."""
        return {}

    def with_levels(self, levels: dict[str, dict[str, ComparisonLevel]], **changes: Any) -> Model:
        return replace(self, levels=levels, **changes)


def _field(**levels: tuple[float, float]) -> dict[str, ComparisonLevel]:
    return {label: ComparisonLevel(label, m, u) for label, (m, u) in levels.items()}


def untrained_model() -> Model:
    """m and u by hand: how often diacritics are dropped, how many birth dates a year holds, how rarely two
    people share a CCCD. The starting point of training, and usable (if not tuned) on its own."""
    return Model(
        version="untrained-2026.12",
        comparison_set="vietnamese-v2",
        probability_two_random_records_match=1e-3,
        levels={
            "family_name": _field(
                exact=(0.6, 0.02),
                folded=(0.3, 0.01),
                variant=(0.01, 2e-3),
                phonetic=(0.01, 5e-3),
                **{"jaro_winkler_0.92": (0.03, 0.01)},
                typo=(0.02, 2e-3),
                family_only=(0.03, 0.15),
                different=(0.02, 0.8),
            ),
            "given_name": _field(
                exact=(0.6, 0.01),
                folded=(0.3, 5e-3),
                phonetic=(0.03, 5e-3),
                **{"jaro_winkler_0.9": (0.04, 0.01)},
                typo=(0.01, 1e-3),
                one_letter=(0.005, 0.01),
                different=(0.02, 0.96),
            ),
            "birth_date": _field(
                exact=(0.6, 3.9e-5),
                day_month_swapped=(0.01, 2e-5),
                one_digit_off=(0.02, 1.5e-4),
                year_month=(0.02, 1e-4),
                year_only=(0.3, 0.012),
                same_year=(0.02, 0.012),
                years_apart_1=(0.01, 0.028),
                different=(0.02, 0.95),
            ),
            "sex": _field(agree=(0.98, 0.5), different=(0.02, 0.5)),
            "national_id": _field(exact=(0.95, 1e-7), typo=(0.02, 1e-6), different=(0.03, 1.0)),
            "legacy_id": _field(exact=(0.7, 1e-7), different=(0.3, 1.0)),
            "insurance_number": _field(shared=(0.9, 1e-7), different=(0.1, 1.0)),
            "contact": _field(
                phone_and_address=(0.3, 1e-5),
                phone=(0.3, 1e-3),
                address=(0.1, 2e-3),
                province=(0.25, 0.05),
                different=(0.05, 0.947),
            ),
        },
        link_threshold=10.0,
        review_threshold=0.0,
        ambiguity_margin=3.0,
        # A different given name (twins, siblings) or birth years two or more apart (a son named after
        # his father): in one household, phone, address and family name agree all the same.
        vetoes=("given_name", "birth_date"),
    )


def model_to_dict(model: Model) -> dict[str, Any]:
    return {
        "version": model.version,
        "comparison_set": model.comparison_set,
        "probability_two_random_records_match": model.probability_two_random_records_match,
        "link_threshold": model.link_threshold,
        "review_threshold": model.review_threshold,
        "ambiguity_margin": model.ambiguity_margin,
        "vetoes": list(model.vetoes),
        "levels": {
            field: {label: [lvl.m_probability, lvl.u_probability] for label, lvl in levels.items()}
            for field, levels in model.levels.items()
        },
        "term_frequencies": {
            field: {"mean": tf.mean, "floor": tf.floor, "frequencies": tf.frequencies}
            for field, tf in model.term_frequencies.items()
        },
        "training": model.training,
    }


def dict_to_model(data: dict[str, Any]) -> Model:
    return Model(
        version=data["version"],
        comparison_set=data["comparison_set"],
        probability_two_random_records_match=data["probability_two_random_records_match"],
        levels={
            field: {label: ComparisonLevel(label, m, u) for label, (m, u) in levels.items()}
            for field, levels in data["levels"].items()
        },
        link_threshold=data["link_threshold"],
        review_threshold=data["review_threshold"],
        ambiguity_margin=data["ambiguity_margin"],
        vetoes=tuple(data.get("vetoes", ())),
        term_frequencies={
            field: TermFrequencies(tf["frequencies"], tf["mean"], tf["floor"])
            for field, tf in data.get("term_frequencies", {}).items()
        },
        training=data.get("training", {}),
    )
