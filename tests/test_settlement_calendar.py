"""Tests for the England & Wales settlement calendar and settlement-day lengths."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from market.kernel.exceptions import ScenarioError
from market.kernel.settlement_calendar import (
    EXTRA_HOLIDAY_NAME,
    SettlementCalendar,
    days_between,
    settlement_periods,
)

CALENDAR = SettlementCalendar()


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year's Day
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # Early May bank holiday
        date(2026, 5, 25),  # Spring bank holiday
        date(2026, 8, 31),  # Summer bank holiday
        date(2026, 12, 25),  # Christmas Day (Friday)
        date(2026, 12, 28),  # Boxing Day substitute (26th is a Saturday)
        date(2027, 12, 27),  # Christmas Day substitute (25th is a Saturday)
        date(2027, 12, 28),  # Boxing Day substitute (26th is a Sunday)
    ],
)
def test_known_england_and_wales_bank_holidays_are_not_working_days(day: date) -> None:
    """Each real 2026/2027 E&W bank holiday, substitutes included, is not a working day."""
    assert CALENDAR.is_bank_holiday(day)
    assert not CALENDAR.is_working_day(day)


def test_bank_holidays_2026_lists_the_real_dates_in_order() -> None:
    """The 2026 list is exactly the published E&W dates, sorted, with the library's names."""
    assert CALENDAR.bank_holidays(2026) == (
        (date(2026, 1, 1), "New Year's Day"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2026, 5, 4), "May Day"),
        (date(2026, 5, 25), "Spring Bank Holiday"),
        (date(2026, 8, 31), "Late Summer Bank Holiday"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Boxing Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
    )


def test_bank_holidays_2027_names_both_christmas_substitutes() -> None:
    """When Christmas and Boxing Day both fall at a weekend, 27 and 28 December substitute."""
    december = [entry for entry in CALENDAR.bank_holidays(2027) if entry[0].month == 12]
    assert december == [
        (date(2027, 12, 25), "Christmas Day"),
        (date(2027, 12, 26), "Boxing Day"),
        (date(2027, 12, 27), "Christmas Day (observed)"),
        (date(2027, 12, 28), "Boxing Day (observed)"),
    ]


def test_bank_holidays_are_sorted_even_when_the_library_is_not() -> None:
    """The 1990 list comes back in date order although the library yields it out of order."""
    days = [day for day, _ in CALENDAR.bank_holidays(1990)]
    assert days == sorted(days)
    assert len(days) == 8


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 2),  # Scotland's 2 January holiday (a Friday)
        date(2026, 11, 30),  # St Andrew's Day (a Monday)
        date(2026, 8, 3),  # Scotland's summer bank holiday (first Monday of August)
    ],
)
def test_scotland_only_holidays_are_working_days_in_england_and_wales(day: date) -> None:
    """A Scotland-only bank holiday on a weekday is an ordinary working day in this calendar."""
    assert not CALENDAR.is_bank_holiday(day)
    assert CALENDAR.is_working_day(day)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 2), True),  # Monday
        (date(2026, 3, 6), True),  # Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
    ],
)
def test_weekdays_work_and_weekends_do_not(day: date, expected: bool) -> None:
    """Outside holidays, Monday to Friday are working days and Saturday and Sunday are not."""
    assert CALENDAR.is_working_day(day) is expected


def test_next_and_previous_working_day_skip_easter() -> None:
    """The working days either side of Easter 2026 are Thursday 2 and Tuesday 7 April."""
    assert CALENDAR.next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)
    assert CALENDAR.previous_working_day(date(2026, 4, 7)) == date(2026, 4, 2)


def test_next_and_previous_working_day_are_strict() -> None:
    """A working day is never its own next or previous working day."""
    assert CALENDAR.next_working_day(date(2026, 3, 3)) == date(2026, 3, 4)
    assert CALENDAR.previous_working_day(date(2026, 3, 3)) == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # across Good Friday, weekend, Easter Monday
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday + 1 is Monday
        (date(2026, 3, 6), 5, date(2026, 3, 13)),  # a whole working week
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # from a Saturday, day itself never counts
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # across Christmas and its substitute
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # across New Year and a year boundary
        (date(2026, 3, 4), 0, date(2026, 3, 4)),  # n=0 on a working day is that day
        (date(2026, 3, 7), 0, date(2026, 3, 9)),  # n=0 on a weekend rolls forward
        (date(2026, 4, 3), 0, date(2026, 4, 7)),  # n=0 on Good Friday rolls past Easter
        (date(2026, 3, 9), -1, date(2026, 3, 6)),  # Monday - 1 is Friday
        (date(2026, 4, 7), -1, date(2026, 4, 2)),  # back across Easter
        (date(2026, 3, 8), -1, date(2026, 3, 6)),  # from a Sunday, strictly before
        (date(2026, 3, 13), -5, date(2026, 3, 6)),  # a whole working week back
    ],
)
def test_add_working_days(day: date, n: int, expected: date) -> None:
    """Adding n working days skips non-working days, rolls n=0 forward, counts back for n<0."""
    assert CALENDAR.add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), 0),  # empty span
        (date(2026, 3, 2), date(2026, 3, 3), 1),  # end counts, start does not
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday: just Monday
        (date(2026, 3, 2), date(2026, 3, 9), 5),  # Monday to Monday: one working week
        (date(2026, 4, 2), date(2026, 4, 7), 1),  # across Easter: only Tuesday
        (date(2026, 3, 9), date(2026, 3, 6), -1),  # reversed span is negative
        (date(2026, 1, 1), date(2027, 1, 1), 253),  # 2026: 261 weekdays less 8 weekday holidays
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    """Working days are counted over the half-open span (start, end], negative when reversed."""
    assert CALENDAR.working_days_between(start, end) == expected


@pytest.mark.parametrize("n", [1, 2, 3, 10, 40])
def test_add_then_count_round_trips(n: int) -> None:
    """Counting the working days up to add_working_days(day, n) gives back n, from any start."""
    for offset in range(14):
        day = date(2026, 3, 26) + timedelta(days=offset)
        assert CALENDAR.working_days_between(day, CALENDAR.add_working_days(day, n)) == n


def test_working_days_between_is_additive() -> None:
    """Counts over adjacent spans add up to the count over the whole span."""
    a, b, c = date(2026, 3, 20), date(2026, 4, 5), date(2026, 4, 20)
    assert CALENDAR.working_days_between(a, b) + CALENDAR.working_days_between(
        b, c
    ) == CALENDAR.working_days_between(a, c)


@pytest.mark.parametrize(
    ("day", "hour", "expected"),
    [
        (date(2026, 3, 27), 9, datetime(2026, 3, 27, 9, 0, tzinfo=UTC)),  # Friday, still GMT
        (date(2026, 3, 30), 9, datetime(2026, 3, 30, 8, 0, tzinfo=UTC)),  # Monday, now BST
        (date(2026, 3, 28), 9, datetime(2026, 3, 30, 8, 0, tzinfo=UTC)),  # Sat -> BST Monday
        (date(2026, 10, 23), 9, datetime(2026, 10, 23, 8, 0, tzinfo=UTC)),  # Friday, still BST
        (date(2026, 10, 24), 9, datetime(2026, 10, 26, 9, 0, tzinfo=UTC)),  # Sat -> GMT Monday
    ],
)
def test_working_instant_across_clock_changes(day: date, hour: int, expected: datetime) -> None:
    """UK local hh:mm converts to UTC with the offset of the working day actually used."""
    assert CALENDAR.working_instant(day, hour) == expected


def test_working_instant_keeps_minutes() -> None:
    """The minute argument carries through to the UTC instant."""
    assert CALENDAR.working_instant(date(2026, 6, 1), 17, 30) == datetime(
        2026, 6, 1, 16, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 28), 48),  # Saturday before spring forward
        (date(2026, 3, 29), 46),  # spring-forward Sunday
        (date(2026, 3, 30), 48),
        (date(2026, 10, 25), 50),  # autumn clock-change Sunday
        (date(2026, 10, 26), 48),
        (date(2026, 7, 1), 48),  # mid-summer
        (date(2027, 3, 28), 46),  # 2027's spring-forward Sunday
        (date(2027, 10, 31), 50),  # 2027's autumn clock-change Sunday
    ],
)
def test_settlement_periods(day: date, expected: int) -> None:
    """A settlement day has 48 half-hours, 46 when clocks go forward and 50 when they go back."""
    assert settlement_periods(day) == expected


def test_settlement_periods_sum_over_a_year() -> None:
    """A year's settlement periods total 48 per day because the two clock changes cancel."""
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    assert sum(settlement_periods(day) for day in days) == 48 * 365


def test_extra_holidays_are_not_working_days() -> None:
    """A scenario-added closure is a holiday, is skipped by working-day arithmetic and is listed."""
    closure = date(2026, 6, 1)
    calendar = SettlementCalendar(extra_holidays=frozenset({closure}))
    assert calendar.is_bank_holiday(closure)
    assert not calendar.is_working_day(closure)
    assert calendar.next_working_day(date(2026, 5, 29)) == date(2026, 6, 2)
    assert calendar.add_working_days(closure, 0) == date(2026, 6, 2)
    assert calendar.working_days_between(date(2026, 5, 29), date(2026, 6, 2)) == 1
    assert (closure, EXTRA_HOLIDAY_NAME) in calendar.bank_holidays(2026)
    assert CALENDAR.is_working_day(closure)


def test_extra_holiday_on_a_bank_holiday_keeps_the_real_name() -> None:
    """An extra holiday that duplicates a bank holiday does not rename or duplicate it."""
    calendar = SettlementCalendar(extra_holidays=frozenset({date(2026, 12, 25)}))
    assert calendar.bank_holidays(2026) == CALENDAR.bank_holidays(2026)


def test_extra_holidays_accept_any_iterable_and_stay_immutable() -> None:
    """Extra holidays given as a list are frozen, and the calendar compares by value."""
    from_list = SettlementCalendar(extra_holidays=[date(2026, 6, 1)])
    assert from_list.extra_holidays == frozenset({date(2026, 6, 1)})
    assert from_list == SettlementCalendar(extra_holidays=frozenset({date(2026, 6, 1)}))


def test_extra_holidays_reject_datetimes() -> None:
    """A datetime given as an extra holiday is a scenario error: it would never match a day."""
    with pytest.raises(ScenarioError, match=r"must be a datetime\.date"):
        SettlementCalendar(extra_holidays=frozenset({datetime(2026, 6, 1, tzinfo=UTC)}))


def test_datetime_arguments_are_refused() -> None:
    """Passing an instant where a calendar day is meant raises instead of missing holidays."""
    with pytest.raises(TypeError, match="settlement_date_of"):
        CALENDAR.is_working_day(datetime(2026, 12, 25, 9, tzinfo=UTC))


@pytest.mark.parametrize("year", [1989, 2101])
def test_years_outside_the_supported_range_are_refused(year: int) -> None:
    """Asking about a year outside 1990–2100 is a scenario error naming the range."""
    with pytest.raises(ScenarioError, match="1990–2100"):
        CALENDAR.is_working_day(date(year, 6, 1))


def test_supported_range_edges_work() -> None:
    """The first and last supported years both answer."""
    assert CALENDAR.is_bank_holiday(date(1990, 12, 25))
    assert CALENDAR.is_bank_holiday(date(2100, 12, 25))


def test_days_between_counts_calendar_days() -> None:
    """Calendar-day difference ignores weekends and holidays and is negative when reversed."""
    assert days_between(date(2026, 4, 2), date(2026, 4, 7)) == 5
    assert days_between(date(2026, 4, 7), date(2026, 4, 2)) == -5
