"""Fault plans back to TOML: what the sweep writes when it hands over a shrunk failing run.

:func:`fault_plan_to_toml` is the inverse of :func:`market.faults.load_fault_plan`
for the same :class:`~market.faults.WindowAnchor`: windows keep the calendar
text they were written in (``day 2 09:00 for 72 hours``), crash instants are
written as UK local date and time, and only values that differ from a fault's
defaults are written, so a shrunk plan reads like one a person wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Final

import attrs

from market.faults.plan import (
    Crash,
    Fault,
    FaultPlan,
    Partition,
    RestartPolicy,
    Scope,
    WebhookDown,
    Window,
)
from market.kernel.local_time import UK

#: Fields written in their own way (or not at all) rather than as ``name = value``.
_SPECIAL: Final = frozenset(
    {"scope", "window", "side_a", "side_b", "at", "restart", "retry_interval"}
)

_DEFAULT_RETRY_INTERVAL: Final = attrs.fields(WebhookDown).retry_interval.default


def _value(value: object) -> str:
    """One TOML value: strings quoted (JSON escapes are TOML escapes), lists, numbers, booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Iterable):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} ({type(value).__name__}) as a TOML value")


def _minutes(span: timedelta) -> float | int:
    minutes = span.total_seconds() / 60
    return int(minutes) if minutes.is_integer() else minutes


def _hours(span: timedelta) -> float | int:
    hours = span.total_seconds() / 3600
    return int(hours) if hours.is_integer() else hours


def _restart_keys(policy: RestartPolicy) -> list[tuple[str, object]]:
    """The policy's mode and non-default keys, in the plan file's own spelling."""
    default = RestartPolicy()
    keys: list[tuple[str, object]] = [("mode", policy.mode)]
    if policy.max_restarts != default.max_restarts:
        keys.append(("max_restarts", policy.max_restarts))
    if policy.within != default.within:
        keys.append(("within_hours", _hours(policy.within)))
    if policy.delay != default.delay:
        keys.append(("delay_minutes", _minutes(policy.delay)))
    return keys


def _fault_lines(fault: Fault) -> list[str]:
    lines = ["[[fault]]", f"kind = {_value(fault.kind)}"]
    cls = type(fault)
    for field in attrs.fields(cls):
        value = getattr(fault, field.name)
        if field.name in _SPECIAL:
            continue
        if field.default is not attrs.NOTHING and value == field.default:
            continue
        lines.append(f"{field.name} = {_value(value)}")
    scope: Scope | None = getattr(fault, "scope", None)
    if scope is not None:
        for field in attrs.fields(Scope):
            scoped = getattr(scope, field.name)
            if scoped is not None:
                lines.append(f"{field.name} = {_value(scoped)}")
    if isinstance(fault, Partition):
        lines.append(f"between = {_value(sorted(fault.side_a))}")
        lines.append(f"and = {_value(sorted(fault.side_b))}")
    if isinstance(fault, WebhookDown) and fault.retry_interval != _DEFAULT_RETRY_INTERVAL:
        lines.append(f"retry_interval_minutes = {_value(_minutes(fault.retry_interval))}")
    if isinstance(fault, Crash):
        lines.append(f"at = {_value(fault.at.astimezone(UK).strftime('%Y-%m-%d %H:%M'))}")
        keys = ", ".join(f"{key} = {_value(value)}" for key, value in _restart_keys(fault.restart))
        lines.append(f"restart = {{ {keys} }}")
    window: Window | None = getattr(fault, "window", None)
    if window is not None and window.text.strip().lower() not in ("", "always"):
        lines.append(f"window = {_value(window.text)}")
    return lines


def fault_plan_to_toml(plan: FaultPlan, *, comment: str = "") -> str:
    """The plan as a TOML document that :func:`~market.faults.load_fault_plan` reads back.

    ``comment`` (any number of lines) heads the file as ``#`` comments. Crash
    instants lose their seconds: the plan format writes instants to the minute.
    """
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    for fault in plan.faults:
        if lines:
            lines.append("")
        lines.extend(_fault_lines(fault))
    if plan.bug_restart is not None:
        if lines:
            lines.append("")
        lines.append("[bug_restart]")
        lines.extend(f"{key} = {_value(value)}" for key, value in _restart_keys(plan.bug_restart))
    return "\n".join(lines) + "\n"
