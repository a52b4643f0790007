"""Blocking keys: the cheap, indexed keys under which a record meets its candidates.

A record is compared only with records sharing at least one key, so every way two records of one human
can differ must leave at least one key in common: identifiers each make a key, and names make several
(folded, so diacritics do not matter; token-sorted, so name order does not; phonetic, so dialect
spellings do not; with one word left out, or given or family name with the full birth date, so a typo
in one word does not).
"""

from __future__ import annotations

from matching.normalize import NormalizedRecord


def blocking_keys(rec: NormalizedRecord) -> tuple[str, ...]:
    keys: list[str] = []
    if rec.national_id is not None:
        keys.append(f"id:{rec.national_id.kind.value}:{rec.national_id.number}")
    keys += [f"cmnd:{n}" for n in rec.legacy_ids]
    keys += [f"bhxh:{n}" for n in rec.bhxh_numbers]
    if rec.phone is not None:
        keys.append(f"tel:{rec.phone.number}")
    tokens = " ".join(sorted(rec.name.folded_tokens))
    keys.append(f"name:{tokens}")
    if rec.birth_date is not None:
        year = rec.birth_date.year
        keys.append(f"name_year:{tokens}:{year}")
        keys.append(f"sound_year:{' '.join(sorted(rec.name.phonetic))}:{year}")
        # The name with one word left out, for each word: a typo in any single word keeps one key intact.
        words = sorted(rec.name.folded_tokens)
        if len(words) > 2:
            keys += [
                f"name_less_one:{' '.join(words[:i] + words[i + 1 :])}:{year}" for i in range(len(words))
            ]
        if rec.birth_date.is_full and len(rec.name.folded_tokens) > 1:
            iso = rec.birth_date.to_iso()
            keys.append(f"given_dob:{rec.name.given}:{iso}")
            keys.append(f"family_dob:{rec.name.family}:{iso}")
    return tuple(dict.fromkeys(keys))
