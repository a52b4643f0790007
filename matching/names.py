"""Personal names: canonical form, folded form and the parts of a Vietnamese name.

Vietnamese order is family name, middle name(s), given name ("Nguyễn Văn Đức": family Nguyễn, middle
Văn, given Đức); people are addressed by the given name, so it carries the most identity
(shared/domain/vn_identity_facts.md §6.1).
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.errors import FieldProblem
from matching.text import collapse_spaces, fold, has_control_characters, nfc

MAX_NAME_LENGTH = 255
# Characters that appear in typed names but carry no identity.
_NOISE = str.maketrans({c: " " for c in ".,;:_/\\()[]{}\"'`*+=!?@#$%^&|<>~0123456789"})


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name read from one record. `folded_tokens` drive comparison; `canonical` is for people."""

    canonical: str
    folded_tokens: tuple[str, ...]

    @property
    def folded(self) -> str:
        return " ".join(self.folded_tokens)

    @property
    def family(self) -> str:
        return self.folded_tokens[0]

    @property
    def given(self) -> str:
        return self.folded_tokens[-1]

    @property
    def middle(self) -> tuple[str, ...]:
        return self.folded_tokens[1:-1]


def canonical_name(text: str) -> str:
    """NFC, single spaces, each word capitalised: 'NGUYỄN  văn đức' → 'Nguyễn Văn Đức'."""
    words = collapse_spaces(nfc(text).translate(_NOISE).replace("-", " ")).split(" ")
    return " ".join(w[:1].upper() + w[1:].lower() for w in words if w)


def parse_name(text: str) -> PersonName | FieldProblem:
    """Read a full name; a FieldProblem when there is nothing name-like in it."""
    if len(text) > MAX_NAME_LENGTH:
        return FieldProblem("full_name", f"longer than {MAX_NAME_LENGTH} characters")
    if has_control_characters(text):
        return FieldProblem("full_name", "contains control or unassigned characters")
    canonical = canonical_name(text)
    if not canonical or not any(c.isalpha() for c in canonical):
        return FieldProblem("full_name", "has no letters")
    return PersonName(canonical=canonical, folded_tokens=tuple(fold(canonical).split(" ")))
