"""Personal names: canonical form, folded form and the parts of a Vietnamese name.

Vietnamese order is family name, middle name(s), given name ("Nguyễn Văn Đức": family Nguyễn, middle
Văn, given Đức); people are addressed by the given name, so it carries the most identity
(shared/domain/vn_identity_facts.md §6.1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.encodings import repair_encoding
from matching.errors import FieldProblem
from matching.name_variants import in_vietnamese_order, variant_key
from matching.phonetic import phonetic_key
from matching.syllables import is_syllable, place_tone
from matching.text import collapse_spaces, fold, has_control_characters, nfc

MAX_NAME_LENGTH = 255
# Characters that appear in typed names but carry no identity.
_NOISE = str.maketrans({c: " " for c in ".,;:_/\\()[]{}\"'`*+=!?@#$%^&|<>~0123456789"})


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name read from one record. `folded_tokens` (family name first) drive comparison; `canonical`
    (as written, repaired) is for people."""

    canonical: str
    folded_tokens: tuple[str, ...]
    # Derived once: a name is compared with many candidates.
    phonetic: tuple[str, ...] = field(init=False, compare=False)
    variants: tuple[str, ...] = field(init=False, compare=False)
    family_and_middle: str = field(init=False, compare=False)  # folded, all but the given name
    given: str = field(init=False, compare=False)  # folded, the last word
    # As written, split at the last space: what the exact levels compare.
    canonical_family_and_middle: str = field(init=False, compare=False)
    canonical_given: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "phonetic", phonetic_key(self.folded_tokens))
        object.__setattr__(self, "variants", variant_key(self.folded_tokens))
        object.__setattr__(self, "family_and_middle", " ".join(self.folded_tokens[:-1]))
        object.__setattr__(self, "given", self.folded_tokens[-1] if self.folded_tokens else "")
        before, _, last = self.canonical.rpartition(" ")
        object.__setattr__(self, "canonical_family_and_middle", before)
        object.__setattr__(self, "canonical_given", last)

    @property
    def folded(self) -> str:
        return " ".join(self.folded_tokens)

    @property
    def family(self) -> str:
        return self.folded_tokens[0]

    @property
    def middle(self) -> tuple[str, ...]:
        return self.folded_tokens[1:-1]


def canonical_name(text: str) -> str:
    """Legacy encodings repaired, NFC, single spaces, tone marks in their canonical place, each word
    capitalised: 'NGUYỄN  văn đức' → 'Nguyễn Văn Đức', 'Lê Thị Hoà' → 'Lê Thị Hòa'.

    Applied to its own result it changes nothing (a property test holds it to that): the steps run
    again until the text stops changing, since changing case can make a garbled word decodable."""
    result = _canonical_once(text)
    if result.isascii() or all(is_syllable(w) for w in result.split(" ")):
        return result  # nothing left for a repair to change, and the other steps are idempotent
    for _ in range(4):
        again = _canonical_once(result)
        if again == result:
            break
        result = again
    return result


def _canonical_once(text: str) -> str:
    repaired = repair_encoding(nfc(text).translate(_NOISE)).translate(_NOISE)
    words = collapse_spaces(repaired.replace("-", " ")).split(" ")
    return " ".join(place_tone(w.capitalize()) for w in words if w)


def parse_name(text: str) -> PersonName | FieldProblem:
    """Read a full name; a FieldProblem when there is nothing name-like in it."""
    if len(text) > MAX_NAME_LENGTH:
        return FieldProblem("full_name", f"longer than {MAX_NAME_LENGTH} characters")
    if has_control_characters(text):
        return FieldProblem("full_name", "contains control or unassigned characters")
    canonical = canonical_name(text)
    if not canonical or not any(c.isalpha() for c in canonical):
        return FieldProblem("full_name", "has no letters")
    tokens = tuple(fold(canonical).split(" "))
    return PersonName(
        canonical=canonical, folded_tokens=in_vietnamese_order(tokens, marked=not canonical.isascii())
    )
