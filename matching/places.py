"""Province codes, pre- and post-reform.

Pre-2025 codes: shared/domain/vn_cccd_province_codes.csv (the CCCD prefix is the same code, zero-padded to
3 digits). Post-2025-07-01 codes (34 units, each reusing one predecessor's code):
shared/domain/vn_provinces_2025.csv. Both sets are valid in records: the record's date decides the meaning.
"""

from __future__ import annotations

from datetime import date

from matching.errors import FieldProblem
from matching.text import digits_only

# shared/domain/vn_cccd_province_codes.csv (code → name), the 63 pre-2025 provinces.
PROVINCES_BEFORE_2025: dict[str, str] = {
    "01": "Hà Nội", "02": "Hà Giang", "04": "Cao Bằng", "06": "Bắc Kạn", "08": "Tuyên Quang",
    "10": "Lào Cai", "11": "Điện Biên", "12": "Lai Châu", "14": "Sơn La", "15": "Yên Bái",
    "17": "Hòa Bình", "19": "Thái Nguyên", "20": "Lạng Sơn", "22": "Quảng Ninh", "24": "Bắc Giang",
    "25": "Phú Thọ", "26": "Vĩnh Phúc", "27": "Bắc Ninh", "30": "Hải Dương", "31": "Hải Phòng",
    "33": "Hưng Yên", "34": "Thái Bình", "35": "Hà Nam", "36": "Nam Định", "37": "Ninh Bình",
    "38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh", "44": "Quảng Bình", "45": "Quảng Trị",
    "46": "Thừa Thiên Huế", "48": "Đà Nẵng", "49": "Quảng Nam", "51": "Quảng Ngãi", "52": "Bình Định",
    "54": "Phú Yên", "56": "Khánh Hòa", "58": "Ninh Thuận", "60": "Bình Thuận", "62": "Kon Tum",
    "64": "Gia Lai", "66": "Đắk Lắk", "67": "Đắk Nông", "68": "Lâm Đồng", "70": "Bình Phước",
    "72": "Tây Ninh", "74": "Bình Dương", "75": "Đồng Nai", "77": "Bà Rịa - Vũng Tàu", "79": "Hồ Chí Minh",
    "80": "Long An", "82": "Tiền Giang", "83": "Bến Tre", "84": "Trà Vinh", "86": "Vĩnh Long",
    "87": "Đồng Tháp", "89": "An Giang", "91": "Kiên Giang", "92": "Cần Thơ", "93": "Hậu Giang",
    "94": "Sóc Trăng", "95": "Bạc Liêu", "96": "Cà Mau",
}  # fmt: skip

# shared/domain/vn_provinces_2025.csv: post-reform code → the pre-reform codes merged into it.
PROVINCES_2025_MERGED_FROM: dict[str, tuple[str, ...]] = {
    "01": ("01",), "04": ("04",), "08": ("02", "08"), "11": ("11",), "12": ("12",), "14": ("14",),
    "15": ("10", "15"), "19": ("06", "19"), "20": ("20",), "22": ("22",), "24": ("24", "27"),
    "25": ("17", "25", "26"), "31": ("30", "31"), "33": ("33", "34"), "37": ("35", "36", "37"),
    "38": ("38",), "40": ("40",), "42": ("42",), "44": ("44", "45"), "46": ("46",), "48": ("48", "49"),
    "51": ("51", "62"), "52": ("52", "64"), "56": ("56", "58"), "66": ("54", "66"),
    "68": ("60", "67", "68"), "75": ("70", "75"), "79": ("74", "77", "79"), "80": ("72", "80"),
    "82": ("82", "87"), "86": ("83", "84", "86"), "91": ("89", "91"), "92": ("92", "93", "94"),
    "96": ("95", "96"),
}  # fmt: skip

# Pre-reform code → post-reform code, derived from the table above.
PROVINCE_2025_OF: dict[str, str] = {
    old: new for new, olds in PROVINCES_2025_MERGED_FROM.items() for old in olds
}


def parse_province_code(text: str) -> str | FieldProblem | None:
    """2 or 3 digits (the 3-digit CCCD form) → the 2-digit code; None when empty."""
    value = text.strip()
    if not value:
        return None
    digits = digits_only(value)
    if digits != value or len(digits) not in (2, 3) or (len(digits) == 3 and digits[0] != "0"):
        return FieldProblem("province_code", "not a 2- or 3-digit province code")
    code = digits[-2:]
    if code not in PROVINCES_BEFORE_2025 and code not in PROVINCES_2025_MERGED_FROM:
        return FieldProblem("province_code", "not a known province code")
    return code


def parse_commune_code(text: str) -> str | FieldProblem | None:
    value = text.strip()
    if not value:
        return None
    if len(value) != 5 or digits_only(value) != value:
        return FieldProblem("commune_code", "not a 5-digit commune code")
    return value


REFORM_DATE = date(2025, 7, 1)


def province_on(code: str, on: date) -> str:
    """The post-reform province a code denotes in a record dated `on`: before 2025-07-01 a code names a
    pre-reform province (mapped to the unit it merged into), from then on the new unit itself. "24" is
    Bắc Giang before and Bắc Ninh (which absorbed Bắc Giang) after: both answer "24"; "27" (Bắc Ninh
    before) answers "24" too, and after the reform "27" is no province at all (returned unchanged)."""
    if on < REFORM_DATE:
        return PROVINCE_2025_OF.get(code, code)
    return code


def same_province(a: str, b: str) -> bool:
    """Codes from either side of the 2025 reform denote the same province (or its merged successor)."""
    return a == b or PROVINCE_2025_OF.get(a, a) == PROVINCE_2025_OF.get(b, b)
