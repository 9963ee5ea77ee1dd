import logging

import pytest

import bot  # noqa: F401 - importing the package installs log masking
from bot.common.pii import mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sdt 0912345678", "sdt ********78"),
        ("sdt 0912 345 678", "sdt ********78"),
        ("+84 912-345-678", "*********78"),
        ("CCCD 001203004567 nhé", "CCCD **********67 nhé"),
        ("mã BHXH 0123456789", "mã BHXH ********89"),
        ("mã phiếu BHXH-2026-000123", "mã phiếu BHXH-2026-000123"),
        ("model vss-8fe943547895.tar.gz", "model vss-8fe943547895.tar.gz"),
        ("năm 2026, 12 tháng", "năm 2026, 12 tháng"),
    ],
)
def test_mask_hides_personal_numbers_but_keeps_codes(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_every_log_record_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("some.third.party")
    with caplog.at_level(logging.INFO):
        logger.info("user %s sent phone %s", "abc", "0987654321")
    assert "0987654321" not in caplog.text
    assert "********21" in caplog.text
