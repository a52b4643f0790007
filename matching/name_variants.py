"""Name variants that are one name, and names written given-name first.

Regional taboo substitutions made one lineage two spellings: Vũ/Võ, Hoàng/Huỳnh among surnames, and
among given names Phúc/Phước, Thái/Thới, Cảnh/Kiểng (shared/domain/vn_identity_facts.md §6.2). Pairs
that would merge two distinct common names once folded (Hồng/Hường folds onto Hương; Thì/Thời onto the
middle name Thị) are left out. Variants are a comparison level of their own, weaker than equality.
"""

from __future__ import annotations

from matching.syllables import is_syllable

# folded variant → folded representative of its group
_VARIANT_OF = {"vo": "vu", "huynh": "hoang", "phuoc": "phuc", "thoi": "thai", "kieng": "canh"}

# Folded common surnames: shared/domain/vn_surnames.csv (both blocks) and a few more in wide use.
COMMON_SURNAMES = frozenset(
    [
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "truong",
        "doan",
        "dinh",
        "trinh",
        "cao",
        "dao",
        "mai",
        "luong",
        "luu",
        "lam",
        "ta",
        "ha",
        "to",
        "kieu",
        "quach",
        "thai",
        "vuong",
        "la",
        "mac",
        "khuc",
        "ninh",
        "chau",
        "luc",
        "tong",
    ]
)


# Folded frequent first middle names, shared/domain/vn_identity_facts.md (names: "Most frequent first
# middle-name word", a male-skewed sample): two of them one letter apart are two names, not a slip.
COMMON_MIDDLE_NAMES = frozenset(
    [
        "van",
        "thi",
        "minh",
        "hoang",
        "ngoc",
        "thanh",
        "duc",
        "quoc",
        "quang",
        "huu",
        "dinh",
        "xuan",
        "duy",
        "anh",
        "trung",
        "tan",
        "cong",
        "tuan",
        "trong",
    ]
)


def variant_token(token: str) -> str:
    return _VARIANT_OF.get(token, token)


def variant_key(folded_tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(variant_token(t) for t in folded_tokens)


def looks_given_name_first(folded_tokens: tuple[str, ...], *, marked: bool = False) -> bool:
    """ "Duc Van Nguyen": a common surname last and none first, as foreign forms and some systems write.

    Only a name typed without diacritics qualifies (`marked` is False): the given-name-first forms come
    from systems that write no Vietnamese marks, while a name written with them ("Hỳnh Anh Vũ", a
    slipped Huỳnh) was written in Vietnamese order. A first word that is no Vietnamese syllable
    ("Ngayen Tuan Hoang") is a mistyped surname, not a given name."""
    return (
        not marked
        and len(folded_tokens) >= 2
        and folded_tokens[-1] in COMMON_SURNAMES
        and folded_tokens[0] not in COMMON_SURNAMES
        and is_syllable(folded_tokens[0])
    )


def in_vietnamese_order(folded_tokens: tuple[str, ...], *, marked: bool = False) -> tuple[str, ...]:
    """Family name first: a trailing surname moves to the front when the name looks given-name first."""
    if looks_given_name_first(folded_tokens, marked=marked):
        return (folded_tokens[-1], *folded_tokens[:-1])
    return folded_tokens
