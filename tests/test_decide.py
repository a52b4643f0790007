"""The decision rules of matching/decide.py, on hand-made candidates."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matching import (
    CandidateProfile,
    Outcome,
    ReviewType,
    SourceRecord,
    decide,
    normalize_record,
    score_pair,
    untrained_model,
)
from matching.model import TermFrequencies

MODEL = untrained_model()


def rec(name: str, **fields: str):
    return normalize_record(SourceRecord("c1", "1", name, **fields))


DUC = rec(
    "Nguyễn Văn Đức",
    birth_date="1990-05-01",
    sex="male",
    national_id="001090012345",
    phone="0912345678",
    province_code="01",
)


def test_explanation_sums_to_the_match_weight() -> None:
    score = score_pair(MODEL, DUC, rec("NGUYEN VAN DUC", birth_date="01/05/1990", sex="1"))
    assert score.match_weight == pytest.approx(score.prior_weight + sum(f.weight for f in score.fields))
    assert score.level("family_name") == score.level("given_name") == "folded"
    assert score.level("national_id") == "missing" and score.level("contact") == "missing"


def test_same_consistent_cccd_and_agreeing_name_links_deterministically() -> None:
    incoming = rec("Nguyen Van Duc", birth_date="1990", national_id="001090012345")
    decision = decide(MODEL, incoming, [CandidateProfile("p1", "001090012345", DUC)])
    assert decision.outcome is Outcome.LINK and decision.person_id == "p1"
    assert "same CCCD" in decision.reason


def test_same_cccd_with_a_slipped_surname_still_links() -> None:
    # "Ngayễn" for Nguyễn, and the given name Đức is no surname: nothing but a typing slip disagrees.
    incoming = rec("Ngayễn Văn Đức", birth_date="1990", national_id="001090012345")
    decision = decide(MODEL, incoming, [CandidateProfile("p1", "001090012345", DUC)])
    assert decision.outcome is Outcome.LINK and decision.person_id == "p1"


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Uguyễn Bảo Nam", "Nguyễn Bảo Nam", "typo"),  # the first letter, which Jaro-Winkler punishes
        ("Lâm hTành Mạnh", "Lâm Thành Mạnh", "typo"),  # two letters swapped in the middle name
        ("Trầ Công Phúc", "Trần Công Phúc", "typo"),  # a surname lost its last letter
        ("Võ ghị Hạnh", "Võ Thị Hạnh", "typo"),  # a slip that made another word
        ("Nguyễn Văn Hoa", "Nguyễn Tấn Hoa", "jaro_winkler_0.92"),  # two known middle names
        ("Lê Văn An", "Lý Văn An", "different"),  # two surnames one letter apart are two families
    ],
)
def test_family_name_slips_have_their_own_level(a: str, b: str, level: str) -> None:
    assert score_pair(MODEL, rec(a), rec(b)).level("family_name") == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1962-01-29", "1982-01-29", "one_digit_off"),  # same day and month: a slipped digit
        ("1962", "1982", "different"),  # the year alone: as likely a father and his son
    ],
)
def test_a_year_one_digit_off_is_a_slip_only_with_the_day_agreeing(a: str, b: str, level: str) -> None:
    score = score_pair(MODEL, rec("Đặng Tuấn Quý", birth_date=a), rec("Đặng Tuấn Quý", birth_date=b))
    assert score.level("birth_date") == level


def test_models_of_the_first_comparison_set_score_as_they_were_trained() -> None:
    """A model a deployment trained before vietnamese-v2 keeps its levels: no family typo, no one-letter."""
    v1 = replace(MODEL, comparison_set="vietnamese-v1")
    new_levels = {"family_name": "typo", "given_name": "one_letter"}
    v1 = v1.with_levels(
        {
            field: {k: v for k, v in levels.items() if k != new_levels.get(field)}
            for field, levels in v1.levels.items()
        }
    )
    family = score_pair(v1, rec("Lâm hTành Mạnh"), rec("Lâm Thành Mạnh")).level("family_name")
    assert family == "jaro_winkler_0.92"
    assert score_pair(v1, rec("Trầ Công Phúc"), rec("Trần Công Phúc")).level("family_name") == "different"
    assert score_pair(v1, rec("Nguyễn Văn Đắc"), DUC).level("given_name") == "different"


def test_same_cccd_and_birth_date_let_a_given_name_one_letter_off_link() -> None:
    dac = rec("Nguyễn Văn Đắc", birth_date="1990-05-01", sex="male", national_id="001090012345")
    assert score_pair(MODEL, dac, DUC).level("given_name") == "one_letter"  # Đắc, Đức: two real names
    assert decide(MODEL, dac, [CandidateProfile("p1", "001090012345", DUC)]).outcome is Outcome.LINK
    year_only = rec("Nguyễn Văn Đắc", birth_date="1990", national_id="001090012345")
    decision = decide(MODEL, year_only, [CandidateProfile("p1", "001090012345", DUC)])
    assert decision.review_type is ReviewType.NATIONAL_ID_CONFLICT


def test_a_given_name_one_letter_off_vetoes_a_link_by_weight() -> None:
    # Twins Minh and Vinh: one household, one birth date, one phone; no CCCD to tell them apart.
    household = {
        "birth_date": "2001-03-04",
        "sex": "male",
        "phone": "0912345678",
        "address": "12 Lê Lợi, Huế",
    }
    minh, vinh = rec("Lê Văn Minh", **household), rec("Lê Văn Vinh", **household)
    decision = decide(MODEL, vinh, [CandidateProfile("p1", None, minh)])
    assert decision.best is not None and decision.best.score.level("given_name") == "one_letter"
    assert decision.best.score.match_weight >= MODEL.link_threshold
    assert decision.outcome is Outcome.REVIEW and "given_name" in decision.reason


def test_a_given_name_far_rarer_than_its_neighbour_is_read_as_its_slip() -> None:
    """Huy typed "Hy": with given-name frequencies that hold Huy often and Hy hardly, the one-letter level
    is a typo and the household's evidence links; Minh and Vinh, both common, still veto."""
    names = TermFrequencies({"huy": 0.02, "minh": 0.02, "vinh": 0.01}, mean=0.016, floor=2e-4)
    model = replace(MODEL, term_frequencies={"given_name": names})
    household = {"birth_date": "2001-03-04", "sex": "male", "phone": "0912345678"}
    huy, hy = rec("Lê Văn Huy", **household), rec("Lê Văn Hy", **household)
    assert score_pair(MODEL, hy, huy).level("given_name") == "one_letter"  # no frequencies: cautious
    assert score_pair(model, hy, huy).level("given_name") == "typo"
    assert decide(model, hy, [CandidateProfile("p1", None, huy)]).outcome is Outcome.LINK
    minh, vinh = rec("Lê Văn Minh", **household), rec("Lê Văn Vinh", **household)
    assert score_pair(model, vinh, minh).level("given_name") == "one_letter"
    assert decide(model, vinh, [CandidateProfile("p1", None, minh)]).outcome is Outcome.REVIEW


def test_a_contradiction_on_another_record_of_the_person_counts() -> None:
    # The person's best-agreeing record says no sex; another of its records says male.
    silent = rec("Nguyễn Kim Dung", birth_date="1993-12-29", phone="0338107672", province_code="31")
    male = rec("Nguyễn Tuấn Dũng", birth_date="1993-12-29", sex="male", phone="0338107672")
    her = rec("Nguyễn Kim Dung", birth_date="1993-12-29", sex="female", phone="0338107672")
    alone = decide(MODEL, her, [CandidateProfile("p1", None, silent)]).best
    both = decide(MODEL, her, [CandidateProfile("p1", None, silent), CandidateProfile("p1", None, male)]).best
    assert alone is not None and both is not None
    assert alone.score.level("sex") == "missing" and both.score.level("sex") == "different"
    assert both.score.match_weight == pytest.approx(
        alone.score.match_weight + MODEL.levels["sex"]["different"].weight
    )
    assert both.score.match_weight == pytest.approx(
        both.score.prior_weight + sum(f.weight for f in both.score.fields)
    )


@pytest.mark.parametrize(
    ("other_record", "level"),
    [
        (
            {"birth_date": "1990", "phone": "0912345678", "address": "5 Lê Lợi", "province_code": "01"},
            "different",
        ),
        ({"birth_date": "1991", "province_code": "79"}, "province"),
    ],
)
def test_the_persons_contact_on_any_record_counts_when_the_best_record_has_none(
    other_record: dict[str, str], level: str
) -> None:
    """The person's best-agreeing record (the dated one) has no phone or address: those of another of its
    records speak for the person, for or against."""
    dated = rec("Nguyễn Văn Đức", birth_date="1990-05-01", sex="male")
    other = rec("Nguyễn Văn Đức", **other_record)
    incoming = rec("NGUYEN VAN DUC", birth_date="1990-05-01", sex="1", phone="0987654321", province_code="79")
    alone = decide(MODEL, incoming, [CandidateProfile("p1", None, dated)]).best
    both = decide(
        MODEL, incoming, [CandidateProfile("p1", None, dated), CandidateProfile("p1", None, other)]
    ).best
    assert alone is not None and both is not None
    assert alone.score.level("contact") == "missing" and both.score.level("contact") == level
    assert both.score.match_weight == pytest.approx(
        alone.score.match_weight + MODEL.levels["contact"][level].weight
    )


def test_a_cccd_on_another_record_of_the_person_stops_a_link_by_weight() -> None:
    namesake = rec("Nguyễn Văn Đức", birth_date="1990-05-01", sex="male", phone="0912345678")
    with_card = rec("Nguyễn Văn Đức", birth_date="1990", national_id="001090012345")
    incoming = rec(
        "Nguyễn Văn Đức", birth_date="1990-05-01", sex="male", phone="0912345678", national_id="001090054321"
    )
    alone = decide(MODEL, incoming, [CandidateProfile("p1", None, namesake)])
    assert alone.outcome is Outcome.LINK
    decision = decide(
        MODEL, incoming, [CandidateProfile("p1", None, namesake), CandidateProfile("p1", None, with_card)]
    )
    assert decision.outcome is Outcome.REVIEW and decision.review_type is ReviewType.NATIONAL_ID_CONFLICT
    # A parent's card on the person's record (it contradicts that record's birth year) is no conflict.
    child_with_parents_card = rec("Nguyễn Văn Đức", birth_date="2016", national_id="001090012345")
    decision = decide(
        MODEL,
        incoming,
        [CandidateProfile("p1", None, namesake), CandidateProfile("p1", None, child_with_parents_card)],
    )
    assert decision.outcome is Outcome.LINK


def test_same_cccd_with_another_name_is_a_conflict_not_a_link() -> None:
    incoming = rec("Trần Thị Mai", birth_date="1990-07-09", national_id="001090012345")
    decision = decide(MODEL, incoming, [CandidateProfile("p1", "001090012345", DUC)])
    assert decision.outcome is Outcome.REVIEW
    assert decision.review_type is ReviewType.NATIONAL_ID_CONFLICT


def test_a_cccd_contradicting_the_records_own_birth_year_is_set_aside() -> None:
    # A child's record (born 2016) carrying the father's CCCD (born 1990): never linked to the father.
    child = rec("Nguyễn Văn Minh", birth_date="2016-02-03", sex="male", national_id="001090012345")
    decision = decide(MODEL, child, [CandidateProfile("p1", "001090012345", DUC)])
    assert decision.outcome is Outcome.NEW_PERSON
    assert "contradicts its own birth_date and was set aside" in decision.reason
    assert decision.best is not None and decision.best.score.level("national_id") == "missing"


def test_strong_agreement_without_ids_links() -> None:
    incoming = rec(
        "NGUYEN VAN DUC", birth_date="01/05/1990", sex="Nam", phone="+84 912 345 678", province_code="01"
    )
    decision = decide(MODEL, incoming, [CandidateProfile("p1", None, DUC)])
    assert decision.outcome is Outcome.LINK


def test_two_close_candidates_are_ambiguous() -> None:
    twin_a = rec(
        "Nguyễn Văn Đức", birth_date="1990-05-01", sex="male", phone="0912345678", province_code="01"
    )
    twin_b = rec(
        "Nguyễn Văn Đức", birth_date="1990-05-01", sex="male", phone="0912345678", province_code="01"
    )
    incoming = rec(
        "Nguyen Van Duc", birth_date="1990-05-01", sex="male", phone="0912345678", province_code="01"
    )
    decision = decide(
        MODEL, incoming, [CandidateProfile("a", None, twin_a), CandidateProfile("b", None, twin_b)]
    )
    assert decision.outcome is Outcome.REVIEW and decision.review_type is ReviewType.AMBIGUOUS
    assert {p.person_id for p in decision.ranked} == {"a", "b"}


def test_name_and_year_only_is_not_enough_to_link() -> None:
    incoming = rec("Nguyễn Văn Đức", birth_date="1990")
    decision = decide(MODEL, incoming, [CandidateProfile("p1", None, DUC)])
    assert decision.outcome is not Outcome.LINK


def test_a_stranger_starts_a_new_person() -> None:
    incoming = rec("Phạm Thị Hoa", birth_date="1971-11-30", sex="female", province_code="79")
    decision = decide(MODEL, incoming, [CandidateProfile("p1", "001090012345", DUC)])
    assert decision.outcome is Outcome.NEW_PERSON
    assert decision.best is not None and decision.best.score.match_weight < MODEL.review_threshold


def test_different_cccds_never_link_by_weight() -> None:
    incoming = rec(
        "Nguyễn Văn Đức",
        birth_date="1990-05-01",
        sex="male",
        phone="0912345678",
        province_code="01",
        national_id="001090099999",
    )
    decision = decide(MODEL, incoming, [CandidateProfile("p1", "001090012345", DUC)])
    assert decision.outcome is not Outcome.LINK


def test_no_candidates_means_new_person() -> None:
    assert decide(MODEL, DUC, []).outcome is Outcome.NEW_PERSON


def test_the_prior_falls_as_the_index_outgrows_the_training_data() -> None:
    """Namesakes born the same year are likelier in a bigger index: past the training data's size the
    prior drops by the log of the ratio, in half-bit steps, and never rises for a small index."""
    model = replace(MODEL, training={"records": 1_000})
    assert model.for_index(10) is model and model.for_index(1_000) is model
    assert model.for_index(4_000).prior_weight == pytest.approx(model.prior_weight - 2.0)
    assert model.for_index(5_000).prior_weight == pytest.approx(model.prior_weight - 2.0)  # a step is ½ bit
    assert model.for_index(8_000) is model.for_index(8_000).for_index(8_000)
    # Same name, sex, birth year and street, nothing else: linked in an index the size of the training
    # data, reviewed in one 64 times larger.
    place = {"province_code": "01", "address": "12 Lê Lợi, Hà Nội"}
    namesake = rec("Trần Bảo Khánh", birth_date="1975", sex="male", **place)
    found = [CandidateProfile("p1", None, rec("TRAN BAO KHANH", birth_date="1975", sex="1", **place))]
    small, large = (decide(model.for_index(n), namesake, found) for n in (1_000, 64_000))
    assert small.best is not None and large.best is not None
    assert large.best.score.match_weight == pytest.approx(small.best.score.match_weight - 6.0)
    assert (small.outcome, large.outcome) == (Outcome.LINK, Outcome.REVIEW)
