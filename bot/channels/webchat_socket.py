"""Rasa's socket.io channel with the citizen's message length checked on the server.

The widget already refuses more than 2,000 characters; another client that sends more gets
the bilingual "please shorten" notice instead of a turn. Everything else is Rasa's channel
(name ``socketio``, same credentials keys).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.channels.socket_rooms import share_rooms
from bot.channels.webhook import MAX_USER_TEXT, TOO_LONG_NOTICE


class CheckedSocketIOInput(SocketIOInput):
    """``socketio`` with over-long messages answered by a notice."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def checked(message: UserMessage) -> None:
            if len(message.text or "") > MAX_USER_TEXT:
                await message.output_channel.send_text_message(message.sender_id,
                                                               TOO_LONG_NOTICE)
                return
            await on_new_message(message)

        blueprint = super().blueprint(checked)
        share_rooms(self.sio, os.environ.get("SOCKETIO_REDIS_URL", ""))
        return blueprint
