"""What each value of a fault-plan table may be: its type and its range.

A fault plan comes from outside, so every number, count and name is checked
when the plan is read, before the run: a delay of ``inf`` seconds, ``copies =
-3``, ``retries = "3"`` or a restart before its crash is a
:class:`~market.kernel.exceptions.ScenarioError` naming the fault, the key and
the rule. The README's "Input limits" section lists these ranges.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import attrs

from market.kernel.exceptions import ScenarioError

#: The longest a delay, a hold, a slowness or a clock skew may last: 30 days.
MAX_FAULT_SECONDS: Final = 30 * 24 * 3600
#: The most extra copies a duplicate fault may deliver of one message.
MAX_COPIES: Final = 10
#: The most webhook retries, and restarts within a supervisor's span.
MAX_RETRIES: Final = 100
#: A restart's delay and a webhook's retry interval: at most 30 days, in minutes.
MAX_MINUTES: Final = 30 * 24 * 60
#: A supervisor's span (``within_hours``): at most a year.
MAX_SPAN_HOURS: Final = 366 * 24


@attrs.frozen(slots=True)
class Rule:
    """A value's type (``int``, ``float``, ``bool``, ``str``, ``list``) and, for numbers, range."""

    kind: type
    low: float = -math.inf
    high: float = math.inf
    #: How the range reads in an error: ``from 0 to 1``.
    says: str = ""


def _seconds(low: float = 0) -> Rule:
    return Rule(
        float, low, MAX_FAULT_SECONDS, f"seconds from {low:,.0f} to {MAX_FAULT_SECONDS:,} (30 days)"
    )


_PROBABILITY: Final = Rule(float, 0.0, 1.0, "a probability from 0 to 1")
_NAME: Final = Rule(str)

#: Every plan key with a value rule; a kind's own reading of a key overrides the shared one.
RULES: Final[Mapping[str, Rule]] = {
    "probability": _PROBABILITY,
    "seconds": _seconds(),
    "min_seconds": _seconds(),
    "max_seconds": _seconds(),
    "mean_seconds": _seconds(),
    "within_seconds": _seconds(),
    "copies": Rule(int, 1, MAX_COPIES, f"a whole number of copies from 1 to {MAX_COPIES}"),
    "retries": Rule(int, 0, MAX_RETRIES, f"a whole number of retries from 0 to {MAX_RETRIES}"),
    "retry_interval_minutes": Rule(
        float, 1 / 60, MAX_MINUTES, f"minutes from 1 second to {MAX_MINUTES:,} (30 days)"
    ),
    "distribution": _NAME,
    "participant": _NAME,
    "network": _NAME,
    "message": _NAME,
    "sender": _NAME,
    "recipient": _NAME,
    "window": _NAME,
    "at": _NAME,
    "one_way": Rule(bool),
    "between": Rule(list),
    "and": Rule(list),
    # restart policies (a crash's ``restart`` and ``[bug_restart]``)
    "mode": _NAME,
    "max_restarts": Rule(
        int, 0, MAX_RETRIES, f"a whole number of restarts from 0 to {MAX_RETRIES}"
    ),
    "within_hours": Rule(
        float, 1 / 60, MAX_SPAN_HOURS, f"hours from 1 minute to {MAX_SPAN_HOURS:,} (a year)"
    ),
    "delay_minutes": Rule(
        float,
        0,
        MAX_MINUTES,
        f"minutes from 0 to {MAX_MINUTES:,}: a participant restarts at or after its crash",
    ),
}

#: A clock may run behind as well as ahead.
_KIND_RULES: Final[Mapping[tuple[str, str], Rule]] = {
    ("clock_skew", "seconds"): _seconds(-MAX_FAULT_SECONDS),
}


def checked(kind: str, key: str, value: object, where: str) -> Any:
    """``value`` of ``key`` in a ``kind`` fault, as the fault takes it; ScenarioError otherwise.

    Keys without a rule pass unchanged (the fault's own constructor says
    whether it knows them).
    """
    rule = _KIND_RULES.get((kind, key)) or RULES.get(key)
    if rule is None:
        return value
    return _as(rule, value, f"{where}.{key}")


def _as(rule: Rule, value: object, where: str) -> Any:
    if rule.kind is list:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ScenarioError(
                f'{where} = {value!r}: must be a list of participant ids, e.g. ["NHHDC-NDCE"]'
            )
        return value
    if rule.kind in (bool, str):
        if not isinstance(value, rule.kind):
            spelled = "true or false" if rule.kind is bool else "a string"
            raise ScenarioError(f"{where} = {value!r}: must be {spelled}")
        return value
    whole = rule.kind is int
    is_number = isinstance(value, int) or (isinstance(value, float) and not whole)
    if isinstance(value, bool) or not is_number:
        spelled = "a whole number" if whole else "a number"
        raise ScenarioError(f"{where} = {value!r}: must be {spelled} ({rule.says})")
    assert isinstance(value, int | float)
    if not (math.isfinite(value) and rule.low <= value <= rule.high):
        raise ScenarioError(f"{where} = {value!r}: must be {rule.says}")
    return value  # as written: an int stays an int, so journals read as before
