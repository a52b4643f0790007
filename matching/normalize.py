"""A source record read into comparable values, with every unreadable field reported at once.

The rule (documented in README.md): a record with any unreadable field is rejected whole, every problem
listed, and nothing of it is stored. A record is identity evidence; keeping half of it silently (a CCCD
dropped because one digit was missing) would make it look like other evidence than it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from matching.addresses import normalize_address, province_in_address
from matching.dates import PartialDate, iso_to_partial_date, parse_birth_date
from matching.errors import FieldProblem, InvalidRecord
from matching.identifiers import (
    DocumentKind,
    IdentityDocument,
    parse_insurance_numbers,
    parse_legacy_id,
    parse_national_id,
)
from matching.names import PersonName, parse_name
from matching.phones import Phone, parse_phone
from matching.places import parse_commune_code, parse_province_code
from matching.record import SourceRecord
from matching.sex import Sex, parse_sex
from matching.text import has_control_characters

# RECORD_SCHEMA.md: source is 1-64 of A-Z a-z 0-9 . _ - ; source_record_id 1-100 printable characters.
_SOURCE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MAX_SOURCE_RECORD_ID = 100
MAX_ADDRESS = 1024
# Generous bounds on the short fields: nothing longer is a value of theirs, and it is not parsed.
MAX_LENGTH = {
    "birth_date": 32, "sex": 16, "national_id": 32, "legacy_id": 32, "insurance_number": 400, "phone": 32,
    "province_code": 8, "commune_code": 8,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class NormalizedRecord:
    """Comparable values of one record. None / empty means the record did not say."""

    name: PersonName
    birth_date: PartialDate | None = None
    sex: Sex | None = None
    national_id: IdentityDocument | None = None
    legacy_ids: tuple[str, ...] = ()
    bhxh_numbers: tuple[str, ...] = ()
    phone: Phone | None = None
    address: str = ""  # normalize_address: folded, abbreviations expanded
    province_code: str | None = None
    commune_code: str | None = None

    @property
    def cccd(self) -> str | None:
        doc = self.national_id
        return doc.number if doc is not None and doc.kind is DocumentKind.CCCD else None


def normalize_record(record: SourceRecord, *, today: date | None = None) -> NormalizedRecord:
    """Read every field; raise InvalidRecord listing all problems if any field cannot be read."""
    problems = _key_problems(record)
    too_long = {f for f, limit in MAX_LENGTH.items() if len(getattr(record, f)) > limit}
    problems += [FieldProblem(f, f"longer than {MAX_LENGTH[f]} characters") for f in sorted(too_long)]
    if too_long:
        record = replace(record, **dict.fromkeys(too_long, ""))
    name = parse_name(record.full_name) if record.full_name.strip() else FieldProblem("full_name", "is empty")
    national_id = parse_national_id(record.national_id)
    legacy = parse_legacy_id(record.legacy_id)
    values: dict[str, Any] = {
        "name": name,
        "birth_date": parse_birth_date(record.birth_date, today=today),
        "sex": parse_sex(record.sex),
        "national_id": national_id,
        "legacy_ids": legacy,
        "bhxh_numbers": parse_insurance_numbers(record.insurance_number),
        "phone": parse_phone(record.phone),
        "address": _address(record.address),
        "province_code": parse_province_code(record.province_code),
        "commune_code": parse_commune_code(record.commune_code),
    }
    problems += [v for v in values.values() if isinstance(v, FieldProblem)]
    if problems:
        raise InvalidRecord(problems)
    # A 9-digit number in the national_id field is an old CMND (4750 SO_CCCD allows it): file it there.
    legacy_ids = tuple(x for x in (legacy,) if isinstance(x, str))
    if isinstance(national_id, IdentityDocument) and national_id.kind is DocumentKind.CMND:
        legacy_ids = tuple(dict.fromkeys((*legacy_ids, national_id.number)))
    values["legacy_ids"] = legacy_ids
    if values["province_code"] is None and values["address"]:
        # The province the address names is the record's province when the field was left empty.
        values["province_code"] = province_in_address(values["address"])
    return NormalizedRecord(**values)


def _key_problems(record: SourceRecord) -> list[FieldProblem]:
    problems = []
    if not _SOURCE.match(record.source):
        problems.append(FieldProblem("source", "must be 1-64 characters of A-Z a-z 0-9 . _ -"))
    rid = record.source_record_id
    if not rid or len(rid) > MAX_SOURCE_RECORD_ID or not rid.isprintable() or rid != rid.strip():
        problems.append(
            FieldProblem("source_record_id", "must be 1-100 printable characters without outer spaces")
        )
    return problems


def _address(text: str) -> str | FieldProblem:
    if len(text) > MAX_ADDRESS:
        return FieldProblem("address", f"longer than {MAX_ADDRESS} characters")
    if has_control_characters(text.replace("\n", " ")):
        return FieldProblem("address", "contains control or unassigned characters")
    return normalize_address(text)


def normalized_to_dict(rec: NormalizedRecord) -> dict[str, Any]:
    """A JSON-ready form, so a store can keep the comparable values next to the raw record."""
    return {
        "name": rec.name.canonical,
        "name_tokens": list(rec.name.folded_tokens),
        "birth_date": rec.birth_date.to_iso() if rec.birth_date else None,
        "sex": rec.sex.value if rec.sex else None,
        "national_id": [rec.national_id.kind.value, rec.national_id.number] if rec.national_id else None,
        "legacy_ids": list(rec.legacy_ids),
        "bhxh_numbers": list(rec.bhxh_numbers),
        "phone": [rec.phone.number, rec.phone.landline] if rec.phone else None,
        "address": rec.address,
        "province_code": rec.province_code,
        "commune_code": rec.commune_code,
    }


def dict_to_normalized(data: dict[str, Any]) -> NormalizedRecord:
    """Inverse of normalized_to_dict (without reading the name again: candidates are rebuilt by the
    hundred per match, and names and dates repeat, so each distinct one is built once)."""
    tokens = data.get("name_tokens")  # absent from records stored before names were kept folded
    nid, phone, sex, born = (
        data.get("national_id"),
        data.get("phone"),
        data.get("sex"),
        data.get("birth_date"),
    )
    return NormalizedRecord(
        name=_stored_name(data["name"], tuple(tokens)) if tokens else _parsed_name(data["name"]),
        birth_date=_stored_date(born) if born else None,
        sex=_SEXES[sex] if sex else None,
        national_id=IdentityDocument(_DOCUMENT_KINDS[nid[0]], nid[1]) if nid else None,
        legacy_ids=tuple(data.get("legacy_ids") or ()),
        bhxh_numbers=tuple(data.get("bhxh_numbers") or ()),
        phone=Phone(phone[0], bool(phone[1])) if phone else None,
        address=data.get("address") or "",
        province_code=data.get("province_code"),
        commune_code=data.get("commune_code"),
    )


_SEXES = {s.value: s for s in Sex}
_DOCUMENT_KINDS = {k.value: k for k in DocumentKind}
# Distinct names and birth dates in a national index: a few hundred thousand, a few tens of thousands.
_DISTINCT_NAMES = 1 << 17


@lru_cache(maxsize=_DISTINCT_NAMES)
def _stored_name(canonical: str, tokens: tuple[str, ...]) -> PersonName:
    return PersonName(canonical, tokens)  # immutable: one instance serves every record with the name


@lru_cache(maxsize=1024)
def _parsed_name(text: str) -> PersonName:
    name = parse_name(text)
    assert isinstance(name, PersonName), "stored names were valid when stored"
    return name


@lru_cache(maxsize=1 << 16)
def _stored_date(iso: str) -> PartialDate:
    return iso_to_partial_date(iso)
