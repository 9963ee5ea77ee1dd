"""The rasa-sdk action server, answering only Rasa: every request but ``GET /health`` must carry
``Authorization: Bearer <ACTIONS_TOKEN>`` (endpoints.yml sends it), others get 401.

rasa-sdk 3.6 checks no token itself; the check is a Sanic request middleware attached through
rasa-sdk's own extension hook (``attach_sanic_app_extensions``), so the server is otherwise the
one ``rasa run actions`` starts (same arguments, logging and workers).

rasa-sdk runs every action on its event loop: a synchronous ``run`` directly, an asynchronous
one (the form validators, rasa-sdk's ``FormValidationAction``) awaited there, and its
synchronous ``validate_<slot>`` methods called on the loop too (``validate_province`` asks the
ticket service's routing preview with blocking ``requests``). So one call waiting for the ticket
service (up to 10 s a try, three tries) stalled every conversation of the server. Here every
action runs in a thread pool (``ACTION_THREADS``, 32 by default), an asynchronous one on an
event loop of its own in that thread: a slow ticket service delays only the conversations that
call it.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pluggy
import rasa_sdk.endpoint
from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser
from rasa_sdk.executor import ActionExecutor
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


def blocking(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` as a plain function: an asynchronous one run to the end on a new event loop."""
    if not inspect.iscoroutinefunction(f):
        return f

    def run_loop(*args: Any) -> Any:
        return asyncio.run(f(*args))

    return run_loop


class ThreadedExecutor(ActionExecutor):
    """rasa-sdk's executor, with each action (synchronous or not) run in ``pool``."""

    pool: ThreadPoolExecutor | None = None

    def register_function(self, name: str, f: Callable[..., Any]) -> None:
        if self.pool is None:
            super().register_function(name, f)
            return
        pool, call = self.pool, blocking(f)

        async def in_thread(dispatcher: Any, tracker: Any, domain: Any) -> Any:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(pool, call, dispatcher, tracker, domain)

        super().register_function(name, in_thread)


def run(token: str, port: int, package: str = "actions", threads: int = 32) -> None:
    """Serve the actions of ``package`` on ``port`` (host: ``SANIC_HOST``) until stopped,
    on ``threads`` threads."""
    ThreadedExecutor.pool = ThreadPoolExecutor(threads, thread_name_prefix="action")
    rasa_sdk.endpoint.ActionExecutor = ThreadedExecutor  # the class create_app instantiates
    plugin_manager().register(TokenPlugin(token))
    main_from_args(create_argument_parser().parse_args(
        ["--actions", package, "--port", str(port)]))
