"""Supervision: a participant that crashes is taken down, and restarted or given up on.

A crash is planned (a ``crash`` fault) or a bug (a handler raised). Under a
restart policy (the crash's own, or the plan's ``bug_restart``) the
participant goes down in the fault component, which holds deliveries to it,
and a ``RestartDue`` message brings it back (with its state, or rebuilt from
its start-up data); more crashes than the policy allows, and the supervisor
gives up and the run stops. A bug nobody supervises stops the run with
:class:`~market.kernel.exceptions.ParticipantCrashedError` once it is journalled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from market.faults.applied import Faults
from market.faults.plan import RestartPolicy
from market.kernel.broker import Broker
from market.kernel.event_kinds import EventKind
from market.kernel.exceptions import ParticipantCrashedError
from market.kernel.queue import Delivery
from market.messages.system import RestartDue
from market.runtime.cell import Cell


class Supervisor:
    """Takes crashed participants down and brings them back, as their restart policy says."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.faults: Faults = broker.faults
        #: The crash that stops the run, raised once the participants' tasks have ended.
        self.failure: ParticipantCrashedError | None = None

    def take_down(
        self,
        pid: str,
        cell: Cell,
        policy: RestartPolicy,
        *,
        planned: bool,
        error: BaseException | None,
    ) -> bool:
        """Journal a crash and take the participant down per ``policy``; ``False`` to give up."""
        broker = self.broker
        now = broker.clock.now
        detail: dict[str, Any] = {"planned": planned, "restart": policy.mode}
        if error is not None:
            detail["error"] = f"{type(error).__name__}: {error}"
        crashed_on = cell.crashed_on
        broker.journal.append(
            at=now,
            kind=EventKind.CRASHED,
            sender=pid,
            recipient=pid,
            detail=detail,
            message=crashed_on.message if crashed_on is not None else None,
            mpan=crashed_on.mpan if crashed_on is not None else None,
        )
        cell.crashed_on = None
        cell.restarts = [t for t in cell.restarts if now - t < policy.within]
        if policy.mode != "none" and len(cell.restarts) >= policy.max_restarts:
            self._give_up(pid, cell, policy)
            return False
        if policy.mode == "none":
            self.faults.take_down(pid, None)
            self._hold(cell, None)
            return True
        back_at = now + policy.delay
        cell.restarts.append(now)
        self.faults.take_down(pid, back_at)
        self._hold(cell, back_at)
        due = RestartDue(state_lost=policy.mode == "lose")
        broker.schedule_system(back_at, pid, due, label="RestartDue")
        return True

    def _give_up(self, pid: str, cell: Cell, policy: RestartPolicy) -> None:
        self.broker.journal.append(
            at=self.broker.clock.now,
            kind=EventKind.GAVE_UP,
            sender=pid,
            recipient=pid,
            detail={
                "restarts": len(cell.restarts),
                "within_hours": policy.within.total_seconds() / 3600,
            },
        )
        self.failure = ParticipantCrashedError(pid, "more crashes than its restart policy allows")

    def _hold(self, cell: Cell, until: datetime | None) -> None:
        """Deliveries still in the crashed participant's batch wait for it (or die)."""
        leftover, cell.leftover = cell.leftover, []
        for delivery in leftover:
            self.faults.hold(delivery, until)

    def fail(self, pid: str, cell: Cell, error: BaseException) -> None:
        """An unsupervised bug: journal the crash and keep it to stop the run."""
        delivery = cell.crashed_on
        self.broker.journal.append(
            at=self.broker.clock.now,
            kind=EventKind.CRASHED,
            sender=pid,
            message=delivery.message if delivery is not None else None,
            mpan=delivery.mpan if delivery is not None else None,
            detail={"error": f"{type(error).__name__}: {error}"},
        )
        failure = ParticipantCrashedError(pid, _describe(delivery))
        failure.__cause__ = error
        self.failure = failure

    def restart(self, pid: str, cell: Cell, due: RestartDue) -> None:
        """Bring the participant back (rebuilt when its state was lost) and tell it so."""
        self.faults.bring_back(pid)
        if due.state_lost and cell.snapshot is not None:
            cell.start_afresh()
        cell.context.record("restarted", state_lost=due.state_lost)
        cell.participant.on_restart(cell.context, state_lost=due.state_lost)


def _describe(delivery: Delivery | None) -> str:
    if delivery is None:
        return "on_start"
    return f"{delivery.message} (seq {delivery.seq}, MPAN {delivery.mpan})"
