"""What every file adapter yields: one item per record in the file, readable or not.

An item that could not be read at all (broken Base64, invalid XML, a required field missing) carries
the reason and no values; the batch reports it with its position and goes on with the others.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IntakeItem:
    position: str  # where in the file: "line 5", "HOSO 3", "certificate 2"
    values: dict[str, str] | None  # SourceRecord fields (RECORD_SCHEMA.md names)
    problem: str | None = None  # why the item could not be read, when values is None
    visit_key: str | None = None  # the sender's key of the visit (4750 MA_LK), when it has one


class IntakeFormatError(Exception):
    """The file as a whole cannot be read (no header, not UTF-8, not the format it claims)."""
