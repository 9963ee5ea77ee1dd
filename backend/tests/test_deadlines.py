"""Statutory deadlines on the Vietnamese working-day calendar (fixed dates, no clock)."""

from datetime import date, timedelta

import pytest

from vss_tickets.domain.calendar import WorkingCalendar
from vss_tickets.domain.deadlines import compute_deadlines, deadline_rules, extend_for_pause


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


def test_enquiry_three_working_days_over_a_weekend(cal):
    # Thu 05/03/2026 → Fri 6, Mon 9, Tue 10.
    assert compute_deadlines("enquiry", date(2026, 3, 5), cal).resolution == date(2026, 3, 10)


def test_enquiry_with_several_units_gets_one_more_working_day(cal):
    one = compute_deadlines("enquiry", date(2026, 3, 5), cal).resolution
    several = compute_deadlines("enquiry", date(2026, 3, 5), cal, units_involved=3).resolution
    assert several == cal.add_working_days(one, 1) == date(2026, 3, 11)


def test_enquiry_across_tet_2026(cal):
    # Thu 12/02/2026 → Fri 13/02, then the Tết break 14-22/02 → Mon 23, Tue 24.
    d = compute_deadlines("enquiry", date(2026, 2, 12), cal)
    assert (d.acceptance, d.first_response, d.resolution) == (None, None, date(2026, 2, 24))


def test_recommendation_ten_working_days_across_hung_kings_and_30_4(cal):
    # Thu 23/04/2026: 24, 28, 29 (27/4 observed Hùng Kings; 30/4, 1/5 off), 4-8/5, 11, 12/5.
    d = compute_deadlines("recommendation", date(2026, 4, 23), cal)
    assert d.resolution == date(2026, 5, 12)
    assert cal.working_days_between(date(2026, 4, 23), d.resolution) == 10


def test_complaint_acceptance_in_working_days_and_resolution_in_calendar_days(cal):
    # Received Thu 12/02/2026: 10 working days skip Tết → Thu 05/03; +30 days = Sat 04/04
    # → next working day Mon 06/04.
    d = compute_deadlines("complaint", date(2026, 2, 12), cal)
    assert d.acceptance == d.first_response == date(2026, 3, 5)
    assert d.resolution == date(2026, 4, 6)


@pytest.mark.parametrize(
    ("flags", "days"),
    [
        ({}, 30),
        ({"complex_case": True}, 45),
        ({"remote_area": True}, 45),
        ({"complex_case": True, "remote_area": True}, 60),
    ],
)
def test_complaint_resolution_periods(cal, flags, days):
    accepted = date(2026, 6, 1)
    d = compute_deadlines("complaint", date(2026, 5, 20), cal, accepted=accepted, **flags)
    assert d.resolution == cal.add_calendar_days(accepted, days)
    assert d.resolution - accepted >= timedelta(days=days)


def test_complaint_resolution_across_national_day(cal):
    # Accepted Sat 01/08/2026 + 30 days = Mon 31/08/2026, a day off for 2/9 → Thu 03/09.
    d = compute_deadlines("complaint", date(2026, 7, 20), cal, accepted=date(2026, 8, 1))
    assert d.resolution == date(2026, 9, 3)


def test_denunciation_initial_handling_seven_or_ten_working_days(cal):
    # Wed 29/04/2026: 30/4 and 1/5 off, weekend → Mon 04/05 is day 1 → day 7 Tue 12/05.
    single = compute_deadlines("denunciation", date(2026, 4, 29), cal)
    assert single.acceptance == date(2026, 5, 12)
    assert single.first_response is None
    several = compute_deadlines("denunciation", date(2026, 4, 29), cal, several_sites=True)
    assert several.acceptance == cal.add_working_days(single.acceptance, 3)


def test_denunciation_resolution_from_acceptance_and_extension_when_complex(cal):
    d = compute_deadlines("denunciation", date(2026, 4, 29), cal)
    assert d.resolution == cal.add_calendar_days(d.acceptance, 30)
    complex_ = compute_deadlines("denunciation", date(2026, 4, 29), cal, complex_case=True)
    assert complex_.resolution == cal.add_calendar_days(d.acceptance, 60)


def test_every_rule_names_its_legal_basis_and_day_unit():
    for kind, steps in deadline_rules().items():
        assert "resolution" in steps, kind
        for rule in steps.values():
            assert rule["unit"] in {"working", "calendar"}
            assert rule["basis"]


def test_unknown_kind_and_bad_unit_count(cal):
    with pytest.raises(ValueError, match="kind"):
        compute_deadlines("petition", date(2026, 3, 5), cal)
    with pytest.raises(ValueError):
        compute_deadlines("enquiry", date(2026, 3, 5), cal, units_involved=0)


def test_pause_extends_by_working_days(cal):
    # Deadline Fri 13/02/2026, paused 2 working days → Mon 23/02, Tue 24/02 (Tết in between).
    assert extend_for_pause(date(2026, 2, 13), 2, cal) == date(2026, 2, 24)
    assert extend_for_pause(date(2026, 3, 10), 0, cal) == date(2026, 3, 10)
    with pytest.raises(ValueError):
        extend_for_pause(date(2026, 3, 10), -1, cal)


def test_pause_then_resume_keeps_the_remaining_working_days(cal):
    received = date(2026, 3, 2)
    deadline = compute_deadlines("recommendation", received, cal).resolution
    paused_from, resumed = date(2026, 3, 4), date(2026, 3, 9)
    paused = cal.working_days_between(paused_from, resumed)
    extended = extend_for_pause(deadline, paused, cal)
    assert cal.working_days_between(deadline, extended) == paused == 3
