"""Training a model from the store: the current records and registry rows, read back as normalized
records, handed to matching.train_model (no labels), stored as a new version and activated."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from matching import Model, NormalizedRecord, train_model, untrained_model
from matching.normalize import dict_to_normalized
from mpi.service.model_registry import ModelRegistry
from mpi.store.database import Database
from mpi.store.models import SourceRecordRow

# Training reads this many records at most (a uniform sample beyond): m, u and term frequencies are
# proportions, which a sample of this size estimates to well under a percent.
DEFAULT_SAMPLE = 300_000


def load_training_records(
    db: Database, *, sample: int = DEFAULT_SAMPLE, seed: int = 1
) -> list[NormalizedRecord]:
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(SourceRecordRow)) or 0
        ids = list(session.scalars(select(SourceRecordRow.id)))
        if total > sample:
            ids = random.Random(seed).sample(ids, sample)
        chosen = set(ids)
        records = []
        query = select(SourceRecordRow.id, SourceRecordRow.normalized).execution_options(yield_per=5000)
        for record_id, normalized in session.execute(query):
            if record_id in chosen:
                records.append(dict_to_normalized(normalized))
    return records


def train_and_activate(
    db: Database,
    *,
    actor: str,
    sample: int = DEFAULT_SAMPLE,
    target_precision: float = 0.998,
    target_recall: float = 0.99,
) -> Model:
    records = load_training_records(db, sample=sample)
    if len(records) < 100:
        raise ValueError(f"the store holds {len(records)} records; training needs at least 100")
    model = train_model(
        records, start=untrained_model(), target_precision=target_precision, target_recall=target_recall
    )
    ModelRegistry(db).activate(model, actor=actor, reason=f"trained on {len(records)} records of the store")
    return model
