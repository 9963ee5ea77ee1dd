"""Pure parsing of the intake form's answers: each returns the value to keep or ``None``."""

from __future__ import annotations

import re
from functools import cache

import yaml

from bot.identifiers import normalise_phone, number_kind
from bot.nlu.gazetteer import TERMS, variants
from bot.textnorm import fold, nfc

KINDS = ("complaint", "recommendation", "denunciation", "enquiry")
# The law requires a complainant's and a denouncer's name; for the others it is optional.
NAME_REQUIRED = ("complaint", "denunciation")
TOPICS = (
    "contributions", "si_book_hi_card", "pension", "one_time_withdrawal", "sickness_maternity",
    "unemployment", "health_insurance_benefits", "voluntary_si", "social_pension",
    "digital_services", "covid_support", "staff_conduct", "other",
)
SKIPPED = "-"
MIN_DESCRIPTION = 20
MAX_DESCRIPTION = 4000
# One to eight words of letters (any script), apostrophes or hyphens; at most 100 characters.
NAME = re.compile(r"(?=.{2,100}$)[^\W\d_][^\W\d_'\-]*(?:[ '\-][^\W\d_]+){0,7}")
_SKIP_WORDS = frozenset(
    "bo qua|khong|khong co|ko|k|chua co|khong biet|khong ro|-|"
    "skip|no|none|i don't have one|i don't know".split("|")
)
_ID_SEPARATORS = re.compile(r"[\s.\-]")
# Words naming a field in "change the phone number" at the summary.
FIELD_WORDS = {
    "ticket_kind": ("loai", "kind", "type"),
    "topic": ("chu de", "linh vuc", "topic"),
    "description": ("noi dung", "mo ta", "description"),
    "province": ("tinh", "thanh pho", "province", "city"),
    "commune": ("xa", "phuong", "commune", "ward"),
    "full_name": ("ten", "name"),
    "phone": ("dien thoai", "sdt", "phone"),
    "id_number": ("cccd", "can cuoc", "ma so", "bhxh", "id"),
}


def spaces(text: str) -> str:
    """NFC with single spaces, trimmed."""
    return " ".join(nfc(str(text or "")).split())


def is_skip(text: str) -> bool:
    """True when the citizen declines an optional question ("bỏ qua", "không có", "skip")."""
    return fold(spaces(text)).strip(" .!") in _SKIP_WORDS


@cache
def _terms(entity: str) -> tuple[tuple[str, str], ...]:
    """(folded phrase, canonical value) pairs of an entity in terms.yml, longest phrase first."""
    vocab = yaml.safe_load(TERMS.read_text(encoding="utf-8"))[entity]
    pairs = {fold(form): value for value, phrases in vocab.items() for p in phrases
             for form in variants(p)}
    return tuple(sorted(pairs.items(), key=lambda pair: -len(pair[0])))


def match_term(entity: str, text: str) -> str | None:
    """The canonical value whose phrase occurs as whole words in the text, or ``None``."""
    folded = f" {' '.join(re.findall(r'[0-9a-z]+', fold(spaces(text))))} "
    return next((value for phrase, value in _terms(entity) if f" {phrase} " in folded), None)


def parse_kind(value: str) -> str | None:
    """A ticket kind from its code (buttons, entities) or from free text."""
    return value if value in KINDS else match_term("ticket_kind", value)


def parse_topic(value: str) -> str | None:
    """A topic code from its code or from free text; "bỏ qua" means ``other``."""
    if value in TOPICS:
        return value
    return "other" if is_skip(value) else match_term("topic", value)


def parse_description(value: str) -> tuple[str | None, str]:
    """(description, "") or (None, the key of the reason it was refused)."""
    description = nfc(str(value or "")).strip()
    if len(description) < MIN_DESCRIPTION:
        return None, "description_too_short"
    if len(description) > MAX_DESCRIPTION:
        return None, "description_too_long"
    return description, ""


def parse_commune(value: str) -> str | None:
    """A commune or ward name (any 2-100 characters), or ``SKIPPED``."""
    if is_skip(value):
        return SKIPPED
    commune = spaces(value)
    return commune if 2 <= len(commune) <= 100 and not commune.isdigit() else None


def parse_name(value: str, kind: str | None) -> str | None:
    """A full name; ``SKIPPED`` when the citizen declines and the kind allows it."""
    if is_skip(value):
        return None if kind in NAME_REQUIRED else SKIPPED
    name = spaces(value)
    return name if NAME.fullmatch(name) else None


def parse_phone(value: str) -> str | None:
    """A Vietnamese phone number in its canonical form."""
    return normalise_phone(str(value or ""))


def parse_id_number(value: str) -> str | None:
    """A CCCD or a BHXH code (bot/identifiers.py), or ``SKIPPED``."""
    if is_skip(value):
        return SKIPPED
    digits = _ID_SEPARATORS.sub("", spaces(value))
    return digits if number_kind(digits) else None


def split_id_number(value: str | None) -> tuple[str | None, str | None]:
    """(cccd, bhxh_code) from the one identity-number answer."""
    if not value or value == SKIPPED:
        return None, None
    return (value, None) if number_kind(value) == "cccd" else (None, value)


def field_named(text: str) -> str | None:
    """The form field a free-text edit request names ("sửa số điện thoại"), if any."""
    folded = f" {' '.join(re.findall(r'[0-9a-z]+', fold(spaces(text))))} "
    for field, words in FIELD_WORDS.items():
        if any(f" {word} " in folded for word in words):
            return field
    return None


_TICKET_CODE = re.compile(r"bhxh\W*(\d{4})\W*(\d{6})", re.IGNORECASE)
_LAST4 = re.compile(r"[0-9]{4}")


def parse_ticket_code(value: str) -> str | None:
    """``BHXH-YYYY-NNNNNN`` from a typed code ("bhxh 2026 000123" too)."""
    match = _TICKET_CODE.search(nfc(str(value or "")))
    return f"BHXH-{match[1]}-{match[2]}" if match else None


def parse_last4(value: str) -> str | None:
    """The last four digits of a phone number (given alone or as the whole number)."""
    digits = re.sub(r"[\s.\-]", "", nfc(str(value or "")))
    if _LAST4.fullmatch(digits):
        return digits
    phone = parse_phone(digits)
    return phone[-4:] if phone else None
