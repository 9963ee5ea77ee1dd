"""Working-day calendar: weekends, lunar and solar holidays, official swaps (fixed dates)."""

from datetime import date

import pytest

from vss_tickets.domain.calendar import WorkingCalendar


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 29),  # Tết (1st day of the lunar year), 2025
        date(2026, 2, 16),  # Tết eve 2026 (official break 14-22/02/2026)
        date(2026, 2, 20),
        date(2025, 4, 7),  # Hùng Kings' day 2025 (10/3 lunar, a Monday)
        date(2026, 4, 27),  # Hùng Kings' day 2026 falls on Sunday 26/4: observed Monday
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),  # swapped with Saturday 26/04/2025
        date(2025, 9, 1),  # National Day: 2/9 plus the adjacent day
        date(2025, 9, 2),
        date(2026, 1, 1),
    ],
)
def test_public_holidays_are_not_working_days(cal, day):
    assert day.weekday() < 5
    assert not cal.is_working_day(day)
    assert cal.holiday_name(day)


def test_weekends_are_not_working_days_but_a_swapped_saturday_is(cal):
    assert not cal.is_working_day(date(2026, 3, 7))  # Saturday
    assert not cal.is_working_day(date(2026, 3, 8))  # Sunday
    assert cal.is_working_day(date(2025, 4, 26))  # Saturday worked for Friday 2/5/2025


def test_ordinary_weekday_is_working(cal):
    assert cal.is_working_day(date(2026, 3, 10))
    assert cal.holiday_name(date(2026, 3, 10)) is None


def test_swaps_are_data():
    custom = WorkingCalendar(swaps=[{"day_off": date(2026, 3, 10), "work_on": date(2026, 3, 14)}])
    assert not custom.is_working_day(date(2026, 3, 10))
    assert custom.is_working_day(date(2026, 3, 14))
    assert custom.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)


def test_add_working_days_skips_the_weekend(cal):
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Fri → Mon
    assert cal.add_working_days(date(2026, 3, 6), 0) == date(2026, 3, 6)


def test_add_working_days_across_tet_2026(cal):
    # Friday 13/02 → the break runs 14-22/02 → Monday 23/02 is the first working day.
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_add_working_days_across_30_4_and_1_5_2025(cal):
    # Tue 29/04 → 30/4, 1/5, 2/5 (swapped), weekend 3-4/5 → Monday 05/05.
    assert cal.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)


def test_add_working_days_across_national_day_2025(cal):
    # Friday 29/08 → weekend, 1/9 and 2/9 off → Wednesday 03/09.
    assert cal.add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 3)


def test_working_days_between_is_the_inverse_of_add(cal):
    start = date(2025, 1, 20)
    for n in range(0, 60, 7):
        end = cal.add_working_days(start, n)
        assert cal.working_days_between(start, end) == n
        assert cal.working_days_between(end, start) == -n


def test_working_days_between_counts_a_week_of_tet(cal):
    # 26/01/2025 (Sun) .. 02/02/2025 (Sun): Mon 27/01 - Fri 31/01 are all Tết days off.
    assert cal.working_days_between(date(2025, 1, 26), date(2025, 2, 2)) == 0
    assert cal.working_days_between(date(2025, 1, 26), date(2025, 2, 3)) == 1


def test_calendar_days_ending_on_a_holiday_move_to_next_working_day(cal):
    assert cal.add_calendar_days(date(2026, 4, 23), 3) == date(2026, 4, 28)  # 26/4 Sun, 27/4 off
    assert cal.add_calendar_days(date(2026, 3, 2), 7) == date(2026, 3, 9)


def test_negative_count_is_rejected(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 3, 2), -1)


def test_unconfirmed_package_holiday_counts_as_working_day(cal):
    # 24/11/2026 is in the package but its legal basis is unconfirmed (calendar.yaml).
    assert cal.is_working_day(date(2026, 11, 24))
    assert cal.holiday_name(date(2026, 11, 24)) is None
    package_only = WorkingCalendar(not_holidays=[])
    assert not package_only.is_working_day(date(2026, 11, 24))
