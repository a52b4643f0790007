"""The source record: what one sending system knows of one person, as it was sent (RECORD_SCHEMA.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """Raw field values as strings; empty means not given. Keyed by (source, source_record_id)."""

    source: str
    source_record_id: str
    full_name: str
    birth_date: str = ""
    sex: str = ""
    national_id: str = ""
    legacy_id: str = ""
    insurance_number: str = ""
    phone: str = ""
    address: str = ""
    province_code: str = ""
    commune_code: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(SourceRecord))


def dict_to_source_record(values: dict[str, str]) -> SourceRecord:
    """Build a record from a mapping of field names; unknown keys are ignored, missing ones are empty."""
    return SourceRecord(**{name: values.get(name) or "" for name in RECORD_FIELDS})
