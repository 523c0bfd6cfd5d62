"""Hypothesis strategies for hostile scenario and fault-plan files, and a TOML writer for them.

The documents use the real section and key names (so they reach the checks
behind the parser) with values of every TOML type, in and out of range:
huge and negative integers, ``nan`` and ``inf``, text where numbers belong,
dates of any year, nested arrays and tables.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import attrs
from hypothesis import strategies as st

from market.faults.plan import FAULT_TYPES
from market.process.options import ProcessOptions
from market.process.scenario_spec import DecisionRates

MARKET_KEYS = ("seed", "mpans", "start", "switch_days", "variants")
RATE_KEYS = tuple(field.name for field in attrs.fields(DecisionRates))
OPTION_KEYS = tuple(field.name for field in attrs.fields(ProcessOptions))
FAULT_KEYS = (
    "probability",
    "seconds",
    "min_seconds",
    "max_seconds",
    "mean_seconds",
    "within_seconds",
    "copies",
    "retries",
    "retry_interval_minutes",
    "distribution",
    "participant",
    "network",
    "message",
    "sender",
    "recipient",
    "window",
    "at",
    "one_way",
    "between",
    "and",
    "restart",
)
RESTART_KEYS = ("mode", "max_restarts", "within_hours", "delay_minutes")
PARTICIPANTS = ("REGS-19", "SUP-MHSA", "SUP-LGSB", "NHHDC-NDCE", "CSS", "NOBODY")
WINDOWS = (
    "always",
    "day 1 09:00-11:00",
    "day 2 09:00 for 72 hours",
    "from SSD-1 for 72 hours",
    "from 2026-03-01 18:00 for 0.5 hours",
    "2026-03-01 18:00 to 2026-02-01 18:00",
    "day 0 25:61-26:00",
    "day 99999999999999999999 09:00-10:00",
    "from SSD+99999 for 1 hours",
    "2026-02-30 10:00 to 2026-03-01 10:00",
    "day 2 16:02",
    "SSD-1 18:00",
)

_N = st.integers(0, 10**20) | st.integers(0, 40)
_HH, _MM = st.integers(0, 25), st.integers(0, 61)
_HOURS = st.integers(0, 10**15).map(str) | st.floats(0, 1e6).map(lambda h: f"{h:.2f}")
_YMD = st.builds(
    "{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)
)
_SIGN = st.sampled_from(["", "-", "+"])
#: Window and instant texts from their grammar (``market.faults.windows``), any numbers.
WINDOW_TEXTS = st.one_of(
    st.builds("day {} {}:{:02d}-{}:{:02d}".format, _N, _HH, _MM, _HH, _MM),
    st.builds("day {} {}:{:02d} for {} hours".format, _N, _HH, _MM, _HOURS),
    st.builds("from SSD{}{} for {} hours".format, _SIGN, _N, _HOURS),
    st.builds("from {} {}:{:02d} for {} hours".format, _YMD, _HH, _MM, _HOURS),
    st.builds("{} {}:{:02d} to {} {}:{:02d}".format, _YMD, _HH, _MM, _YMD, _HH, _MM),
)
INSTANT_TEXTS = st.one_of(
    st.builds("day {} {}:{:02d}".format, _N, _HH, _MM),
    st.builds("SSD{}{} {}:{:02d}".format, _SIGN, _N, _HH, _MM),
    st.builds("{} {}:{:02d}".format, _YMD, _HH, _MM),
)

#: Integers a file may hold: small, at the edges of every range, and absurd.
INTEGERS = st.integers(-5, 30) | st.sampled_from(
    [-(2**63), -1, 0, 28, 29, 100, 101, 2610, 3660, 10**9, 2**63, 10**18 - 1, 10**18]
)
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [-0.0, 0.5, 1.0, 1.0000001, 1e9, 1e300, math.inf, -math.inf, math.nan]
)
TEXT = st.text(max_size=12) | st.sampled_from(WINDOWS + PARTICIPANTS + ("3", "mixed", "abc"))
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
SCALARS = INTEGERS | FLOATS | TEXT | st.booleans() | DATES
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=2),
    max_leaves=4,
)


def _table(
    keys: tuple[str, ...], values: st.SearchStrategy[Any]
) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys) | TEXT, values, max_size=4)


#: A sensible value for each key, so that a case gets past its first check and meets the next.
SENSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "probability": st.floats(0, 1),
    "seconds": st.floats(0, 3600),
    "min_seconds": st.floats(0, 60),
    "max_seconds": st.floats(60, 600),
    "mean_seconds": st.floats(0, 600),
    "within_seconds": st.floats(0, 600),
    "copies": st.integers(1, 10),
    "retries": st.integers(0, 5),
    "retry_interval_minutes": st.floats(1, 60),
    "distribution": st.sampled_from(["fixed", "uniform", "exponential"]),
    "participant": st.sampled_from(PARTICIPANTS),
    "sender": st.sampled_from(PARTICIPANTS),
    "recipient": st.sampled_from(PARTICIPANTS),
    "network": st.sampled_from(["DIP", "DTN", "CSS", "SMTP"]),
    "message": st.sampled_from(["IF-003", "PUB-003", "D0155", "SecuredActive", "IF-999"]),
    "window": st.sampled_from(WINDOWS) | WINDOW_TEXTS,
    "at": st.sampled_from(WINDOWS) | INSTANT_TEXTS,
    "one_way": st.booleans(),
    "between": st.lists(st.sampled_from(PARTICIPANTS), max_size=2),
    "and": st.lists(st.sampled_from(PARTICIPANTS), max_size=2),
    "mode": st.sampled_from(["keep", "lose", "none", "explode"]),
    "max_restarts": st.integers(0, 3),
    "within_hours": st.floats(0.1, 48),
    "delay_minutes": st.floats(-10, 60),
}
SENSIBLE["restart"] = st.fixed_dictionaries(
    {}, optional={key: SENSIBLE[key] | SCALARS for key in RESTART_KEYS}
)


def _fault_value(key: str) -> st.SearchStrategy[Any]:
    """Values for ``key`` of a fault: sensible two times in three, anything otherwise."""
    return st.one_of(SENSIBLE[key], SENSIBLE[key], SCALARS)


_SCOPE = ("network", "message", "sender", "recipient", "participant", "window")
#: The keys each kind of fault reads (the README's fault table).
KIND_KEYS = {
    "loss": ("probability", *_SCOPE),
    "delay": (
        "distribution",
        "seconds",
        "min_seconds",
        "max_seconds",
        "mean_seconds",
        "probability",
        *_SCOPE,
    ),
    "duplicate": ("probability", "copies", *_SCOPE),
    "reorder": ("probability", "within_seconds", *_SCOPE),
    "corrupt": ("probability", *_SCOPE),
    "dip_outage": ("window",),
    "webhook_down": ("participant", "retries", "retry_interval_minutes", "window"),
    "partition": ("between", "and", "one_way", "window"),
    "slow": ("participant", "seconds", "window"),
    "clock_skew": ("participant", "seconds"),
    "crash": ("participant", "at", "restart"),
}
assert set(KIND_KEYS) == set(FAULT_TYPES)


def _fault_of(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    keys = {key: _fault_value(key) for key in KIND_KEYS[kind]}
    return st.fixed_dictionaries({"kind": st.just(kind)}, optional=keys)


#: A fault table: each kind with its own keys (any values), or any kind with any keys.
FAULTS = st.one_of(
    *(_fault_of(kind) for kind in KIND_KEYS),
    st.fixed_dictionaries(
        {"kind": st.sampled_from(tuple(FAULT_TYPES)) | TEXT},
        optional={key: _fault_value(key) for key in FAULT_KEYS},
    ),
)

#: A fault plan document.
PLANS = st.fixed_dictionaries(
    {},
    optional={
        "fault": st.lists(FAULTS, max_size=3),
        "bug_restart": _table(RESTART_KEYS, SCALARS),
    },
)

#: A scenario document: small populations (runs stay quick) or absurd ones (refused first).
SCENARIOS = st.fixed_dictionaries(
    {},
    optional={
        "market": st.fixed_dictionaries(
            {},
            optional={
                "seed": INTEGERS,
                "mpans": st.integers(-2, 4) | st.sampled_from([10**9, 10**12]),
                "start": DATES | st.sampled_from([date(2026, 2, 26), date(2027, 12, 24)]),
                "switch_days": st.integers(-2, 3) | st.sampled_from([2610, 2611, 10**9]),
                "variants": VALUES | st.sampled_from(["T", "A", "S", "mixed"]),
            },
        ),
        "decisions": _table(RATE_KEYS, FLOATS | INTEGERS | TEXT),
        "options": _table(OPTION_KEYS, SCALARS),
        "fault": st.lists(FAULTS, max_size=2),
    },
)


def toml_value(value: Any) -> str:  # noqa: PLR0911  (one return per TOML type)
    """``value`` as a TOML value (inline tables for mappings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{json.dumps(key)} = {toml_value(item)}" for key, item in value.items())
        return "{ " + pairs + " }"
    raise TypeError(f"no TOML for {value!r}")


def toml_document(document: dict[str, Any]) -> str:
    """A scenario or plan document as TOML text: sections as tables, faults as ``[[fault]]``."""
    lines: list[str] = []
    for section, body in document.items():
        if section == "fault":
            for fault in body:
                lines.append("[[fault]]")
                lines.extend(f"{json.dumps(k)} = {toml_value(v)}" for k, v in fault.items())
        else:
            lines.append(f"[{section}]")
            lines.extend(f"{json.dumps(k)} = {toml_value(v)}" for k, v in body.items())
    return "\n".join(lines) + "\n"
