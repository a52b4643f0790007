"""Free-text addresses: abbreviations expanded, folded, and reduced to a token set for comparison.

Clerks abbreviate administrative words: P. (phường), Q. (quận), TP. (thành phố), TX. (thị xã), TT. (thị
trấn), H. (huyện), X. (xã), T. (tỉnh), KP. (khu phố). Expanding them before folding lets "P.3, Q.5,
TP.HCM" and "Phường 3, Quận 5, Thành phố HCM" share their tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache

from matching.places import PROVINCES_BEFORE_2025
from matching.text import collapse_spaces, fold

_ABBREVIATIONS = {
    "tp": "thanh pho", "tx": "thi xa", "tt": "thi tran", "kp": "khu pho", "p": "phuong", "q": "quan",
    "h": "huyen", "x": "xa", "t": "tinh", "f": "phuong",
}  # fmt: skip
# An abbreviation is a short word followed by a dot (or directly by a number: "P3", "Q5").
_ABBREVIATED = re.compile(r"\b(tp|tx|tt|kp|p|q|h|x|t|f)(?:\.\s*|(?=\d))", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[^\w\s]")
# Words that say what kind of place follows, not which: they carry no identity.
_KIND_WORDS = frozenset(
    [
        "so",
        "nha",
        "duong",
        "pho",
        "phuong",
        "quan",
        "huyen",
        "xa",
        "tinh",
        "thanh",
        "thi",
        "tran",
        "khu",
        "ap",
        "to",
        "thon",
        "xom",
    ]
)


def expand_abbreviations(text: str) -> str:
    return _ABBREVIATED.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()] + " ", text)


def normalize_address(text: str) -> str:
    """Folded, abbreviations expanded, punctuation removed, single spaces."""
    return collapse_spaces(_PUNCTUATION.sub(" ", fold(expand_abbreviations(text))))


# A record's address meets every candidate's: its tokens are read once (an online match compares it with
# ~30 candidate records, each of which meets other matches' records again).
@lru_cache(maxsize=16_384)  # ~0.5 KB an entry
def address_tokens(normalized: str) -> frozenset[str]:
    return frozenset(t for t in normalized.split() if t not in _KIND_WORDS)


def address_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the identifying tokens of two normalized addresses (0 when either is empty)."""
    x, y = address_tokens(a), address_tokens(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


# Folded province names (matching.places, from shared/domain/vn_cccd_province_codes.csv) as token tuples,
# and the short forms clerks write; Huế is the 2025 name of Thừa Thiên Huế
# (shared/domain/vn_provinces_2025.csv).
_PROVINCE_NAMES: dict[tuple[str, ...], str] = {
    **{tuple(normalize_address(name).split()): code for code, name in PROVINCES_BEFORE_2025.items()},
    ("hcm",): "79",
    ("tphcm",): "79",
    ("sai", "gon"): "79",
    ("hue",): "46",
    ("vung", "tau"): "77",
}
_LONGEST_NAME = max(len(tokens) for tokens in _PROVINCE_NAMES)
_COUNTRY = ("viet", "nam")


def province_in_address(normalized: str) -> str | None:
    """The province code an address names as its last part ("…, TP. Bắc Giang" → "24"), else None.

    An address is written from the house to the province, so only its end is read: a street named after
    a province ("Lạng Sơn street") earlier in the text is no province."""
    tokens = tuple(normalized.split())
    if tokens[-2:] == _COUNTRY:
        tokens = tokens[:-2]
    for length in range(min(_LONGEST_NAME, len(tokens)), 0, -1):
        code = _PROVINCE_NAMES.get(tokens[-length:])
        if code is not None:
            return code
    return None
