"""The Rasa server's cap on request bodies and websocket frames (``MAX_BODY_BYTES`` of
:mod:`bot.common.limits`), with one JSON answer to a body over it on every route."""

from __future__ import annotations

from sanic import Blueprint, Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.common.limits import MAX_BODY_BYTES


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
