"""The output channel that sends every bot message through one ``deliver``; the channels fit
the text and buttons to their limits with :mod:`bot.common.fitting`."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel


class FittingOutput(OutputChannel):
    """An output channel that sends texts, buttons and quick replies through one ``deliver``."""

    async def deliver(self, recipient_id: str, text: str, buttons: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.deliver(recipient_id, text, [])

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.deliver(recipient_id, text, buttons)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.deliver(recipient_id, text, quick_replies)
