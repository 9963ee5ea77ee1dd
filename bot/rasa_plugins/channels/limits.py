"""The size limits of every input channel, and the notice for an over-long message.

One home for them: the Sanic request size (every body the Rasa server reads, Rasa's own API
included), the webhooks' JSON bodies and the citizen's text on every channel. A text over
``MAX_USER_TEXT`` never reaches the NLU (a 100 KB message held Rasa's event loop for ~30 s);
the citizen is asked to shorten it. The widget (``webchat_static/widget.js``) refuses the same
length before sending.
"""

from __future__ import annotations

from sanic import Blueprint, Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

# Every request body the Rasa server accepts (Sanic answers 413 above it, before any handler).
MAX_BODY_BYTES = 256 * 1024
# The web chat's file upload alone reads up to this (the ticket service's own limit, 10 MB by
# default and at most 50 MB, decides what is kept and answers the citizen what was refused).
MAX_UPLOAD_READ = 64 * 1024 * 1024
# Longer citizen messages are not sent to the NLU; the citizen is asked to shorten them.
MAX_USER_TEXT = 2000
TOO_LONG_NOTICE = (
    "Tin nhắn quá dài (tối đa 2000 ký tự). Bạn vui lòng chia thành các tin ngắn hơn.\n"
    "Your message is too long (2,000 characters at most). Please send it in shorter parts."
)


def too_long(text: str | None) -> bool:
    """True for a text the NLU must not see."""
    return len(text or "") > MAX_USER_TEXT


def cap_request_size(bp: Blueprint) -> Blueprint:
    """Make the server that registers ``bp`` refuse bodies and websocket frames over
    ``MAX_BODY_BYTES`` (Sanic reads its ``REQUEST_MAX_SIZE`` for each new connection, so
    setting it before serving is enough)."""

    @bp.listener("before_server_start")
    async def cap(app: Sanic, _loop: object) -> None:
        app.config.REQUEST_MAX_SIZE = min(app.config.REQUEST_MAX_SIZE, MAX_BODY_BYTES)
        app.config.WEBSOCKET_MAX_SIZE = min(app.config.WEBSOCKET_MAX_SIZE, MAX_BODY_BYTES)
        app.error_handler.add(PayloadTooLarge, too_large)

    return bp


def too_large(request: Request, exception: Exception) -> HTTPResponse:
    """The JSON answer to a body over the limit, the same on every route."""
    return response.json({"error": "body_too_large",
                          "message": f"Body larger than {MAX_BODY_BYTES} bytes"}, status=413)
