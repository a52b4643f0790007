"""Repairing names typed in the legacy 8-bit encodings and read as Latin-1, or UTF-8 read as CP1252.

Old Vietnamese software stored text in TCVN3 (ABC, fonts .VnTime) or VNI-Windows (fonts VNI-Times);
exported and read as Latin-1, "Ninh Bình" becomes "Ninh B×nh" (TCVN3) and "Nguyễn" "Nguyeãn" (VNI). The
character tables are those of shared/domain/vn_identity_facts.md §6.3 (TCVN 5712 VN3 and VNI-Windows).

Detection does not guess from single characters (à, ô, õ are valid in both Unicode Vietnamese and the
legacy encodings): each candidate decoding is kept only if it turns more words into well-formed
Vietnamese syllables than the text had, and the best one wins.
"""

from __future__ import annotations

import unicodedata

from matching.syllables import VIETNAMESE_LETTERS, is_syllable

# TCVN3 (VN3): one byte per lower-case letter; upper case exists only for the letters with a vowel-quality
# mark and đ. Upper-case toned letters were drawn with the ".VnTimeH" font from the same bytes, so a
# decoded name may be lower case where it was shown upper case: names are title-cased afterwards anyway.
_TCVN3_PAIRS = [
    "µà",
    "¸á",
    "¶ả",
    "·ã",
    "¹ạ",
    "¨ă",
    "»ằ",
    "¾ắ",
    "¼ẳ",
    "½ẵ",
    "Æặ",
    "©â",
    "Çầ",
    "Êấ",
    "Èẩ",
    "Éẫ",
    "Ëậ",
    "Ìè",
    "Ðé",
    "Îẻ",
    "Ïẽ",
    "Ñẹ",
    "ªê",
    "Òề",
    "Õế",
    "Óể",
    "Ôễ",
    "Öệ",
    "×ì",
    "Ýí",
    "Øỉ",
    "Üĩ",
    "Þị",
    "ßò",
    "ãó",
    "áỏ",
    "âõ",
    "äọ",
    "«ô",
    "åồ",
    "èố",
    "æổ",
    "çỗ",
    "éộ",
    "¬ơ",
    "êờ",
    "íớ",
    "ëở",
    "ìỡ",
    "îợ",
    "ïù",
    "óú",
    "ñủ",
    "òũ",
    "ôụ",
    "\xadư",
    "õừ",
    "øứ",
    "öử",
    "÷ữ",
    "ùự",
    "úỳ",
    "ýý",
    "ûỷ",
    "üỹ",
    "þỵ",
    "®đ",
    "¡Ă",
    "¢Â",
    "£Ê",
    "¤Ô",
    "¥Ơ",
    "¦Ư",
    "§Đ",
]
TCVN3_TO_UNICODE: dict[str, str] = {pair[0]: pair[1] for pair in _TCVN3_PAIRS}

# VNI-Windows: a base letter followed by a mark character; đ, ơ, ư and some i/y forms are single bytes.
_VNI_MARKS = {
    # after a, e, o, u, y (and A E O U Y in upper case): the tone of the plain vowel
    "ø": "\u0300", "ù": "\u0301", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
    "Ø": "\u0300", "Ù": "\u0301", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323",
}  # fmt: skip
_VNI_CIRCUMFLEX = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
    "Ì": "Ì", "Í": "Í", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ",
}  # fmt: skip


def decode_tcvn3(text: str) -> str:
    return "".join(TCVN3_TO_UNICODE.get(c, c) for c in text)


def decode_vni(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        mark = text[i + 1] if i + 1 < len(text) else ""
        lower_mark = mark.lower() if mark.isupper() == c.isupper() else mark
        if c in "aeoAEO" and lower_mark in _VNI_CIRCUMFLEX:
            out.append(unicodedata.normalize("NFC", c + "\u0302" + _VNI_CIRCUMFLEX[lower_mark]))
            i += 2
        elif c in "aA" and lower_mark in _VNI_BREVE:
            out.append(unicodedata.normalize("NFC", c + "\u0306" + _VNI_BREVE[lower_mark]))
            i += 2
        elif c in "ôöÔÖ" and mark in _VNI_MARKS:  # ơ, ư with a tone
            out.append(unicodedata.normalize("NFC", _VNI_SINGLE[c] + _VNI_MARKS[mark]))
            i += 2
        elif c in "aeiouyAEIOUY" and mark in _VNI_MARKS:
            out.append(unicodedata.normalize("NFC", c + _VNI_MARKS[mark]))
            i += 2
        else:
            out.append(_VNI_SINGLE.get(c, c))
            i += 1
    return "".join(out)


def decode_mojibake(text: str) -> str:
    """UTF-8 bytes that were read as CP1252 ("Cáº¥p" for "Cấp"), read again; unchanged if they are not."""
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _misspelled(text: str) -> int:
    return sum(1 for word in text.split() if not is_syllable(word))


def repair_encoding(text: str) -> str:
    """The text, decoded from TCVN3, VNI or mojibake when that makes more of its words Vietnamese."""
    if text.isascii() or (all(c in VIETNAMESE_LETTERS or c == " " for c in text) and not _misspelled(text)):
        return text
    best, best_errors = text, _misspelled(text)
    for decode in (decode_tcvn3, decode_vni, decode_mojibake):
        candidate = decode(text)
        errors = _misspelled(candidate)
        if errors < best_errors:
            best, best_errors = candidate, errors
    return best
