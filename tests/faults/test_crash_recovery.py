"""A crashed participant handles nothing until it restarts, whatever else the plan holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs

from actors.markets.default import default_market
from market.faults import FaultPlan, RestartPolicy
from market.messages.css import SecuredActive
from market.runtime.simulation import RunResult, Simulation, journal_dicts


def _crash_once(
    participant_id: str, *, on: type | None, mode: str, delay: timedelta, mpans: int
) -> tuple[RunResult, list[dict[str, Any]]]:
    """Run the default market where ``participant_id`` raises once (on the first ``on``).

    The plan holds only a ``bug_restart`` policy: no faults at all.
    """
    setup = default_market(seed=5, mpans=mpans)
    victim = next(p for p in setup.participants if p.participant_id == participant_id)
    original = victim.on_message
    raised: list[object] = []

    def flaky(ctx: Any, message: Any) -> Any:
        if not raised and (on is None or isinstance(message, on)):
            raised.append(message)
            raise RuntimeError("a bug in the participant")
        return original(ctx, message)

    victim.on_message = flaky  # type: ignore[method-assign]
    policy = RestartPolicy(mode=mode, delay=delay)  # type: ignore[arg-type]
    result = Simulation(attrs.evolve(setup, faults=FaultPlan(bug_restart=policy))).run_sync()
    return result, journal_dicts(result.journal)


def _is_restart(event: dict[str, Any], pid: str) -> bool:
    detail = event.get("detail") or {}
    return (
        event["kind"] == "state_changed"
        and event["sender"] == pid
        and detail.get("event") == "restarted"
    )


def test_a_participant_down_on_a_bug_is_handed_nothing_until_it_restarts() -> None:
    """Only ``bug_restart`` in the plan: deliveries during the downtime wait for the restart."""
    pid = "SUP-LGSB"
    _, events = _crash_once(pid, on=None, mode="keep", delay=timedelta(hours=48), mpans=4)
    crashed = next(i for i, e in enumerate(events) if e["kind"] == "crashed")
    restarted = next(i for i, e in enumerate(events) if _is_restart(e, pid))
    down_from, back_at = events[crashed]["at"], events[restarted]["at"]
    handed = [
        e
        for e in events
        if e["kind"] == "delivered"
        and e["recipient"] == pid
        and e["sender"] != "runtime"
        and down_from < e["at"] < back_at
    ]
    held = [e for e in events[crashed:restarted] if e["kind"] == "delayed"]
    assert handed == []
    assert len(held) == 3  # the other three customers' sign-ups
    assert all(e["recipient"] == pid and e["detail"]["deliver_at"] == back_at for e in held)
    after = [
        e["mpan"]
        for e in events
        if e["kind"] == "delivered" and e["message"] == "CustomerSigned" and e["at"] == back_at
    ]
    assert sorted(after) == sorted(e["mpan"] for e in held)


def test_under_lose_held_deliveries_reach_the_restarted_participant_with_fresh_state() -> None:
    """REGS-19 crashes on SecuredActive, state lost: it restarts before it handles the rest."""
    pid = "REGS-19"
    result, events = _crash_once(
        pid, on=SecuredActive, mode="lose", delay=timedelta(hours=6), mpans=3
    )
    held = {
        e["mpan"]
        for e in events
        if e["kind"] == "delayed" and e["recipient"] == pid and e["message"] == "SecuredActive"
    }
    assert len(held) == 2
    crashed = next(i for i, e in enumerate(events) if e["kind"] == "crashed")
    restarted = next(i for i, e in enumerate(events) if _is_restart(e, pid))
    restart_due = next(
        i for i, e in enumerate(events) if e["kind"] == "delivered" and e["message"] == "RestartDue"
    )
    handled = [
        i
        for i, e in enumerate(events)
        if i > crashed and e["kind"] == "state_changed" and e["sender"] == pid and e["mpan"] in held
    ]
    redelivered = [
        i
        for i, e in enumerate(events)
        if i > crashed
        and e["kind"] == "delivered"
        and e["message"] == "SecuredActive"
        and e["mpan"] in held
    ]
    assert redelivered and restart_due < min(redelivered)
    assert handled and restarted < min(handled)
    stuck = [c.mpan for c in result.verdict.conformance if not c.completed]
    assert len(stuck) == 1 and stuck[0] not in held  # only the MPAN whose message it crashed on
