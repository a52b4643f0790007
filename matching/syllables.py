"""Vietnamese syllables: their letters, tone marks, and where the tone mark belongs.

A syllable is (initial consonant) + vowel nucleus + (final consonant), carrying at most one tone mark
(grave, acute, hook, tilde, dot below). Two spellings of one syllable differ only in where the tone mark
sits: old style puts it on the first vowel of an open oa/oe/uy ("hòa", "thủy"), new style on the second
("hoà", "thuỷ") (shared/domain/vn_identity_facts.md §6.3). `place_tone` moves it to one canonical place
(the old style, the one printed on CCCD cards), so both spellings compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The five tone marks as combining characters.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Letters that carry a vowel-quality mark (circumflex, breve, horn) and so take the tone first.
_MARKED_VOWELS = frozenset("âăêôơưÂĂÊÔƠƯ")
_VOWELS = frozenset("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")

# Vowel nuclei with diacritics folded away (ơ → o, ư → u, â → a, …): those that may take a final
# consonant, and those that end in a semivowel and may not.
_OPEN_OR_CLOSED = ["a", "e", "i", "o", "u", "ie", "uo", "ye", "oa", "oe", "ua", "uy", "oo", "uye", "ue"]
_OPEN_ONLY = [
    "y",
    "ai",
    "ao",
    "au",
    "ay",
    "eo",
    "eu",
    "ia",
    "iu",
    "oi",
    "ui",
    "uu",
    "ieu",
    "uoi",
    "uou",
    "yeu",
    "oai",
    "oay",
    "uay",
    "uya",
    "uyu",
]
_INITIAL = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
_SYLLABLE = re.compile(
    rf"^{_INITIAL}(?:(?:{'|'.join(sorted(_OPEN_OR_CLOSED, key=len, reverse=True))})(?:ch|ng|nh|[cmnpt])?"
    rf"|(?:{'|'.join(sorted(_OPEN_ONLY, key=len, reverse=True))}))$"
)
_FOLD = str.maketrans({"đ": "d", "Đ": "D"})

# Every letter that Vietnamese Unicode text may contain (NFC), lower and upper case.
VIETNAMESE_LETTERS: frozenset[str] = frozenset(
    unicodedata.normalize("NFC", base + mark)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for mark in ("", *sorted(TONE_MARKS))
) | frozenset("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVXfjwzFJWZ")


def _folded(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=65536)  # Vietnamese has under 7,000 syllables; names repeat them endlessly
def is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable (any case, at most one tone mark)."""
    if not word or any(c not in VIETNAMESE_LETTERS for c in word):
        return False
    tones = sum(1 for c in unicodedata.normalize("NFD", word) if c in TONE_MARKS)
    return tones <= 1 and _SYLLABLE.match(_folded(word)) is not None


@lru_cache(maxsize=65536)
def place_tone(word: str) -> str:
    """The word with its single tone mark on the canonical vowel; other words unchanged."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    index = _tone_index(bare)
    if index is None:
        return word
    return unicodedata.normalize("NFC", bare[: index + 1] + tones[0] + bare[index + 1 :])


def _tone_index(bare: str) -> int | None:
    """Index of the vowel that carries the tone in a syllable without its tone mark."""
    lower = bare.lower()
    start = 0
    if lower.startswith("qu") or (lower.startswith("gi") and len(lower) > 2 and lower[2] in _VOWELS):
        start = 2
    while start < len(bare) and bare[start] not in _VOWELS:
        start += 1
    end = start
    while end < len(bare) and bare[end] in _VOWELS:
        end += 1
    nucleus = range(start, end)
    if not nucleus:
        return None
    marked = [i for i in nucleus if bare[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]  # ươ: the tone sits on ơ
    has_final = lower[end:] in _FINALS
    if len(nucleus) == 1:
        return start
    if has_final or len(nucleus) == 3:
        return end - 1 if has_final else start + 1
    return start  # open two-vowel nucleus, old style: hòa, thủy, mía, múa
