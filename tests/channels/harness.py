"""A Sanic server with the real channel blueprints (Zalo, Messenger, REST, socket.io) and a
scripted bot, for channel tests.

    python -m tests.channels.harness PORT

The bot answers ``buttons N`` with N buttons, ``long`` with a 4,500-character text and
anything else with ``Bạn nói: <text>``. ``GET /received`` lists the user messages it got.
The channels read their settings from the environment, as in the Rasa server.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_plugins.channels.messenger import MessengerInput
from bot.rasa_plugins.channels.rest import CheckedRestInput
from bot.rasa_plugins.channels.webchat_socket import CheckedSocketIOInput
from bot.rasa_plugins.channels.zalo import ZaloInput

RECEIVED: list[dict[str, Any]] = []


async def scripted_bot(message: UserMessage) -> None:
    RECEIVED.append({"sender": message.sender_id, "text": message.text,
                     "channel": message.input_channel, "message_id": message.message_id,
                     "metadata": message.metadata})
    text = message.text or ""
    if text.startswith("buttons "):
        count = int(text.split()[1])
        buttons = [{"title": f"Lựa chọn số {i}", "payload": f"/choose{i}"}
                   for i in range(1, count + 1)]
        reply: dict[str, Any] = {"text": "Bạn chọn gì? / Which one?", "buttons": buttons}
    elif text == "long":
        reply = {"text": " ".join(f"Câu số {i} về bảo hiểm xã hội." for i in range(150))}
    else:
        reply = {"text": f"Bạn nói: {text}"}
    await message.output_channel.send_response(message.sender_id, reply)


def build() -> Sanic:
    app = Sanic("channel_harness")
    channels = [ZaloInput.from_credentials(None), MessengerInput.from_credentials(None),
                CheckedRestInput.from_credentials(None),
                CheckedSocketIOInput.from_credentials({"session_persistence": True,
                                                       "metadata_key": "customData"})]
    register(channels, app, route="/webhooks/")
    app.add_route(received, "/received")
    app.add_route(health, "/health")
    app.ctx.agent = SimpleNamespace(handle_message=scripted_bot)
    return app


async def received(request: Request) -> HTTPResponse:
    return response.json(RECEIVED)


async def health(request: Request) -> HTTPResponse:
    return response.json({"status": "ok"})


if __name__ == "__main__":
    app = build()
    app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False)
