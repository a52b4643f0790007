"""Comparisons: how one field of two records agrees, as a level label the model weighs.

A `Comparison` names a field, its levels from the strongest agreement down to "different", the function
that picks the level for a pair, and — for names — the value whose frequency adjusts the weight of an
agreement (Nguyễn agreeing with Nguyễn says little; Khúc with Khúc says much). "missing" (either side did
not say) is implicit and neutral: absence is not evidence.

`VIETNAMESE_COMPARISONS` is the set for the normalized records of this library. The model machinery
(training, scoring, deciding) takes any set, so a benchmark can bring its own for other data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import jellyfish

from matching.addresses import address_similarity
from matching.identifiers import digits_apart
from matching.name_variants import COMMON_MIDDLE_NAMES, COMMON_SURNAMES
from matching.normalize import NormalizedRecord
from matching.places import same_province
from matching.sex import Sex
from matching.syllables import is_syllable

MISSING = "missing"
DIFFERENT = "different"
ONE_LETTER = "one_letter"  # two real given names one letter apart


@dataclass(frozen=True)
class Comparison:
    field: str
    levels: tuple[str, ...]  # strongest first, ending with "different"; "missing" is implicit
    compare: Callable[[Any, Any], str]
    # Levels whose weight is adjusted by the frequency of the agreed value, and how to read that value.
    tf_levels: frozenset[str] = frozenset()
    tf_value: Callable[[Any], str | None] | None = None


def _jaro_winkler(a: str, b: str) -> float:
    return jellyfish.jaro_winkler_similarity(a, b)


def compare_family_name(a: NormalizedRecord, b: NormalizedRecord) -> str:
    """Family and middle names: everything but the given name."""
    x, y = a.name.family_and_middle, b.name.family_and_middle
    if not x or not y:
        return MISSING
    if x == y:
        written_alike = a.name.canonical_family_and_middle == b.name.canonical_family_and_middle
        return "exact" if written_alike else "folded"
    if a.name.variants[:-1] == b.name.variants[:-1]:
        return "variant"  # Vũ/Võ, Hoàng/Huỳnh
    if a.name.phonetic[:-1] == b.name.phonetic[:-1]:
        return "phonetic"
    if _family_slip(a.name.folded_tokens[:-1], b.name.folded_tokens[:-1], x, y):
        return "typo"
    if _jaro_winkler(x, y) >= 0.92:
        return "jaro_winkler_0.92"
    return "family_only" if a.name.family == b.name.family else DIFFERENT


def _family_slip(x: tuple[str, ...], y: tuple[str, ...], joined_x: str, joined_y: str) -> bool:
    """One keystroke apart (the first letter too: "Uguyễn", which Jaro-Winkler punishes), unless the two
    words that differ are two known surnames (Lê/Lý) or two known middle names (Văn/Tấn, Đức/Duy): those
    are two families or two names. Other middle-name slips make real syllables as often as not (Thị typed
    "hị" or "ghị", Mai typed "Ma"), so being a word proves nothing there."""
    if (
        abs(len(joined_x) - len(joined_y)) > 1
        or jellyfish.damerau_levenshtein_distance(joined_x, joined_y) != 1
    ):
        return False
    if len(x) != len(y):
        return True  # a space slipped in or out
    i, p, q = next((i, p, q) for i, (p, q) in enumerate(zip(x, y, strict=True)) if p != q)
    known = COMMON_SURNAMES if i == 0 else COMMON_MIDDLE_NAMES
    return not (p in known and q in known)


def compare_given_name(a: NormalizedRecord, b: NormalizedRecord) -> str:
    """The given name, the one people are called by: it carries the most identity."""
    x, y = a.name.given, b.name.given
    if x == y:
        return "exact" if a.name.canonical_given == b.name.canonical_given else "folded"
    if a.name.variants[-1] == b.name.variants[-1] or a.name.phonetic[-1] == b.name.phonetic[-1]:
        return "phonetic"  # Phúc/Phước, Trung/Chung, Bình/Bìn
    one_slip = abs(len(x) - len(y)) <= 1 and jellyfish.damerau_levenshtein_distance(x, y) == 1
    if one_slip and not (is_syllable(x) and is_syllable(y)):
        return "typo"  # one slip that made a non-word ("Qunnh"), however alike the two look
    if _jaro_winkler(x, y) >= 0.9:
        return "jaro_winkler_0.9"
    if one_slip:
        # Huy/Hy, Minh/Vinh: twins are named so, and a slip can make a word too. It vetoes a link by
        # weight like a different name (decide.py); only a matching CCCD and birth date let it through.
        return ONE_LETTER
    return DIFFERENT


def compare_birth_date(a: NormalizedRecord, b: NormalizedRecord) -> str:
    x, y = a.birth_date, b.birth_date
    if x is None or y is None:
        return MISSING
    if x.year != y.year:
        # A slipped digit of the year only when day and month agree: 1962 and 1982 alone are as likely
        # a father and his son as one man.
        same_day = x.month is not None and x.month == y.month and x.day == y.day
        if same_day and _one_digit_off(str(x.year), str(y.year)):
            return "one_digit_off"
        return "years_apart_1" if abs(x.year - y.year) == 1 else DIFFERENT
    if x.is_full and y.is_full:
        if x == y:
            return "exact"
        if (x.month, x.day) == (y.day, y.month):
            return "day_month_swapped"
        # the years agree: one slip in the month or the day
        if _one_digit_off(f"{x.month:02d}{x.day:02d}", f"{y.month:02d}{y.day:02d}"):
            return "one_digit_off"
        return "same_year"
    if x.month is None or y.month is None:
        return "year_only"
    return "year_month" if x.month == y.month else "same_year"


def _one_digit_off(x: str, y: str) -> bool:
    return len(x) == len(y) and sum(c != d for c, d in zip(x, y, strict=True)) == 1


def compare_sex(a: NormalizedRecord, b: NormalizedRecord) -> str:
    known = (Sex.MALE, Sex.FEMALE)
    if a.sex not in known or b.sex not in known:
        return MISSING
    return "agree" if a.sex == b.sex else DIFFERENT


def compare_national_id(a: NormalizedRecord, b: NormalizedRecord) -> str:
    x, y = a.national_id, b.national_id
    if x is None or y is None or x.kind != y.kind:
        return MISSING
    if x.number == y.number:
        return "exact"
    return "typo" if digits_apart(x.number, y.number) else DIFFERENT


def compare_legacy_id(a: NormalizedRecord, b: NormalizedRecord) -> str:
    if not a.legacy_ids or not b.legacy_ids:
        return MISSING
    return "exact" if set(a.legacy_ids) & set(b.legacy_ids) else DIFFERENT


def compare_insurance(a: NormalizedRecord, b: NormalizedRecord) -> str:
    if not a.bhxh_numbers or not b.bhxh_numbers:
        return MISSING
    return "shared" if set(a.bhxh_numbers) & set(b.bhxh_numbers) else DIFFERENT


def compare_contact(a: NormalizedRecord, b: NormalizedRecord) -> str:
    """Phone, address and province as one comparison: a household shares all three, so weighing them
    separately would count one fact (same household) three times and link a mother to her son."""
    phone = None if a.phone is None or b.phone is None else a.phone.number == b.phone.number
    address = None
    if a.address and b.address:
        address = a.address == b.address or address_similarity(a.address, b.address) >= 0.6
    province = None
    if a.province_code is not None and b.province_code is not None:
        province = same_province(a.province_code, b.province_code)
    if phone and address:
        return "phone_and_address"
    if phone:
        return "phone"
    if address:
        return "address"
    if province:
        return "province"
    if phone is None and address is None and province is None:
        return MISSING
    return DIFFERENT


def compare_family_name_v1(a: NormalizedRecord, b: NormalizedRecord) -> str:
    """vietnamese-v1 had no family-name typo level: such a pair fell to the levels after it."""
    level = compare_family_name(a, b)
    if level != "typo":
        return level
    if _jaro_winkler(a.name.family_and_middle, b.name.family_and_middle) >= 0.92:
        return "jaro_winkler_0.92"
    return "family_only" if a.name.family == b.name.family else DIFFERENT


def compare_given_name_v1(a: NormalizedRecord, b: NormalizedRecord) -> str:
    """vietnamese-v1 had no one-letter level (two real names one letter apart were different) and put
    Jaro-Winkler before typos."""
    level = compare_given_name(a, b)
    if level == "typo" and _jaro_winkler(a.name.given, b.name.given) >= 0.9:
        return "jaro_winkler_0.9"
    return DIFFERENT if level == ONE_LETTER else level


def _family_token(r: NormalizedRecord) -> str | None:
    return r.name.family if len(r.name.folded_tokens) > 1 else None


def _family_and_middle(r: NormalizedRecord) -> str | None:
    """What the family_name comparison compares: "Nguyễn Văn" is common, "Nguyễn Gia" is not, and agreeing
    on the second says more about identity than the surname alone tells."""
    return r.name.family_and_middle or None


def _given_token(r: NormalizedRecord) -> str | None:
    return r.name.given


VIETNAMESE_COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "family_name",
        ("exact", "folded", "variant", "phonetic", "typo", "jaro_winkler_0.92", "family_only", DIFFERENT),
        compare_family_name,
        tf_levels=frozenset({"exact", "folded"}),
        tf_value=_family_and_middle,
    ),
    Comparison(
        "given_name",
        ("exact", "folded", "phonetic", "typo", "jaro_winkler_0.9", ONE_LETTER, DIFFERENT),
        compare_given_name,
        tf_levels=frozenset({"exact", "folded"}),
        tf_value=_given_token,
    ),
    Comparison(
        "birth_date",
        (
            "exact",
            "day_month_swapped",
            "one_digit_off",
            "year_month",
            "year_only",
            "same_year",
            "years_apart_1",
            DIFFERENT,
        ),
        compare_birth_date,
    ),
    Comparison("sex", ("agree", DIFFERENT), compare_sex),
    Comparison("national_id", ("exact", "typo", DIFFERENT), compare_national_id),
    Comparison("legacy_id", ("exact", DIFFERENT), compare_legacy_id),
    Comparison("insurance_number", ("shared", DIFFERENT), compare_insurance),
    Comparison("contact", ("phone_and_address", "phone", "address", "province", DIFFERENT), compare_contact),
)


def comparison_vector(comparisons: tuple[Comparison, ...], a: Any, b: Any) -> tuple[str, ...]:
    """The level of every comparison for one pair, in the set's order."""
    return tuple([c.compare(a, b) for c in comparisons])  # a list is built faster than a generator runs


# Models trained before the family-name typo level, the one-letter given-name level and the
# family-and-middle-name frequencies (stored in a deployment's database) keep scoring
# with the comparisons they were trained on.
VIETNAMESE_COMPARISONS_V1: tuple[Comparison, ...] = (
    replace(
        VIETNAMESE_COMPARISONS[0],
        levels=tuple(level for level in VIETNAMESE_COMPARISONS[0].levels if level != "typo"),
        compare=compare_family_name_v1,
        tf_value=_family_token,
    ),
    replace(
        VIETNAMESE_COMPARISONS[1],
        levels=tuple(level for level in VIETNAMESE_COMPARISONS[1].levels if level != ONE_LETTER),
        compare=compare_given_name_v1,
    ),
    *VIETNAMESE_COMPARISONS[2:],
)
