"""D5 per MPAN (``decisions.legacy_agents_unknown``) and a scenario's own ``[[fault]]`` tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from actors.markets.default import build_market
from market.checks import format_verdict
from market.checks.decisions import decision_outcomes
from market.cli.main import main
from market.faults import Corrupt
from market.kernel.exceptions import ScenarioError
from market.load.spec import LoadSpec
from market.process.options import ProcessOptions
from market.process.scenario_spec import DecisionRates, ScenarioSpec, spec_from_mapping
from market.runtime.simulation import RunResult, Simulation, journal_dicts

Event = dict[str, Any]


def _run(variant: str = "T", mpans: int = 3, **fields: Any) -> tuple[RunResult, list[Event]]:
    options = fields.pop("options", ProcessOptions())
    spec = ScenarioSpec(
        seed=5,
        mpans=mpans,
        variants={variant: 1.0},
        decisions=DecisionRates(**fields),
        options=options,
    )
    result = Simulation(build_market(spec)).run_sync()
    return result, journal_dicts(result.journal)


def _records(events: list[Event], name: str) -> list[Event]:
    return [e for e in events if (e.get("detail") or {}).get("event") == name]


def _deappointments(events: list[Event]) -> list[Event]:
    return [
        e
        for e in events
        if e["kind"] == "delivered"
        and e["message"] == "PUB-003"
        and e.get("event_code") in ("[MSDeAppRM]", "[DSDeAppRM]")
    ]


def _outcome(events: list[Event], start: str) -> int:
    (found,) = [
        o for o in decision_outcomes(events) if f"{o.decision} {o.outcome}".startswith(start)
    ]
    return len(found.mpans)


@pytest.mark.parametrize("variant", ["T", "A", "S"])
def test_d5_unknown_agents_de_appoint_on_securing_without_b095_b096(variant: str) -> None:
    result, events = _run(variant, legacy_agents_unknown=1.0)
    assert result.verdict.ok, format_verdict(result.verdict)
    assert len(_records(events, "legacy_agents_unknown")) == 3
    deappointments = _deappointments(events)
    assert deappointments
    for event in deappointments:
        custom = event["envelope"]["CustomBlock"]
        assert "B095" not in custom and "B096" not in custom
    assert _outcome(events, "D5 legacy agents omitted") == 3
    assert _outcome(events, "D5 legacy agents named") == 0
    # The gaining supplier learns the outgoing MS from D0311 instead.
    d0311 = [e for e in events if e["kind"] == "delivered" and e["message"] == "D0311"]
    assert all(e["flow"]["items"]["old_meter_operator_mpid"] for e in d0311)


def test_d5_known_agents_by_default() -> None:
    _, events = _run("T")
    assert not _records(events, "legacy_agents_unknown")
    assert _outcome(events, "D5 legacy agents named") == 3


def test_d5_rate_draws_nothing_when_the_run_never_waits() -> None:
    """With the option off REGS never waits, so the rate has nothing to decide: same journal."""
    off = ProcessOptions(deappoint_waits_for_legacy_agents=False)
    plain, _ = _run("T", options=off)
    drawn, events = _run("T", options=off, legacy_agents_unknown=1.0)
    assert not _records(events, "legacy_agents_unknown")
    assert plain.journal.digest() == drawn.journal.digest()


def test_the_smart_ms_holds_a_mops_request_until_its_de_appointment() -> None:
    """D5 No with a lagging DIP register: the MOP asks (D0170) before [MSDeAppRM] arrives."""
    result, events = _run("S", mpans=4, legacy_agents_unknown=1.0, dip_register_lag=1.0)
    assert result.verdict.ok, format_verdict(result.verdict)
    held = _records(events, "mtd_request_held")
    assert held
    released = {
        e["mpan"]
        for e in events
        if e["kind"] == "delivered" and e["message"] == "D0150" and e["sender"] == "MSS-MSSD"
    }
    assert {e["mpan"] for e in held} <= released


def test_a_refusal_the_supplier_is_copied_on_is_not_its_own_refused_request() -> None:
    _, events = _run("T", late_consumption=1.0)
    noted = _records(events, "refusal_noted")
    assert noted and {e["detail"]["event_code"] for e in noted} == {"[ActivePowerRejected]"}
    assert not _records(events, "request_refused")


def test_a_scenarios_fault_tables_are_its_fault_plan() -> None:
    spec = spec_from_mapping(
        {"fault": [{"kind": "corrupt", "probability": 0.5, "message": "IF-021"}]}
    )
    (fault,) = spec.faults.faults
    assert isinstance(fault, Corrupt) and fault.probability == 0.5
    assert fault.scope.message == "IF-021"


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"fault": [{"kind": "corrupt", "probability": 2}]}, "a probability from 0 to 1"),
        ({"fault": [{"kind": "teleport"}]}, r"fault\[0\]\.kind = 'teleport'"),
        ({"fault": [{"kind": "dip_outage", "window": "someday"}]}, "someday"),
    ],
)
def test_a_bad_fault_table_in_a_scenario_is_refused(tables: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        spec_from_mapping(tables)


def test_market_run_applies_the_scenarios_faults_and_faults_replaces_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "lossy.toml"
    scenario.write_text(
        '[market]\nmpans = 2\n\n[[fault]]\nkind = "corrupt"\nprobability = 1.0\n'
        'message = "IF-021"\n'
    )
    none = tmp_path / "none.faults.toml"
    none.write_text("# no faults\n")
    journal = tmp_path / "run.jsonl"
    main(["run", "--quiet", "--scenario", str(scenario), "--journal", str(journal)])
    kinds = {json.loads(line)["kind"] for line in journal.read_text().splitlines()}
    assert "corrupted" in kinds
    args = ["run", "--quiet", "--scenario", str(scenario), "--faults", str(none)]
    assert main([*args, "--journal", str(journal)]) == 0
    kinds = {json.loads(line)["kind"] for line in journal.read_text().splitlines()}
    assert "corrupted" not in kinds
    capsys.readouterr()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("withdrawal", "do not model this decision"),
        ("related_mpan", "do not model this decision"),
        ("legacy_agents_unknown", "do not model this decision"),
        ("dispute_rejected", "do not model this decision"),
        ("forward_migration", "set forward_migrations_per_working_day instead"),
    ],
)
def test_a_gb_shaped_load_refuses_a_rate_it_would_not_read(name: str, rule: str) -> None:
    """A rate the GB builder never reads would match nothing: refused, naming the key."""
    with pytest.raises(ScenarioError, match=rf"load\.behaviours\.{name} = 0\.1: .*{rule}"):
        LoadSpec(
            name="x",
            switches_per_working_day=100,
            migrated_share=0.5,
            reverse_migration_share=0.1,
            behaviours=DecisionRates(**{name: 0.1}),
        )
