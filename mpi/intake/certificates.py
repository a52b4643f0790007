"""Driving-licence health certificates (GKSK) as the BHXH portal takes them: JSON objects with string
fields (shared/domain/vn_identity_facts.md §1.5).

SO (certificate number, the record key), HOTEN, GIOITINHVAL (0 = male, 1 = female: the opposite of 4750),
NGAYSINH (dd/MM/yyyy), DIACHITHUONGTRU, MATINH_THUONGTRU (taken only when it is a 2- or 3-digit code: the
samples seen are free-form), SOCMND_PASSPORT, IDBENHVIEN (the facility, the record's source), MOBILE.

A file holds one object, a JSON array of them, or one object per line (JSON Lines, read as a stream).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from matching import FieldProblem
from matching.sex import Sex, parse_sex
from mpi.intake.items import IntakeFormatError, IntakeItem


def read_certificates(handle: TextIO) -> Iterator[IntakeItem]:
    first = handle.readline()
    rest_starts_object = first.strip().startswith("{") and first.strip().endswith("}")
    if rest_starts_object:  # JSON Lines: one certificate per line
        line_number = 1
        line = first
        while line:
            if line.strip():
                yield _parse_line(line, line_number)
            line = handle.readline()
            line_number += 1
        return
    try:
        data = json.loads(first + handle.read())
    except json.JSONDecodeError as error:
        raise IntakeFormatError(f"not valid JSON: {error}") from error
    objects = data if isinstance(data, list) else [data]
    for index, obj in enumerate(objects, start=1):
        yield _certificate(obj, f"certificate {index}")


def _parse_line(line: str, number: int) -> IntakeItem:
    try:
        return _certificate(json.loads(line), f"line {number}")
    except json.JSONDecodeError as error:
        return IntakeItem(f"line {number}", None, f"not valid JSON: {error.msg}")


def _certificate(obj: Any, where: str) -> IntakeItem:
    if not isinstance(obj, dict):
        return IntakeItem(where, None, "not a JSON object")
    text = {k: str(v).strip() for k, v in obj.items() if v is not None}
    sex = parse_sex(text.get("GIOITINHVAL", ""), certificate_coding=True)
    province = text.get("MATINH_THUONGTRU", "")
    values = {
        "source": text.get("IDBENHVIEN", ""),
        "source_record_id": text.get("SO", ""),
        "full_name": text.get("HOTEN", ""),
        "birth_date": text.get("NGAYSINH", ""),
        "sex": sex.value if isinstance(sex, Sex) else "",
        "national_id": text.get("SOCMND_PASSPORT", ""),
        "address": text.get("DIACHITHUONGTRU", ""),
        "province_code": province if province.isdigit() and len(province) in (2, 3) else "",
        "phone": text.get("MOBILE", ""),
    }
    if isinstance(sex, FieldProblem):
        return IntakeItem(where, None, "GIOITINHVAL: not 0 (male) or 1 (female)")
    required = (("SO", "source_record_id"), ("IDBENHVIEN", "source"), ("HOTEN", "full_name"))
    missing = [name for name, field in required if not values[field]]
    if missing:
        return IntakeItem(where, None, f"required field missing: {', '.join(missing)}")
    return IntakeItem(where, values)
