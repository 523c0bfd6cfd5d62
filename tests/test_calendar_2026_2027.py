"""The settlement calendar over 2026 and 2027, day by day, against the published facts.

Every expectation here is written out by hand (the clock changes, the England &
Wales bank holidays and their substitutes, the working-day sums across the
Easter and Christmas clusters) rather than derived from the code under test,
so a calendar that drifts from the real one fails. Market runs over the same
dates are in ``test_calendar_2026_2027_runs.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Final

import pytest

from market.kernel.local_time import format_dip_datetime, local_midnight
from market.kernel.settlement_calendar import SettlementCalendar, settlement_periods
from market.process.options import ProcessOptions
from market.process.paths import VARIANT_PATHS, path_steps
from market.process.step import Deadline
from tests.calendar_facts import (
    ALL_WEEKDAY_BANK_HOLIDAYS,
    CLOCK_CHANGES,
    WEEKDAY_BANK_HOLIDAYS,
    YEARS,
    local_midnight_text,
)

CALENDAR: Final = SettlementCalendar()


def _days_of(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize("year", YEARS)
def test_every_day_has_48_periods_except_the_clock_changes(year: int) -> None:
    """Each settlement day of the year has 48 periods, the spring Sunday 46 and the autumn 50."""
    wrong = [
        (day, settlement_periods(day))
        for day in _days_of(year)
        if settlement_periods(day) != CLOCK_CHANGES.get(day, 48)
    ]
    assert wrong == []


@pytest.mark.parametrize("year", YEARS)
def test_every_settlement_day_starts_at_local_midnight_with_the_season_s_offset(
    year: int,
) -> None:
    """Each day's start renders as local midnight, +01:00 from the spring change to the autumn."""
    wrong = [
        (day, format_dip_datetime(local_midnight(day)))
        for day in _days_of(year)
        if format_dip_datetime(local_midnight(day)) != local_midnight_text(day)
    ]
    assert wrong == []


def _utc(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "starts_at", "ends_at"),
    [
        (date(2026, 3, 29), _utc(2026, 3, 29, 0), _utc(2026, 3, 29, 23)),
        (date(2026, 10, 25), _utc(2026, 10, 24, 23), _utc(2026, 10, 26, 0)),
        (date(2027, 3, 28), _utc(2027, 3, 28, 0), _utc(2027, 3, 28, 23)),
        (date(2027, 10, 31), _utc(2027, 10, 30, 23), _utc(2027, 11, 1, 0)),
    ],
)
def test_clock_change_days_run_midnight_to_midnight_in_utc(
    day: date, starts_at: datetime, ends_at: datetime
) -> None:
    """A clock-change day runs from its local midnight to the next, 23 or 25 hours in UTC."""
    assert local_midnight(day) == starts_at
    assert local_midnight(day + timedelta(days=1)) == ends_at
    assert (ends_at - starts_at) // timedelta(minutes=30) == CLOCK_CHANGES[day]


@pytest.mark.parametrize("day", ALL_WEEKDAY_BANK_HOLIDAYS, ids=str)
def test_every_bank_holiday_and_substitute_day_is_no_working_day(day: date) -> None:
    """Each 2026/2027 E&W bank holiday, substitutes included, is a holiday and no working day."""
    assert CALENDAR.is_bank_holiday(day)
    assert not CALENDAR.is_working_day(day)


@pytest.mark.parametrize("year", YEARS)
def test_the_weekdays_off_are_exactly_the_published_bank_holidays(year: int) -> None:
    """No weekday but the published ones is a holiday: none missing, none extra (no Scottish)."""
    off = tuple(d for d in _days_of(year) if d.weekday() < 5 and not CALENDAR.is_working_day(d))
    assert off == WEEKDAY_BANK_HOLIDAYS[year]


@pytest.mark.parametrize("year", YEARS)
def test_no_weekend_day_is_a_working_day(year: int) -> None:
    """Every Saturday and Sunday of the year is outside the working week."""
    assert [d for d in _days_of(year) if d.weekday() >= 5 and CALENDAR.is_working_day(d)] == []


@pytest.mark.parametrize("year", YEARS)
def test_each_year_has_253_working_days(year: int) -> None:
    """Both years have 261 weekdays, less 8 weekday bank holidays: 253 working days."""
    assert CALENDAR.working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == 253


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 1), 2, date(2026, 4, 7)),  # a switch signed on 1 April starts on the 7th
        (date(2026, 4, 1), 5, date(2026, 4, 10)),  # SSD + 5 WD
        (date(2026, 4, 2), 5, date(2026, 4, 13)),
        (date(2026, 4, 3), 0, date(2026, 4, 7)),  # a deadline on Good Friday rolls to Tuesday
        (date(2026, 4, 6), 0, date(2026, 4, 7)),
        (date(2026, 4, 7), -1, date(2026, 4, 2)),
        (date(2026, 4, 7), -5, date(2026, 3, 27)),  # from = SSD - 5 WD
        (date(2026, 4, 8), -5, date(2026, 3, 30)),
        (date(2026, 4, 13), -5, date(2026, 4, 2)),
        # the other 2026 Monday holidays
        (date(2026, 5, 1), 1, date(2026, 5, 5)),
        (date(2026, 5, 22), 1, date(2026, 5, 26)),
        (date(2026, 8, 28), 1, date(2026, 9, 1)),
        # Christmas 2026: the 25th a Friday, Boxing Day's substitute Monday the 28th.
        (date(2026, 12, 22), 2, date(2026, 12, 24)),
        (date(2026, 12, 23), 2, date(2026, 12, 29)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 23), 5, date(2027, 1, 4)),  # SSD + 5 WD, across New Year's Day too
        (date(2026, 12, 24), 5, date(2027, 1, 5)),
        (date(2026, 12, 29), 5, date(2027, 1, 6)),
        (date(2026, 12, 25), 0, date(2026, 12, 29)),
        (date(2026, 12, 28), 0, date(2026, 12, 29)),
        (date(2026, 12, 29), -1, date(2026, 12, 24)),
        (date(2027, 1, 4), -5, date(2026, 12, 23)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        # Easter 2027: Good Friday 26 March, Easter Sunday the clock change, Monday the 29th.
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2027, 3, 24), 2, date(2027, 3, 30)),
        (date(2027, 3, 30), 5, date(2027, 4, 6)),
        (date(2027, 3, 30), -5, date(2027, 3, 19)),
        (date(2027, 3, 28), 0, date(2027, 3, 30)),
        # the other 2027 Monday holidays
        (date(2027, 4, 30), 1, date(2027, 5, 4)),
        (date(2027, 5, 28), 1, date(2027, 6, 1)),
        (date(2027, 8, 27), 1, date(2027, 8, 31)),
        # Christmas 2027: both substitutes (27th, 28th), then New Year 2028's (3 January).
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        (date(2027, 12, 23), 2, date(2027, 12, 29)),
        (date(2027, 12, 24), 5, date(2028, 1, 5)),
        (date(2027, 12, 29), 5, date(2028, 1, 6)),
        (date(2027, 12, 31), 1, date(2028, 1, 4)),
        (date(2027, 12, 29), -1, date(2027, 12, 24)),
    ],
)
def test_working_day_arithmetic_across_the_holiday_clusters(
    day: date, n: int, expected: date
) -> None:
    """Adding or taking working days steps over every weekend, holiday and substitute day."""
    assert CALENDAR.add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 4, 2), date(2026, 4, 7), 1),
        (date(2026, 3, 27), date(2026, 4, 13), 9),
        (date(2026, 12, 24), date(2026, 12, 29), 1),
        (date(2026, 12, 23), date(2027, 1, 4), 5),
        (date(2027, 3, 25), date(2027, 3, 30), 1),
        (date(2027, 12, 24), date(2027, 12, 29), 1),
        (date(2027, 12, 24), date(2028, 1, 4), 4),
    ],
)
def test_working_days_between_across_the_holiday_clusters(
    start: date, end: date, expected: int
) -> None:
    """Counting working days over Easter and Christmas counts none of the days off."""
    assert CALENDAR.working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("day", "hour", "expected"),
    [
        (date(2026, 4, 3), 9, datetime(2026, 4, 7, 8, tzinfo=UTC)),  # Good Friday → BST Tuesday
        (date(2026, 12, 25), 17, datetime(2026, 12, 29, 17, tzinfo=UTC)),
        (date(2026, 12, 28), 10, datetime(2026, 12, 29, 10, tzinfo=UTC)),
        (date(2027, 3, 26), 9, datetime(2027, 3, 30, 8, tzinfo=UTC)),  # GMT Friday → BST Tuesday
        (date(2027, 12, 27), 16, datetime(2027, 12, 29, 16, tzinfo=UTC)),
    ],
)
def test_a_time_on_a_holiday_moves_to_the_next_working_day(
    day: date, hour: int, expected: datetime
) -> None:
    """09:00 on a holiday is 09:00 on the next working day, with that day's offset."""
    assert CALENDAR.working_instant(day, hour) == expected


#: Supply start dates in the holiday clusters, with SSD - 5 WD and SSD + 5 WD for each.
SSD_WINDOWS: Final = [
    (date(2026, 4, 2), date(2026, 3, 26), date(2026, 4, 13)),
    (date(2026, 4, 7), date(2026, 3, 27), date(2026, 4, 14)),
    (date(2026, 12, 24), date(2026, 12, 17), date(2027, 1, 5)),
    (date(2026, 12, 29), date(2026, 12, 18), date(2027, 1, 6)),
    (date(2027, 3, 30), date(2027, 3, 19), date(2027, 4, 6)),
    (date(2027, 12, 29), date(2027, 12, 20), date(2028, 1, 6)),
]


def _working_day_bounds() -> list[tuple[str, str, str, Deadline]]:
    """(variant, step id, from/by, bound) of every SSD-anchored working-day bound of a path."""
    found = []
    for variant, path in VARIANT_PATHS.items():
        for step in path_steps(path, ProcessOptions(smart_outgoing_ds_lane=True)):
            for kind, bound in (("from", step.earliest), ("by", step.latest)):
                if bound is not None and bound.anchor == "SSD" and bound.working:
                    found.append((variant, step.step_id, kind, bound))
    return found


def test_the_step_tables_bound_the_reading_window_in_working_days() -> None:
    """The reading and hand-over steps of every variant are bounded SSD - 5 WD to SSD + 5 WD."""
    bounds = _working_day_bounds()
    rules = {(variant, step, kind): str(bound) for variant, step, kind, bound in bounds}
    assert rules == {
        ("T", "T2", "by"): "SSD+5wd",
        ("T", "T5", "from"): "SSD-5wd",
        ("T", "T5", "by"): "SSD+5wd",
        ("T", "T6", "by"): "SSD+cos_read_cutoff_working_days",
        ("A", "A2", "by"): "SSD+5wd",
        ("S", "S2", "by"): "SSD+5wd",
        ("S", "S3", "by"): "SSD+5wd",
        ("S", "S4", "by"): "SSD+cos_read_cutoff_working_days",
    }


@pytest.mark.parametrize(("ssd", "five_before", "five_after"), SSD_WINDOWS, ids=str)
def test_step_table_deadlines_on_holiday_ssds_skip_the_holidays(
    ssd: date, five_before: date, five_after: date
) -> None:
    """Each SSD-anchored bound of the step tables lands on the hand-counted working day."""
    options = ProcessOptions()
    for variant, step, kind, bound in _working_day_bounds():
        limit = CALENDAR.add_working_days(ssd, bound.days_under(options))
        assert limit == (five_before if kind == "from" else five_after), (variant, step, kind)
