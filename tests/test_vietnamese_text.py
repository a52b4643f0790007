"""Tone placement, legacy encodings, phonetic keys, name variants and addresses (table-driven), and
properties of every normalizer on arbitrary Unicode (hypothesis)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import FieldProblem, InvalidRecord, SourceRecord, normalize_record
from matching.addresses import address_similarity, normalize_address, province_in_address
from matching.dates import parse_birth_date
from matching.encodings import repair_encoding
from matching.identifiers import parse_bhyt_card, parse_insurance_numbers, parse_national_id
from matching.names import canonical_name, parse_name
from matching.phones import parse_phone
from matching.phonetic import phonetic_token
from matching.sex import parse_sex
from matching.syllables import is_syllable, place_tone
from matching.text import fold


@pytest.mark.parametrize(
    ("word", "canonical"),
    [
        ("hoà", "hòa"), ("hòa", "hòa"), ("thuỷ", "thủy"), ("Thuý", "Thúy"), ("khoẻ", "khỏe"),
        ("quý", "quý"), ("Quỳnh", "Quỳnh"), ("hoàng", "hoàng"), ("toán", "toán"), ("người", "người"),
        ("giữa", "giữa"), ("khuỷu", "khuỷu"), ("Nguyễn", "Nguyễn"), ("hoaì", "hoài"),
    ],
)  # fmt: skip
def test_tone_marks_move_to_one_canonical_place(word: str, canonical: str) -> None:
    assert place_tone(word) == unicodedata.normalize("NFC", canonical)


def test_old_and_new_tone_styles_give_one_name() -> None:
    assert canonical_name("Lê Thị Hoà") == canonical_name("Lê Thị Hòa") == "Lê Thị Hòa"
    assert canonical_name("Nguyễn Thị Thuý") == canonical_name("NGUYỄN THỊ THÚY")


@pytest.mark.parametrize(
    ("garbled", "text"),
    [
        ("Ninh B×nh", "Ninh Bình"),  # TCVN3 read as Latin-1
        ("NguyÔn V¨n §øc", "Nguyễn Văn Đức"),
        ("TrÇn ThÞ Thuû", "Trần Thị Thuỷ"),
        ("Nguyeãn Vaên Ñöùc", "Nguyễn Văn Đức"),  # VNI-Windows
        ("Buøi Thò Thu Haø", "Bùi Thị Thu Hà"),
        ("Phaïm Thò Hoaøng", "Phạm Thị Hoàng"),
        ("Cáº¥p Tá»‰nh", "Cấp Tỉnh"),  # UTF-8 read as CP1252
        ("Nguyễn Văn Đức", "Nguyễn Văn Đức"),  # already Unicode: untouched
        ("Trần Thị Hoà", "Trần Thị Hoà"),
        ("LY THIEN PHU", "LY THIEN PHU"),
    ],
)
def test_legacy_encodings_are_repaired(garbled: str, text: str) -> None:
    assert repair_encoding(garbled) == text


def test_a_tcvn3_name_matches_its_unicode_self() -> None:
    assert parse_name("NguyÔn V¨n §øc") == parse_name("Nguyễn Văn Đức")


@pytest.mark.parametrize("word", ["Nguyễn", "Huỳnh", "Khương", "Ngọc", "Xoong", "Quách", "Giang", "gì"])
def test_real_syllables_are_syllables(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["NguyÔn", "B×nh", "Vaên", "Thanhh", "xyz"])
def test_garbled_words_are_not_syllables(word: str) -> None:
    assert not is_syllable(word)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Trung", "Chung"), ("Dũng", "Giũng"), ("Bình", "Bìn"), ("Xuân", "Suân"), ("Lan", "Nan"),
     ("Phúc", "Phút"), ("Lý", "Lí"), ("Nghĩa", "Ngĩa"), ("Rạng", "Dạng")],
)  # fmt: skip
def test_confusable_spellings_share_a_phonetic_key(a: str, b: str) -> None:
    assert phonetic_token(fold(a)) == phonetic_token(fold(b))


@pytest.mark.parametrize(("a", "b"), [("Trung", "Tùng"), ("Minh", "Mai"), ("Hoa", "Hà")])
def test_different_names_keep_different_phonetic_keys(a: str, b: str) -> None:
    assert phonetic_token(fold(a)) != phonetic_token(fold(b))


def test_taboo_variants_share_a_variant_key_but_not_a_folded_form() -> None:
    vu, vo = parse_name("Vũ Văn Phúc"), parse_name("Võ Văn Phước")
    assert not isinstance(vu, FieldProblem) and not isinstance(vo, FieldProblem)
    assert vu.folded != vo.folded and vu.variants == vo.variants


@pytest.mark.parametrize(
    ("name", "ordered"),
    [
        ("Duc Van Nguyen", ("nguyen", "duc", "van")),
        ("Nguyễn Văn Đức", ("nguyen", "van", "duc")),
        ("Lan Tran", ("tran", "lan")),
        ("Lê Văn Hoàng", ("le", "van", "hoang")),  # Hoàng as a given name: a surname first stays
        # A slipped surname before a given name that is also a surname is no given-name-first name:
        ("Hỳnh Anh Vũ", ("hynh", "anh", "vu")),  # written with marks: Vietnamese order
        ("Bù Tuấn Lâm", ("bu", "tuan", "lam")),
        ("NGAYEN TUAN HOANG", ("ngayen", "tuan", "hoang")),  # no marks, but "ngayen" is no syllable
    ],
)
def test_given_name_first_order_is_detected(name: str, ordered: tuple[str, ...]) -> None:
    parsed = parse_name(name)
    assert not isinstance(parsed, FieldProblem)
    assert parsed.folded_tokens == ordered


@pytest.mark.parametrize(
    ("address", "province"),
    [
        ("Số 85 đường Phan Chu Trinh, TP. Bắc Giang", "24"),
        ("12 Lê Lợi, P.3, Q.5, TP.HCM", "79"),
        ("54 Lý Thường Kiệt, Bà Rịa - Vũng Tàu, Việt Nam", "77"),
        ("Thôn 2, X. Tân Lập, H. Đan Phượng, Hà Nội", "01"),
        ("7 Trần Phú, Quảng Nam", "49"),  # not Hà Nam: whole words, longest name first
        ("3 Lê Lợi, TP Huế", "46"),  # the 2025 name of Thừa Thiên Huế
        ("12 Lạng Sơn, Phường 2", None),  # a street named after a province is no province
        ("", None),
    ],
)
def test_the_province_an_address_ends_with(address: str, province: str | None) -> None:
    assert province_in_address(normalize_address(address)) == province


def test_a_record_without_a_province_code_takes_the_one_its_address_names() -> None:
    record = normalize_record(SourceRecord("c1", "1", "Lê Văn Hùng", address="98 Phan Chu Trinh, Quảng Trị"))
    assert record.province_code == "45"
    told = normalize_record(
        SourceRecord("c1", "1", "Lê Văn Hùng", address="98 Phan Chu Trinh, Quảng Trị", province_code="44")
    )
    assert told.province_code == "44"  # the field, when given, is what the sender says


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("12 Lê Lợi, P.3, Q.5, TP.HCM", "Số 12 đường Lê Lợi, Phường 3, Quận 5, Thành phố HCM", True),
        ("Thôn 2, X. Tân Lập, H. Đan Phượng", "thon 2 xa tan lap huyen dan phuong", True),
        ("12 Lê Lợi, Q.5", "40 Trần Hưng Đạo, Q.1", False),
    ],
)
def test_addresses_compare_by_identifying_tokens(a: str, b: str, similar: bool) -> None:
    assert (address_similarity(normalize_address(a), normalize_address(b)) >= 0.6) is similar


def test_bhyt_card_parts() -> None:
    card = parse_bhyt_card("TE1 20 2020893987")
    assert card is not None
    assert (card.object_code, card.benefit_level, card.province_code, card.bhxh_number) == (
        "TE",
        1,
        "20",
        "2020893987",
    )
    assert card.object_code_known
    assert parse_bhyt_card("0120878811") is None


# --- properties: every normalizer takes any text without raising, and is idempotent on its output ---

ANY_TEXT = st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_normalizers_never_raise_on_arbitrary_unicode(text: str) -> None:
    parse_name(text)
    parse_birth_date(text)
    parse_national_id(text)
    parse_insurance_numbers(text)
    parse_phone(text)
    parse_sex(text)
    normalize_address(text)
    repair_encoding(text)
    try:
        normalize_record(
            SourceRecord("s", "1", text, birth_date=text, phone=text, national_id=text, address=text)
        )
    except InvalidRecord as error:
        assert error.problems and all(p.field and p.reason for p in error.problems)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_name_canonicalization_is_idempotent(text: str) -> None:
    once = canonical_name(text)
    assert canonical_name(once) == once
    assert fold(fold(text)) == fold(text)
    address = normalize_address(text)
    assert normalize_address(address) == address


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A(\+84|84|0)[35789][0-9]{8}\Z"))
def test_phone_normalization_is_idempotent(text: str) -> None:
    phone = parse_phone(text)
    assert phone is not None and not isinstance(phone, FieldProblem)
    assert parse_phone(phone.number) == phone


@settings(max_examples=200, deadline=None)
@given(st.dates(), st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%Y%m%d0000", "%Y", "%Y-%m"]))
def test_dates_read_back_from_their_iso_form(day, form) -> None:
    parsed = parse_birth_date(day.strftime(form))
    if day.year < 1880:
        assert isinstance(parsed, FieldProblem)
        return
    assert parsed is not None and not isinstance(parsed, FieldProblem)
    assert parse_birth_date(parsed.to_iso()) == parsed
