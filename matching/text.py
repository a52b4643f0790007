"""Text primitives shared by the normalizers: Unicode form, folding of Vietnamese diacritics."""

from __future__ import annotations

import unicodedata

# đ is a letter of its own, not d plus a combining mark, so NFD does not take it apart; Ð (U+00D0, eth)
# is what many keyboards and fonts produce instead of Đ (U+0110).
_LETTER_FIXES = str.maketrans({"Ð": "Đ", "ð": "đ"})
_FOLD_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    """NFC with the eth look-alike repaired; both Unicode forms in Vietnamese use end up equal."""
    return unicodedata.normalize("NFC", text.translate(_LETTER_FIXES))


def fold(text: str) -> str:
    """Lower case without any diacritics (đ → d): the form typed on a keyboard with no Vietnamese input."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTER_FIXES).translate(_FOLD_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in text if c not in "\t")


def digits_only(text: str) -> str:
    return "".join(c for c in text if c.isdigit() and c.isascii())
