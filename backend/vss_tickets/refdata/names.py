"""Name folding for matching Vietnamese place and unit names typed by citizens."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PROVINCE_PREFIXES = ("thanh pho ", "tp ", "tinh ")
_PROVINCE_SUFFIXES = (" city", " province")
_COMMUNE_PREFIXES = ("xa ", "phuong ", "dac khu ", "thi tran ", "p ")


def fold(text: str) -> str:
    """NFC-normalise, lower-case, drop diacritics (đ → d) and punctuation, collapse spaces."""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", text).strip()


def _strip_affixes(folded: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...] = ()) -> str:
    for prefix in prefixes:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            folded = folded[len(prefix) :]
            break
    for suffix in suffixes:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            folded = folded[: -len(suffix)]
            break
    return folded


def province_key(name: str) -> str:
    """Matching key of a province name: folded, without 'tỉnh' / 'thành phố' / 'TP' / 'city'."""
    return _strip_affixes(fold(name), _PROVINCE_PREFIXES, _PROVINCE_SUFFIXES)


def commune_key(name: str) -> str:
    """Matching key of a commune name: folded, without 'xã' / 'phường' / 'P.' / 'đặc khu'."""
    return _strip_affixes(fold(name), _COMMUNE_PREFIXES)


def slug(name: str) -> str:
    """ASCII code fragment of a name, e.g. 'Bà Rịa - Vũng Tàu' → 'ba-ria-vung-tau'."""
    return fold(name).replace(" ", "-")
