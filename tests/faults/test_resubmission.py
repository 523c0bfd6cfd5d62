"""A refused DIP submission is resubmitted per RETRY_POLICY, then given up and journalled."""

from __future__ import annotations

from typing import Any

import attrs

from actors.markets.default import default_market
from market.faults import Corrupt, FaultPlan, Scope
from market.runtime.resubmission import RETRY_POLICY
from market.runtime.simulation import RunResult, Simulation, journal_dicts


def _corrupt_every(message: str, sender: str) -> tuple[RunResult, list[dict[str, Any]]]:
    plan = FaultPlan(
        faults=(
            Corrupt(probability=1.0, scope=Scope(network="DIP", message=message, sender=sender)),
        )
    )
    setup = attrs.evolve(default_market(seed=5, mpans=1), faults=plan)
    result = Simulation(setup).run_sync()
    return result, journal_dicts(result.journal)


def _noted(events: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] == "state_changed" and e["detail"]["event"] == name]


def test_a_submission_refused_every_time_is_abandoned_after_its_attempts_and_journalled() -> None:
    """Every IF-003 from REGS is garbled (MSG1001): 5 attempts each, then abandoned."""
    result, events = _corrupt_every("IF-003", "REGS-19")
    _, attempts = RETRY_POLICY["MSG1001"]
    refused = [
        e
        for e in events
        if e["kind"] == "rejected" and e["recipient"] == "REGS-19" and e["message"] == "IF-003"
    ]
    abandoned = _noted(events, "dip_submission_abandoned")
    assert abandoned, "a submission that can never get through is given up"
    assert all(e["sender"] == "REGS-19" for e in abandoned)
    assert all(e["detail"]["attempts"] == attempts for e in abandoned)
    assert all(e["detail"]["response"].startswith("MSG1001") for e in abandoned)
    # Each abandoned submission was tried exactly `attempts` times, each one refused.
    assert len(refused) == attempts * len(abandoned)
    assert len(_noted(events, "dip_submission_resubmitted")) == (attempts - 1) * len(abandoned)
    # Without its announcement (C7) the reverse migration never completes: the verdict says so.
    assert not result.verdict.ok
    (stuck,) = [c for c in result.verdict.conformance if not c.completed]
    assert stuck.mpan == abandoned[0]["mpan"]
