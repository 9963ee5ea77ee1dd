"""Health check."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text

from vss_tickets.domain.models import Unit
from vss_tickets.services import Svc

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness and database check / Kiểm tra tình trạng")
def health(svc: Svc) -> JSONResponse:
    try:
        with svc.db.session() as session:
            session.execute(text("SELECT 1"))
            units = session.scalar(select(func.count()).select_from(Unit)) or 0
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JSONResponse(
            {"status": "error", "database": "unreachable", "detail": type(exc).__name__}, 503
        )
    return JSONResponse({"status": "ok", "database": svc.db.engine.dialect.name, "units": units})
