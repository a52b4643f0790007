"""Errors the service raises on purpose, each with a stable reason and the gRPC code it maps to.

    MpiError                    root; `reason` is stable, `code` names the gRPC status code
    ├── InvalidInput            INVALID_ARGUMENT — carries field violations (field, reason)
    ├── NotFound                NOT_FOUND
    ├── StaleVersion            ABORTED — the caller's version of an entity is out of date
    ├── WrongState              FAILED_PRECONDITION — e.g. a review task already resolved
    └── StoreBusy               UNAVAILABLE — the database stayed locked past the retries

Only mpi/api/status.py turns these into gRPC statuses; the CLI prints them. Messages never contain
personal data: they name fields, not values.
"""

from __future__ import annotations

from collections.abc import Iterable

from matching import FieldProblem


class MpiError(Exception):
    code = "INTERNAL"
    reason = "INTERNAL"


class InvalidInput(MpiError):
    code = "INVALID_ARGUMENT"
    reason = "INVALID_RECORD"

    def __init__(self, violations: Iterable[FieldProblem], message: str = "the record has unreadable fields"):
        self.violations = tuple(violations)
        details = "; ".join(f"{v.field}: {v.reason}" for v in self.violations)
        super().__init__(f"{message}: {details}" if details else message)


class NotFound(MpiError):
    code = "NOT_FOUND"
    reason = "NOT_FOUND"


class StaleVersion(MpiError):
    code = "ABORTED"
    reason = "STALE_VERSION"


class WrongState(MpiError):
    code = "FAILED_PRECONDITION"
    reason = "WRONG_STATE"


class StoreBusy(MpiError):
    code = "UNAVAILABLE"
    reason = "STORE_BUSY"
