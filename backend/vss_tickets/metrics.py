"""Prometheus metrics of the ticket service (``GET /metrics``, docs/deployment.md).

Requests and their latency by route template (prometheus-fastapi-instrumentator: a path that
matches no route is counted as ``none``, so no ticket code or other value from a URL becomes a
label), tickets created by kind, and, read from the database at each scrape by the injected
clock: open tickets past their resolution deadline, outbox notifications pending and the age
of the oldest one. No label holds personal data.

With ``METRICS_TOKEN`` set, ``/metrics`` answers only ``Authorization: Bearer <token>``; in
production without it the endpoint is off (404). Counters are per worker process
(``TICKETS_WORKERS``); the gauges come from the database and are the same in every worker.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from prometheus_fastapi_instrumentator import Instrumentator
from sqlalchemy import func, select

from vss_tickets.domain.models import OutboxNotification, Ticket
from vss_tickets.domain.queue import overdue
from vss_tickets.infra.clock import VIETNAM, Clock
from vss_tickets.infra.db import Database

NOT_FOUND = Response('{"error": "not_found"}', 404, media_type="application/json")


class DatabaseGauges(Collector):
    """Overdue tickets and the outbox's backlog, counted when scraped."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self.clock.now()
        pending = OutboxNotification.delivered_at.is_(None) & OutboxNotification.failed_at.is_(
            None
        )
        with self.db.session() as session:
            late = session.scalar(
                select(func.count()).select_from(Ticket).where(overdue(now.astimezone(VIETNAM).date()))
            )
            waiting, oldest = session.execute(
                select(func.count(), func.min(OutboxNotification.created_at)).where(pending)
            ).one()
        yield GaugeMetricFamily(
            "vss_tickets_overdue", "Open tickets past their resolution deadline", value=late or 0
        )
        yield GaugeMetricFamily(
            "vss_outbox_pending", "Outbox notifications not delivered yet", value=waiting or 0
        )
        lag = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "vss_outbox_lag_seconds", "Age of the oldest undelivered outbox notification", value=lag
        )


class Metrics:
    """The service's registry and the counters the routers update."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.registry = CollectorRegistry()
        self.tickets_created = Counter(
            "vss_tickets_created", "Tickets created, by kind", ["kind"], registry=self.registry
        )
        self.registry.register(DatabaseGauges(db, clock))
        ProcessCollector(registry=self.registry)  # process_* (CPU, memory, open files)
        PlatformCollector(registry=self.registry)  # python_info

    def install(self, app: FastAPI, token: str, production: bool) -> None:
        """Count ``app``'s requests and serve ``GET /metrics`` (see the module's rule)."""
        Instrumentator(
            excluded_handlers=["/metrics"], should_group_untemplated=True, registry=self.registry
        ).instrument(app)

        @app.get("/metrics", include_in_schema=False)
        def metrics(request: Request) -> Response:
            if not token:
                return NOT_FOUND if production else self.exposition()
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, f"Bearer {token}".encode()):
                return Response('{"error": "unauthorized"}', 401, media_type="application/json")
            return self.exposition()

    def exposition(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
