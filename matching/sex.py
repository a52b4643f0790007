"""Sex codes: every form of RECORD_SCHEMA.md, plus the health-certificate feed's opposite coding."""

from __future__ import annotations

from enum import StrEnum

from matching.errors import FieldProblem
from matching.text import fold


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    # Stated as not determined (4750 GIOI_TINH 3): unlike an empty field, it was said.
    UNKNOWN = "unknown"


_CODES: dict[str, Sex] = {
    "male": Sex.MALE, "m": Sex.MALE, "1": Sex.MALE, "nam": Sex.MALE,
    "female": Sex.FEMALE, "f": Sex.FEMALE, "2": Sex.FEMALE, "nu": Sex.FEMALE,
    "unknown": Sex.UNKNOWN, "3": Sex.UNKNOWN, "u": Sex.UNKNOWN,
}  # fmt: skip

# The driving-licence health certificate (GKSK) codes GIOITINHVAL 0 = male, 1 = female
# (shared/domain/vn_identity_facts.md §1.5): opposite to 4750's 1/2. Only its adapter asks for this.
_CERTIFICATE_CODES: dict[str, Sex] = {"0": Sex.MALE, "1": Sex.FEMALE}


def parse_sex(text: str, *, certificate_coding: bool = False) -> Sex | FieldProblem | None:
    value = fold(text.strip())
    if not value:
        return None
    table = _CERTIFICATE_CODES if certificate_coding else _CODES
    if value in table:
        return table[value]
    return FieldProblem("sex", "not one of male, female, unknown, 1, 2, 3, Nam, Nữ, M, F")
