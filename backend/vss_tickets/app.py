"""The FastAPI application of the ticket service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI, Request, Response
from fastapi_offline import FastAPIOffline

from .api import citizen, health, intake, outbox, sessions, staff
from .api.deps import Services
from .clock import Clock
from .config import Settings
from .console import router as console_router
from .db import Database
from .errors import install_error_handlers
from .escalation import escalation_loop
from .throttle import FailureWindow

DESCRIPTION = """Tiếp nhận, định tuyến, xử lý khiếu nại, kiến nghị, tố cáo, câu hỏi gửi BHXH.
Receives, routes and tracks complaints, recommendations, denunciations and enquiries sent to
Vietnam Social Security. Errors are JSON: `{"error": code, "message": "tiếng Việt / English"}`."""


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the app from settings (default: environment) and a clock (default: real time)."""
    settings = settings or Settings.from_env()
    settings.check_safe()
    db = Database(settings.database_url)
    svc = Services(
        settings=settings,
        db=db,
        clock=clock or Clock(),
        verification=FailureWindow(settings.login_max_failures, settings.login_window_seconds),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
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

    app = FastAPIOffline(
        title="VSS ticket service",
        version="1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.services = svc

    @app.middleware("http")
    async def _no_sniff(request: Request, call_next: Callable) -> Response:
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    install_error_handlers(app)
    app.include_router(health.router)
    for module in (intake, citizen, staff, sessions, outbox):
        app.include_router(module.router)
    app.include_router(console_router)
    return app
