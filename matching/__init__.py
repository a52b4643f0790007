"""matching: pure record-linkage code for Vietnamese identity data.

Plain data in, plain data out: no I/O, no environment, no logging set-up, no gRPC, protobuf or database
imports (an import-linter contract in pyproject.toml keeps it so). Usable on its own in a notebook:

    >>> from matching import SourceRecord, normalize_record, untrained_model, score_pair
    >>> a = normalize_record(SourceRecord("clinic-1", "1", "Nguyễn Văn Đức", birth_date="1990-05-01"))
    >>> b = normalize_record(SourceRecord("clinic-2", "9", "NGUYEN VAN DUC", birth_date="01/05/1990"))
    >>> score_pair(untrained_model(), a, b).match_weight > 0
    True
"""

from matching.blocking import blocking_keys
from matching.decide import CandidateProfile, MatchDecision, Outcome, PersonScore, ReviewType, decide
from matching.errors import FieldProblem, InvalidRecord, MatchingError
from matching.model import ComparisonLevel, Model, dict_to_model, model_to_dict, untrained_model
from matching.normalize import NormalizedRecord, normalize_record
from matching.record import RECORD_FIELDS, SourceRecord
from matching.score import FieldWeight, PairScore, score_pair
from matching.training import train_model

__all__ = [
    "RECORD_FIELDS",
    "CandidateProfile",
    "ComparisonLevel",
    "FieldProblem",
    "FieldWeight",
    "InvalidRecord",
    "MatchDecision",
    "MatchingError",
    "Model",
    "NormalizedRecord",
    "Outcome",
    "PairScore",
    "PersonScore",
    "ReviewType",
    "SourceRecord",
    "blocking_keys",
    "decide",
    "dict_to_model",
    "model_to_dict",
    "normalize_record",
    "score_pair",
    "train_model",
    "untrained_model",
]
