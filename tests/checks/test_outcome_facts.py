"""The outcomes of a run that keeps no journal equal those read from the whole journal.

:class:`market.checks.outcome_facts.OutcomeFacts` keeps only the cut-down lines
the outcome rules read; over the runs below, which between them take every path
(reverse migrations T, A and S, COS-L, COS-M, OBJ, WDR, REL, MCS) under faults,
its outcomes must be exactly ``mpan_outcomes`` over every event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from actors.markets.default import build_market
from market.checks.outcome_facts import OutcomeFacts, outcome_fact
from market.checks.progress import mpan_outcomes
from market.cli.run import window_anchor
from market.faults import load_fault_plan
from market.kernel.journal import JournalEvent, event_to_dict, event_views
from market.messages.rendering import render_payload
from market.process.scenario import MarketSetup
from market.process.scenario_spec import VARIANT_MIXES, ScenarioSpec, load_scenario
from market.runtime.simulation import NOT_JUDGED, Simulation, run_and_summarise

ROOT = Path(__file__).resolve().parents[2]


def _setup(name: str) -> MarketSetup:
    if name.startswith("variant "):
        return build_market(ScenarioSpec(variants=VARIANT_MIXES[name.split()[1]]))
    if name == "mixed faults":
        spec = ScenarioSpec(variants=VARIANT_MIXES["mixed"], mpans=12)
        plan = load_fault_plan(ROOT / "examples/faults/lossy_dip.faults.toml", window_anchor(spec))
        return build_market(attrs.evolve(spec, faults=plan))
    spec = load_scenario(ROOT / name)
    return build_market(spec)


RUNS = (
    "variant T",
    "variant A",
    "variant S",
    "mixed faults",
    "examples/scenarios/all-decisions.toml",
    "examples/faults/registration_crash.scenario.toml",
    "examples/faults/duplicate_storm.scenario.toml",
)


@pytest.mark.parametrize("name", RUNS)
def test_outcomes_from_facts_equal_outcomes_from_every_event(name: str) -> None:
    setup = _setup(name)
    simulation = Simulation(setup)
    facts = OutcomeFacts(render_payload)
    simulation.subscribe(facts.add)
    summary = run_and_summarise(simulation)
    views = event_views(simulation.journal, render_payload)
    expected = mpan_outcomes(views, setup.switching_mpans, options=setup.options)
    assert facts.outcomes(setup.switching_mpans, options=setup.options) == expected
    assert len(facts) < len(simulation.journal) / 2  # it keeps a small part of the journal
    assert summary.judged


def test_the_runs_take_every_path() -> None:
    paths = set()
    for name in RUNS:
        setup = _setup(name)
        summary = run_and_summarise(Simulation(setup))
        paths |= {str(outcome.path) for outcome in summary.outcomes}
    assert paths >= {"RM-T", "RM-A", "RM-S", "COS-L", "COS-M", "OBJ", "WDR", "REL", "MCS"}


def test_a_run_without_a_journal_keeps_no_events_and_is_not_judged() -> None:
    spec = ScenarioSpec(variants=VARIANT_MIXES["mixed"], mpans=6)
    judged = run_and_summarise(Simulation(build_market(spec)))
    simulation = Simulation(build_market(spec), keep_journal=False)
    summary = run_and_summarise(simulation)
    assert not simulation.journal_kept
    assert simulation.journal.events == ()
    assert len(simulation.journal) == len(judged.result.journal)  # type: ignore[union-attr]
    assert summary.outcomes == judged.outcomes
    assert not summary.judged
    assert summary.lines[0] == NOT_JUDGED
    assert summary.ok
    with pytest.raises(ValueError, match="keeps no journal"):
        simulation.run_sync()


def test_an_unjudged_run_that_leaves_a_switch_unfinished_is_not_ok() -> None:
    spec = load_scenario(ROOT / "examples/faults/registration_crash.scenario.toml")
    plan = load_fault_plan(
        ROOT / "examples/faults/registration_crash.faults.toml", window_anchor(spec)
    )
    spec = attrs.evolve(spec, faults=plan)
    summary = run_and_summarise(Simulation(build_market(spec), keep_journal=False))
    completed = sum(outcome.completed for outcome in summary.outcomes)
    assert not summary.judged
    assert completed < len(summary.outcomes)
    assert not summary.ok
    assert f"{completed:,} of {len(summary.outcomes):,} switches completed" in summary.lines[-1]


def test_a_fact_keeps_only_what_the_outcome_rules_read() -> None:
    setup = build_market(ScenarioSpec(variants=VARIANT_MIXES["A"]))
    simulation = Simulation(setup)
    simulation.run_sync()
    kinds = set()
    for event in simulation.journal:
        line = event_to_dict(event, render_payload)
        fact = outcome_fact(line)
        if fact is None:
            continue
        kinds.add(fact["kind"])
        assert set(fact) <= {
            "kind",
            "message",
            "mpan",
            "step",
            "at",
            "sent_at",
            "flow",
            "envelope",
            "detail",
        }
        for key in ("kind", "message", "mpan"):
            assert fact[key] == line[key]
        if "flow" in fact:
            assert set(fact["flow"]["items"]) <= {
                "resolution",
                "appointed_role",
                "smart_cos_indicator",
            }
    assert kinds == {"delivered", "accepted", "routed"}
    assert outcome_fact({"kind": "delivered", "message": "IF-003", "step": "T1"}) is None
    assert outcome_fact({"kind": "sent", "message": "IF-003", "mpan": "1", "step": "T1"}) is None
    assert outcome_fact({"kind": "routed", "message": "IF-003", "mpan": "1"}) is None


def _line(kind: str, message: str, step: str | None = None, **extra: object) -> dict[str, object]:
    return {
        "kind": kind,
        "message": message,
        "mpan": "1",
        "step": step,
        "at": "2026-03-02T10:00:00Z",
        **extra,
    }


#: Hand-made journals where each kept field decides the outcome (no run has them all).
DECIDING = {
    "an unstamped IF-003 and an HH appointment: RM-A": [
        _line("delivered", "IF-003"),
        _line("delivered", "D0155", flow={"items": {"appointed_role": "HHDC", "x": 1}}),
    ],
    "a smart change-of-supply D0155: RM-S": [
        _line("accepted", "PUB-003"),
        _line("delivered", "D0155", flow={"items": {"smart_cos_indicator": True}}),
    ],
    "a PUB-003 routed to an MSA: RM-A": [
        _line("delivered", "IF-003"),
        _line("routed", "PUB-003", detail={"routing": "MSA:DIP-1", "other": 2}),
    ],
    "a PUB-032 refusing a related MPAN: REL": [
        _line(
            "delivered",
            "PUB-032",
            envelope={
                "CommonBlock": {
                    "R0": {"responseCode": "R", "responseMessages": ["REG1038 related"]}
                },
                "DataBlock": {},
            },
        ),
    ],
    "an appointment in a migration scenario: MCS": [
        _line(
            "accepted",
            "IF-031",
            envelope={"CustomBlock": {"a": {"appointmentScenario": "MCS", "other": 1}}},
        ),
    ],
}


@pytest.mark.parametrize("lines", list(DECIDING.values()), ids=list(DECIDING))
def test_every_kept_field_decides_some_outcome(lines: list[dict[str, object]]) -> None:
    facts = [fact for line in lines if (fact := outcome_fact(line)) is not None]
    assert mpan_outcomes(facts, ["1"]) == mpan_outcomes(lines, ["1"])
    assert mpan_outcomes(lines, ["1"])[0].path is not None


def test_a_repeat_is_dropped_only_when_everything_the_rules_read_is_the_same() -> None:
    """Two D0155s for one MPAN differ only in their items: the second decides variant A."""

    def render(payload: object) -> tuple[str, object]:
        return ("flow", {"items": payload})

    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    events = [
        JournalEvent(0, at, "delivered", "DIP", "IF-003", mpan="1"),
        JournalEvent(
            1, at, "delivered", "DTN", "D0155", mpan="1", payload={"appointed_role": "NHHDC"}
        ),
        JournalEvent(
            2, at, "delivered", "DTN", "D0155", mpan="1", payload={"appointed_role": "HHDC"}
        ),
        JournalEvent(
            3, at, "delivered", "DTN", "D0155", mpan="1", payload={"appointed_role": "HHDC"}
        ),
    ]
    facts = OutcomeFacts(render)
    for event in events:
        facts.add(event)
    lines = [event_to_dict(event, render) for event in events]
    assert facts.outcomes(["1"]) == mpan_outcomes(lines, ["1"])
    assert str(facts.outcomes(["1"])[0].path) == "RM-A"
    assert len(facts) == 3  # the last D0155 repeats the one before it
