"""Model versions: the shipped default, the trained ones in the store, and which one is active.

A fresh install matches with the model shipped in the package (mpi/default_model.json, trained on the
synthetic population by `python -m benchmarks.train_default_model`). `mpi model train` estimates a new
version from the records and registry in the store and activates it; running servers pick it up within
`refresh_seconds`, and `mpi rematch` re-scores existing automatic links under it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from sqlalchemy import select, update

from matching import Model, dict_to_model, model_to_dict
from mpi.errors import NotFound
from mpi.service.clock import Clock, utc_now
from mpi.store import repository as repo
from mpi.store.database import Database
from mpi.store.models import ModelRow


@cache
def shipped_model() -> Model:
    text = resources.files("mpi").joinpath("default_model.json").read_text(encoding="utf-8")
    return dict_to_model(json.loads(text))


@dataclass(frozen=True, slots=True)
class ModelVersion:
    version: str
    active: bool
    created_at: datetime
    created_by: str


class ModelRegistry:
    def __init__(self, db: Database, *, refresh_seconds: float = 30.0, clock: Clock = utc_now) -> None:
        self.db = db
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, Model] | None = None

    def active(self) -> Model:
        """The active model, read from the store at most every `refresh_seconds`."""
        with self._lock:
            now = time.monotonic()
            if self._cached is None or now - self._cached[0] > self.refresh_seconds:
                self._cached = (now, self._load_active(self._cached[1] if self._cached else None))
            return self._cached[1]

    def _load_active(self, current: Model | None) -> Model:
        """The active version; `current` itself while it still is (a version names its content), so
        that what a model has learnt while matching (its score cache, its priors sized for the index)
        outlives the refresh."""
        with self.db.read() as session:
            version = session.scalar(select(ModelRow.version).where(ModelRow.active.is_(True)))
            if version is None:
                return shipped_model()
            if current is not None and current.version == version:
                return current
            body = session.scalars(select(ModelRow.body).where(ModelRow.version == version)).one()
        return dict_to_model(body)

    def activate(self, model: Model, *, actor: str, reason: str) -> None:
        """Store the model (if new) and make it the only active one, audited."""

        def unit(session):  # type: ignore[no-untyped-def]
            now = self.clock()
            session.execute(update(ModelRow).values(active=False))
            row = session.get(ModelRow, model.version)
            if row is None:
                session.add(
                    ModelRow(version=model.version, body=model_to_dict(model), active=True, created_at=now,
                             created_by=actor)
                )  # fmt: skip
            else:
                row.active = True
            repo.audit(session, at=now, actor=actor, action="model.activated", entity_type="model",
                       entity_id=model.version, reason=reason)  # fmt: skip

        self.db.run_write(unit)
        with self._lock:
            self._cached = None

    def get(self, version: str) -> Model:
        if version == shipped_model().version:
            return shipped_model()
        with self.db.read() as session:
            body = session.scalar(select(ModelRow.body).where(ModelRow.version == version))
        if body is None:
            raise NotFound("no model with that version")
        return dict_to_model(body)

    def versions(self) -> list[ModelVersion]:
        with self.db.read() as session:
            rows = session.execute(
                select(ModelRow.version, ModelRow.active, ModelRow.created_at, ModelRow.created_by).order_by(
                    ModelRow.created_at
                )
            ).all()
        return [ModelVersion(*row) for row in rows]
