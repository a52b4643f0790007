import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Sex(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEX_UNSPECIFIED: _ClassVar[Sex]
    SEX_MALE: _ClassVar[Sex]
    SEX_FEMALE: _ClassVar[Sex]
    SEX_UNKNOWN: _ClassVar[Sex]

class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_UNSPECIFIED: _ClassVar[Decision]
    DECISION_LINKED: _ClassVar[Decision]
    DECISION_NEW_PERSON: _ClassVar[Decision]
    DECISION_REVIEW: _ClassVar[Decision]

class RecordChange(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECORD_CHANGE_UNSPECIFIED: _ClassVar[RecordChange]
    RECORD_CHANGE_NEW: _ClassVar[RecordChange]
    RECORD_CHANGE_UPDATED: _ClassVar[RecordChange]
    RECORD_CHANGE_UNCHANGED: _ClassVar[RecordChange]

class LinkKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LINK_KIND_UNSPECIFIED: _ClassVar[LinkKind]
    LINK_KIND_AUTO: _ClassVar[LinkKind]
    LINK_KIND_MANUAL: _ClassVar[LinkKind]
    LINK_KIND_REGISTRY: _ClassVar[LinkKind]

class ReviewTaskType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_TASK_TYPE_UNSPECIFIED: _ClassVar[ReviewTaskType]
    REVIEW_TASK_TYPE_POSSIBLE_MATCH: _ClassVar[ReviewTaskType]
    REVIEW_TASK_TYPE_AMBIGUOUS: _ClassVar[ReviewTaskType]
    REVIEW_TASK_TYPE_NATIONAL_ID_CONFLICT: _ClassVar[ReviewTaskType]
    REVIEW_TASK_TYPE_REGISTRY_MISMATCH: _ClassVar[ReviewTaskType]
    REVIEW_TASK_TYPE_POSSIBLE_DUPLICATE_PERSONS: _ClassVar[ReviewTaskType]

class ReviewTaskStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_TASK_STATUS_UNSPECIFIED: _ClassVar[ReviewTaskStatus]
    REVIEW_TASK_STATUS_OPEN: _ClassVar[ReviewTaskStatus]
    REVIEW_TASK_STATUS_RESOLVED: _ClassVar[ReviewTaskStatus]
    REVIEW_TASK_STATUS_SUPERSEDED: _ClassVar[ReviewTaskStatus]

class ResolutionAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOLUTION_ACTION_UNSPECIFIED: _ClassVar[ResolutionAction]
    RESOLUTION_ACTION_LINK: _ClassVar[ResolutionAction]
    RESOLUTION_ACTION_KEEP_APART: _ClassVar[ResolutionAction]
    RESOLUTION_ACTION_MERGE: _ClassVar[ResolutionAction]
    RESOLUTION_ACTION_SPLIT: _ClassVar[ResolutionAction]
SEX_UNSPECIFIED: Sex
SEX_MALE: Sex
SEX_FEMALE: Sex
SEX_UNKNOWN: Sex
DECISION_UNSPECIFIED: Decision
DECISION_LINKED: Decision
DECISION_NEW_PERSON: Decision
DECISION_REVIEW: Decision
RECORD_CHANGE_UNSPECIFIED: RecordChange
RECORD_CHANGE_NEW: RecordChange
RECORD_CHANGE_UPDATED: RecordChange
RECORD_CHANGE_UNCHANGED: RecordChange
LINK_KIND_UNSPECIFIED: LinkKind
LINK_KIND_AUTO: LinkKind
LINK_KIND_MANUAL: LinkKind
LINK_KIND_REGISTRY: LinkKind
REVIEW_TASK_TYPE_UNSPECIFIED: ReviewTaskType
REVIEW_TASK_TYPE_POSSIBLE_MATCH: ReviewTaskType
REVIEW_TASK_TYPE_AMBIGUOUS: ReviewTaskType
REVIEW_TASK_TYPE_NATIONAL_ID_CONFLICT: ReviewTaskType
REVIEW_TASK_TYPE_REGISTRY_MISMATCH: ReviewTaskType
REVIEW_TASK_TYPE_POSSIBLE_DUPLICATE_PERSONS: ReviewTaskType
REVIEW_TASK_STATUS_UNSPECIFIED: ReviewTaskStatus
REVIEW_TASK_STATUS_OPEN: ReviewTaskStatus
REVIEW_TASK_STATUS_RESOLVED: ReviewTaskStatus
REVIEW_TASK_STATUS_SUPERSEDED: ReviewTaskStatus
RESOLUTION_ACTION_UNSPECIFIED: ResolutionAction
RESOLUTION_ACTION_LINK: ResolutionAction
RESOLUTION_ACTION_KEEP_APART: ResolutionAction
RESOLUTION_ACTION_MERGE: ResolutionAction
RESOLUTION_ACTION_SPLIT: ResolutionAction

class SourceRecord(_message.Message):
    __slots__ = ("source", "source_record_id", "full_name", "birth_date", "sex", "national_id", "legacy_id", "insurance_number", "phone", "address", "province_code", "commune_code")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    SEX_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_FIELD_NUMBER: _ClassVar[int]
    LEGACY_ID_FIELD_NUMBER: _ClassVar[int]
    INSURANCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    COMMUNE_CODE_FIELD_NUMBER: _ClassVar[int]
    source: str
    source_record_id: str
    full_name: str
    birth_date: str
    sex: str
    national_id: str
    legacy_id: str
    insurance_number: str
    phone: str
    address: str
    province_code: str
    commune_code: str
    def __init__(self, source: _Optional[str] = ..., source_record_id: _Optional[str] = ..., full_name: _Optional[str] = ..., birth_date: _Optional[str] = ..., sex: _Optional[str] = ..., national_id: _Optional[str] = ..., legacy_id: _Optional[str] = ..., insurance_number: _Optional[str] = ..., phone: _Optional[str] = ..., address: _Optional[str] = ..., province_code: _Optional[str] = ..., commune_code: _Optional[str] = ...) -> None: ...

class MatchRequest(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: SourceRecord
    def __init__(self, record: _Optional[_Union[SourceRecord, _Mapping]] = ...) -> None: ...

class FieldComparison(_message.Message):
    __slots__ = ("field", "level", "weight")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    field: str
    level: str
    weight: float
    def __init__(self, field: _Optional[str] = ..., level: _Optional[str] = ..., weight: _Optional[float] = ...) -> None: ...

class Candidate(_message.Message):
    __slots__ = ("person_id", "match_weight", "national_id")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MATCH_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    match_weight: float
    national_id: str
    def __init__(self, person_id: _Optional[str] = ..., match_weight: _Optional[float] = ..., national_id: _Optional[str] = ...) -> None: ...

class MatchResponse(_message.Message):
    __slots__ = ("source", "source_record_id", "decision", "person_id", "national_id", "match_weight", "prior_weight", "explanation", "candidates", "review_task_id", "record_change", "reason", "model_version", "link_kind", "record_version")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_FIELD_NUMBER: _ClassVar[int]
    MATCH_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    PRIOR_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    REVIEW_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_CHANGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    LINK_KIND_FIELD_NUMBER: _ClassVar[int]
    RECORD_VERSION_FIELD_NUMBER: _ClassVar[int]
    source: str
    source_record_id: str
    decision: Decision
    person_id: str
    national_id: str
    match_weight: float
    prior_weight: float
    explanation: _containers.RepeatedCompositeFieldContainer[FieldComparison]
    candidates: _containers.RepeatedCompositeFieldContainer[Candidate]
    review_task_id: str
    record_change: RecordChange
    reason: str
    model_version: str
    link_kind: LinkKind
    record_version: int
    def __init__(self, source: _Optional[str] = ..., source_record_id: _Optional[str] = ..., decision: _Optional[_Union[Decision, str]] = ..., person_id: _Optional[str] = ..., national_id: _Optional[str] = ..., match_weight: _Optional[float] = ..., prior_weight: _Optional[float] = ..., explanation: _Optional[_Iterable[_Union[FieldComparison, _Mapping]]] = ..., candidates: _Optional[_Iterable[_Union[Candidate, _Mapping]]] = ..., review_task_id: _Optional[str] = ..., record_change: _Optional[_Union[RecordChange, str]] = ..., reason: _Optional[str] = ..., model_version: _Optional[str] = ..., link_kind: _Optional[_Union[LinkKind, str]] = ..., record_version: _Optional[int] = ...) -> None: ...

class GetPersonRequest(_message.Message):
    __slots__ = ("person_id",)
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    def __init__(self, person_id: _Optional[str] = ...) -> None: ...

class Person(_message.Message):
    __slots__ = ("person_id", "national_id", "registry_backed", "full_name", "birth_date", "sex", "created_at", "records", "phone", "address", "status", "merged_into", "version")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_BACKED_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    SEX_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MERGED_INTO_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    national_id: str
    registry_backed: bool
    full_name: str
    birth_date: str
    sex: Sex
    created_at: _timestamp_pb2.Timestamp
    records: _containers.RepeatedCompositeFieldContainer[RecordRef]
    phone: str
    address: str
    status: str
    merged_into: str
    version: int
    def __init__(self, person_id: _Optional[str] = ..., national_id: _Optional[str] = ..., registry_backed: _Optional[bool] = ..., full_name: _Optional[str] = ..., birth_date: _Optional[str] = ..., sex: _Optional[_Union[Sex, str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., records: _Optional[_Iterable[_Union[RecordRef, _Mapping]]] = ..., phone: _Optional[str] = ..., address: _Optional[str] = ..., status: _Optional[str] = ..., merged_into: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class RecordRef(_message.Message):
    __slots__ = ("source", "source_record_id", "link_kind", "match_weight")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    LINK_KIND_FIELD_NUMBER: _ClassVar[int]
    MATCH_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    source: str
    source_record_id: str
    link_kind: LinkKind
    match_weight: float
    def __init__(self, source: _Optional[str] = ..., source_record_id: _Optional[str] = ..., link_kind: _Optional[_Union[LinkKind, str]] = ..., match_weight: _Optional[float] = ...) -> None: ...

class GetPersonResponse(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: Person
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ...) -> None: ...

class GetRecordRequest(_message.Message):
    __slots__ = ("source", "source_record_id")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    source: str
    source_record_id: str
    def __init__(self, source: _Optional[str] = ..., source_record_id: _Optional[str] = ...) -> None: ...

class Link(_message.Message):
    __slots__ = ("person_id", "kind", "match_weight", "explanation", "model_version", "reason", "valid_from")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MATCH_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    kind: LinkKind
    match_weight: float
    explanation: _containers.RepeatedCompositeFieldContainer[FieldComparison]
    model_version: str
    reason: str
    valid_from: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., kind: _Optional[_Union[LinkKind, str]] = ..., match_weight: _Optional[float] = ..., explanation: _Optional[_Iterable[_Union[FieldComparison, _Mapping]]] = ..., model_version: _Optional[str] = ..., reason: _Optional[str] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetRecordResponse(_message.Message):
    __slots__ = ("record", "version", "decision", "link", "open_review_task_id", "updated_at")
    RECORD_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    LINK_FIELD_NUMBER: _ClassVar[int]
    OPEN_REVIEW_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    record: SourceRecord
    version: int
    decision: Decision
    link: Link
    open_review_task_id: str
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, record: _Optional[_Union[SourceRecord, _Mapping]] = ..., version: _Optional[int] = ..., decision: _Optional[_Union[Decision, str]] = ..., link: _Optional[_Union[Link, _Mapping]] = ..., open_review_task_id: _Optional[str] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordKey(_message.Message):
    __slots__ = ("source", "source_record_id")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    source: str
    source_record_id: str
    def __init__(self, source: _Optional[str] = ..., source_record_id: _Optional[str] = ...) -> None: ...

class ReviewTaskSummary(_message.Message):
    __slots__ = ("task_id", "type", "status", "priority", "reason", "record", "candidate_person_ids", "created_at", "version")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_PERSON_IDS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    type: ReviewTaskType
    status: ReviewTaskStatus
    priority: int
    reason: str
    record: RecordKey
    candidate_person_ids: _containers.RepeatedScalarFieldContainer[str]
    created_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, task_id: _Optional[str] = ..., type: _Optional[_Union[ReviewTaskType, str]] = ..., status: _Optional[_Union[ReviewTaskStatus, str]] = ..., priority: _Optional[int] = ..., reason: _Optional[str] = ..., record: _Optional[_Union[RecordKey, _Mapping]] = ..., candidate_person_ids: _Optional[_Iterable[str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class ListReviewTasksRequest(_message.Message):
    __slots__ = ("type", "status", "source", "province_code", "page_size", "page_token")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    type: ReviewTaskType
    status: ReviewTaskStatus
    source: str
    province_code: str
    page_size: int
    page_token: str
    def __init__(self, type: _Optional[_Union[ReviewTaskType, str]] = ..., status: _Optional[_Union[ReviewTaskStatus, str]] = ..., source: _Optional[str] = ..., province_code: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReviewTasksResponse(_message.Message):
    __slots__ = ("tasks", "next_page_token")
    TASKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[ReviewTaskSummary]
    next_page_token: str
    def __init__(self, tasks: _Optional[_Iterable[_Union[ReviewTaskSummary, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetReviewTaskRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class FieldSideBySide(_message.Message):
    __slots__ = ("field", "record_value", "candidate_value", "record_normalized", "candidate_normalized", "level", "weight", "differs")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    RECORD_VALUE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    RECORD_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    DIFFERS_FIELD_NUMBER: _ClassVar[int]
    field: str
    record_value: str
    candidate_value: str
    record_normalized: str
    candidate_normalized: str
    level: str
    weight: float
    differs: bool
    def __init__(self, field: _Optional[str] = ..., record_value: _Optional[str] = ..., candidate_value: _Optional[str] = ..., record_normalized: _Optional[str] = ..., candidate_normalized: _Optional[str] = ..., level: _Optional[str] = ..., weight: _Optional[float] = ..., differs: _Optional[bool] = ...) -> None: ...

class CandidateView(_message.Message):
    __slots__ = ("person", "match_weight", "best_record", "fields")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    MATCH_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    BEST_RECORD_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    person: Person
    match_weight: float
    best_record: RecordKey
    fields: _containers.RepeatedCompositeFieldContainer[FieldSideBySide]
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ..., match_weight: _Optional[float] = ..., best_record: _Optional[_Union[RecordKey, _Mapping]] = ..., fields: _Optional[_Iterable[_Union[FieldSideBySide, _Mapping]]] = ...) -> None: ...

class ReviewTask(_message.Message):
    __slots__ = ("summary", "record", "candidates", "person", "resolution", "resolved_by", "resolved_at")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    summary: ReviewTaskSummary
    record: SourceRecord
    candidates: _containers.RepeatedCompositeFieldContainer[CandidateView]
    person: Person
    resolution: str
    resolved_by: str
    resolved_at: _timestamp_pb2.Timestamp
    def __init__(self, summary: _Optional[_Union[ReviewTaskSummary, _Mapping]] = ..., record: _Optional[_Union[SourceRecord, _Mapping]] = ..., candidates: _Optional[_Iterable[_Union[CandidateView, _Mapping]]] = ..., person: _Optional[_Union[Person, _Mapping]] = ..., resolution: _Optional[str] = ..., resolved_by: _Optional[str] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetReviewTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: ReviewTask
    def __init__(self, task: _Optional[_Union[ReviewTask, _Mapping]] = ...) -> None: ...

class ResolveReviewTaskRequest(_message.Message):
    __slots__ = ("task_id", "version", "action", "person_id", "merge_person_id", "records", "reason")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MERGE_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    version: int
    action: ResolutionAction
    person_id: str
    merge_person_id: str
    records: _containers.RepeatedCompositeFieldContainer[RecordKey]
    reason: str
    def __init__(self, task_id: _Optional[str] = ..., version: _Optional[int] = ..., action: _Optional[_Union[ResolutionAction, str]] = ..., person_id: _Optional[str] = ..., merge_person_id: _Optional[str] = ..., records: _Optional[_Iterable[_Union[RecordKey, _Mapping]]] = ..., reason: _Optional[str] = ...) -> None: ...

class ResolveReviewTaskResponse(_message.Message):
    __slots__ = ("task", "person_id")
    TASK_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    task: ReviewTaskSummary
    person_id: str
    def __init__(self, task: _Optional[_Union[ReviewTaskSummary, _Mapping]] = ..., person_id: _Optional[str] = ...) -> None: ...

class UndoResolutionRequest(_message.Message):
    __slots__ = ("task_id", "version", "reason")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    version: int
    reason: str
    def __init__(self, task_id: _Optional[str] = ..., version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class UndoResolutionResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: ReviewTaskSummary
    def __init__(self, task: _Optional[_Union[ReviewTaskSummary, _Mapping]] = ...) -> None: ...

class LinkRecordRequest(_message.Message):
    __slots__ = ("record", "person_id", "person_version", "reason")
    RECORD_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    record: RecordKey
    person_id: str
    person_version: int
    reason: str
    def __init__(self, record: _Optional[_Union[RecordKey, _Mapping]] = ..., person_id: _Optional[str] = ..., person_version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class LinkRecordResponse(_message.Message):
    __slots__ = ("link",)
    LINK_FIELD_NUMBER: _ClassVar[int]
    link: Link
    def __init__(self, link: _Optional[_Union[Link, _Mapping]] = ...) -> None: ...

class UnlinkRecordRequest(_message.Message):
    __slots__ = ("record", "reason")
    RECORD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    record: RecordKey
    reason: str
    def __init__(self, record: _Optional[_Union[RecordKey, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class UnlinkRecordResponse(_message.Message):
    __slots__ = ("person_id",)
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    def __init__(self, person_id: _Optional[str] = ...) -> None: ...

class MergePersonsRequest(_message.Message):
    __slots__ = ("survivor_person_id", "merged_person_id", "survivor_version", "merged_version", "reason")
    SURVIVOR_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_VERSION_FIELD_NUMBER: _ClassVar[int]
    MERGED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    survivor_person_id: str
    merged_person_id: str
    survivor_version: int
    merged_version: int
    reason: str
    def __init__(self, survivor_person_id: _Optional[str] = ..., merged_person_id: _Optional[str] = ..., survivor_version: _Optional[int] = ..., merged_version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class MergePersonsResponse(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: Person
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ...) -> None: ...

class SplitPersonRequest(_message.Message):
    __slots__ = ("person_id", "version", "records", "reason")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    version: int
    records: _containers.RepeatedCompositeFieldContainer[RecordKey]
    reason: str
    def __init__(self, person_id: _Optional[str] = ..., version: _Optional[int] = ..., records: _Optional[_Iterable[_Union[RecordKey, _Mapping]]] = ..., reason: _Optional[str] = ...) -> None: ...

class SplitPersonResponse(_message.Message):
    __slots__ = ("new_person",)
    NEW_PERSON_FIELD_NUMBER: _ClassVar[int]
    new_person: Person
    def __init__(self, new_person: _Optional[_Union[Person, _Mapping]] = ...) -> None: ...

class GetPersonHistoryRequest(_message.Message):
    __slots__ = ("person_id",)
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    def __init__(self, person_id: _Optional[str] = ...) -> None: ...

class HistoryEvent(_message.Message):
    __slots__ = ("at", "actor", "action", "reason", "record", "model_version", "link_kind", "match_weight", "other_person_id")
    AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    LINK_KIND_FIELD_NUMBER: _ClassVar[int]
    MATCH_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    OTHER_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    actor: str
    action: str
    reason: str
    record: RecordKey
    model_version: str
    link_kind: LinkKind
    match_weight: float
    other_person_id: str
    def __init__(self, at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor: _Optional[str] = ..., action: _Optional[str] = ..., reason: _Optional[str] = ..., record: _Optional[_Union[RecordKey, _Mapping]] = ..., model_version: _Optional[str] = ..., link_kind: _Optional[_Union[LinkKind, str]] = ..., match_weight: _Optional[float] = ..., other_person_id: _Optional[str] = ...) -> None: ...

class GetPersonHistoryResponse(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[HistoryEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[HistoryEvent, _Mapping]]] = ...) -> None: ...
