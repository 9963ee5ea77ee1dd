"""Comparable forms of questions and entry texts for the knowledge search.

Text is normalised, abbreviations are expanded and diacritics folded (the toned form keeps them).
The language of a text is known for the entries and guessed for a query (folded Vietnamese
syllables have a fixed shape, most English words do not); filler words are then dropped and
English words stemmed per language.
"""

from __future__ import annotations

import re

from bot.common.textnorm import expand_abbreviations, fold

# Folded Vietnamese filler words.
VI_STOPWORDS = frozenset(
    "toi minh em cho xin a nhe oi thi la cua va voi nhung cac nay roi phai".split()
)
# English filler words; only dropped from English text, so "the" (thẻ), "to" (tố/tờ),
# "an" (ăn/án) ... stay in Vietnamese.
EN_STOPWORDS = frozenset(
    "i me my you your we our is are was were be been do does did can could would should "
    "will what how which of in on for and or there please".split()
)
# Stop words that start a Vietnamese compound which must stay whole ("tối đa", "tối thiểu").
VI_KEEP_BEFORE = {"toi": frozenset({"da", "thieu", "uu"})}
# English words with the same meaning here, mapped to one form (after stemming). None of them
# is a folded Vietnamese syllable (so "cap" = cấp and "long" = lòng are left out).
SYNONYMS = {
    word: group[0]
    for group in (
        ("document", "paper", "paperwork", "form", "dossier", "file"),
        ("withdraw", "cash", "lump", "payout", "takeout"),
        ("emigrat", "abroad", "overseas", "settl"),
        ("ceil", "maximum", "max", "limit", "highest"),
        ("minimum", "lowest", "least", "cheapest"),
        ("salary", "wage", "pay", "income", "earn"),
        ("state", "government", "subsidy", "subsidi"),
        ("baby", "child", "newborn", "birth", "childbirth"),
        ("elderly", "old", "older", "senior"),
        ("apply", "claim", "request", "submit"),
        ("job", "work", "employment"),
        ("quit", "leav", "left", "resign", "stop"),
        ("retir", "retirement", "pension"),
        ("sick", "sickness", "ill", "illness"),
        ("complaint", "complain", "appeal"),
        ("report", "denunciation", "denounce", "whistleblow"),
        ("card", "cards"),
        ("digital", "electronic", "online", "phone", "app"),
        ("amount", "much", "money"),
    )
    for word in group
}
_SUFFIXES = (("ies", "y"), ("ment", ""), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
_TOKEN = re.compile(r"\w+")
# A folded Vietnamese syllable: optional initial consonant(s), one to three vowels, optional final.
_VI_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)
_DIACRITIC = re.compile(r"[^\x00-\x7f]")
EN_SHARE = 0.4  # a query with at least this share of non-Vietnamese words is treated as English


def _stem(token: str) -> str:
    """Trim common English suffixes; folded Vietnamese syllables never end in them."""
    if len(token) <= 4 or not token.isascii():
        return token
    for suffix, replacement in _SUFFIXES:
        if token.endswith(suffix) and not token.endswith("ss"):
            return token[: -len(suffix)] + replacement
    return token


def guess_language(text: str) -> str:
    """``"vi"`` or ``"en"`` for a normalised, abbreviation-expanded text."""
    if has_diacritics(text):
        return "vi"
    words = [w for w in _TOKEN.findall(text) if not w.isdigit()]
    if not words:
        return "vi"
    foreign = sum(not _VI_SYLLABLE.fullmatch(w) for w in words)
    return "en" if foreign >= EN_SHARE * len(words) else "vi"


def has_diacritics(text: str) -> bool:
    """True when ``text`` has any non-ASCII letter (a Vietnamese text typed with its marks)."""
    return _DIACRITIC.search(text) is not None


def _kept_vi_words(tokens: list[str]) -> list[int]:
    """Positions of the folded ``tokens`` that are not Vietnamese fillers."""
    kept = []
    for number, token in enumerate(tokens):
        following = tokens[number + 1] if number + 1 < len(tokens) else ""
        if token in VI_STOPWORDS and following not in VI_KEEP_BEFORE.get(token, ()):
            continue
        kept.append(number)
    return kept


def prepare(text: str, language: str | None = None, *, toned: bool = False) -> str:
    """The comparable form of a text: expanded, folded, without fillers, stemmed.

    ``language`` (``"vi"``/``"en"``) is guessed when not given. With ``toned`` Vietnamese words
    keep their diacritics (NFC, one tone-mark style), so ``năm`` (year) and ``nam`` (men) differ.
    """
    expanded = expand_abbreviations(text)
    shown = _TOKEN.findall(expanded)
    tokens = [fold(token) for token in shown]
    language = language or guess_language(expanded)
    if language == "en":
        stems = [_stem(t) for t in tokens if t not in EN_STOPWORDS and t not in VI_STOPWORDS]
        return " ".join(SYNONYMS.get(stem, stem) for stem in stems)
    words = [(shown if toned else tokens)[number] for number in _kept_vi_words(tokens)]
    return " ".join(SYNONYMS.get(_stem(w), _stem(w)) for w in words)
