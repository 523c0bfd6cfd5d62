"""England & Wales working days, bank holidays and settlement-day lengths.

Settlement rules count deadlines in *working days* (a registration takes
effect so many working days after it is requested; a data collector has so
many working days to send reads), so every participant needs the same answer
to "is this a working day?". This module gives that answer, purely and
cheaply: the bank holidays for a year come from the ``holidays`` package once,
and every later question about that year is a set lookup.

A GB settlement day is also not always 48 half-hours long: the clock changes
make one Sunday 46 periods and one 50. :func:`settlement_periods` says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from types import MappingProxyType
from typing import Final

import attrs
import holidays

from market.kernel.exceptions import ScenarioError
from market.kernel.local_time import ONE_DAY, local_instant, local_midnight

FIRST_YEAR: Final = 1990
"""Earliest year the calendar answers for; before it the simulator has no business."""

LAST_YEAR: Final = 2100
"""Latest year the calendar answers for; beyond it the holiday rules are guesswork."""

EXTRA_HOLIDAY_NAME: Final = "Extra holiday (scenario)"
"""How :meth:`SettlementCalendar.bank_holidays` names a scenario-added closure."""

_SATURDAY: Final = 5
_SETTLEMENT_PERIOD: Final = timedelta(minutes=30)


@cache
def _statutory_holidays(year: int) -> Mapping[date, str]:
    """The England & Wales bank holidays of ``year``, fetched once and then shared.

    The ``holidays`` object is copied into a read-only plain mapping because a
    ``HolidayBase`` grows itself with new years when asked about a date outside
    them; a frozen per-year mapping keeps lookups side-effect free.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ScenarioError(
            f"year {year}: the settlement calendar covers {FIRST_YEAR}–{LAST_YEAR}; "
            "use a scenario date inside that range"
        )
    source = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return MappingProxyType(dict(source.items()))


def _require_date(day: date) -> None:
    """Reject a ``datetime`` where a calendar day is meant.

    ``datetime`` is a subclass of ``date`` but never equal to one, so a
    datetime would silently miss every holiday; and which UK day an instant
    falls on depends on the clock change, so the caller must decide.
    """
    if isinstance(day, datetime):
        raise TypeError(
            f"{day!r} is a datetime: pass a calendar date, e.g. "
            "market.kernel.local_time.settlement_date_of(at) for the UK day containing an instant"
        )


def _to_date_set(days: Iterable[date]) -> frozenset[date]:
    """Freeze scenario-supplied extra holidays, refusing anything that is not a plain date."""
    frozen = frozenset(days)
    for day in frozen:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ScenarioError(
                f"extra holiday {day!r}: must be a datetime.date (a whole UK calendar day), "
                "e.g. date(2026, 6, 1)"
            )
    return frozen


@attrs.frozen
class SettlementCalendar:
    """England & Wales working-day calendar for settlement rules.

    Settlement deadlines in the MHHS process are counted in working days in
    England & Wales, whatever the nation of the metering point, so one calendar
    serves the whole market. A *working day* is Monday to Friday and not a
    holiday; a *holiday* is an England & Wales bank holiday (including the
    substitute "(observed)" days and one-off days such as a state funeral) or
    one of ``extra_holidays``.

    ``extra_holidays`` lets a scenario model a special closure (a one-off bank
    holiday announced at short notice, say) without patching the real
    calendar. The calendar is immutable, so every participant sharing it
    always agrees.
    """

    extra_holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_to_date_set)

    def is_bank_holiday(self, day: date) -> bool:
        """Whether ``day`` is a holiday in this calendar (statutory or scenario-added).

        Weekend dates count when the ``holidays`` package lists them: Boxing
        Day on a Saturday is reported here *and* its Monday or Tuesday
        substitute is too. Use :meth:`is_working_day` for deadline arithmetic.
        """
        _require_date(day)
        return self._is_holiday(day)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is Monday to Friday and not a holiday in this calendar."""
        _require_date(day)
        return self._is_working(day)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        _require_date(day)
        candidate = day + ONE_DAY
        while not self._is_working(candidate):
            candidate += ONE_DAY
        return candidate

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        _require_date(day)
        candidate = day - ONE_DAY
        while not self._is_working(candidate):
            candidate -= ONE_DAY
        return candidate

    def add_working_days(self, day: date, n: int) -> date:
        """The date ``n`` working days after ``day``, as settlement deadlines count.

        * ``n == 0``: ``day`` itself if it is a working day, otherwise the next
          working day (a deadline of "the same day" that falls on a holiday
          rolls forward).
        * ``n > 0``: the ``n``-th working day strictly after ``day``; ``day``
          itself never counts, working or not. Thursday + 1 before Easter is
          the Tuesday after Easter Monday.
        * ``n < 0``: the ``|n|``-th working day strictly before ``day``.

        For ``n > 0``, ``working_days_between(day, result) == n`` always; for
        ``n < 0`` it equals ``n`` when ``day`` is itself a working day.
        """
        _require_date(day)
        if n == 0:
            return day if self._is_working(day) else self.next_working_day(day)
        step = self.next_working_day if n > 0 else self.previous_working_day
        result = day
        for _ in range(abs(n)):
            result = step(result)
        return result

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days ``d`` satisfy ``start < d <= end``; negative if ``end < start``.

        The interval is half-open so that consecutive spans add up
        (``between(a, b) + between(b, c) == between(a, c)``) and so that
        ``between(a, b) == -between(b, a)``: when ``end < start`` the result is
        minus the number of working days ``d`` with ``end < d <= start``.
        """
        _require_date(start)
        _require_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + ONE_DAY
        while day <= end:
            if self._is_working(day):
                count += 1
            day += ONE_DAY
        return count

    def bank_holidays(self, year: int) -> tuple[tuple[date, str], ...]:
        """Every holiday of ``year`` as ``(date, name)``, sorted by date, for reports and teaching.

        Names are the ``holidays`` package's (substitutes end "(observed)";
        two holidays on one day are joined with "; "). Scenario extras that do
        not coincide with a statutory holiday are named
        :data:`EXTRA_HOLIDAY_NAME`.
        """
        named = dict(_statutory_holidays(year))
        for day in self.extra_holidays:
            if day.year == year:
                named.setdefault(day, EXTRA_HOLIDAY_NAME)
        return tuple(sorted(named.items()))

    def working_instant(self, day: date, hour: int, minute: int = 0) -> datetime:
        """The UTC instant of ``hour:minute`` UK local time on ``day``, or on the next working day.

        Deadlines such as "09:00 on the effective date" only fall on working
        days; if ``day`` is not one, the time is taken on the first working
        day after it. The offset (GMT or BST) is that of the day actually used.
        """
        _require_date(day)
        working_day = day if self._is_working(day) else self.next_working_day(day)
        return local_instant(working_day, hour, minute)

    def _is_holiday(self, day: date) -> bool:
        return day in self.extra_holidays or day in _statutory_holidays(day.year)

    def _is_working(self, day: date) -> bool:
        return day.weekday() < _SATURDAY and not self._is_holiday(day)


def settlement_periods(day: date) -> int:
    """How many half-hour settlement periods UK settlement day ``day`` has.

    48 on an ordinary day, 46 on the Sunday the clocks go forward and 50 on
    the Sunday they go back, worked out from the Europe/London rules rather
    than a table of dates, so it stays right if the rules change.
    """
    _require_date(day)
    length = local_midnight(day + ONE_DAY) - local_midnight(day)
    return length // _SETTLEMENT_PERIOD


def days_between(start: date, end: date) -> int:
    """Calendar days from ``start`` to ``end`` (negative if ``end`` is earlier).

    The counterpart of :meth:`SettlementCalendar.working_days_between` for
    rules written in calendar days rather than working days.
    """
    return (end - start).days
