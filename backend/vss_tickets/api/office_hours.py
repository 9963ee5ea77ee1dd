"""Office hours for the assistant: are staff at work now, and if not, when next."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from vss_tickets.api.deps import ServiceCaller
from vss_tickets.domain.office_hours import format_office_hours, office_status
from vss_tickets.domain.reference import working_calendar
from vss_tickets.services import Svc

router = APIRouter(prefix="/api/v1", tags=["office hours"])


class OfficeHours(BaseModel):
    open: bool = Field(description="staff at work now")
    now: datetime = Field(description="the service's time, Asia/Ho_Chi_Minh (+07:00)")
    next_open: datetime | None = Field(
        description="start of the next opening period (+07:00); null while open"
    )
    closes_at: datetime | None = Field(
        description="end of the current opening period (+07:00); null while closed"
    )
    hours: str = Field(description="daily opening periods on working days (TICKETS_OFFICE_HOURS)")
    timezone: str = "Asia/Ho_Chi_Minh"


@router.get(
    "/office-hours",
    response_model=OfficeHours,
    summary="Giờ làm việc / Office hours (working days of the Vietnamese calendar)",
)
async def office_hours(_caller: ServiceCaller, svc: Svc) -> OfficeHours:
    """Open or closed now; when closed, the next opening (weekends, Tết, public holidays and
    swapped days from the service's calendar). The hours are configured, not an official VSS
    schedule."""
    periods = svc.settings.office_periods
    status = office_status(svc.clock.now(), periods, working_calendar())
    return OfficeHours(
        open=status.open,
        now=status.now,
        next_open=status.next_open,
        closes_at=status.closes_at,
        hours=format_office_hours(periods),
    )
