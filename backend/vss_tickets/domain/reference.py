"""Bridge between the reference data (units, routing, calendar, deadlines) and the database."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from vss_tickets.domain.errors import unprocessable
from vss_tickets.domain.models import Unit

if TYPE_CHECKING:
    from vss_tickets.domain.calendar import WorkingCalendar
    from vss_tickets.domain.deadlines import Deadlines
    from vss_tickets.domain.routing import RoutingDecision
    from vss_tickets.refdata import ReferenceData


@cache
def reference_data(structure: str) -> ReferenceData:
    from vss_tickets.refdata import load_reference_data

    return load_reference_data(structure)


@cache
def working_calendar() -> WorkingCalendar:
    from vss_tickets.domain.calendar import WorkingCalendar

    return WorkingCalendar()


def _depth(code: str, ref: ReferenceData) -> int:
    depth, parent = 0, ref.units[code].parent_code
    while parent is not None:
        depth, parent = depth + 1, ref.units[parent].parent_code
    return depth


def sync_units(session: Session, ref: ReferenceData) -> tuple[int, int]:
    """Insert or update every unit of `ref` (parents first); deactivate units no longer listed.

    Returns (units written, units deactivated).
    """
    existing = {u.code: u for u in session.scalars(select(Unit))}
    for code in sorted(ref.units, key=lambda c: (_depth(c, ref), c)):
        data = ref.units[code]
        unit = existing.get(code) or Unit(code=code)
        unit.name_vi, unit.name_en = data.name_vi, data.name_en
        unit.level, unit.parent_code = data.level, data.parent_code
        unit.functions = sorted(data.functions)
        unit.province_code, unit.active = data.province_code, True
        if code not in existing:
            session.add(unit)
        session.flush()
    stale = [u for c, u in existing.items() if c not in ref.units and u.active]
    for unit in stale:
        unit.active = False
    return len(ref.units), len(stale)


def route_ticket(
    structure: str,
    kind: str,
    topic: str,
    province: str | None,
    commune: str | None,
    about_unit_code: str | None,
) -> RoutingDecision:
    """Apply the routing rules; unknown places or units become a 422 error."""
    from vss_tickets.domain.routing import route

    ref = reference_data(structure)
    if about_unit_code is not None and about_unit_code not in ref.units:
        raise unprocessable(
            f"Không có đơn vị mã {about_unit_code!r}", f"Unknown unit code {about_unit_code!r}"
        )
    try:
        return route(ref, kind, topic, province, commune, about_unit_code=about_unit_code)
    except (LookupError, ValueError) as exc:
        raise unprocessable(
            "Không xác định được nơi xử lý (tỉnh/xã hoặc chủ đề không hợp lệ)",
            f"Cannot route this request: {exc}",
        ) from exc


def unit_concerned(
    structure: str, level: str, province: str | None, commune: str | None
) -> str | None:
    """The office a matter about staff concerns, from its level and place: VSS itself
    (central), the provincial office, or the grassroots office serving the commune (the
    province's placeholder when its offices are not loaded); None when the place does not say
    which grassroots office (routing then goes to the provincial office above all of them).
    Unknown places are a 422 error."""
    ref = reference_data(structure)
    if level == "central":
        return ref.root().code
    try:
        office = ref.province_office(province or "")
    except (LookupError, ValueError) as exc:
        raise unprocessable(
            "Không xác định được tỉnh/thành phố", f"Unknown province: {exc}"
        ) from exc
    if level == "province":
        return office.code
    found = ref.commune(office.province_code or "", commune) if commune else None
    if found is not None and found.office_code != office.code:
        return found.office_code
    placeholder = [u for u in ref.children(office.code) if u.placeholder]
    return placeholder[0].code if placeholder and found is None else None


def ticket_deadlines(
    kind: str,
    received: date,
    *,
    complex_case: bool,
    remote_area: bool,
    accepted: date | None = None,
) -> Deadlines:
    """Statutory deadlines; periods that run from acceptance start at `accepted` when given."""
    from vss_tickets.domain.deadlines import compute_deadlines

    return compute_deadlines(
        kind,
        received,
        working_calendar(),
        complex_case=complex_case,
        remote_area=remote_area,
        accepted=accepted,
    )


def paused_working_days(paused_on: date, resumed_on: date) -> int:
    return max(working_calendar().working_days_between(paused_on, resumed_on), 0)


def extend_deadline(deadline: date, paused_days: int) -> date:
    from vss_tickets.domain.deadlines import extend_for_pause

    return extend_for_pause(deadline, paused_days, working_calendar())


def add_working_days(start: date, n: int) -> date:
    return working_calendar().add_working_days(start, n)
