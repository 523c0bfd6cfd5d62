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
        return _local(anchor.start_day + timedelta(days=int(match[1]) - 1), match[2], match[3])
    if match := _SSD_AT.match(spec):
        shift = int(match[2] or 0) * (-1 if match[1] == "-" else 1)
        return _local(anchor.first_supply_start_date + timedelta(days=shift), match[3], match[4])
    if match := _DATE_AT.match(spec):
        return _local(date.fromisoformat(match[1]), match[2], match[3])
    raise ScenarioError(
        f"instant {text!r}: write 'day 2 10:00', 'SSD-1 18:00' or '2026-03-01 10:00'"
    )


def parse_window(text: str, anchor: WindowAnchor) -> tuple[datetime, datetime]:
    """``(start, end)`` instants (UTC) of a window description; errors show the accepted forms."""
    spec = " ".join(text.strip().lower().split())
    if spec in ("", "always"):
        return BEGINNING, END
    if match := _DAY_RANGE.match(spec):
        day = anchor.start_day + timedelta(days=int(match[1]) - 1)
        start, end = _local(day, match[2], match[3]), _local(day, match[4], match[5])
    elif match := _DAY_FOR.match(spec):
        day = anchor.start_day + timedelta(days=int(match[1]) - 1)
        start = _local(day, match[2], match[3])
        end = start + timedelta(hours=float(match[4]))
    elif match := _SSD_FOR.match(spec):
        shift = int(match[2] or 0) * (-1 if match[1] == "-" else 1)
        start = _local(anchor.first_supply_start_date + timedelta(days=shift), "0", "00")
        end = start + timedelta(hours=float(match[3]))
    elif match := _DATE_FOR.match(spec):
        start = _local(date.fromisoformat(match[1]), match[2], match[3])
        end = start + timedelta(hours=float(match[4]))
    elif match := _DATE_TO.match(spec):
        start = _local(date.fromisoformat(match[1]), match[2], match[3])
        end = _local(date.fromisoformat(match[4]), match[5], match[6])
    else:
        raise ScenarioError(
            f"window {text!r}: write 'always', 'day 3 09:00-11:00', 'day 2 09:00 for 72 hours', "
            "'from SSD-1 for 72 hours', 'from 2026-03-01 18:00 for 72 hours' or "
            "'2026-03-01 18:00 to 2026-03-04 18:00'"
        )
    if end <= start:
        raise ScenarioError(f"window {text!r}: ends before it starts")
    return start, end
