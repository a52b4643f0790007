"""A Vietnamese phonetic key: one spelling for the sounds that dialects and typists confuse.

Northern speakers confuse initial d/gi/r, s/x, tr/ch and l/n; Southern speakers final n/ng, c/t and nh/n;
everyone i/y; tones hỏi/ngã are confused everywhere (shared/domain/vn_identity_facts.md §6.2). The key
works on the folded token (tones are already gone) and maps each confusable group to one spelling, so
"Trung"/"Chung", "Dũng"/"Giũng", "Bình"/"Bìn", "Xuân"/"Suân", "Lan"/"Nan" share a key.
"""

from __future__ import annotations

from functools import lru_cache

# Longest first. Initial consonants that are spelled differently but sound alike in some dialect.
_INITIALS = (
    ("ngh", "ng"), ("ng", "ng"), ("nh", "nh"), ("gh", "g"), ("gi", "z"), ("tr", "c"), ("ch", "c"),
    ("ph", "f"), ("kh", "kh"), ("th", "th"), ("qu", "qu"),
    ("d", "z"), ("r", "z"), ("x", "s"), ("n", "l"), ("k", "c"),
)  # fmt: skip
_FINALS = (("ng", "n"), ("nh", "n"), ("ch", "t"), ("c", "t"))


@lru_cache(maxsize=65536)
def phonetic_token(token: str) -> str:
    """Key of one folded syllable ("trung" → "cun")."""
    head, rest = "", token
    for spelled, key in _INITIALS:
        if token.startswith(spelled):
            head, rest = key, token[len(spelled) :]
            if spelled == "gi" and (not rest or rest[0] not in "aeouy"):
                rest = "i" + rest  # "gì", "gìn": the i is the vowel
            break
    for spelled, key in _FINALS:
        if rest.endswith(spelled) and len(rest) > len(spelled):
            rest = rest[: -len(spelled)] + key
            break
    return head + rest.replace("y", "i")


def phonetic_key(folded_tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(phonetic_token(t) for t in folded_tokens)
