"""The service container the API and the console share: app state, database sessions, the
caller's address, and the CSV response of a queue. Neither web layer imports from the other.

Dependencies that do no I/O are `async def`: FastAPI runs plain `def` dependencies in its thread
pool, and each of those hand-offs cost more CPU than the dependency itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Select
from sqlalchemy.orm import Session

from vss_tickets.domain.export import csv_lines
from vss_tickets.infra.clock import Clock
from vss_tickets.infra.config import Settings
from vss_tickets.infra.db import Database
from vss_tickets.metrics import Metrics


@dataclass
class Services:
    """What the routers need, kept on `app.state.services`."""

    settings: Settings
    db: Database
    clock: Clock
    metrics: Metrics


async def services(request: Request) -> Services:
    return request.app.state.services


def client_address(request: Request) -> str:
    """The caller's IP address (behind a reverse proxy, the one it forwards: uvicorn reads
    X-Forwarded-For from the addresses in FORWARDED_ALLOW_IPS, default 127.0.0.1)."""
    return request.client.host if request.client else "unknown"


Svc = Annotated[Services, Depends(services)]


def reader(svc: Svc) -> Iterator[Session]:
    with svc.db.session() as session:
        yield session


def writer(svc: Svc) -> Iterator[Session]:
    with svc.db.session(write=True) as session:
        yield session


ReadSession = Annotated[Session, Depends(reader)]
WriteSession = Annotated[Session, Depends(writer)]


def csv_response(svc: Services, stmt: Select) -> StreamingResponse:
    """The tickets `stmt` selects as a CSV download named after today, read in its own
    session while it streams."""

    def lines() -> Iterator[str]:
        with svc.db.session() as session:
            yield from csv_lines(session, stmt)

    filename = f"tickets-{svc.clock.today().isoformat()}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
