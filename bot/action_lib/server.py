"""The rasa-sdk action server, answering only Rasa: every request but the health checks and
``GET /metrics`` must carry ``Authorization: Bearer <ACTIONS_TOKEN>`` (endpoints.yml sends it),
others get 401.

``GET /health`` (rasa-sdk's) is the liveness check; ``GET /health/ready`` answers 200 once the
actions are registered and says whether the ticket service is ready (``tickets``): a ticket
service outage does not take the server out of the balancer, because the knowledge answers do
not need it and the ticket actions answer its failure themselves (a human, the hotline).
``GET /metrics`` (bot/common/metrics.py's rule, ``METRICS_TOKEN``): actions run by name, their
latency and the ones that raised. The conversation id of each call is on its log records
(``LOG_FORMAT=json``, bot/common/logs.py).

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
import contextvars
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pluggy
import rasa_sdk.endpoint
import requests
from prometheus_client import Counter, Histogram
from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.common import logs
from bot.common.metrics import authorised, scrape
from bot.common.settings import Settings

logger = logging.getLogger(__name__)

# Open to GET; /metrics checks its own token.
OPEN_PATHS = frozenset({"/health", "/health/ready", "/metrics"})
JSON_LOGGING = Path(__file__).with_name("logging-json.yml")  # rasa-sdk's logging config
READY_TIMEOUT = 3.0  # seconds the readiness check waits for the ticket service
hookimpl = pluggy.HookimplMarker("rasa_sdk")
RUNS = Counter("vss_actions_runs", "Action calls, by action", ["action"])
ERRORS = Counter("vss_actions_errors", "Action calls that raised, by action", ["action"])
SECONDS = Histogram("vss_action_seconds", "Time an action call took, by action", ["action"])


def token_check(token: str) -> Callable[[Request], Awaitable[HTTPResponse | None]]:
    """A request middleware answering 401 to a request without the token."""
    if not token:
        raise ValueError("the action server needs a token (ACTIONS_TOKEN)")

    async def check(request: Request) -> HTTPResponse | None:
        open_path = request.method == "GET" and request.path in OPEN_PATHS
        if open_path or authorised(request.headers.get("authorization"), token):
            return None
        logger.warning("refused %s %s from %s: no valid token", request.method, request.path,
                       request.ip)
        return response.json({"error": "unauthorized"}, status=401)

    return check


def ticket_service_problem(tickets_url: str) -> str | None:
    """Why the ticket service is not ready (None when it is)."""
    try:
        answer = requests.get(f"{tickets_url}/health/ready", timeout=READY_TIMEOUT)
    except requests.RequestException as exc:
        return f"ticket service unreachable: {exc.__class__.__name__}"
    return None if answer.ok else f"ticket service not ready: {answer.status_code}"


class ServerPlugin:
    """rasa-sdk plugin adding the token check, the readiness check and ``/metrics`` to the
    action server's app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.check = token_check(settings.actions_token)

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        app.register_middleware(self.check, "request")
        app.add_route(self.ready, "/health/ready", methods=["GET"])
        app.add_route(self.metrics, "/metrics", methods=["GET"])

    async def ready(self, request: Request) -> HTTPResponse:
        problem = await asyncio.to_thread(ticket_service_problem, self.settings.tickets_url)
        return response.json({"status": "ok", "tickets": problem or "ok"})

    async def metrics(self, request: Request) -> HTTPResponse:
        answer = scrape(request.headers.get("authorization"), self.settings.metrics_token,
                        self.settings.app_env == "production")
        return response.raw(answer.body, status=answer.status, content_type=answer.content_type)


def blocking(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` as a plain function: an asynchronous one run to the end on a new event loop."""
    if not inspect.iscoroutinefunction(f):
        return f

    def run_loop(*args: Any) -> Any:
        return asyncio.run(f(*args))

    return run_loop


class ThreadedExecutor(ActionExecutor):
    """rasa-sdk's executor, with each action (synchronous or not) run in ``pool``, each call
    counted and timed, its conversation id on its log records."""

    pool: ThreadPoolExecutor | None = None

    async def run(self, action_call: dict[str, Any]) -> dict[str, Any] | None:
        name = action_call.get("next_action")
        label = name if name in self.actions else "unknown"  # no label from an unknown name
        conversation = logs.conversation.set(action_call.get("sender_id"))
        started = time.perf_counter()
        try:
            return await super().run(action_call)
        except Exception:
            ERRORS.labels(label).inc()
            raise
        finally:
            RUNS.labels(label).inc()
            SECONDS.labels(label).observe(time.perf_counter() - started)
            logs.conversation.reset(conversation)

    def register_function(self, name: str, f: Callable[..., Any]) -> None:
        if self.pool is None:
            super().register_function(name, f)
            return
        pool, call = self.pool, blocking(f)

        async def in_thread(dispatcher: Any, tracker: Any, domain: Any) -> Any:
            loop = asyncio.get_running_loop()  # the thread sees this call's conversation id
            context = contextvars.copy_context()
            return await loop.run_in_executor(pool, context.run, call, dispatcher, tracker,
                                              domain)

        super().register_function(name, in_thread)


def run(settings: Settings, package: str = "actions") -> None:
    """Serve the actions of ``package`` on the configured port (host: ``SANIC_HOST``) until
    stopped, the synchronous ones on ``ACTION_THREADS`` threads."""
    ThreadedExecutor.pool = ThreadPoolExecutor(settings.action_threads,
                                               thread_name_prefix="action")
    rasa_sdk.endpoint.ActionExecutor = ThreadedExecutor  # the class create_app instantiates
    plugin_manager().register(ServerPlugin(settings))
    arguments = ["--actions", package, "--port", str(settings.actions_port)]
    if settings.log_format == "json":
        arguments += ["--logging-config_file", str(JSON_LOGGING)]  # rasa-sdk 3.6's spelling
    main_from_args(create_argument_parser().parse_args(arguments))
