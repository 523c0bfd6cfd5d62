"""Fuzz: DIP bodies, ``market validate`` files and ``market run`` arguments, never a traceback.

DIP bodies are built from a valid submission by one hostile change (deep
nesting, huge numbers, impossible datetimes and offsets, random JSON, bytes
that are not UTF-8) and must parse or be refused with a JSON path
(``EnvelopeError``: the gateway's MSG1001). ``market validate`` reads them from
files and must exit 0, 1 (the body breaks a message rule) or 2 (the file is
refused) with no traceback. ``market run`` gets hostile option values and must
run (0 or 1) or refuse them (2).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.cli.main import main
from market.messages.dip import EnvelopeError, parse_body
from tests.dip import examples
from tests.fuzz.tally import record
from tests.strategies import JSON_VALUES, locations

#: A valid submission body (one PUB-003 envelope), as the JSON document the mutations start from.
VALID = json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)

HOSTILE_LEAVES = st.one_of(
    JSON_VALUES,
    st.integers(min_value=10**17, max_value=10**40),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59+14:00",
            "2026-02-30T10:00:00+00:00",
            "2026-03-01T10:00:00+00:99",
            "2026-03-01T10:00:00+05:10",
            "2026-03-01T10:00:00-13:00",
            "2026-03-01T25:00:00Z",
            "PUB-999",
            "IF-999",
            "",
            "x" * 5000,
        ]
    ),
)


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@st.composite
def hostile_bodies(draw: st.DrawFn) -> bytes:
    """A DIP body: the valid one with one value replaced, deep nesting, or raw garbage."""
    choice = draw(st.sampled_from(["replace", "deep", "garbage", "numbers"]))
    if choice == "deep":
        return _deep(draw(st.integers(1, 6000)))
    if choice == "garbage":
        return draw(st.binary(max_size=200))
    if choice == "numbers":
        digits = draw(st.integers(1, 6000))
        return b"[" + b"9" * digits + b"]"
    document: Any = json.loads(json.dumps(VALID))
    path = draw(st.sampled_from(locations(document)[1:]))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = draw(HOSTILE_LEAVES)
    return json.dumps(document).encode()


@given(hostile_bodies())
def test_a_hostile_dip_body_parses_or_is_refused_with_a_path(body: bytes) -> None:
    try:
        parse_body(body)
    except EnvelopeError as error:
        assert error.path.startswith("$") and error.rule
        record("DIP body (parse_body, the gateway's level 1)", "refused")
    else:
        record("DIP body (parse_body, the gateway's level 1)", "accepted")


def _cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(args)
        except SystemExit as stop:  # argparse refuses a value (exit 2)
            status = int(stop.code or 0)
    return status, out.getvalue(), err.getvalue()


@settings(max_examples=100)
@given(hostile_bodies())
def test_market_validate_on_a_hostile_file_exits_0_1_or_2(body: bytes) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "body.json"
        path.write_bytes(body)
        status, out, err = _cli(["validate", str(path)])
    assert "Traceback" not in out + err
    assert status in (0, 1, 2), status
    assert len(out.splitlines()) <= 30  # capped, whatever the body holds
    record("market validate FILE", "refused" if status else "accepted")


#: ``market run`` options and hostile values for them (small runs when accepted).
RUN_OPTIONS = {
    "--mpans": st.sampled_from(["0", "-1", "1", "2", "1e3", "10000000", "9" * 30, "x", ""]),
    "--seed": st.sampled_from(["0", "-1", "7", "1.5", "9" * 5000, "nan"]),
    "--variant": st.sampled_from(["T", "A", "S", "mixed", "Z", ""]),
    "--real-time": st.sampled_from(["nan", "inf", "-1", "0", "1e-300", "abc"]),
    "--days": st.sampled_from(["0", "1", "1000000", "1e400", "-5"]),
    "--profile": st.sampled_from(["bau-2024", "nope", ""]),
    "--memory-limit": st.sampled_from(["0", "-1", "nan", "inf", "0.001", "1e400"]),
}


@pytest.mark.slow
@settings(max_examples=100)
@given(
    st.dictionaries(st.sampled_from(sorted(RUN_OPTIONS)), st.just(None), max_size=3).flatmap(
        lambda chosen: st.fixed_dictionaries({key: RUN_OPTIONS[key] for key in chosen})
    )
)
def test_market_run_with_hostile_option_values_runs_or_refuses(options: dict[str, str]) -> None:
    if "--profile" in options:  # a load run: keep it small when it is accepted
        options = {**options, "--mpans": "50", "--days": "1"} | {
            key: value for key, value in options.items() if key not in ("--mpans", "--days")
        }
        options.pop("--real-time", None)
    args = ["run", "--quiet", "--no-signing"]
    for key, value in options.items():
        args += [key, value]
    status, out, err = _cli(args)
    assert "Traceback" not in out + err, err
    assert status in (0, 1, 2), (status, err)
    record("market run OPTIONS", "refused" if status == 2 else "accepted")
