"""The FastAPI application of the ticket service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vss_tickets.api import (
    attachments,
    chats,
    citizen,
    health,
    intake,
    office_hours,
    outbox,
    sessions,
    staff,
)
from vss_tickets.console import router as console_router
from vss_tickets.domain.errors import install_error_handlers
from vss_tickets.domain.escalation import escalation_loop
from vss_tickets.infra.clock import Clock
from vss_tickets.infra.config import Settings
from vss_tickets.infra.db import Database
from vss_tickets.metrics import Metrics
from vss_tickets.services import Services

DESCRIPTION = """Tiếp nhận, định tuyến, xử lý khiếu nại, kiến nghị, tố cáo, câu hỏi gửi BHXH.
Receives, routes and tracks complaints, recommendations, denunciations and enquiries sent to
Vietnam Social Security. Errors are JSON: `{"error": code, "message": "tiếng Việt / English"}`."""


NOSNIFF = (b"x-content-type-options", b"nosniff")
NO_STORE = (b"cache-control", b"no-store")


class SecurityHeadersMiddleware:
    """Adds `X-Content-Type-Options: nosniff` to every HTTP response, and `Cache-Control:
    no-store` to every one that does not set its own caching (answers carry tickets, personal
    data, tokens and CSV exports; only the console's stylesheet says it may be cached).

    A plain ASGI middleware: starlette's BaseHTTPMiddleware (`@app.middleware`) runs each request
    in an extra task with memory streams, which cost a measurable share of the service's CPU."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != NOSNIFF[0]]
                extra = [NOSNIFF]
                if all(k.lower() != NO_STORE[0] for k, _ in headers):
                    extra.append(NO_STORE)
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_header)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the app from settings (default: environment) and a clock (default: real time)."""
    settings = settings or Settings.from_env()
    settings.check_safe()
    db = Database(settings.database_url)
    clock = clock or Clock(Path(settings.clock_file) if settings.clock_file else None)
    svc = Services(settings=settings, db=db, clock=clock, metrics=Metrics(db, clock))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.threads > 0:  # threads running the (synchronous) endpoints, per worker
            anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        job = None
        if settings.escalation_interval > 0:
            job = asyncio.create_task(escalation_loop(db, svc.clock, settings.escalation_interval))
        try:
            yield
        finally:
            if job is not None:
                job.cancel()
                with suppress(asyncio.CancelledError):
                    await job
            db.dispose()

    about = {"title": "VSS ticket service", "version": "1.0", "description": DESCRIPTION}
    if settings.app_env == "production":  # no public map of the API: no /docs, /openapi.json
        app = FastAPI(**about, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    else:  # Swagger UI with its assets served by the service itself (no CDN)
        app = FastAPIOffline(**about, lifespan=lifespan, redoc_url=None)
    app.state.services = svc

    svc.metrics.install(app, settings.metrics_token, settings.app_env == "production")
    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app)
    app.include_router(health.router)
    for module in (intake, citizen, staff, sessions, outbox, office_hours, chats, attachments):
        app.include_router(module.router)
    app.include_router(console_router)
    return app
