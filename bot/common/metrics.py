"""Prometheus metrics of the assistant's processes: the rule every ``/metrics`` follows.

Rasa (``/webhooks/metrics/``), the action server (``/metrics``) and ``deliver``
(``DELIVER_METRICS_PORT``) each expose their own process's registry. With ``METRICS_TOKEN`` set
a scrape must carry ``Authorization: Bearer <METRICS_TOKEN>`` (401 otherwise): Rasa's port is
the public one behind the load balancer. Outside production the endpoints are open without a
token; in production without one they are off (404). Labels are channel, action and outcome
names, never a conversation id or anything a citizen typed. Names: docs/deployment.md.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest


def authorised(header: str | None, token: str) -> bool:
    """True when ``header`` is ``Bearer <token>`` (compared in constant time)."""
    return hmac.compare_digest((header or "").encode(), f"Bearer {token}".encode())


@dataclass(frozen=True)
class Scrape:
    """The answer to one scrape: status, body and content type."""

    status: int
    body: bytes
    content_type: str = "application/json"


def scrape(header: str | None, token: str, production: bool,
           registry: CollectorRegistry = REGISTRY) -> Scrape:
    """What ``GET /metrics`` answers a request with ``Authorization: header``."""
    if not token and production:
        return Scrape(404, b'{"error": "not_found"}')
    if token and not authorised(header, token):
        return Scrape(401, b'{"error": "unauthorized"}')
    return Scrape(200, generate_latest(registry), CONTENT_TYPE_LATEST)
