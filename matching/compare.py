"""Comparison levels: how one field of two records agrees, as a level label the model weighs.

Each function answers for one field, from the strongest agreement down to "different", with "missing"
when either side did not say (a neutral level: absence is not evidence).
"""

from __future__ import annotations

from collections.abc import Callable

import jellyfish

from matching.addresses import address_similarity
from matching.identifiers import digits_apart
from matching.normalize import NormalizedRecord
from matching.places import same_province
from matching.sex import Sex

MISSING = "missing"
DIFFERENT = "different"


def compare_name(a: NormalizedRecord, b: NormalizedRecord) -> str:
    if a.name.canonical == b.name.canonical:
        return "exact"
    if a.name.folded_tokens == b.name.folded_tokens:
        return "folded"
    if sorted(a.name.folded_tokens) == sorted(b.name.folded_tokens):
        return "reordered"
    if a.name.variants == b.name.variants:
        return "variant"  # Vũ/Võ, Hoàng/Huỳnh, Phúc/Phước …
    if a.name.phonetic == b.name.phonetic:
        return "phonetic"  # Trung/Chung, Bình/Bìn …
    similarity = jellyfish.jaro_winkler_similarity(a.name.folded, b.name.folded)
    if similarity >= 0.94:
        return "jaro_winkler_0.94"
    if similarity >= 0.88:
        return "jaro_winkler_0.88"
    return DIFFERENT


def compare_birth_date(a: NormalizedRecord, b: NormalizedRecord) -> str:
    x, y = a.birth_date, b.birth_date
    if x is None or y is None:
        return MISSING
    if x.year != y.year:
        if x.month == y.month and x.day == y.day and _one_digit_off(str(x.year), str(y.year)):
            return "one_digit_off"
        return "years_apart_1" if abs(x.year - y.year) == 1 else DIFFERENT
    if x.is_full and y.is_full:
        if x == y:
            return "exact"
        if (x.month, x.day) == (y.day, y.month):
            return "day_month_swapped"
        if _one_digit_off(x.to_iso(), y.to_iso()):
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


def compare_phone(a: NormalizedRecord, b: NormalizedRecord) -> str:
    if a.phone is None or b.phone is None:
        return MISSING
    return "exact" if a.phone.number == b.phone.number else DIFFERENT


def compare_province(a: NormalizedRecord, b: NormalizedRecord) -> str:
    if a.province_code is None or b.province_code is None:
        return MISSING
    return "same" if same_province(a.province_code, b.province_code) else DIFFERENT


def compare_address(a: NormalizedRecord, b: NormalizedRecord) -> str:
    if not a.address or not b.address:
        return MISSING
    if a.address == b.address:
        return "exact"
    return "overlap" if address_similarity(a.address, b.address) >= 0.6 else DIFFERENT


COMPARISONS: dict[str, Callable[[NormalizedRecord, NormalizedRecord], str]] = {
    "full_name": compare_name,
    "birth_date": compare_birth_date,
    "sex": compare_sex,
    "national_id": compare_national_id,
    "legacy_id": compare_legacy_id,
    "insurance_number": compare_insurance,
    "phone": compare_phone,
    "province_code": compare_province,
    "address": compare_address,
}


def compare_records(a: NormalizedRecord, b: NormalizedRecord) -> dict[str, str]:
    """The comparison level of every field, in a fixed order."""
    return {field: compare(a, b) for field, compare in COMPARISONS.items()}
