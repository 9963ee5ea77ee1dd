"""Health checks: ``/health/live`` (the process answers, no I/O), ``/health/ready`` (the
database is reachable and at the latest migration; 503 with the reason otherwise) and
``/health``, the same as ``/health/ready`` (kept for existing callers). Ready answers carry
the number of units."""

from __future__ import annotations

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from vss_tickets.domain.models import Unit
from vss_tickets.infra.migrate import alembic_config
from vss_tickets.services import Services, Svc

router = APIRouter(tags=["health"])


@cache
def latest_revision() -> str | None:
    """The head revision of the service's migrations."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def readiness(svc: Services) -> tuple[dict[str, object], int]:
    """The readiness answer and its status code."""
    try:
        with svc.db.engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
            if revision != latest_revision():
                return {"status": "error", "database": "not migrated", "revision": revision,
                        "expected": latest_revision()}, 503
            units = connection.scalar(select(func.count()).select_from(Unit.__table__)) or 0
    except Exception as exc:  # noqa: BLE001 - any database failure means not ready
        return {"status": "error", "database": "unreachable", "detail": type(exc).__name__}, 503
    return {"status": "ok", "database": svc.db.engine.dialect.name, "units": units}, 200


@router.get("/health/live", summary="Liveness / Tiến trình hoạt động")
async def live() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/health/ready", summary="Readiness: database and migrations / Sẵn sàng phục vụ")
@router.get("/health", summary="Readiness (as /health/ready) / Kiểm tra tình trạng")
def ready(svc: Svc) -> JSONResponse:
    body, status = readiness(svc)
    return JSONResponse(body, status)
