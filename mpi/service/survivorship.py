"""Survivorship: a person's golden attributes, recomputed from its records whenever its links change.

The rule, in order: the population registry's values win (name, birth date, sex, national ID); else the
most complete record wins, the most recent among equally complete ones (a name with its diacritics
counts more than one without, a full birth date more than a year); phone and address come from the
most recent record that has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from matching.normalize import dict_to_normalized
from mpi.store import repository as repo
from mpi.store.models import REGISTRY_SOURCE, Person


def _completeness(normalized: dict) -> int:  # type: ignore[type-arg]
    birth = normalized.get("birth_date") or ""
    name = normalized.get("name") or ""
    return sum(
        (
            bool(name),
            not name.isascii(),  # written with its diacritics: more of the name is known
            2 if len(birth) == 10 else 1 if birth else 0,
            bool(normalized.get("sex")),
            bool(normalized.get("phone")),
            bool(normalized.get("address")),
        )
    )


def golden_values(records: Sequence[Any], current: dict[str, Any]) -> dict[str, Any]:
    """The golden attributes from a person's current records (anything with id, source, normalized, raw
    and updated_at); `current` holds the person's values kept when no record has one."""
    registry = next((r for r in records if r.source == REGISTRY_SOURCE), None)
    best = registry or max(records, key=lambda r: (_completeness(r.normalized), r.updated_at, r.id))
    chosen = dict_to_normalized(best.normalized)
    recent = sorted(records, key=lambda r: (r.updated_at, r.id), reverse=True)
    values = {
        "full_name": chosen.name.canonical,
        "birth_date": chosen.birth_date.to_iso() if chosen.birth_date else current.get("birth_date"),
        "sex": chosen.sex.value if chosen.sex else current.get("sex"),
        "phone": next((r.normalized["phone"][0] for r in recent if r.normalized.get("phone")), None),
        "address": next((r.raw.get("address") for r in recent if r.raw.get("address")), None),
    }
    if registry is not None:
        values["national_id"] = chosen.cccd
    return values


def recompute_golden(session: Session, person: Person, now: datetime) -> bool:
    """Update the person's golden attributes from its current records; True if anything changed."""
    records = [row for row, _ in repo.current_records(session, person.id)]
    if not records:
        return False
    values = golden_values(records, {"birth_date": person.birth_date, "sex": person.sex})
    changed = {k: v for k, v in values.items() if getattr(person, k) != v}
    for key, value in changed.items():
        setattr(person, key, value)
    if changed:
        person.version += 1
        person.updated_at = now
    return bool(changed)
