"""Errors of the matching library.

    MatchingError            root of everything matching raises on purpose
    └── InvalidRecord        one or more fields could not be read; carries every FieldProblem

A FieldProblem names the field and says why in words a sender can act on. It never repeats the value:
problems end up in logs and RPC errors, and values are personal data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    reason: str


class MatchingError(Exception):
    """Root of the errors the matching library raises on purpose."""


class InvalidRecord(MatchingError):
    """A record whose fields cannot all be read. Nothing of it should be stored."""

    def __init__(self, problems: list[FieldProblem] | tuple[FieldProblem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in self.problems))
