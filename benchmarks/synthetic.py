"""A synthetic Vietnamese population and its checkup records, with the truth kept.

Nothing here is real personal data: names are drawn from common-syllable lists, national IDs are built
to the CCCD layout with random serials, phones are random numbers on real prefixes.

The population has the structure that makes linkage hard: households sharing a surname, an address and
often one phone; twins; a son given his father's full name; the surname distribution of
shared/domain/vn_surnames.csv (Nguyễn about one in three). Records carry the corruptions of real
checkup data: upper case without diacritics (the claim-file habit), NFD text, typos, year-only birth
dates, swapped day and month, a mistyped or a parent's CCCD, pre-2018 11-digit phones, missing fields.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from matching.phones import MOBILE_PREFIX_2018
from matching.places import PROVINCES_BEFORE_2025
from matching.text import fold

# shared/domain/vn_surnames.csv (Lê Trung Hoa 2005 shares, %; Hoàng/Huỳnh and Vũ/Võ split evenly) plus
# rarer surnames sharing the remainder.
SURNAMES: dict[str, float] = {
    "Nguyễn": 38.4, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.1, "Hoàng": 2.6, "Huỳnh": 2.5, "Phan": 4.5,
    "Vũ": 2.0, "Võ": 1.9, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1.0,
    "Lý": 0.5, "Trương": 0.9, "Đoàn": 0.6, "Đinh": 0.6, "Trịnh": 0.5, "Cao": 0.5, "Đào": 0.5, "Mai": 0.5,
    "Lương": 0.4, "Lưu": 0.4, "Lâm": 0.4, "Tạ": 0.3, "Hà": 0.3, "Tô": 0.3, "Kiều": 0.2, "Quách": 0.2,
    "Thái": 0.2, "Vương": 0.2, "La": 0.1, "Mạc": 0.1, "Khúc": 0.1, "Ninh": 0.1, "Châu": 0.2, "Lục": 0.1,
}  # fmt: skip
MIDDLE = {
    "male": ["Văn", "Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Đình", "Xuân", "Thành", "Công", "Quang",
             "Trọng", "Anh", "Tuấn", "Gia", "Bảo", "Hoàng"],
    "female": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Phương", "Mai", "Hồng", "Bích",
               "Thùy", "Khánh", "Bảo", "Hoài"],
}  # fmt: skip
GIVEN = {
    "male": ["Anh", "Huy", "Tuấn", "Nam", "Duy", "Hoàng", "Hiếu", "Minh", "Dũng", "Đạt", "Cường", "Hùng",
             "Tùng", "Sơn", "Thành", "Hải", "Long", "Trung", "Vũ", "Đức", "Phúc", "Khoa", "Quân", "Bảo",
             "Khánh", "Thắng", "Tiến", "Mạnh", "Lâm", "Phong", "Nghĩa", "Quý", "Thái", "Toàn", "Việt"],
    "female": ["Anh", "Linh", "Dung", "Thảo", "Ngân", "Trang", "Hương", "Nga", "Hà", "Huyền", "Phương",
               "Mai", "Loan", "Ngọc", "Thúy", "Hằng", "Yến", "Nhi", "Lan", "Hoa", "Thủy", "Hạnh", "Vy",
               "Chi", "Quỳnh", "Trâm", "Oanh", "Nhung", "Giang", "Tâm", "Hòa", "Uyên"],
}  # fmt: skip
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt",
           "Phan Chu Trinh", "Hùng Vương", "Điện Biên Phủ", "Bạch Đằng"]  # fmt: skip
MOBILE_PREFIXES = ["032", "033", "034", "035", "036", "037", "038", "039", "070", "079", "077", "076", "078",
                   "083", "084", "085", "081", "082", "056", "058", "086", "096", "097", "098", "088", "091",
                   "094", "089", "090", "093"]  # fmt: skip
OLD_PREFIX_OF = {new: old for old, new in MOBILE_PREFIX_2018.items()}
TODAY = date(2026, 12, 1)


@dataclass(frozen=True)
class Person:
    index: int
    full_name: str
    birth_date: date
    sex: str
    national_id: str
    phone: str
    province_code: str
    address: str
    household: int
    parent: int | None = None


@dataclass(frozen=True)
class Population:
    persons: list[Person]
    records: list[dict[str, str]]  # SourceRecord fields
    truth: list[int]  # records[i] belongs to persons[truth[i]]
    registry: list[Person] = field(default_factory=list)


def _cccd(rng: random.Random, province: str, born: date, sex: str, taken: set[str]) -> str:
    century = (born.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    while True:
        number = f"0{province}{century}{born.year % 100:02d}{rng.randrange(1_000_000):06d}"
        if number not in taken:
            taken.add(number)
            return number


def _name(rng: random.Random, surname: str, sex: str) -> str:
    return f"{surname} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def _birth(rng: random.Random, start_year: int, end_year: int) -> date:
    first = date(start_year, 1, 1)
    return first + timedelta(days=rng.randrange((date(end_year, 12, 31) - first).days))


def make_persons(n: int, seed: int = 7) -> list[Person]:
    """About n persons in households of one to five (parents and children)."""
    rng = random.Random(seed)
    provinces = sorted(PROVINCES_BEFORE_2025)
    surnames, weights = zip(*SURNAMES.items(), strict=True)
    taken: set[str] = set()
    persons: list[Person] = []
    household = 0
    while len(persons) < n:
        household += 1
        province = rng.choice(provinces)
        address = f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, {PROVINCES_BEFORE_2025[province]}"
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
        family = rng.choices(surnames, weights)[0]
        father_born = _birth(rng, 1945, 2000)
        father = Person(
            len(persons),
            _name(rng, family, "male"),
            father_born,
            "male",
            _cccd(rng, province, father_born, "male", taken),
            phone,
            province,
            address,
            household,
        )
        members = [father]
        if rng.random() < 0.8:
            mother_born = _birth(rng, max(1945, father_born.year - 6), min(2002, father_born.year + 4))
            mother_phone = (
                phone if rng.random() < 0.5 else rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
            )
            members.append(Person(len(persons) + 1, _name(rng, rng.choices(surnames, weights)[0], "female"),
                                  mother_born, "female", _cccd(rng, province, mother_born, "female", taken),
                                  mother_phone, province, address, household))  # fmt: skip
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            first_year = father_born.year + 20
            if first_year > TODAY.year - 1:
                break
            born = _birth(rng, first_year, min(TODAY.year - 1, father_born.year + 45))
            sex = rng.choice(["male", "female"])
            name = _name(rng, family, sex)
            if sex == "male" and rng.random() < 0.03:
                name = father.full_name  # a son given his father's full name
            child = Person(
                len(persons) + len(members),
                name,
                born,
                sex,
                _cccd(rng, province, born, sex, taken),
                phone,
                province,
                address,
                household,
                parent=father.index,
            )
            members.append(child)
            if rng.random() < 0.03:  # twins: same day, same household, another given name
                twin_sex = rng.choice(["male", "female"])
                members.append(replace(child, index=len(persons) + len(members),
                                       full_name=_name(rng, family, twin_sex), sex=twin_sex,
                                       national_id=_cccd(rng, province, born, twin_sex, taken)))  # fmt: skip
        persons.extend(members)
    return persons[:n]


def _drop_diacritics(text: str) -> str:
    return fold(text).upper()


def _typo(rng: random.Random, text: str) -> str:
    letters = list(text)
    positions = [i for i, c in enumerate(letters) if c.isalpha()]
    i = rng.choice(positions)
    action = rng.random()
    if action < 0.4 and i + 1 < len(letters) and letters[i + 1].isalpha():
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    elif action < 0.7:
        del letters[i]
    else:
        letters[i] = rng.choice("aeiounhtcg")
    return "".join(letters)


def _abbreviated(address: str) -> str:
    """The clerk's form: "Số 12 đường Lê Lợi, TP. Hà Nội" style variations of the same address."""
    number, rest = address.split(" ", 1)
    return f"Số {number} đường {rest}".replace(", ", ", TP. ", 1) if "," in rest else f"Số {number} {rest}"


def _one_digit_off(rng: random.Random, digits: str) -> str:
    i = rng.randrange(6, len(digits))  # the serial part, so the CCCD stays self-consistent
    return digits[:i] + str((int(digits[i]) + rng.randrange(1, 10)) % 10) + digits[i + 1 :]


def _phone_form(rng: random.Random, phone: str) -> str:
    old = OLD_PREFIX_OF.get(phone[:3])
    roll = rng.random()
    if old is not None and roll < 0.15:
        return old + phone[3:]  # the pre-2018 11-digit number
    if roll < 0.3:
        return "+84 " + phone[1:4] + " " + phone[4:7] + " " + phone[7:]
    if roll < 0.4:
        return phone[:4] + "." + phone[4:7] + "." + phone[7:]
    return phone


def make_record(
    rng: random.Random, person: Person, persons: list[Person], source: str, rid: str
) -> dict[str, str]:
    name = person.full_name
    roll = rng.random()
    if roll < 0.35:
        name = _drop_diacritics(name)
    elif roll < 0.40:
        name = unicodedata.normalize("NFD", name)
    elif roll < 0.45:
        name = _typo(rng, name)
    elif roll < 0.47:
        name = "  " + name.lower() + " "
    born = person.birth_date
    roll = rng.random()
    if roll < 0.25:
        birth = str(born.year)
    elif roll < 0.28 and born.day <= 12 and born.day != born.month:
        birth = f"{born.month:02d}/{born.day:02d}/{born.year}"  # day and month swapped
    elif roll < 0.6:
        birth = born.strftime("%d/%m/%Y")
    elif roll < 0.8:
        birth = born.strftime("%Y%m%d") + "0000"
    else:
        birth = born.isoformat()
    national_id = ""
    roll = rng.random()
    if roll < 0.45:
        national_id = person.national_id
    elif roll < 0.47:
        national_id = _one_digit_off(rng, person.national_id)
    elif roll < 0.49 and person.parent is not None:
        national_id = persons[person.parent].national_id  # a parent's card typed into a child's record
    # People change numbers and give a relative's; some move to another province.
    phone = (
        person.phone if rng.random() < 0.9 else rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
    )
    province, address = person.province_code, person.address
    if rng.random() < 0.05:
        province = rng.choice(sorted(PROVINCES_BEFORE_2025))
        address = f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, {PROVINCES_BEFORE_2025[province]}"
    elif rng.random() < 0.3:
        address = _abbreviated(address)
    sex = (
        ""
        if rng.random() < 0.1
        else rng.choice({"male": ["1", "Nam", "male", "M"], "female": ["2", "Nữ", "female", "F"]}[person.sex])
    )
    return {
        "source": source,
        "source_record_id": rid,
        "full_name": name,
        "birth_date": birth,
        "sex": sex,
        "national_id": national_id,
        "phone": "" if rng.random() < 0.3 else _phone_form(rng, phone),
        "address": address if rng.random() < 0.6 else "",
        "province_code": province if rng.random() < 0.8 else "",
    }


def make_population(n_persons: int, records_per_person: float = 1.6, seed: int = 7) -> Population:
    """Persons, their records (every person at least one), and a registry of 80 % of the persons."""
    rng = random.Random(seed + 1)
    persons = make_persons(n_persons, seed)
    sources = [f"{p}{rng.randrange(1, 999):03d}" for p in rng.sample(sorted(PROVINCES_BEFORE_2025), 12)]
    sources += ["ksk-school-hn", "ksk-company-hcm", "tram-yte-xa"]
    records: list[dict[str, str]] = []
    truth: list[int] = []
    extra = max(0.0, records_per_person - 1)
    for person in persons:
        count = 1 + int(extra) + (1 if rng.random() < extra - int(extra) else 0)
        for _ in range(count):
            source = rng.choice(sources)
            records.append(make_record(rng, person, persons, source, f"BN{len(records):07d}"))
            truth.append(person.index)
    order = list(range(len(records)))
    rng.shuffle(order)
    registry = [p for p in persons if rng.random() < 0.8]
    return Population(persons, [records[i] for i in order], [truth[i] for i in order], registry)


def registry_rows(persons: list[Person]) -> list[dict[str, str]]:
    return [
        {
            "national_id": p.national_id,
            "full_name": p.full_name,
            "birth_date": p.birth_date.isoformat(),
            "sex": p.sex,
            "province_code": p.province_code,
        }
        for p in persons
    ]
