"""Rasa's socket.io channel, checked: sessions issued by the server, one per socket, and the
citizen's message length.

Rasa's own channel lets any socket speak for any ``session_id`` and uses it unchecked as the
conversation id. Here (name ``socketio``, same credentials keys):

- ``session_request`` resumes a session only with its key
  (``bot/rasa_plugins/channels/webchat_session.py``); otherwise the server issues a new one.
  ``session_confirm`` carries ``{"session_id", "session_key"}`` and the socket joins the room
  ``web:<session id>``;
- a ``user_uttered`` is taken only for the session its socket joined (its ``session_id`` must
  be that one); any other is answered with a notice and dropped;
- the conversation id is ``web:<session id>``; a text over 2,000 characters gets the bilingual
  "please shorten" notice instead of a turn; a socket.io packet over ``MAX_BODY_BYTES`` closes
  the socket.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.common import conversation_ids
from bot.common.limits import MAX_BODY_BYTES, TOO_LONG_NOTICE, too_long
from bot.common.settings import Settings
from bot.rasa_plugins.channels.request_size import cap_request_size
from bot.rasa_plugins.channels.socket_rooms import share_rooms
from bot.rasa_plugins.channels.webchat_session import SessionKeys

logger = logging.getLogger(__name__)

WRONG_SESSION_NOTICE = (
    "Phiên trò chuyện không hợp lệ. Bạn vui lòng tải lại trang.\n"
    "This chat session is not valid. Please reload the page."
)


class CheckedSocketIOInput(SocketIOInput):
    """``socketio`` with server-issued sessions bound to their socket and a length check."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = SessionKeys(Settings.from_env())
        self.joined: dict[str, str] = {}  # socket id -> the session it speaks for

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        sio.eio.max_http_buffer_size = MAX_BODY_BYTES
        share_rooms(sio, os.environ.get("SOCKETIO_REDIS_URL", ""))

        # Registering a handler again replaces Rasa's.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session = data.get("session_id")
            if not self.keys.valid(session, data.get("session_key")):
                session = self.keys.new_session()
            previous = self.joined.get(sid)
            if previous is not None:
                sio.leave_room(sid, conversation_ids.make("socketio", previous))
            self.joined[sid] = session
            sio.enter_room(sid, conversation_ids.make("socketio", session))
            await sio.emit("session_confirm",
                           {"session_id": session, "session_key": self.keys.key(session)},
                           room=sid)

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            self.joined.pop(sid, None)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            session = self.joined.get(sid)
            data = data if isinstance(data, dict) else {}
            text, metadata = data.get("message"), data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except json.JSONDecodeError:
                    metadata = None
            if session is None or data.get("session_id") != session:
                logger.warning("socket %s refused: it speaks for a session it did not join", sid)
                await sio.emit(self.bot_message_evt, {"text": WRONG_SESSION_NOTICE}, room=sid)
                return
            if not isinstance(text, str) or not isinstance(metadata, dict):
                return
            conversation = conversation_ids.make("socketio", session)
            output = SocketIOOutput(sio, self.bot_message_evt)
            if too_long(text):
                await output.send_text_message(conversation, TOO_LONG_NOTICE)
                return
            await on_new_message(UserMessage(text, output, conversation,
                                             input_channel=self.name(), metadata=metadata))

        return cap_request_size(bp)
