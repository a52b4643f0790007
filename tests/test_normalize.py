"""Table-driven tests of the normalizers in matching/."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from matching import FieldProblem, InvalidRecord, SourceRecord, normalize_record
from matching.dates import PartialDate, parse_birth_date
from matching.identifiers import (
    DocumentKind,
    cccd_contradictions,
    cccd_facts,
    digits_apart,
    parse_insurance_numbers,
    parse_national_id,
)
from matching.names import parse_name
from matching.phones import parse_phone
from matching.places import parse_province_code, province_on, same_province
from matching.sex import Sex, parse_sex
from matching.text import fold


@pytest.mark.parametrize(
    ("text", "canonical", "folded"),
    [
        ("Nguyễn Văn Đức", "Nguyễn Văn Đức", "nguyen van duc"),
        ("NGUYỄN  VĂN   ĐỨC ", "Nguyễn Văn Đức", "nguyen van duc"),
        ("NGUYEN VAN DUC", "Nguyen Van Duc", "nguyen van duc"),
        (unicodedata.normalize("NFD", "Trần Thị Thủy"), "Trần Thị Thủy", "tran thi thuy"),
        ("ÐỖ THỊ HÀ", "Đỗ Thị Hà", "do thi ha"),  # eth (U+00D0) typed for Đ
        ("le thi  hoa.", "Le Thi Hoa", "le thi hoa"),
        ("Hồ-Thị Mỹ", "Hồ Thị Mỹ", "ho thi my"),
    ],
)
def test_names_canonical_and_folded(text: str, canonical: str, folded: str) -> None:
    name = parse_name(text)
    assert not isinstance(name, FieldProblem)
    assert (name.canonical, name.folded) == (canonical, folded)


@pytest.mark.parametrize(
    ("text", "reason"), [("1234", "has no letters"), ("  ", "has no letters"), ("A\x00B", "control")]
)
def test_bad_names(text: str, reason: str) -> None:
    problem = parse_name(text)
    assert isinstance(problem, FieldProblem) and reason in problem.reason


def test_name_parts_follow_vietnamese_order() -> None:
    name = parse_name("Nguyễn Thị Minh Khai")
    assert not isinstance(name, FieldProblem)
    assert (name.family, name.middle, name.given) == ("nguyen", ("thi", "minh"), "khai")


def test_fold_maps_d_stroke_which_nfd_does_not_decompose() -> None:
    assert fold("Đặng Đình Đạt") == "dang dinh dat"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-05-01", PartialDate(1990, 5, 1)),
        ("1990-05", PartialDate(1990, 5)),
        ("1990", PartialDate(1990)),
        ("01/05/1990", PartialDate(1990, 5, 1)),
        ("1/5/1990", PartialDate(1990, 5, 1)),
        ("19900501", PartialDate(1990, 5, 1)),
        ("199005010830", PartialDate(1990, 5, 1)),
        ("199000000000", PartialDate(1990)),  # 4750: unknown day and month
        ("199005000000", PartialDate(1990, 5)),
        ("", None),
    ],
)
def test_birth_date_forms(text: str, expected: PartialDate | None) -> None:
    assert parse_birth_date(text, today=date(2026, 12, 1)) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/1990", "day does not exist"),
        ("1990-13-01", "month"),
        ("1850", "year before"),
        ("2030-01-01", "future"),
        ("May 1990", "not a recognised date form"),
        ("1990/05/01", "not a recognised date form"),
    ],
)
def test_impossible_birth_dates_are_field_problems(text: str, reason: str) -> None:
    problem = parse_birth_date(text, today=date(2026, 12, 1))
    assert isinstance(problem, FieldProblem) and problem.field == "birth_date" and reason in problem.reason


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("001090012345", DocumentKind.CCCD, "001090012345"),
        ("001 090 012 345", DocumentKind.CCCD, "001090012345"),
        ("123456789", DocumentKind.CMND, "123456789"),
        ("B1234567", DocumentKind.PASSPORT, "B1234567"),
        ("c1234567", DocumentKind.PASSPORT, "C1234567"),
        ("VN0A1B2C3D", DocumentKind.OTHER, "VN0A1B2C3D"),
    ],
)
def test_national_id_forms(text: str, kind: DocumentKind, number: str) -> None:
    doc = parse_national_id(text)
    assert not isinstance(doc, FieldProblem) and doc is not None
    assert (doc.kind, doc.number) == (kind, number)


@pytest.mark.parametrize("text", ["1234567", "12345678901234", "ABC-12"])
def test_bad_national_ids(text: str) -> None:
    assert isinstance(parse_national_id(text), FieldProblem)


@pytest.mark.parametrize(
    ("number", "sex", "year", "known"),
    [
        ("001090012345", Sex.MALE, 1990, True),
        ("079185000001", Sex.FEMALE, 1985, True),
        ("034205123456", Sex.MALE, 2005, True),
        ("001312000001", Sex.FEMALE, 2012, True),
        ("850095000001", Sex.MALE, 1995, False),  # not one of the 63 province codes
    ],
)
def test_cccd_facts(number: str, sex: Sex, year: int, known: bool) -> None:
    facts = cccd_facts(number)
    assert (facts.sex, facts.birth_year, facts.province_known) == (sex, year, known)


def test_cccd_contradictions_catch_a_parents_card() -> None:
    # A child born 2015 (female) whose record carries her father's card (male, 1985).
    assert cccd_contradictions("001085012345", PartialDate(2015, 3, 2), Sex.FEMALE) == ("birth_date", "sex")
    assert cccd_contradictions("001085012345", PartialDate(1985), Sex.MALE) == ()
    assert cccd_contradictions("001085012345", None, None) == ()


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        ("001090012345", "001090012346", True),
        ("001090012345", "001090013245", True),  # adjacent swap
        ("001090012345", "001090012345", False),
        ("001090012345", "001090099999", False),
    ],
)
def test_digits_apart(a: str, b: str, apart: bool) -> None:
    assert digits_apart(a, b) is apart


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("TE1202020893987", ("2020893987",)),
        ("HS4010120878811;HS4010120878811", ("0120878811",)),
        ("DN4010120878811; HT3010120878811", ("0120878811",)),  # the object code changed, the person did not
        ("0120878811", ("0120878811",)),
        ("", ()),
    ],
)
def test_insurance_numbers_are_compared_by_bhxh_number(text: str, numbers: tuple[str, ...]) -> None:
    assert parse_insurance_numbers(text) == numbers


def test_bad_insurance_number() -> None:
    assert isinstance(parse_insurance_numbers("XX12"), FieldProblem)


@pytest.mark.parametrize(
    ("text", "number", "landline"),
    [
        ("0912345678", "0912345678", False),
        ("+84 912 345 678", "0912345678", False),
        ("84912345678", "0912345678", False),
        ("0912.345.678", "0912345678", False),
        ("01695678945", "0395678945", False),  # pre-2018 Viettel 0169 → 039
        ("01235678945", "0835678945", False),  # VinaPhone 0123 → 083
        ("912345678", "0912345678", False),  # a spreadsheet dropped the zero
        ("02438251234", "02438251234", True),  # Hà Nội landline
    ],
)
def test_phones(text: str, number: str, landline: bool) -> None:
    phone = parse_phone(text)
    assert not isinstance(phone, FieldProblem) and phone is not None
    assert (phone.number, phone.landline) == (number, landline)


@pytest.mark.parametrize("text", ["12345", "+1 202 555 0100", "09123abc78", "01005678945"])
def test_bad_phones(text: str) -> None:
    assert isinstance(parse_phone(text), FieldProblem)


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("male", Sex.MALE),
        ("1", Sex.MALE),
        ("Nam", Sex.MALE),
        ("M", Sex.MALE),
        ("female", Sex.FEMALE),
        ("2", Sex.FEMALE),
        ("Nữ", Sex.FEMALE),
        ("NU", Sex.FEMALE),
        ("f", Sex.FEMALE),
        ("3", Sex.UNKNOWN),
        ("unknown", Sex.UNKNOWN),
        ("", None),
    ],
)
def test_sex_codes(text: str, sex: Sex | None) -> None:
    assert parse_sex(text) == sex


def test_certificate_sex_coding_is_opposite() -> None:
    assert parse_sex("0", certificate_coding=True) == Sex.MALE
    assert parse_sex("1", certificate_coding=True) == Sex.FEMALE


@pytest.mark.parametrize(("text", "code"), [("01", "01"), ("001", "01"), ("79", "79"), ("", None)])
def test_province_codes(text: str, code: str | None) -> None:
    assert parse_province_code(text) == code


@pytest.mark.parametrize(
    ("code", "on", "province"),
    [("27", date(2024, 1, 1), "24"), ("24", date(2024, 1, 1), "24"), ("24", date(2026, 1, 1), "24"),
     ("34", date(2025, 6, 30), "33"), ("34", date(2025, 7, 1), "34"), ("01", date(2020, 1, 1), "01")],
)  # fmt: skip
def test_the_record_date_decides_what_a_province_code_means(code: str, on: date, province: str) -> None:
    assert province_on(code, on) == province


def test_provinces_merged_in_2025_are_the_same_province() -> None:
    assert same_province("34", "33")  # Thái Bình is part of Hưng Yên since 2025-07-01
    assert not same_province("34", "01")


def test_a_record_with_unreadable_fields_lists_every_problem() -> None:
    record = SourceRecord("clinic 1", "", "Nguyễn Văn A", birth_date="31/02/1990", national_id="1234567")
    with pytest.raises(InvalidRecord) as info:
        normalize_record(record)
    assert {p.field for p in info.value.problems} == {
        "source",
        "source_record_id",
        "birth_date",
        "national_id",
    }


def test_a_nine_digit_number_in_national_id_is_filed_as_cmnd() -> None:
    rec = normalize_record(SourceRecord("c1", "1", "Lê Văn Tám", national_id="123456789"))
    assert rec.cccd is None and rec.legacy_ids == ("123456789",)
