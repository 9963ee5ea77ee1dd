"""Vietnamese text normalisation shared by the NLU and the knowledge search.

All functions are pure: ``str`` in, ``str`` out, no I/O.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# An open "oa", "oe" or "uy" syllable (in NFD) whose tone sits on the second vowel (new style:
# "hoà"). After "q" the "u" belongs to the consonant ("quý"), so it is left alone.
_NEW_STYLE = re.compile(
    r"(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])"
)

ABBREVIATIONS: dict[str, str] = {
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "bhtn": "bảo hiểm thất nghiệp",
    "bh": "bảo hiểm",
    "tnld": "tai nạn lao động",
    "tnlđ": "tai nạn lao động",
    "bnn": "bệnh nghề nghiệp",
    "tctn": "trợ cấp thất nghiệp",
    "hdld": "hợp đồng lao động",
    "hđlđ": "hợp đồng lao động",
    "nld": "người lao động",
    "nlđ": "người lao động",
    "cccd": "căn cước công dân",
    "cmnd": "chứng minh nhân dân",
    "sdt": "số điện thoại",
    "sđt": "số điện thoại",
    "mst": "mã số thuế",
    "ubnd": "ủy ban nhân dân",
    "ko": "không",
    "k": "không",
    "kg": "không",
    "khg": "không",
    "hok": "không",
    "dc": "được",
    "đc": "được",
    "dk": "điều kiện",
    "đk": "điều kiện",
    "j": "gì",
    "ntn": "như thế nào",
    "bn": "bao nhiêu",
    "bnhiu": "bao nhiêu",
    "bnhieu": "bao nhiêu",
    "mk": "mình",
    "mik": "mình",
    "r": "rồi",
    "vs": "với",
    "tgian": "thời gian",
    "tg": "thời gian",
    "ng": "người",
    "nc": "nước",
    "tp": "thành phố",
    "hcm": "hồ chí minh",
}


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (composed) form."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lowercase and strip all diacritics, ``đ`` -> ``d``: ``"Bảo hiểm"`` -> ``"bao hiem"``."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def _tone_style(text: str) -> str:
    """Put the tone of open "oa/oe/uy" syllables on the first vowel: ``hoà`` -> ``hòa``."""
    # In NFD the tone is a separate code point, so moving it is a reordering.
    return nfc(_NEW_STYLE.sub(r"\1\3\2", unicodedata.normalize("NFD", text)))


def normalise(text: str) -> str:
    """NFC, one tone-mark placement style (``hòa``), lowercase, single spaces, trimmed."""
    return _SPACES.sub(" ", _tone_style(nfc(text)).lower()).strip()


def expand_abbreviations(text: str) -> str:
    """Replace common chat abbreviations (``bhxh``, ``ko``, ``dc`` ...) by the full words.

    The input is normalised first; words that are not abbreviations are kept as they are.
    """
    return _WORD.sub(lambda m: ABBREVIATIONS.get(m.group(0), m.group(0)), normalise(text))
