"""Mask personal numbers (phone, CCCD, BHXH code) before they reach a log.

``install_log_masking`` swaps the logging record factory so that every record
created in the process formats its message through :func:`mask`, whichever
library logs it.
"""

from __future__ import annotations

import logging

from bot.common.identifiers import mask_numbers as mask


class _MaskedRecord(logging.LogRecord):
    def getMessage(self) -> str:  # noqa: N802 - overrides the logging API
        return mask(super().getMessage())


def install_log_masking() -> None:
    """Make every log record of this process mask personal numbers (idempotent)."""
    logging.setLogRecordFactory(_MaskedRecord)
