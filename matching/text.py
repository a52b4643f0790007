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


def _slow_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTER_FIXES).translate(_FOLD_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# Every precomposed Latin letter with marks (which covers all of Vietnamese) folded once, so that `fold`
# is one C-level translate for ordinary text; anything else takes the decomposition path.
_FOLD_TABLE = {
    code: _slow_fold(chr(code))
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
    if unicodedata.category(chr(code)).startswith("L")
}


def fold(text: str) -> str:
    """Lower case without any diacritics (đ → d): the form typed on a keyboard with no Vietnamese input."""
    folded = text.translate(_FOLD_TABLE)
    return folded.lower() if folded.isascii() else _slow_fold(text)


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def has_control_characters(text: str) -> bool:
    """Control, format, surrogate, private-use or unassigned characters (tabs and spaces allowed)."""
    if text.isprintable():  # the common case, checked in C
        return False
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in text if c not in "\t")


def digits_only(text: str) -> str:
    return "".join(c for c in text if c.isdigit() and c.isascii())
