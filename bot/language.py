"""Guess whether a message is Vietnamese or English, offline and in microseconds.

Diacritics decide at once; otherwise the share of common Vietnamese syllables
versus English function words decides. Numbers, codes and one-word replies such as
"ok" are ambiguous and return ``None`` so the conversation keeps its language.
"""

from __future__ import annotations

import re
import unicodedata

_VI_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Frequent Vietnamese syllables as typed without diacritics, plus domain abbreviations.
_VI_WORDS = frozenset(
    """
    toi minh ban anh chi em co khong ko k hong dc duoc muon can hoi xin chao cam on
    la gi nao sao bao nhieu the nay do thi ma va voi cua cho o tai den tu khi nao
    hiem xa hoi y te that nghiep luong huu rut mot lan nhan dong tien so the so
    lam sao nhu the nao o dau bhxh bhyt bhtn cccd sdt vssid thai san om dau
    giup tro khieu nai to cao kien nghi phan anh ho so thu tuc tra cuu di roi nhe a
    """.split()
)
_EN_WORDS = frozenset(
    """
    i me my you your we our the a an is are was were be been do does did what how
    when where why who which can could would should will please thanks thank hello
    hi hey of to for in on at with and or not no yes my want need get apply card
    insurance social health unemployment pension benefit claim complaint help
    """.split()
)


def detect_language(text: str) -> str | None:
    """Return ``"vi"``, ``"en"`` or ``None`` when the text gives no clear sign."""
    text = unicodedata.normalize("NFC", text)
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return None
    if any(ch in _VI_LETTERS for ch in text) or any(_has_tone_mark(w) for w in words):
        return "vi"
    vi = sum(w in _VI_WORDS for w in words)
    en = sum(w in _EN_WORDS for w in words)
    if vi == en:
        return None
    return "vi" if vi > en else "en"


def _has_tone_mark(word: str) -> bool:
    """True when a word carries a Vietnamese tone or vowel mark (not plain ASCII)."""
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", word))
