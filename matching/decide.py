"""From scored candidates to a decision: link, new person, or review — and why.

Order of the rules, strongest first:
1. A CCCD that contradicts the record's own birth year or sex (a parent's card, a typo) is someone else's
   evidence: it is set aside — never used to match, never given to a person — and the rest decides.
2. A candidate person holding the record's CCCD: link when the name agrees and the birth date does not
   contradict (the only deterministic rule); otherwise a national-ID conflict for review.
3. The best person by match weight (its best-agreeing record, plus the sex, birth date or CCCD its
   other records contradict): linked at or above the link threshold, unless a field the model names as
   a veto disagrees (given name, birth year: no weight overrides that; review), a runner-up is within
   the ambiguity margin (ambiguous → review) or the record's ID number differs from the person's or from
   one on the person's records (never linked by weight, unless one mistyped digit apart).
4. At or above the review threshold: a possible match for review. Below it: a new person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from matching.compare import DIFFERENT, MISSING, ONE_LETTER
from matching.identifiers import cccd_contradictions, digits_apart
from matching.model import FieldWeight, Model
from matching.normalize import NormalizedRecord
from matching.score import PairScore, RecordScorer

MAX_REPORTED_CANDIDATES = 5
PERSON_FACTS = ("sex", "birth_date", "national_id")
# A person's phones and addresses are many over the years: the one that agrees best with the record, on any
# of the person's records, speaks for the person when the best-agreeing record has none.
PERSON_CONTACT = "contact"
# Levels of a veto field that stop a link by weight: the names of two people, not one person's slip.
_DISAGREEING = frozenset({DIFFERENT, ONE_LETTER})


class Outcome(StrEnum):
    LINK = "linked"
    NEW_PERSON = "new_person"
    REVIEW = "review"


class ReviewType(StrEnum):
    POSSIBLE_MATCH = "possible_match"
    AMBIGUOUS = "ambiguous"
    NATIONAL_ID_CONFLICT = "national_id_conflict"


@dataclass(frozen=True, slots=True)
class CandidateProfile:
    """One known record (or registry row) of a candidate person."""

    person_id: str
    person_national_id: str | None
    profile: NormalizedRecord


@dataclass(frozen=True, slots=True)
class PersonScore:
    person_id: str
    national_id: str | None
    score: PairScore
    # One of the person's records carries an ID number of the record's kind that is not the record's.
    id_conflict: bool = False


@dataclass(frozen=True, slots=True)
class MatchDecision:
    outcome: Outcome
    reason: str
    person_id: str | None = None  # set when outcome is LINK
    review_type: ReviewType | None = None
    ranked: tuple[PersonScore, ...] = ()  # best first, at most MAX_REPORTED_CANDIDATES
    considered: int = 0  # candidate persons scored

    @property
    def best(self) -> PersonScore | None:
        return self.ranked[0] if self.ranked else None


def rank_persons(scored: Iterable[tuple[PairScore, CandidateProfile]]) -> list[PersonScore]:
    """Each person scored by its best-agreeing profile, highest first (ties by person id), with the
    facts its other profiles contradict (_with_person_facts)."""
    by_person: dict[str, list[tuple[PairScore, CandidateProfile]]] = {}
    for score, cand in scored:
        by_person.setdefault(cand.person_id, []).append((score, cand))
    ranked = [_person_score(of_person) for of_person in by_person.values()]
    return sorted(ranked, key=lambda p: (-p.score.match_weight, p.person_id))


def _person_score(scored: list[tuple[PairScore, CandidateProfile]]) -> PersonScore:
    best, cand = scored[0]
    if len(scored) == 1:  # most persons: one record, nothing to choose or to add
        conflict = best.level("national_id") == DIFFERENT and _own_card(cand.profile)
        return PersonScore(cand.person_id, cand.person_national_id, best, id_conflict=conflict)
    for score, other in scored[1:]:
        if score.match_weight > best.match_weight:
            best, cand = score, other
    # Whether a profile's card is its own is asked only where the numbers differ.
    id_conflict = any(s.level("national_id") == DIFFERENT and _own_card(c.profile) for s, c in scored)
    best = _with_person_facts(best, scored)
    return PersonScore(cand.person_id, cand.person_national_id, best, id_conflict=id_conflict)


def _own_card(profile: NormalizedRecord) -> bool:
    """The profile's CCCD (if any) fits its own birth year and sex: not a parent's card."""
    cccd = getattr(profile, "cccd", None)
    return cccd is None or not cccd_contradictions(cccd, profile.birth_date, profile.sex)


def _with_person_facts(best: PairScore, scored: list[tuple[PairScore, CandidateProfile]]) -> PairScore:
    """A person has one sex, one birth date and one CCCD. When the best-agreeing profile is silent on
    one of them and another profile of the person contradicts the record there (the twin's record
    without a sex, the namesake's record without a CCCD: a card that is its own), that contradiction
    joins the explanation."""
    found: dict[str, FieldWeight] = {}
    for field in PERSON_FACTS:
        if best.level(field) != MISSING:
            continue
        for score, cand in scored:
            if score.level(field) == DIFFERENT and (field != "national_id" or _own_card(cand.profile)):
                found[field] = score.weight_of(field)
                break
    if best.level(PERSON_CONTACT) == MISSING:
        said = [s.weight_of(PERSON_CONTACT) for s, _ in scored if s.level(PERSON_CONTACT) != MISSING]
        if said:
            found[PERSON_CONTACT] = max(said, key=lambda f: f.weight)
    if not found:
        return best
    fields = tuple(found.get(f.field, f) if f.level == MISSING else f for f in best.fields)
    return PairScore(best.match_weight + sum(f.weight for f in found.values()), best.prior_weight, fields)


def decide(model: Model, record: NormalizedRecord, candidates: Sequence[CandidateProfile]) -> MatchDecision:
    """Records of other shapes (a benchmark's) work too: without a `cccd` the identifier rules stay out."""
    scorer = RecordScorer(model, scored_as(record))
    return decide_scored(model, record, [(scorer.pair(c.profile), c) for c in candidates])


def decide_scored(
    model: Model, record: NormalizedRecord, scored: Iterable[tuple[PairScore, CandidateProfile]]
) -> MatchDecision:
    """decide, for candidates scored already (the bulk load compares its pairs in worker processes):
    each profile with its score_pair(model, scored_as(record), profile)."""
    ranked = rank_persons(scored)
    if not (contradicted := _contradicted_card(record)):
        return replace(_rules(model, record, ranked), considered=len(ranked))
    decision = _rules(model, replace(record, national_id=None), ranked)
    note = f"; the record's CCCD contradicts its own {' and '.join(contradicted)} and was set aside"
    return replace(decision, reason=decision.reason + note, considered=len(ranked))


def scored_as(record: NormalizedRecord) -> NormalizedRecord:
    """The record as its candidates are scored: a CCCD that contradicts the record's own birth year or
    sex is someone else's card (a parent's, typically), evidence about that someone, so it is set aside."""
    return replace(record, national_id=None) if _contradicted_card(record) else record


def _contradicted_card(record: NormalizedRecord) -> tuple[str, ...]:
    cccd = getattr(record, "cccd", None)
    return () if cccd is None else cccd_contradictions(cccd, record.birth_date, record.sex)


def _rules(model: Model, record: NormalizedRecord, ranked: list[PersonScore]) -> MatchDecision:
    reported = tuple(ranked[:MAX_REPORTED_CANDIDATES])
    cccd = getattr(record, "cccd", None)
    holder = next((p for p in ranked if cccd is not None and p.national_id == cccd), None)
    if holder is not None:
        if _demographics_agree(holder.score):
            return MatchDecision(
                Outcome.LINK,
                "same CCCD as the person, consistent with birth year and sex, and the name agrees",
                person_id=holder.person_id,
                ranked=_holder_first(holder, reported),
            )
        return MatchDecision(
            Outcome.REVIEW,
            "the record's CCCD belongs to a person whose name, birth date or sex disagrees",
            review_type=ReviewType.NATIONAL_ID_CONFLICT,
            ranked=_holder_first(holder, reported),
        )

    if not ranked or ranked[0].score.match_weight < model.review_threshold:
        return MatchDecision(Outcome.NEW_PERSON, "no candidate reached the review threshold", ranked=reported)

    top = ranked[0]
    weight = top.score.match_weight
    runner_up = ranked[1].score.match_weight if len(ranked) > 1 else None
    if weight >= model.link_threshold:
        if vetoed := [f for f in model.vetoes if top.score.level(f) in _DISAGREEING]:
            return MatchDecision(
                Outcome.REVIEW,
                f"strong match, but {' and '.join(vetoed)} disagree: "
                "twins and namesakes in one household look so",
                review_type=ReviewType.POSSIBLE_MATCH,
                ranked=reported,
            )
        if runner_up is not None and weight - runner_up < model.ambiguity_margin:
            return MatchDecision(
                Outcome.REVIEW,
                f"two persons within {model.ambiguity_margin:g} bits of each other",
                review_type=ReviewType.AMBIGUOUS,
                ranked=reported,
            )
        if top.id_conflict or (
            cccd is not None
            and top.national_id is not None
            and top.national_id != cccd
            and not digits_apart(cccd, top.national_id)  # a one-digit slip on a strong match still links
        ):
            return MatchDecision(
                Outcome.REVIEW,
                "strong match, but the record's ID number differs from the person's",
                review_type=ReviewType.NATIONAL_ID_CONFLICT,
                ranked=reported,
            )
        return MatchDecision(
            Outcome.LINK,
            f"match weight {weight:.1f} at or above the link threshold {model.link_threshold:g}",
            person_id=top.person_id,
            ranked=reported,
        )
    return MatchDecision(
        Outcome.REVIEW,
        f"match weight {weight:.1f} between the review ({model.review_threshold:g}) "
        f"and link ({model.link_threshold:g}) thresholds",
        review_type=ReviewType.POSSIBLE_MATCH,
        ranked=reported,
    )


def _demographics_agree(score: PairScore) -> bool:
    """Enough agreement beside the same CCCD to link: a given name one letter off ("Hy" for Huy) only
    with the whole birth date agreeing, which a twin's card typed into the record would also show, but
    twins one letter apart who swap cards are rarer than clerks who drop a letter."""
    given = score.level("given_name")
    return (
        given != DIFFERENT
        and (given != ONE_LETTER or score.level("birth_date") == "exact")
        and score.level("family_name") != DIFFERENT
        and score.level("birth_date") not in (DIFFERENT, "years_apart_1")
        and score.level("sex") != DIFFERENT
    )


def _holder_first(holder: PersonScore, reported: tuple[PersonScore, ...]) -> tuple[PersonScore, ...]:
    rest = tuple(p for p in reported if p.person_id != holder.person_id)
    return (holder, *rest)[:MAX_REPORTED_CANDIDATES]
