"""Phone numbers into the 10-digit national form.

Mobiles are `0` + 9 digits; `+84`/`84` replace the leading 0. Before 2018-09-15 many mobiles had 11
digits; the prefix changed and the last 7 digits stayed (shared/domain/vn_phone_prefix_2018.csv).
Landlines are 11 digits starting `02` (area codes all start with 2 since 2017) and stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matching.errors import FieldProblem

# shared/domain/vn_phone_prefix_2018.csv: old 11-digit mobile prefix → new 10-digit prefix.
MOBILE_PREFIX_2018: dict[str, str] = {
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
    "0168": "038", "0169": "039", "0120": "070", "0121": "079", "0122": "077", "0126": "076",
    "0128": "078", "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0186": "056", "0188": "058", "0199": "059",
}  # fmt: skip

_SEPARATORS = re.compile(r"[\s.\-()/]")


@dataclass(frozen=True, slots=True)
class Phone:
    number: str  # national form: 10-digit mobile or 11-digit landline
    landline: bool


def parse_phone(text: str) -> Phone | FieldProblem | None:
    value = _SEPARATORS.sub("", text)
    if not value:
        return None
    if value.startswith("+"):
        if not value.startswith("+84"):
            return FieldProblem("phone", "not a Vietnamese number (+84)")
        value = value[1:]
    if not (value.isdigit() and value.isascii()):
        return FieldProblem("phone", "has characters other than digits and separators")
    national = _to_national(value)
    if national is None:
        return FieldProblem("phone", "not a 10-digit mobile, an 11-digit pre-2018 mobile or a landline")
    return national


def _to_national(digits: str) -> Phone | None:
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) in (9, 10):
        digits = "0" + digits  # a spreadsheet dropped the leading zero
    if len(digits) == 10 and digits[1] in "35789":
        return Phone(digits, landline=False)
    if len(digits) == 11:
        if digits.startswith("02"):
            return Phone(digits, landline=True)
        new_prefix = MOBILE_PREFIX_2018.get(digits[:4])
        if new_prefix is not None:
            return Phone(new_prefix + digits[4:], landline=False)
    return None
