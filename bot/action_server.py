"""The rasa-sdk action server, answering only Rasa: every request but ``GET /health`` must carry
``Authorization: Bearer <ACTIONS_TOKEN>`` (endpoints.yml sends it), others get 401.

rasa-sdk 3.6 checks no token itself; the check is a Sanic request middleware attached through
rasa-sdk's own extension hook (``attach_sanic_app_extensions``), so the server is otherwise the
one ``rasa run actions`` starts (same arguments, logging and workers).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

import pluggy
from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})
hookimpl = pluggy.HookimplMarker("rasa_sdk")


def authorised(header: str | None, token: str) -> bool:
    """True when ``header`` is ``Bearer <token>`` (compared in constant time)."""
    return hmac.compare_digest((header or "").encode(), f"Bearer {token}".encode())


def token_check(token: str) -> Callable[[Request], Awaitable[HTTPResponse | None]]:
    """A request middleware answering 401 to a request without the token."""
    if not token:
        raise ValueError("the action server needs a token (ACTIONS_TOKEN)")

    async def check(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or authorised(request.headers.get("authorization"), token):
            return None
        logger.warning("refused %s %s from %s: no valid token", request.method, request.path,
                       request.ip)
        return response.json({"error": "unauthorized"}, status=401)

    return check


class TokenPlugin:
    """rasa-sdk plugin adding the token check to the action server's app."""

    def __init__(self, token: str) -> None:
        self.check = token_check(token)

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        app.register_middleware(self.check, "request")


def run(token: str, port: int, package: str = "actions") -> None:
    """Serve the actions of ``package`` on ``port`` (host: ``SANIC_HOST``) until stopped."""
    plugin_manager().register(TokenPlugin(token))
    main_from_args(create_argument_parser().parse_args(
        ["--actions", package, "--port", str(port)]))
