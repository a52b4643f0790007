"""Birth dates, possibly partial: every form of RECORD_SCHEMA.md into (year, month?, day?).

The 4750 XML form is `yyyymmddHHMM` where `0000` stands for an unknown day and month
(`YYYY0000HHMM`) or an unknown time (shared/domain/vn_identity_facts.md §1.3, NGAY_SINH).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from matching.errors import FieldProblem

EARLIEST_YEAR = 1880

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\d{4})?$")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def is_full(self) -> bool:
        return self.day is not None

    def to_iso(self) -> str:
        """'1990-05-01', '1990-05' or '1990'."""
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


def iso_to_partial_date(text: str) -> PartialDate:
    """Inverse of PartialDate.to_iso, for values this library wrote itself."""
    parts = [int(p) for p in text.split("-")]
    return PartialDate(*parts)  # type: ignore[arg-type]


def parse_birth_date(text: str, *, today: date | None = None) -> PartialDate | FieldProblem | None:
    """Read a birth date; None when empty, a FieldProblem when unreadable or impossible."""
    value = text.strip()
    if not value:
        return None
    fields = _split(value)
    if fields is None:
        return FieldProblem(
            "birth_date", "not a recognised date form (YYYY-MM-DD, YYYY-MM, YYYY, DD/MM/YYYY, YYYYMMDD[HHMM])"
        )
    year, month, day = fields
    # 4750: month and day 00 stand for "unknown" (YYYY0000), and so does a lone day 00 (YYYYMM00).
    if month == 0 and day in (0, None):
        month = day = None
    elif day == 0:
        day = None
    return _checked(year, month, day, today)


def _split(value: str) -> tuple[int, int | None, int | None] | None:
    if m := _ISO.match(value):
        return int(m[1]), _int_or_none(m[2]), _int_or_none(m[3])
    if m := _DMY.match(value):
        return int(m[3]), int(m[2]), int(m[1])
    if m := _COMPACT.match(value):
        return int(m[1]), int(m[2]), int(m[3])
    return None


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text else None


def _checked(year: int, month: int | None, day: int | None, today: date | None) -> PartialDate | FieldProblem:
    if year < EARLIEST_YEAR:
        return FieldProblem("birth_date", f"year before {EARLIEST_YEAR}")
    if month is not None and not 1 <= month <= 12:
        return FieldProblem("birth_date", "month is not 1-12")
    if day is not None and month is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return FieldProblem("birth_date", "day does not exist in that month")
    parsed = PartialDate(year, month, day)
    if today is not None and _earliest_day(parsed) > today:
        return FieldProblem("birth_date", "is in the future")
    return parsed


def _earliest_day(value: PartialDate) -> date:
    return date(value.year, value.month or 1, value.day or 1)
