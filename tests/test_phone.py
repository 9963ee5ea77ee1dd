import pytest

from bot.phone import normalise_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 912 345 678", "0912345678"),
        ("02438123456", "02438123456"),
        ("12345", None),
        ("0112345678", None),
        ("09123456789", None),
        ("phone: 0912345678", None),
        ("' OR 1=1 --", None),
    ],
)
def test_normalise_phone(text: str, expected: str | None) -> None:
    assert normalise_phone(text) == expected
