"""Rasa's health checks, under ``/webhooks/health/``.

``live``: the process answers (no I/O). ``ready`` (and ``/webhooks/health/`` itself, which
existing checks call): a model is loaded and the tracker store and the lock store answer; 503
with the reason otherwise. The load balancer takes a replica that is not ready out
(bot/cluster.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.lock_store import RedisLockStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.common import logs
from bot.common.settings import Settings

STORE_TIMEOUT = 3.0  # seconds a store may take to answer the readiness check


def _inner(store: Any) -> Any:
    """The store Rasa's wrappers (``AwaitableTrackerStore``, fail-safe) hold."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def _check_stores(tracker_store: Any, lock_store: Any) -> None:
    """Raise when the tracker store's database or the Redis lock store does not answer."""
    engine = getattr(_inner(tracker_store), "engine", None)
    if engine is not None:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    if isinstance(lock_store, RedisLockStore):
        lock_store.red.ping()


async def readiness(agent: Any) -> tuple[dict[str, Any], int]:
    """The readiness answer for ``agent`` and its status code."""
    if agent is None or not agent.is_ready():
        return {"status": "starting", "model": None}, 503
    try:
        await asyncio.wait_for(asyncio.to_thread(
            _check_stores, agent.tracker_store, agent.lock_store), STORE_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any store failure means not ready
        return {"status": "error", "model": agent.processor.model_filename,
                "reason": f"store unreachable: {exc.__class__.__name__}"}, 503
    return {"status": "ok", "model": agent.processor.model_filename}, 200


class HealthInput(InputChannel):
    """Liveness and readiness of the Rasa server."""

    def __init__(self, log_format: str = "text") -> None:
        self.log_format = log_format

    @classmethod
    def name(cls) -> str:
        return "health"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> HealthInput:
        return cls(Settings.from_env().log_format)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        bp = Blueprint("health", __name__)

        @bp.listener("before_server_start")
        async def json_logs(_app: Any, _loop: Any) -> None:
            logs.configure(self.log_format)  # Sanic's loggers were set up with the app

        @bp.route("/live", methods=["GET"])
        async def live(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/", methods=["GET"])
        @bp.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            body, status = await readiness(getattr(request.app.ctx, "agent", None))
            return response.json(body, status=status)

        return bp
