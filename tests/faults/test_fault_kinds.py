"""Every fault kind: its effect in the journal, and the participants' recovery or the verdict."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from actors.markets.default import default_market
from market.checks import Verdict, format_conformance
from market.faults import (
    ClockSkew,
    Corrupt,
    Crash,
    Delay,
    DipOutage,
    Duplicate,
    FaultPlan,
    Loss,
    Partition,
    Reorder,
    RestartPolicy,
    Scope,
    Slow,
    WebhookDown,
    Window,
)
from market.kernel.exceptions import ParticipantCrashedError
from market.runtime.simulation import RunResult, Simulation, journal_dicts

#: The default market's key instants (Thu 26 Feb 2026 start; switch secured Fri 27 Feb 16:00).
SECURED = datetime(2026, 2, 27, 16, 0, tzinfo=UTC)


def _run(
    *faults: Any, mpans: int = 2, bug_restart: RestartPolicy | None = None
) -> tuple[RunResult, list[dict[str, Any]]]:
    setup = attrs.evolve(
        default_market(seed=5, mpans=mpans),
        faults=FaultPlan(faults=tuple(faults), bug_restart=bug_restart),
    )
    result = Simulation(setup).run_sync()
    return result, journal_dicts(result.journal)


def _kinds(events: list[dict[str, Any]]) -> Counter[str]:
    return Counter(e["kind"] for e in events)


def _noted(events: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] == "state_changed" and e["detail"]["event"] == name]


def test_lost_dip_publications_are_retried_by_the_dip_until_delivered() -> None:
    """Loss on the DIP: each lost push is journalled 'retrying'; every MPAN still completes."""
    result, events = _run(Loss(probability=0.3, scope=Scope(network="DIP")))
    assert _kinds(events)["retrying"] > 0
    assert result.verdict.ok, result.verdict.problems


def test_lost_agent_answers_are_chased_by_the_supplier() -> None:
    """Loss of D0011 on the DTN: 'dropped', then the supplier chases and the MPAN completes."""
    result, events = _run(
        Loss(
            probability=1.0,
            scope=Scope(message="D0011"),
            window=Window(start=SECURED, end=SECURED + timedelta(hours=2)),
        )
    )
    assert _kinds(events)["dropped"] == 6
    assert _noted(events, "appointment_chased")
    assert _noted(events, "appointment_answered_again")
    assert result.verdict.ok


def test_a_message_lost_for_good_leaves_the_mpan_stuck_and_names_who_owes_it() -> None:
    """Losing every D0019 cannot be recovered: the verdict says stuck, who sent it, who lost it."""
    result, _ = _run(Loss(probability=1.0, scope=Scope(message="D0019")), mpans=1)
    assert not result.verdict.ok
    (report,) = result.verdict.conformance
    assert not report.completed
    assert (
        "waiting for T7 D0019 from NHHDC (sent by NHHDC-NDCE, lost on the way to NHHDA-NDAG "
        "(loss: lost in transit))"
    ) in " ".join(format_conformance(report))


@pytest.mark.parametrize(
    "delay",
    [
        Delay(distribution="fixed", seconds=3600),
        Delay(distribution="uniform", min_seconds=60, max_seconds=7200),
        Delay(distribution="exponential", mean_seconds=1800),
    ],
    ids=["fixed", "uniform", "exponential"],
)
def test_delays_postpone_deliveries_without_breaking_the_process(delay: Delay) -> None:
    """Delay: 'delayed' events show the extra time; the process still conforms."""
    result, events = _run(attrs.evolve(delay, scope=Scope(network="DTN")))
    delayed = [e for e in events if e["kind"] == "delayed"]
    assert delayed and all(e["detail"]["fault"] == "delay" for e in delayed)
    assert result.verdict.ok


def test_duplicates_are_journalled_and_ignored_by_the_inboxes() -> None:
    """Duplication: every copy is 'duplicated'; inboxes note 'duplicate_ignored'; still OK."""
    result, events = _run(Duplicate(probability=1.0, copies=2))
    assert _kinds(events)["duplicated"] > 100
    assert _noted(events, "duplicate_ignored")
    assert result.verdict.ok


def test_reordering_lets_later_messages_overtake() -> None:
    """Reordering: held messages are 'reordered'; the process copes with the new order."""
    result, events = _run(Reorder(probability=0.5, within_seconds=600))
    assert _kinds(events)["reordered"] > 0
    assert result.verdict.ok


def test_corrupted_submissions_fail_level_1_and_are_resubmitted() -> None:
    """Corruption: MSG1001 with the broken path, then the runtime resubmits it."""
    result, events = _run(
        Corrupt(probability=1.0, window=Window(start=SECURED, end=SECURED + timedelta(minutes=1)))
    )
    rejected = [e for e in events if e["kind"] == "rejected"]
    assert rejected and {e["detail"]["code"] for e in rejected} == {"MSG1001"}
    assert {e["detail"]["path"] for e in rejected} == {"$[0].payload.CommonBlock.S1.senderDIPID"}
    assert len(_noted(events, "dip_submission_resubmitted")) == len(rejected)
    assert result.verdict.ok


def test_a_72_hour_dip_outage_is_survived() -> None:
    """DIP outage: submissions 'refused' (MSG5003) and resubmitted hourly; all complete after."""
    outage = DipOutage(
        window=Window(start=SECURED - timedelta(minutes=1), end=SECURED + timedelta(hours=72))
    )
    result, events = _run(outage)
    assert _kinds(events)["refused"] > 0
    resubmitted = _noted(events, "dip_submission_resubmitted")
    assert resubmitted
    assert max(e["at"] for e in resubmitted) >= "2026-03-02T16:00"
    assert result.verdict.ok, result.verdict.problems


def test_a_webhook_down_gets_retries_then_a_replay_with_the_replay_indicator() -> None:
    """Webhook down: retrying → RetriesExhausted → replay request → replayIndicator=true."""
    down = WebhookDown(
        participant="SDS-SDSC",
        retries=2,
        window=Window(start=SECURED, end=SECURED + timedelta(hours=8)),
    )
    result, events = _run(down)
    kinds = _kinds(events)
    assert kinds["retrying"] > 0 and kinds["retries_exhausted"] > 0
    assert kinds["replay_requested"] == 1
    replayed = [
        e
        for e in events
        if e["kind"] == "delivered"
        and e["recipient"] == "SDS-SDSC"
        and e["message"] == "PUB-003"
        and e["envelope"]["CommonBlock"]["D0"]["replayIndicator"]
    ]
    assert len(replayed) == kinds["retries_exhausted"]
    assert result.verdict.ok


def test_a_one_way_partition_drops_one_direction_only() -> None:
    """One-way partition: the DC's answers are 'dropped'; the supplier chases, then escalates
    to its backup collector, and the MPAN completes with it, but registers its agents late."""
    cut = Partition(side_a=frozenset({"NHHDC-NDCE"}), side_b=frozenset({"SUP-LGSB"}), one_way=True)
    result, events = _run(cut, mpans=1)
    dropped = [e for e in events if e["kind"] == "dropped"]
    assert dropped and {(e["sender"], e["recipient"]) for e in dropped} == {
        ("NHHDC-NDCE", "SUP-LGSB")
    }
    assert [
        e
        for e in events
        if e["kind"] == "delivered" and e["sender"] == "SUP-LGSB" and e["recipient"] == "NHHDC-NDCE"
    ]
    assert _noted(events, "appointment_escalated")
    assert [e for e in _delivered_flows(events, "D0086") if e["sender"] == "NHHDC-NDCH"]
    _only_late_registration(result.verdict, "C12")


def _only_late_registration(verdict: Verdict, *late: str) -> None:
    """Every MPAN conforms; the only problems are the steps the escalation made late (after SSD)."""
    assert all(report.conforms for report in verdict.conformance)
    assert [(p.kind, p.step_id) for p in verdict.deliveries] == [("late", s) for s in late]
    assert verdict.problems == len(late)


def _delivered_flows(events: list[dict[str, Any]], flow: str) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] == "delivered" and e["message"] == flow]


def test_a_slow_participant_receives_everything_later() -> None:
    """Slow participant: every message to it is 'delayed' by the configured time."""
    result, events = _run(Slow(participant="NHHMOA-NMOF", seconds=900))
    delayed = [e for e in events if e["kind"] == "delayed" and e["recipient"] == "NHHMOA-NMOF"]
    assert delayed and {e["detail"]["by_seconds"] for e in delayed} == {900}
    assert result.verdict.ok


def test_clock_skew_shows_in_the_participants_own_timestamps() -> None:
    """Clock skew: REGS's senderTimestamp runs ten minutes ahead of the journal's true time."""
    result, events = _run(ClockSkew(participant="REGS-19", seconds=600), mpans=1)
    published = next(e for e in events if e["kind"] == "delivered" and e["message"] == "PUB-003")
    sent = published["envelope"]["CommonBlock"]["S1"]["senderTimestamp"]
    assert datetime.fromisoformat(sent) - datetime.fromisoformat(published["at"]) > timedelta(
        minutes=9
    )
    assert result.verdict.ok


def test_a_crash_with_state_kept_holds_messages_until_the_restart() -> None:
    """Crash, restart keeping state: 'crashed', messages 'delayed', 'restarted'; all complete."""
    crash = Crash(
        participant="SUP-LGSB",
        at=SECURED - timedelta(minutes=1),
        restart=RestartPolicy(mode="keep", delay=timedelta(hours=1)),
    )
    result, events = _run(crash)
    assert _kinds(events)["crashed"] == 1
    assert _noted(events, "restarted")
    assert result.verdict.ok


def test_a_crash_with_state_lost_is_reported_honestly() -> None:
    """Crash, state lost: the restarted REGS forgot the switches; the verdict names REGS-19."""
    crash = Crash(
        participant="REGS-19",
        at=SECURED + timedelta(minutes=2),
        restart=RestartPolicy(mode="lose", delay=timedelta(minutes=30)),
    )
    result, events = _run(crash, mpans=1)
    assert _noted(events, "restarted")[0]["detail"]["state_lost"] is True
    assert [e for e in events if e["kind"] == "replay_requested" and e["sender"] == "REGS-19"]
    assert not result.verdict.ok
    assert "REGS-19" in " ".join(str(r) for r in result.verdict.conformance)


def test_a_crash_without_restart_dead_letters_what_follows() -> None:
    """Crash, no restart: messages to it are dead-lettered; the supplier moves to the backup DA."""
    crash = Crash(participant="NHHDA-NDAG", at=SECURED, restart=RestartPolicy(mode="none"))
    result, events = _run(crash, mpans=1)
    dead = [e for e in events if e["kind"] == "dead_lettered" and e["recipient"] == "NHHDA-NDAG"]
    assert dead and "crashed" in dead[0]["detail"]["reason"]
    assert [e for e in _delivered_flows(events, "D0019") if e["recipient"] == "NHHDA-NDAK"]
    # The backup aggregator is appointed (C9a) and registered (C12) after the SSD.
    _only_late_registration(result.verdict, "C9a", "C12")


class _FlakyError(Exception):
    """A bug in participant code."""


def test_a_bug_under_a_restart_policy_restarts_until_the_intensity_limit() -> None:
    """A handler that always raises is restarted, then the supervisor gives up, journalled."""
    setup = default_market(seed=5, mpans=1)
    broken = next(p for p in setup.participants if p.participant_id == "NHHDA-NDAG")

    def explode(ctx: object, message: object) -> None:
        raise _FlakyError("boom")

    broken.on_message = explode  # type: ignore[method-assign]
    policy = RestartPolicy(
        mode="keep", max_restarts=2, within=timedelta(days=7), delay=timedelta(minutes=1)
    )
    simulation = Simulation(attrs.evolve(setup, faults=FaultPlan(bug_restart=policy)))
    with pytest.raises(ParticipantCrashedError, match="NHHDA-NDAG"):
        simulation.run_sync()
    kinds = _kinds(journal_dicts(simulation.journal))
    assert kinds["crashed"] == 3 and kinds["gave_up"] == 1


def test_the_same_plan_and_seed_give_the_same_journal() -> None:
    """Faults come from their own seeded stream: two runs are byte-identical."""
    plan = (Loss(probability=0.2), Duplicate(probability=0.3), Reorder(probability=0.3))
    first, _ = _run(*plan)
    second, _ = _run(*plan)
    assert first.journal.digest() == second.journal.digest()


def test_a_throttled_sender_backs_off_and_resubmits() -> None:
    """429: REGS over its rate gets MSG1011, backs off a minute at a time, and all completes."""
    from market.networks.dip_defences import DipDefences, RateLimit

    setup = attrs.evolve(
        default_market(seed=5, mpans=3),
        dip_defences=DipDefences(rate_limit=RateLimit(requests=2, per=timedelta(minutes=1))),
    )
    result = Simulation(setup).run_sync()
    events = journal_dicts(result.journal)
    throttled = [e for e in events if e["kind"] == "rejected" and e["detail"]["code"] == "MSG1011"]
    assert throttled
    assert len(_noted(events, "dip_submission_resubmitted")) >= len(throttled)
    assert result.verdict.ok, result.verdict.problems
