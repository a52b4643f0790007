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
    __slots__ = ("person_id", "national_id", "registry_backed", "full_name", "birth_date", "sex", "created_at", "records")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_BACKED_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    SEX_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    national_id: str
    registry_backed: bool
    full_name: str
    birth_date: str
    sex: Sex
    created_at: _timestamp_pb2.Timestamp
    records: _containers.RepeatedCompositeFieldContainer[RecordRef]
    def __init__(self, person_id: _Optional[str] = ..., national_id: _Optional[str] = ..., registry_backed: _Optional[bool] = ..., full_name: _Optional[str] = ..., birth_date: _Optional[str] = ..., sex: _Optional[_Union[Sex, str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., records: _Optional[_Iterable[_Union[RecordRef, _Mapping]]] = ...) -> None: ...

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
