"""Fuzz: hostile scenario and fault-plan files are accepted or refused, never a traceback.

Each property runs on the ``ci`` profile's fixed, derandomized examples (see
``tests/conftest.py``); ``tests/fuzz/tally.py`` counts what each entry point did,
and the run prints the figures at the end ("fuzz figures").
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.cli.main import main
from market.faults import WindowAnchor, plan_from_mapping
from market.faults.windows import parse_instant, parse_window
from market.kernel.exceptions import ScenarioError
from market.process.scenario_spec import load_scenario, spec_from_mapping
from tests.fuzz.tally import record
from tests.fuzz.toml_documents import (
    INSTANT_TEXTS,
    PLANS,
    SCENARIOS,
    WINDOW_TEXTS,
    toml_document,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    [*ROOT.glob("examples/scenarios/*.toml"), *ROOT.glob("examples/faults/*.scenario.toml")]
)
ANCHOR = WindowAnchor(start_day=date(2026, 2, 26), first_supply_start_date=date(2026, 3, 2))


def _judged(entry: str, read: Any) -> None:
    """Run ``read()``: a value is accepted, a ScenarioError refused; anything else escapes."""
    try:
        read()
    except ScenarioError as error:
        assert str(error).strip() and "\n" not in str(error)
        record(entry, "refused")
    else:
        record(entry, "accepted")


@given(SCENARIOS)
def test_a_scenario_document_is_accepted_or_refused(document: dict[str, Any]) -> None:
    _judged("scenario tables (spec_from_mapping)", lambda: spec_from_mapping(document))


@given(PLANS)
def test_a_fault_plan_document_is_accepted_or_refused(document: dict[str, Any]) -> None:
    _judged("fault-plan tables (plan_from_mapping)", lambda: plan_from_mapping(document, ANCHOR))


@given(WINDOW_TEXTS | INSTANT_TEXTS | st.text(max_size=40))
def test_a_window_or_instant_text_is_read_or_refused(text: str) -> None:
    """The calendar grammar with any numbers: huge days, impossible dates and times, any hours."""

    def read() -> None:
        try:
            parse_window(text, ANCHOR)
        except ScenarioError:
            parse_instant(text, ANCHOR)

    _judged("fault windows and instants (parse_window, parse_instant)", read)


@given(
    st.sampled_from(SHIPPED),
    st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=3)), min_size=1, max_size=4),
)
def test_a_shipped_scenario_with_bytes_changed_is_accepted_or_refused(
    original: Path, edits: list[tuple[float, bytes]]
) -> None:
    data = bytearray(original.read_bytes())
    for where, new in edits:
        at = int(where * len(data))
        data[at : at + len(new)] = new
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / original.name
        path.write_bytes(bytes(data))
        _judged("scenario file bytes (load_scenario)", lambda: load_scenario(path))


def _market_run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["run", "--quiet", *args])
    return status, out.getvalue(), err.getvalue()


@pytest.mark.slow
@settings(max_examples=60)
@given(SCENARIOS, PLANS)
def test_market_run_on_a_hostile_scenario_and_plan_refuses_or_runs(
    scenario: dict[str, Any], plan: dict[str, Any]
) -> None:
    """Through the CLI: exit 2 with one line, or a run that ends with its verdict (0 or 1)."""
    with tempfile.TemporaryDirectory() as scratch:
        scenario_path = Path(scratch) / "scenario.toml"
        scenario_path.write_text(toml_document(scenario), encoding="utf-8")
        plan_path = Path(scratch) / "plan.faults.toml"
        plan_path.write_text(toml_document(plan), encoding="utf-8")
        status, out, err = _market_run("--scenario", str(scenario_path), "--faults", str(plan_path))
    assert "Traceback" not in out + err
    if status == 2:
        assert len([line for line in err.splitlines() if line.strip()]) == 1, err
        record("market run --scenario --faults", "refused")
    else:
        assert status in (0, 1), (status, err)
        assert "journal digest" in out
        record("market run --scenario --faults", "accepted")
