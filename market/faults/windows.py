"""Windows of simulated time written the way people plan outages: on the settlement calendar.

Accepted forms (UK local time):

* ``always``
* ``day 3 09:00-11:00`` — the run's third calendar day (day 1 is the start day)
* ``day 2 09:00 for 72 hours``
* ``from SSD-1 for 72 hours`` — relative to the run's first supply start date, at 00:00
* ``from 2026-03-01 18:00 for 72 hours``
* ``2026-03-01 18:00 to 2026-03-04 18:00``
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

import attrs

from market.kernel.exceptions import ScenarioError
from market.kernel.local_time import UK

#: The far past and future, for faults active for the whole run.
BEGINNING: Final = datetime(1900, 1, 1, tzinfo=UTC)
END: Final = datetime(2200, 1, 1, tzinfo=UTC)

#: The furthest a relative window or instant may lie from the run's start (``day N``,
#: ``SSD±N``): ten years of days; a window lasts at most as long.
MAX_DAYS: Final = 3660
MAX_HOURS: Final = MAX_DAYS * 24

_HHMM = r"(\d{1,2}):(\d{2})"
_DAY_RANGE = re.compile(rf"^day (\d+) {_HHMM}\s*[-–]\s*{_HHMM}$")
_DAY_FOR = re.compile(rf"^day (\d+) {_HHMM} for (\d+(?:\.\d+)?) hours?$")
_SSD_FOR = re.compile(r"^from ssd(?:\s*([+-])\s*(\d+))? for (\d+(?:\.\d+)?) hours?$")
_DATE_FOR = re.compile(rf"^from (\d{{4}}-\d{{2}}-\d{{2}}) {_HHMM} for (\d+(?:\.\d+)?) hours?$")
_DATE_TO = re.compile(rf"^(\d{{4}}-\d{{2}}-\d{{2}}) {_HHMM} to (\d{{4}}-\d{{2}}-\d{{2}}) {_HHMM}$")


@attrs.frozen(kw_only=True, slots=True)
class WindowAnchor:
    """What relative windows are relative to: the run's start day and first supply start date."""

    start_day: date
    first_supply_start_date: date


def _day(anchor_day: date, number: str, *, first: int) -> date:
    """``anchor_day`` moved by ``number`` days (``day 1`` is the anchor itself: ``first`` = 1)."""
    days = int(number)
    if not -MAX_DAYS <= days <= MAX_DAYS:
        raise ScenarioError(
            f"day {number}: windows and instants lie within {MAX_DAYS:,} days of the run's start"
        )
    try:
        return anchor_day + timedelta(days=days - first)
    except OverflowError:
        raise ScenarioError(f"day {number}: out of the calendar's range") from None


def _calendar_date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"date {text}: not a calendar date (YYYY-MM-DD)") from None
    if not BEGINNING.year <= day.year < END.year:
        raise ScenarioError(f"date {text}: years run from {BEGINNING.year} to {END.year - 1}")
    return day


def _hours(number: str) -> timedelta:
    hours = float(number)
    if not 0 < hours <= MAX_HOURS:
        raise ScenarioError(
            f"{number} hours: a window lasts more than 0 and at most {MAX_HOURS:,} hours"
        )
    return timedelta(hours=hours)


def _shift(sign: str | None, number: str | None) -> str:
    """``SSD-3`` as ``-3`` (the text of a signed day count)."""
    return f"{'-' if sign == '-' else ''}{number or 0}"


def _local(day: date, hour: str, minute: str) -> datetime:
    if not (0 <= int(hour) <= 23 and 0 <= int(minute) <= 59):
        raise ScenarioError(f"time {hour}:{minute}: hours run 00-23 and minutes 00-59")
    return datetime.combine(day, time(int(hour), int(minute)), tzinfo=UK).astimezone(UTC)


_DAY_AT = re.compile(rf"^day (\d+) {_HHMM}$")
_SSD_AT = re.compile(rf"^ssd(?:\s*([+-])\s*(\d+))? {_HHMM}$")
_DATE_AT = re.compile(rf"^(\d{{4}}-\d{{2}}-\d{{2}}) {_HHMM}$")


def parse_instant(text: str, anchor: WindowAnchor) -> datetime:
    """One instant: ``day 2 10:00``, ``SSD-1 18:00`` or ``2026-03-01 10:00`` (UK local time)."""
    spec = " ".join(text.strip().lower().split())
    if match := _DAY_AT.match(spec):
        return _local(_day(anchor.start_day, match[1], first=1), match[2], match[3])
    if match := _SSD_AT.match(spec):
        ssd = anchor.first_supply_start_date
        return _local(_day(ssd, _shift(match[1], match[2]), first=0), match[3], match[4])
    if match := _DATE_AT.match(spec):
        return _local(_calendar_date(match[1]), match[2], match[3])
    raise ScenarioError(
        f"instant {text!r}: write 'day 2 10:00', 'SSD-1 18:00' or '2026-03-01 10:00'"
    )


def parse_window(text: str, anchor: WindowAnchor) -> tuple[datetime, datetime]:
    """``(start, end)`` instants (UTC) of a window description; errors show the accepted forms."""
    spec = " ".join(text.strip().lower().split())
    if spec in ("", "always"):
        return BEGINNING, END
    if match := _DAY_RANGE.match(spec):
        day = _day(anchor.start_day, match[1], first=1)
        start, end = _local(day, match[2], match[3]), _local(day, match[4], match[5])
    elif match := _DAY_FOR.match(spec):
        start = _local(_day(anchor.start_day, match[1], first=1), match[2], match[3])
        end = start + _hours(match[4])
    elif match := _SSD_FOR.match(spec):
        ssd = anchor.first_supply_start_date
        start = _local(_day(ssd, _shift(match[1], match[2]), first=0), "0", "00")
        end = start + _hours(match[3])
    elif match := _DATE_FOR.match(spec):
        start = _local(_calendar_date(match[1]), match[2], match[3])
        end = start + _hours(match[4])
    elif match := _DATE_TO.match(spec):
        start = _local(_calendar_date(match[1]), match[2], match[3])
        end = _local(_calendar_date(match[4]), match[5], match[6])
    else:
        raise ScenarioError(
            f"window {text!r}: write 'always', 'day 3 09:00-11:00', 'day 2 09:00 for 72 hours', "
            "'from SSD-1 for 72 hours', 'from 2026-03-01 18:00 for 72 hours' or "
            "'2026-03-01 18:00 to 2026-03-04 18:00'"
        )
    if end <= start:
        raise ScenarioError(f"window {text!r}: ends before it starts")
    return start, end
