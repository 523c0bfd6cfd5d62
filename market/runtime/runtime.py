"""The actor runtime: one trio task and one mailbox per participant, driven by the broker.

The loop is a sequence of *batches*. The broker advances virtual time to the
next due delivery and hands out everything due at that instant, grouped by
recipient; each recipient's task drains its whole batch in one wake-up; when
every busy participant has finished, the runtime passes their outboxes to the
broker in participant-id order. One wake-up per participant per batch, however
many messages the batch holds, is what makes the simulator fast (ARCHITECTURE
rule 5); taking outboxes in id order is what makes it deterministic (rule 3).

Around each participant runs its adapter (:mod:`market.runtime.inbox`):
duplicates are dropped, refused DIP submissions resubmitted, a restored
webhook triggers a replay request. Under a fault plan the runtime also crashes
and restarts participants as the plan says, and supervises handler bugs with
the plan's restart policy. A crash nobody supervises stops the run with
:class:`ParticipantCrashedError` after the crash is journalled.
"""

from __future__ import annotations

import copy
import inspect
import math
import random
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs
import trio

from market.faults import Crash, FaultInjector, FaultPlan, RestartPolicy
from market.kernel.broker import Broker, Delivery, VirtualClock
from market.kernel.exceptions import ParticipantCrashedError, ScenarioError
from market.kernel.resources import fewer_gc_passes
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.dip import DipResponse
from market.messages.system import PlannedCrash, RestartDue, Resubmit, WebhookRestored
from market.participant import Context, Participant
from market.runtime.inbox import ParticipantAdapter


def participant_rng(seed: int, participant_id: str) -> random.Random:
    """The participant's own random stream, derived from the scenario seed and its id."""
    return random.Random(f"{seed}/participant/{participant_id}")


@attrs.define(slots=True)
class _Cell:
    """What the runtime keeps for one participant: it, its context, mailbox, adapter, crashes."""

    participant: Participant
    context: Context
    adapter: ParticipantAdapter
    is_async: bool
    snapshot: Participant | None = None
    mailbox: trio.MemorySendChannel[list[Delivery]] | None = None
    crash: BaseException | None = None
    crashed_on: Delivery | None = None
    planned_crash: Crash | None = None
    leftover: list[Delivery] = attrs.field(factory=list)
    restarts: list[datetime] = attrs.field(factory=list)


@attrs.frozen(kw_only=True, slots=True)
class RunStatistics:
    """A snapshot of how a run went, for reports and benchmarks."""

    batches: int
    deliveries: int
    wakeups: int
    pending: int
    stopped_at: datetime
    mailbox_high_water: dict[str, int]


class Runtime:
    """Runs participants as trio tasks around one broker until the queue empties or ``until``."""

    def __init__(
        self,
        *,
        broker: Broker,
        participants: Sequence[Participant],
        calendar: SettlementCalendar,
        seed: int,
        plan: FaultPlan | None = None,
        on_batch: Callable[[int], None] | None = None,
        real_time_scale: float | None = None,
    ) -> None:
        self.broker = broker
        self.calendar = calendar
        self.plan = plan or FaultPlan()
        if real_time_scale is not None and real_time_scale <= 0:
            raise ScenarioError(f"real-time scale {real_time_scale}: must be positive")
        #: Real-time mode: virtual seconds per wall-clock second (``None``: as fast as possible).
        self.real_time_scale = real_time_scale
        self._on_batch = on_batch
        faults = broker.faults
        keep_snapshots = any(
            isinstance(f, Crash) and f.restart.mode == "lose" for f in self.plan.faults
        ) or (self.plan.bug_restart is not None and self.plan.bug_restart.mode == "lose")
        self._cells: dict[str, _Cell] = {}
        for participant in sorted(participants, key=lambda p: p.participant_id):
            pid = participant.participant_id
            if pid not in broker.directory:
                raise ScenarioError(f"participant {pid} is not in the market's directory")
            self._cells[pid] = _Cell(
                participant=participant,
                context=Context(
                    participant.identity,
                    clock=broker.clock,
                    calendar=calendar,
                    rng=participant_rng(seed, pid),
                    skew=faults.skew_of(pid) if faults is not None else timedelta(0),
                ),
                adapter=ParticipantAdapter(
                    deduplicate=participant.deduplicate,
                    resubmit_refused=participant.resubmit_refused,
                    redelivered_flows=participant.redelivered_flows,
                ),
                is_async=inspect.iscoroutinefunction(participant.on_message),
                snapshot=copy.deepcopy(participant) if keep_snapshots else None,
            )
        self._outstanding = 0
        self._all_done = trio.Event()
        self._batches = 0
        self._deliveries = 0
        self._wakeups = 0
        self._high_water: dict[str, int] = {}
        self._failure: ParticipantCrashedError | None = None
        self._schedule_planned_events(faults)

    def _schedule_planned_events(self, faults: FaultInjector | None) -> None:
        if faults is None:
            return
        for index, crash in enumerate(faults.crashes()):
            if crash.participant not in self._cells:
                raise ScenarioError(
                    f"fault plan: crash of {crash.participant!r}, who is not in the market"
                )
            self.broker.schedule_system(
                crash.at, crash.participant, PlannedCrash(index=index), label="PlannedCrash"
            )
        for webhook in faults.webhook_faults():
            if webhook.participant not in self._cells:
                raise ScenarioError(
                    f"fault plan: webhook of {webhook.participant!r}, who is not in the market"
                )
            self.broker.schedule_system(
                webhook.window.end,
                webhook.participant,
                WebhookRestored(down_since=webhook.window.start),
                label="WebhookRestored",
            )

    @property
    def clock(self) -> VirtualClock:
        """The broker's virtual clock."""
        return self.broker.clock

    def participant(self, participant_id: str) -> Participant:
        """The participant object with ``participant_id`` (for tests and reports)."""
        return self._cells[participant_id].participant

    async def run(
        self, *, until: datetime | None = None, on_phase: Callable[[str], None] | None = None
    ) -> RunStatistics:
        """Start every participant, then deliver batches until the queue empties or ``until``.

        ``on_phase`` is called with ``"started"`` once every participant's task
        runs, before the first delivery, and with ``"drained"`` when delivery
        ends, before the tasks are shut down (the benchmark times what lies between).
        """
        with fewer_gc_passes():
            return await self._run(until, on_phase or _no_phase)

    async def _run(self, until: datetime | None, on_phase: Callable[[str], None]) -> RunStatistics:
        async with trio.open_nursery() as nursery:
            for pid, cell in self._cells.items():
                await nursery.start(self._participant_task, pid, cell)
            on_phase("started")
            error: Exception | None = None
            try:
                if self._collect(self._cells):
                    await self._deliver_until(until)
                on_phase("drained")
            except Exception as raised:  # re-raised below, outside the nursery's exception group
                error = raised
            finally:
                for cell in self._cells.values():
                    if cell.mailbox is not None:
                        cell.mailbox.close()
        if error is not None:
            raise error
        if self._failure is not None:
            raise self._failure
        return self.statistics()

    def statistics(self) -> RunStatistics:
        """A frozen snapshot of counters so far."""
        return RunStatistics(
            batches=self._batches,
            deliveries=self._deliveries,
            wakeups=self._wakeups,
            pending=self.broker.pending,
            stopped_at=self.broker.clock.now,
            mailbox_high_water=dict(sorted(self._high_water.items())),
        )

    async def _deliver_until(self, until: datetime | None) -> None:
        broker = self.broker
        origin = (trio.current_time(), broker.clock.now)
        while True:
            due_at = broker.next_due_at()
            if due_at is None or (until is not None and due_at > until):
                return
            if self.real_time_scale is not None:
                # Real-time mode: wait until the wall clock reaches the delivery's virtual time,
                # so participant code doing real I/O meets real timing.
                virtual = (due_at - origin[1]).total_seconds()
                await trio.sleep_until(origin[0] + virtual / self.real_time_scale)
            batches = broker.next_batch()
            if not batches:
                continue
            self._batches += 1
            self._outstanding = len(batches)
            self._all_done = trio.Event()
            for pid, batch in batches.items():
                cell = self._cells[pid]
                assert cell.mailbox is not None  # set by the start handshake
                self._deliveries += len(batch)
                if len(batch) > self._high_water.get(pid, 0):
                    self._high_water[pid] = len(batch)
                cell.mailbox.send_nowait(batch)
            await self._all_done.wait()
            if not self._collect({pid: self._cells[pid] for pid in sorted(batches)}):
                return
            if self._on_batch is not None:
                self._on_batch(self._deliveries)

    def _collect(self, cells: dict[str, _Cell]) -> bool:
        """Hand outboxes to the broker in participant-id order; apply crashes; ``False`` to stop.

        The first unsupervised crash (in id order) is journalled and kept to be
        raised once the nursery has closed, so callers see the crash itself
        rather than an exception group.
        """
        for pid in sorted(cells):
            cell = cells[pid]
            entries = cell.context.take_outbox()
            cell.adapter.track(entries)
            self.broker.accept_outbox(pid, entries)
        for pid in sorted(cells):
            cell = cells[pid]
            if cell.planned_crash is not None:
                crash, cell.planned_crash = cell.planned_crash, None
                if not self._go_down(pid, cell, crash.restart, planned=True, error=None):
                    return False
            elif cell.crash is not None:
                error, cell.crash = cell.crash, None
                policy = self.plan.bug_restart
                if policy is None:
                    self._fail(pid, cell, error)
                    return False
                if not self._go_down(pid, cell, policy, planned=False, error=error):
                    return False
        return True

    def _go_down(
        self,
        pid: str,
        cell: _Cell,
        policy: RestartPolicy,
        *,
        planned: bool,
        error: BaseException | None,
    ) -> bool:
        """Journal a crash and take the participant down per ``policy``; ``False`` to give up."""
        now = self.broker.clock.now
        detail: dict[str, Any] = {"planned": planned, "restart": policy.mode}
        if error is not None:
            detail["error"] = f"{type(error).__name__}: {error}"
        self.broker.journal.append(
            at=now,
            kind="crashed",
            sender=pid,
            recipient=pid,
            detail=detail,
            message=cell.crashed_on.message if cell.crashed_on is not None else None,
            mpan=cell.crashed_on.mpan if cell.crashed_on is not None else None,
        )
        cell.crashed_on = None
        cell.restarts = [t for t in cell.restarts if now - t < policy.within]
        if policy.mode != "none" and len(cell.restarts) >= policy.max_restarts:
            self.broker.journal.append(
                at=now,
                kind="gave_up",
                sender=pid,
                recipient=pid,
                detail={
                    "restarts": len(cell.restarts),
                    "within_hours": policy.within.total_seconds() / 3600,
                },
            )
            self._failure = ParticipantCrashedError(
                pid, "more crashes than its restart policy allows"
            )
            return False
        if policy.mode == "none":
            self.broker.down[pid] = None
            self._hold(cell, None)
            return True
        back_at = now + policy.delay
        cell.restarts.append(now)
        self.broker.down[pid] = back_at
        self._hold(cell, back_at)
        self.broker.schedule_system(
            back_at, pid, RestartDue(state_lost=policy.mode == "lose"), label="RestartDue"
        )
        return True

    def _hold(self, cell: _Cell, until: datetime | None) -> None:
        """Deliveries that were still in the crashed participant's batch wait for it (or die)."""
        leftover, cell.leftover = cell.leftover, []
        for delivery in leftover:
            if until is None:
                self.broker.dead_letter_delivery(delivery, f"{delivery.recipient} crashed for good")
            else:
                self.broker.requeue(
                    delivery, until, "delayed", {"fault": "crash", "reason": "recipient down"}
                )

    def _fail(self, pid: str, cell: _Cell, error: BaseException) -> None:
        delivery = cell.crashed_on
        self.broker.journal.append(
            at=self.broker.clock.now,
            kind="crashed",
            sender=pid,
            message=delivery.message if delivery is not None else None,
            mpan=delivery.mpan if delivery is not None else None,
            detail={"error": f"{type(error).__name__}: {error}"},
        )
        failure = ParticipantCrashedError(pid, _describe(delivery))
        failure.__cause__ = error
        self._failure = failure

    def _restart(self, pid: str, cell: _Cell, due: RestartDue) -> None:
        self.broker.down.pop(pid, None)
        if due.state_lost and cell.snapshot is not None:
            cell.participant = copy.deepcopy(cell.snapshot)
            cell.adapter = ParticipantAdapter(
                deduplicate=cell.participant.deduplicate,
                resubmit_refused=cell.participant.resubmit_refused,
                redelivered_flows=cell.participant.redelivered_flows,
            )
        cell.context.record("restarted", state_lost=due.state_lost)
        cell.participant.on_restart(cell.context, state_lost=due.state_lost)

    async def _participant_task(
        self, pid: str, cell: _Cell, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None:
        send, receive = trio.open_memory_channel[list[Delivery]](math.inf)
        cell.mailbox = send
        try:
            cell.participant.on_start(cell.context)
        except Exception as error:  # journalled and re-raised by _collect
            cell.crash = error
        task_status.started()
        async with receive:
            async for batch in receive:
                self._wakeups += 1
                if cell.crash is None:
                    await self._handle_batch(pid, cell, batch)
                self._outstanding -= 1
                if self._outstanding == 0:
                    self._all_done.set()

    async def _handle_batch(self, pid: str, cell: _Cell, batch: Iterable[Delivery]) -> None:
        context = cell.context
        deliveries = list(batch)
        for index, delivery in enumerate(deliveries):
            payload = delivery.payload
            try:
                if isinstance(payload, PlannedCrash):
                    cell.planned_crash = (
                        self.broker.faults.crashes()[payload.index] if self.broker.faults else None
                    )
                    cell.leftover = deliveries[index + 1 :]
                    return
                if isinstance(payload, RestartDue):
                    self._restart(pid, cell, payload)
                    continue
                if isinstance(payload, WebhookRestored):
                    cell.participant.on_webhook_restored(context, payload)
                    continue
                if isinstance(payload, Resubmit):
                    cell.adapter.resubmit(context, payload)
                    continue
                if isinstance(payload, DipResponse):
                    cell.adapter.on_response(context, payload)
                elif cell.adapter.is_duplicate(payload):
                    context.record(
                        "duplicate_ignored", mpan=delivery.mpan, message=delivery.message
                    )
                    continue
                result = cell.participant.on_message(context, payload)
                if cell.is_async:
                    await result
            except Exception as error:  # journalled and re-raised (or supervised) by _collect
                cell.crash = error
                cell.crashed_on = delivery
                cell.leftover = deliveries[index + 1 :]
                return


def _no_phase(_phase: str) -> None:
    """The default ``on_phase``: nobody is timing the run."""


def _describe(delivery: Delivery | None) -> str:
    if delivery is None:
        return "on_start"
    return f"{delivery.message} (seq {delivery.seq}, MPAN {delivery.mpan})"
