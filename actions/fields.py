"""Pure parsing of the intake form's answers: each returns the value to keep or ``None``."""

from __future__ import annotations

import re
from functools import cache

import yaml

from bot.common.gazetteer import TERMS, variants
from bot.common.identifiers import normalise_phone, number_kind
from bot.common.textnorm import fold, nfc
from bot.common.vocabulary import kinds, topics

# Kinds and topics are the ticket service's (bot/common/vocabulary.py).
KINDS = tuple(kinds())
TOPICS = tuple(topics())
# The law requires a complainant's and a denouncer's name; for the others it is optional.
NAME_REQUIRED = ("complaint", "denunciation")
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


def _by_label(labels: dict[str, tuple[str, str]], value: str) -> str | None:
    """The code whose Vietnamese or English label is the whole answer ("khác", "Other")."""
    answer = fold(spaces(value)).strip(" .!\"")
    return next((code for code, names in labels.items()
                 if answer in (fold(names[0]), fold(names[1]))), None)


def parse_kind(value: str) -> str | None:
    """A ticket kind from its code (buttons, entities), its label or free text."""
    if value in KINDS:
        return value
    return _by_label(kinds(), value) or match_term("ticket_kind", value)


def parse_topic(value: str) -> str | None:
    """A topic code from its code, its label or free text; "bỏ qua" means ``other``."""
    if value in TOPICS:
        return value
    if is_skip(value):
        return "other"
    return _by_label(topics(), value) or match_term("topic", value)


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
    name = named(value, answering=True) or spaces(value)
    return name if NAME.fullmatch(name) else None


def parse_phone(value: str) -> str | None:
    """A Vietnamese phone number in its canonical form."""
    return normalise_phone(str(value or ""))


def parse_id_number(value: str) -> str | None:
    """A CCCD or a BHXH code (bot/common/identifiers.py), or ``SKIPPED``."""
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


# Everyday answers to a yes/no question ("dạ đúng rồi ạ", "ok gửi đi", "yes please", "không"),
# compared folded, as a whole short message of these words. "dừng" folds to "dung" like "đúng":
# with its diacritics it is a cancellation (``cancel_request``), without them a yes; "đừng"
# ("đừng gửi", don't send) with its diacritics is a no.
_YES_WORDS = frozenset(
    "dung da vang u uh um ok oke okay chuan duoc gui di co dong y yes yep yeah sure correct "
    "right send agree fine".split())
_NO_WORDS = frozenset("khong ko k kg hong chua sai no nope not dont disagree".split())
_FILLER = frozenset("a roi nhe nha vay the ban minh toi em please thanks i it is that".split())
_PAYLOAD_ANSWERS = {"/affirm": True, "/deny": False}


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", fold(spaces(text)))


def yes_no(text: str) -> bool | None:
    """True for an everyday yes, False for a no, ``None`` for anything else."""
    raw = spaces(text).lower()
    if raw in _PAYLOAD_ANSWERS:
        return _PAYLOAD_ANSWERS[raw]
    words = _words(raw)
    if "dừng" in raw or not words or len(words) > 6:
        return None
    if any(w not in _YES_WORDS | _NO_WORDS | _FILLER for w in words):
        return None
    if any(w in _NO_WORDS for w in words) or "đừng" in raw:
        return False
    return True if any(w in _YES_WORDS for w in words) else None


# A request to cancel: one of these words, with only the words around them below
# ("thôi, hủy đi", "không gửi nữa", "cancel it please").
_CANCEL_WORDS = frozenset("huy thoi stop cancel quit".split())
_CANCEL_PHRASES = ("khong gui nua", "dung lai")
_CANCEL_FILLER = _FILLER | frozenset(
    "lai bo di nua yeu cau nay muon want to the request form khong gui dung".split())


def cancel_request(text: str, yes_no_step: bool = False) -> bool:
    """True when the message asks to stop filling the form. A bare "dung" (no diacritics) is
    a cancellation except where the question is a yes/no one, where it means "đúng"."""
    raw = spaces(text).lower()
    if raw == "/stop":
        return True
    words = _words(raw)
    if not words or len(words) > 8 or any(w not in _CANCEL_WORDS | _CANCEL_FILLER for w in words):
        return False
    folded = " ".join(words)
    bare_dung = words == ["dung"] and not yes_no_step and "đúng" not in raw
    return (any(w in _CANCEL_WORDS for w in words) or "dừng" in raw or bare_dung
            or any(phrase in folded for phrase in _CANCEL_PHRASES))


_EDIT_VERBS = frozenset("sua doi thay chinh edit change correct fix update".split())
MAX_EDIT_WORDS = 10


def edit_request(text: str, at_summary: bool = False) -> str | None:
    """The field a short "sửa tên" / "sua lai ten" / "edit the phone" names; at the summary
    the field's name alone is enough ("số điện thoại")."""
    words = _words(text)
    if not words or len(words) > MAX_EDIT_WORDS:
        return None
    if not at_summary and not _EDIT_VERBS.intersection(words):
        return None
    return field_named(text)


_NAME_INTRO = re.compile(r"(?:\bten(?: cua)?(?: toi| minh| em)? la|\bten:|\bmy name is|\bname is|"
                         r"\bname:)\s+")
# Answering "what is your name?" "tôi là …" / "I am …" introduces a name too.
_NAME_ANSWER = re.compile(r"(?:\btoi la|\bem la|\bi am|\bi'm|\bthis is)\s+")
_NAME_END = re.compile(
    r"[,.;:!?\n(]|\s+(?:so|sdt|dt|dien thoai|phone|mobile|cccd|can cuoc|ma so|va|and|o|from|"
    r"sinh|tai)\b|\s*\d")
_PHONE_RUN = re.compile(r"\+?\d[\d .\-()]{7,16}\d")
_DIGIT_RUN = re.compile(r"(?<!\d)\d{10}(?!\d)|(?<!\d)\d{12}(?!\d)")


def named(text: str, answering: bool = False) -> str | None:
    """The name in "Tôi tên là Võ Thị Bích, số điện thoại …" / "my name is …", if any; when
    ``answering`` the name question, "tôi là …" / "I am …" too."""
    original = spaces(text)
    folded = fold(original)  # same length as the NFC text for Vietnamese letters
    intro = _NAME_INTRO.search(folded) or (_NAME_ANSWER.match(folded) if answering else None)
    if not intro:
        return None
    end = _NAME_END.search(folded, intro.end())
    name = original[intro.end():end.start() if end else len(original)].strip()
    return name if NAME.fullmatch(name) else None


def details(text: str) -> dict[str, str]:
    """The personal details one message states besides its answer: ``full_name`` (introduced:
    "tôi tên là …"), ``phone``, ``id_number`` (a 12-digit CCCD, or a 10-digit BHXH code that
    is not the phone)."""
    found: dict[str, str] = {}
    original = spaces(text)
    if name := named(original):
        found["full_name"] = name
    phone = next((p for p in map(parse_phone, _PHONE_RUN.findall(original)) if p), None)
    if phone:
        found["phone"] = phone
    for digits in _DIGIT_RUN.findall(original):
        if digits != phone and number_kind(digits) and not parse_phone(digits):
            found["id_number"] = digits
            break
    return found


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
