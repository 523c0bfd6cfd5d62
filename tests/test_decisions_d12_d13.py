"""D12 (forward migration, MCS) and D13 (appointments barred on related MPANs), end to end."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from actors.central.registration_appointments import appointment_refusal
from actors.markets.default import build_market
from market.checks import check_journal, format_verdict
from market.kernel.exceptions import ScenarioError
from market.process.population import MpanRelationship
from market.process.scenario_spec import DecisionRates, ScenarioSpec, spec_from_mapping
from market.runtime.simulation import Simulation, journal_dicts


def _run(**decisions: float) -> tuple[Any, list[dict[str, Any]]]:
    spec = ScenarioSpec(seed=8, mpans=5, decisions=DecisionRates(**decisions))
    result = Simulation(build_market(spec)).run_sync()
    return result, journal_dicts(result.journal)


def _records(events: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in events if (e.get("detail") or {}).get("event") == name]


def _scenarios(events: list[dict[str, Any]]) -> set[str]:
    return {
        block["appointmentScenario"]
        for e in events
        if e["kind"] == "delivered" and e["message"] == "PUB-031"
        for block in e["envelope"]["CustomBlock"].values()
        if isinstance(block, dict) and "appointmentScenario" in block
    }


@pytest.fixture(scope="module")
def forward() -> tuple[Any, list[dict[str, Any]]]:
    return _run(legacy_mpan=1.0, forward_migration=1.0)


@pytest.fixture(scope="module")
def related() -> tuple[Any, list[dict[str, Any]]]:
    return _run(qualified_gainer=1.0, related_mpan=1.0)


def test_d12_an_unmigrated_mpan_won_by_a_qualified_supplier_migrates_forward(
    forward: tuple[Any, list[dict[str, Any]]],
) -> None:
    result, events = forward
    assert {outcome.path for outcome in result.outcomes} == {"MCS"}
    assert result.verdict.ok, format_verdict(result.verdict)
    assert _scenarios(events) == {"MCS"}
    completed = {e["mpan"] for e in _records(events, "forward_migration_completed")}
    assert completed == {outcome.mpan for outcome in result.outcomes}
    # A forward migration is not a reverse one: no IF-003, no legacy agent appointed.
    assert not [e for e in events if e.get("message") in ("IF-003", "D0155", "IF-001")]


def test_d12_the_checker_tells_a_forward_migration_from_an_mhhs_change_of_supply(
    forward: tuple[Any, list[dict[str, Any]]],
) -> None:
    """The scenario code is the evidence: the same journal with COS instead is judged COS-M,
    which misses its IF-001, so the verdict fails."""
    _, events = forward
    relabelled = copy.deepcopy(events)
    for event in relabelled:
        for block in (event.get("envelope") or {}).get("CustomBlock", {}).values():
            if isinstance(block, dict) and block.get("appointmentScenario") == "MCS":
                block["appointmentScenario"] = "COS"
    verdict = check_journal(relabelled)
    assert not verdict.ok
    assert {count.path for count in verdict.path_counts} == {"COS-M"}
    assert any("B1" in line for line in format_verdict(verdict))


def test_d13_regs_refuses_appointments_on_a_related_mpan(
    related: tuple[Any, list[dict[str, Any]]],
) -> None:
    result, events = related
    assert {outcome.path for outcome in result.outcomes} == {"REL"}
    assert result.verdict.ok, format_verdict(result.verdict)
    answers = [e for e in events if e["kind"] == "delivered" and e["message"] == "PUB-032"]
    assert len(answers) == 2 * len(result.outcomes)  # the DS and the MS request, each refused
    codes = {
        r0["responseMessages"][0][:7]
        for e in answers
        if (r0 := e["envelope"]["CommonBlock"]["R0"])["responseCode"] == "R"
    }
    assert codes <= {"REG1038", "REG1039"} and codes
    assert not [e for e in events if e.get("message") in ("IF-033", "PUB-033")]
    refused = _records(events, "request_refused")
    assert len(refused) == len(answers)


def test_d13_an_accepted_answer_is_a_change_of_supply_that_never_finished(
    related: tuple[Any, list[dict[str, Any]]],
) -> None:
    """Turn REGS's refusals into acceptances: the journal now shows a COS-M stuck at B33."""
    _, events = related
    accepted = copy.deepcopy(events)
    for event in accepted:
        r0 = (event.get("envelope") or {}).get("CommonBlock", {}).get("R0")
        if isinstance(r0, dict) and r0.get("responseCode") == "R":
            r0.update(responseCode="A", responseMessages=[])
    verdict = check_journal(accepted)
    assert not verdict.ok
    assert {count.path for count in verdict.path_counts} == {"COS-M"}
    assert verdict.stuck == len(verdict.conformance)


@pytest.mark.parametrize(
    ("scenario", "migrated", "qualified", "relationship", "code"),
    [
        ("MCS", False, True, None, None),
        ("COS", True, True, None, None),
        ("MCS", True, True, None, "REG9007"),
        ("MCS", False, False, None, "REG9008"),
        ("MCA", False, False, None, "REG9008"),
        ("COS", False, True, None, "REG9009"),
        ("COS", True, True, "LINKED_EXPORT", "REG1038"),
        ("MCS", False, True, "RELATED_SECONDARY", "REG1039"),
    ],
)
def test_the_registration_rules_on_an_appointment_request(
    scenario: str,
    migrated: bool,
    qualified: bool,
    relationship: MpanRelationship | None,
    code: str | None,
) -> None:
    refusal = appointment_refusal(
        scenario, migrated=migrated, requester_qualified=qualified, relationship=relationship
    )
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize("key", ["forward_migration", "related_mpan"])
def test_the_rates_are_probabilities(key: str) -> None:
    with pytest.raises(ScenarioError, match=rf"decisions\.{key} = -0\.1"):
        spec_from_mapping({"decisions": {key: -0.1}})


def test_without_d12_and_d13_the_population_is_drawn_as_before() -> None:
    """The new draws happen only when their rate is set: the other facts stay the same."""
    plain = build_market(ScenarioSpec(seed=8, mpans=20, decisions=DecisionRates(legacy_mpan=0.5)))
    again = build_market(
        ScenarioSpec(seed=8, mpans=20, decisions=DecisionRates(legacy_mpan=0.5, related_mpan=0.0))
    )
    assert plain.population == again.population
