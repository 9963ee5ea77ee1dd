"""``GET /webhooks/metrics/``: the Rasa server's Prometheus metrics (bot/common/metrics.py's rule:
``METRICS_TOKEN``; the turns are counted by the tracker store, bot/rasa_plugins/turn_metrics.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import bot.rasa_plugins.turn_metrics  # noqa: F401 - its metrics are in the registry before any turn
from bot.common.metrics import scrape
from bot.common.settings import Settings


class MetricsInput(InputChannel):
    """Serves the process's registry to a scraper with the token."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod
    def name(cls) -> str:
        return "metrics"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> MetricsInput:
        return cls(Settings.from_env())

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        bp = Blueprint("metrics", __name__)

        @bp.route("/", methods=["GET"])
        async def metrics(request: Request) -> HTTPResponse:
            answer = scrape(request.headers.get("authorization"), self.settings.metrics_token,
                            self.settings.app_env == "production")
            return response.raw(answer.body, status=answer.status,
                                content_type=answer.content_type)

        return bp
