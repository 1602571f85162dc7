"""Helpers for the hazard tests: a valid catalogue entry as TOML text, to break one field at a time."""
from __future__ import annotations

VALID_ENTRY = {
    "code": '"FIRE-TEST-ONE"',
    "discipline": '"fire"',
    "severity": '"high"',
    "deadline": '"6 weeks"',
    "immediate_danger_possible": "false",
    "title_en": '"Test hazard"',
    "title_bn": '"পরীক্ষার ঝুঁকি"',
    "description_en": '"A hazard for tests."',
    "description_bn": '"পরীক্ষার জন্য একটি ঝুঁকি।"',
    "guidance_en": '"Fix it."',
    "guidance_bn": '"ঠিক করুন।"',
}


def entry_toml(**changes) -> str:
    """One [[hazard]] table; a change of None drops the field."""
    fields = {**VALID_ENTRY, **changes}
    return "[[hazard]]\n" + "".join(f"{k} = {v}\n" for k, v in fields.items() if v is not None)


def catalogue_toml(*entries: str, version: str = "1") -> str:
    return f"version = {version}\n\n" + "\n".join(entries or (entry_toml(),))
