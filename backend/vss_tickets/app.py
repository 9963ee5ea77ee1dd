"""The FastAPI application of the ticket service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from .api import health, intake
from .api.deps import Services
from .clock import Clock
from .config import Settings
from .db import Database
from .errors import install_error_handlers

DESCRIPTION = """Tiếp nhận, định tuyến, xử lý khiếu nại, kiến nghị, tố cáo, câu hỏi gửi BHXH.
Receives, routes and tracks complaints, recommendations, denunciations and enquiries sent to
Vietnam Social Security. Errors are JSON: `{"error": code, "message": "tiếng Việt / English"}`."""


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the app from settings (default: environment) and a clock (default: real time)."""
    settings = settings or Settings.from_env()
    settings.check_safe()
    db = Database(settings.database_url)
    svc = Services(settings=settings, db=db, clock=clock or Clock())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            db.dispose()

    app = FastAPIOffline(
        title="VSS ticket service",
        version="1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.services = svc
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(intake.router)
    return app
