import pytest

from bot.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tôi muốn rút bảo hiểm xã hội một lần", "vi"),
        ("toi muon rut bhxh 1 lan", "vi"),
        ("cho minh hoi the bhyt bi mat thi lam sao", "vi"),
        ("How do I withdraw my social insurance?", "en"),
        ("what is the hotline number", "en"),
        ("Bảo hiểm", "vi"),
        ("ok", None),
        ("0912345678", None),
        ("", None),
    ],
)
def test_detects_the_language_or_abstains(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_decomposed_unicode_is_still_vietnamese() -> None:
    import unicodedata

    assert detect_language(unicodedata.normalize("NFD", "bảo hiểm")) == "vi"
