"""The shipped all-decisions scenario reaches every decision outcome, proved from its journal.

The proof is :func:`market.checks.decisions.decision_outcomes`, which reads only
envelopes, flows and the DIP's own events; each mutant below removes one
outcome's evidence from the journal and that outcome must be lost, while
deleting what participants say of themselves must change nothing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from actors.markets.default import build_market
from market.checks.decisions import OUTCOMES, decision_outcomes
from market.cli.main import main
from market.kernel.journal import closed_lines
from market.process.scenario_spec import load_scenario
from market.runtime.simulation import RunResult, Simulation, journal_dicts

SCENARIO = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / "all-decisions.toml"
Event = dict[str, Any]


@pytest.fixture(scope="module")
def run() -> tuple[RunResult, list[Event]]:
    result = Simulation(build_market(load_scenario(SCENARIO))).run_sync()
    return result, journal_dicts(result.journal)


def _reached(events: list[Event]) -> dict[str, int]:
    return {f"{o.decision} {o.outcome}": len(o.mpans) for o in decision_outcomes(events)}


def test_the_scenario_runs_clean_on_every_path(run: tuple[RunResult, list[Event]]) -> None:
    result, _ = run
    verdict = result.verdict
    assert verdict.ok, verdict.problems[:5]
    counts = {count.path: count.completed for count in verdict.path_counts}
    assert set(counts) == {"RM-T", "RM-A", "RM-S", "COS-L", "COS-M", "MCS", "REL", "OBJ", "WDR"}
    assert sum(counts.values()) == 1000
    levels = {(r.level, r.code) for r in verdict.dip_rejections}
    assert {(2, "MSG1006"), (3, "MSG1014")} <= levels


def test_every_outcome_of_every_decision_is_reached(run: tuple[RunResult, list[Event]]) -> None:
    _, events = run
    reached = _reached(events)
    assert len(reached) == len(OUTCOMES) == 29
    assert {name for name, count in reached.items() if count == 0} == set()
    assert {name.split()[0] for name in reached} == {f"D{n}" for n in range(1, 20)}


def _rewrite(events: list[Event], change: Callable[[Event], Event | None]) -> list[Event]:
    """``events`` with ``change`` applied to a copy of each (``None`` drops the event)."""
    out = []
    for event in events:
        changed = change(copy.deepcopy(event)) if _touches(event) else event
        if changed is not None:
            out.append(changed)
    return out


def _touches(event: Event) -> bool:
    return event.get("kind") in ("delivered", "retrying", "refused", "rejected", "state_changed")


def _r0_text(old: str, new: str) -> Callable[[Event], Event | None]:
    def change(event: Event) -> Event:
        r0 = ((event.get("envelope") or {}).get("CommonBlock") or {}).get("R0")
        if isinstance(r0, dict):
            r0["responseMessages"] = [m.replace(old, new) for m in r0["responseMessages"]]
        return event

    return change


def _resolution(old: str, new: str) -> Callable[[Event], Event | None]:
    def change(event: Event) -> Event:
        items = (event.get("flow") or {}).get("items") or {}
        if items.get("resolution") == old:
            items["resolution"] = new
        return event

    return change


def _strip_agents(event: Event) -> Event:
    custom = (event.get("envelope") or {}).get("CustomBlock")
    if isinstance(custom, dict):
        custom.pop("B095", None)
        custom.pop("B096", None)
    return event


def _drop_kind(kind: str) -> Callable[[Event], Event | None]:
    return lambda event: None if event.get("kind") == kind else event


def _scenario_code(event: Event) -> Event:
    custom = (event.get("envelope") or {}).get("CustomBlock") or {}
    for block in custom.values():
        if isinstance(block, dict) and block.get("appointmentScenario") == "MCS":
            block["appointmentScenario"] = "COS"
    return event


def _drop_level(level: int) -> Callable[[Event], Event | None]:
    def change(event: Event) -> Event | None:
        detail = event.get("detail") or {}
        return None if event.get("kind") == "rejected" and detail.get("level") == level else event

    return change


MUTANTS: dict[str, tuple[Callable[[Event], Event | None], str]] = {
    "REG1038 renamed": (_r0_text("REG1038", "REG9999"), "D13 appointment barred on a linked"),
    "REG1039 renamed": (_r0_text("REG1039", "REG9999"), "D13 appointment barred on a related"),
    "REG9002 renamed": (_r0_text("REG9002", "REG9999"), "D10 supplier data update refused"),
    "rejections agreed": (_resolution("REJECTED", "AGREED"), "D8 dispute rejected"),
    "agreements rejected": (_resolution("AGREED", "REJECTED"), "D8 dispute agreed"),
    "B095/B096 stripped": (_strip_agents, "D5 legacy agents named"),
    "retries dropped": (_drop_kind("retrying"), "D17 webhook unavailable"),
    "outage refusals dropped": (_drop_kind("refused"), "D18 DIP outage"),
    "level-1 rejections dropped": (_drop_level(1), "D14 DIP level-1 rejection"),
    "MCS scenario renamed": (_scenario_code, "D12 forward migration"),
}


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_a_journal_without_an_outcomes_evidence_loses_that_outcome(
    run: tuple[RunResult, list[Event]], name: str
) -> None:
    _, events = run
    change, lost = MUTANTS[name]
    reached = _reached(_rewrite(events, change))
    unreached = {outcome for outcome, count in reached.items() if count == 0}
    assert [outcome for outcome in unreached if outcome.startswith(lost)], unreached


def test_what_participants_say_of_themselves_decides_nothing(
    run: tuple[RunResult, list[Event]],
) -> None:
    """Dropping every state change (gain_confirmed, legacy_agents_unknown ...) changes no count."""
    _, events = run
    silent = _rewrite(events, _drop_kind("state_changed"))
    assert _reached(silent) == _reached(events)


def test_market_check_decisions_prints_the_table_and_keeps_the_verdicts_exit(
    run: tuple[RunResult, list[Event]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, events = run
    journal = tmp_path / "all.jsonl"
    journal.write_text("".join(line + "\n" for line in closed_lines(map(json.dumps, events))))
    assert main(["check", str(journal), "--decisions", "--scenario", str(SCENARIO)]) == 0
    out = capsys.readouterr().out
    assert "decision outcomes reached: 29 of 29" in out
    assert "D18 DIP outage: submissions refused (MSG5003): " in out
    # A failing journal (nothing delivered) keeps its failing exit status with --decisions.
    one = tmp_path / "one.jsonl"
    undelivered = (json.dumps(e) for e in events if e.get("kind") != "delivered")
    one.write_text("".join(line + "\n" for line in closed_lines(undelivered)))
    assert main(["check", str(one), "--decisions"]) == 1
    out = capsys.readouterr().out
    assert "decision outcomes reached: " in out and "29 of 29" not in out
