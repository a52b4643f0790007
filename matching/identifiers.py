"""Identity documents: the 12-digit CCCD, the older CMND, passports, BHYT cards and BHXH numbers.

CCCD layout `PPP G YY RRRRRR` (shared/domain/vn_identity_facts.md §2.1): PPP the birth-registration
province (or a country code for births abroad), G the century and sex (even male, odd female; 0/1 1900s,
2/3 2000s, …), YY the last two digits of the birth year, then six random digits. There is no check digit,
so a CCCD can only be checked against the record's own birth year and sex — which is exactly what
catches a parent's card typed into a child's record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from matching.dates import PartialDate
from matching.errors import FieldProblem
from matching.places import PROVINCES_BEFORE_2025
from matching.sex import Sex

_SEPARATORS = re.compile(r"[\s.\-]")
# A Vietnamese passport is one letter and seven digits; foreign ones vary. Letters first, then digits.
_PASSPORT = re.compile(r"^[A-Z]{1,2}\d{6,8}$")
# Letters and digits mixed, 6-20 of them (a digits-only value of the wrong length is a mistyped CCCD).
_OTHER_DOCUMENT = re.compile(r"^(?=.*[A-Z])(?=.*\d)[A-Z0-9]{6,20}$")
# 2 letters object code, 1 digit benefit level, 2 digits province, 10 digits BHXH number (§3).
_BHYT_CARD = re.compile(r"^[A-Z]{2}\d{13}$")


class DocumentKind(StrEnum):
    CCCD = "cccd"
    CMND = "cmnd"
    PASSPORT = "passport"
    # Another document or account code that 4750's SO_CCCD may carry (the VNeID account code when the
    # person has no card): letters and digits, compared only for equality.
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    kind: DocumentKind
    number: str


@dataclass(frozen=True, slots=True)
class CccdFacts:
    """What a CCCD number says about its holder."""

    province_code: str  # 3 digits
    province_known: bool  # False: a country code (birth abroad) or a typo
    sex: Sex
    birth_year: int


def parse_national_id(text: str) -> IdentityDocument | FieldProblem | None:
    """A CCCD, or what 4750's SO_CCCD may carry instead (9-digit CMND, passport); None when empty."""
    value = _SEPARATORS.sub("", text).upper()
    if not value:
        return None
    if value.isdigit() and value.isascii():
        if len(value) == 12:
            return IdentityDocument(DocumentKind.CCCD, value)
        if len(value) == 9:
            return IdentityDocument(DocumentKind.CMND, value)
        return FieldProblem("national_id", f"has {len(value)} digits; a CCCD has 12 (a CMND 9)")
    if _PASSPORT.match(value):
        return IdentityDocument(DocumentKind.PASSPORT, value)
    if _OTHER_DOCUMENT.match(value):
        return IdentityDocument(DocumentKind.OTHER, value)
    return FieldProblem(
        "national_id", "not a 12-digit CCCD, a 9-digit CMND, a passport number or a document code"
    )


def parse_legacy_id(text: str) -> str | FieldProblem | None:
    """An old CMND: 9 or 12 digits."""
    value = _SEPARATORS.sub("", text)
    if not value:
        return None
    if not (value.isdigit() and value.isascii() and len(value) in (9, 12)):
        return FieldProblem("legacy_id", "not a 9- or 12-digit CMND number")
    return value


# Read for every candidate's card on every match (decide's own-card check): each number once.
@lru_cache(maxsize=1 << 16)
def cccd_facts(number: str) -> CccdFacts:
    century_digit = int(number[3])
    return CccdFacts(
        province_code=number[:3],
        province_known=number[:3].startswith("0") and number[1:3] in PROVINCES_BEFORE_2025,
        sex=Sex.MALE if century_digit % 2 == 0 else Sex.FEMALE,
        birth_year=1900 + (century_digit // 2) * 100 + int(number[4:6]),
    )


def cccd_contradictions(number: str, birth_date: PartialDate | None, sex: Sex | None) -> tuple[str, ...]:
    """Fields of the record that the CCCD contradicts: ('birth_date',), ('sex',), both, or none."""
    facts = cccd_facts(number)
    found = []
    if birth_date is not None and birth_date.year != facts.birth_year:
        found.append("birth_date")
    if sex in (Sex.MALE, Sex.FEMALE) and sex != facts.sex:
        found.append("sex")
    return tuple(found)


# shared/domain/vn_identity_facts.md §3: object codes and the benefit level each usually carries.
BHYT_OBJECT_CODES = frozenset(
    [
        "DN",
        "HX",
        "CH",
        "NN",
        "TK",
        "HC",
        "XK",
        "HT",
        "TB",
        "NO",
        "CT",
        "XB",
        "TN",
        "CS",
        "QN",
        "CA",
        "CY",
        "XN",
        "MS",
        "CC",
        "CK",
        "CB",
        "KC",
        "HD",
        "TE",
        "BT",
        "HN",
        "DT",
        "DK",
        "XD",
        "TS",
        "TC",
        "TQ",
        "TV",
        "TA",
        "TY",
        "HG",
        "LS",
        "PV",
        "CN",
        "HS",
        "SV",
        "GB",
        "GD",
    ]
)


@dataclass(frozen=True, slots=True)
class BhytCard:
    """A 15-character BHYT card: object code, benefit level (1-5), issuing province, 10-digit BHXH number.

    Pre-2017 cards (QĐ 1071/QĐ-BHXH) have the same shape but their last 10 characters are district,
    unit and serial rather than the lifelong BHXH number; both are compared by those 10 characters, which
    are stable for as long as the card is.
    """

    object_code: str
    benefit_level: int
    province_code: str
    bhxh_number: str

    @property
    def object_code_known(self) -> bool:
        return self.object_code in BHYT_OBJECT_CODES


def parse_bhyt_card(text: str) -> BhytCard | None:
    value = _SEPARATORS.sub("", text).upper()
    if not _BHYT_CARD.match(value):
        return None
    return BhytCard(value[:2], int(value[2]), value[3:5], value[5:])


def parse_insurance_numbers(text: str) -> tuple[str, ...] | FieldProblem:
    """The lifelong 10-digit BHXH numbers behind a `;`-list of BHYT cards or BHXH numbers.

    Cards are compared by the BHXH number (the last 10 characters), never by the whole string: the object
    code and benefit level change when a person's situation does, the BHXH number does not (§3).
    """
    numbers: list[str] = []
    for part in text.split(";"):
        value = _SEPARATORS.sub("", part).upper()
        if not value:
            continue
        if (card := parse_bhyt_card(value)) is not None:
            numbers.append(card.bhxh_number)
        elif len(value) == 10 and value.isdigit() and value.isascii():
            numbers.append(value)
        else:
            return FieldProblem("insurance_number", "not a 15-character BHYT card or a 10-digit BHXH number")
    return tuple(dict.fromkeys(numbers))


def digits_apart(a: str, b: str) -> bool:
    """Same length, and one digit different or two adjacent digits swapped: the usual typing slips."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
