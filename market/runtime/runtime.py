"""The actor runtime: one trio task and one mailbox per participant, driven by the broker.

The loop is a sequence of *batches*. The broker advances virtual time to the
next due delivery and hands out everything due at that instant, grouped by
recipient; each recipient's task drains its whole batch in one wake-up; when
every busy participant has finished, the runtime passes their outboxes to the
broker in participant-id order. One wake-up per participant per batch, however
many messages the batch holds, is what makes the simulator fast (ARCHITECTURE
rule 5); taking outboxes in id order is what makes it deterministic (rule 3).

Around each participant the runtime keeps its inbox filter (duplicates are
dropped, :mod:`market.runtime.inbox`) and its resubmission book (DIP
submissions refused at once or by a level-2 status message are sent again,
:mod:`market.runtime.resubmission`); a restored
webhook makes the participant ask for a replay. Crashes, planned or bugs, are
the :class:`~market.runtime.supervisor.Supervisor`'s.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import cast

import attrs
import trio

from market.faults import Crash, FaultPlan
from market.kernel.broker import Broker
from market.kernel.exceptions import ScenarioError
from market.kernel.queue import Delivery, VirtualClock
from market.kernel.resources import fewer_gc_passes
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.dip import DipResponse
from market.messages.dip.signing import DEFAULT_SCHEME
from market.messages.dip.status import DipStatusMessage
from market.messages.system import PlannedCrash, RestartDue, Resubmit, WebhookRestored
from market.messages.trust import trusted_construction
from market.participant import Context, Participant
from market.runtime.cell import Cell, is_built_in, participant_rng
from market.runtime.pacing import Pacer
from market.runtime.supervisor import Supervisor

__all__ = ["RunStatistics", "Runtime", "participant_rng"]


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
        trust_built_in: bool = True,
        pacer: Pacer | None = None,
    ) -> None:
        """``trust_built_in``: build the built-in participants' messages without re-running
        their field rules (:mod:`market.messages.trust`); ``False`` checks every message.

        ``pacer``: asked before every batch whether (and when) the run goes on; it holds
        virtual time still while systems outside the market are busy (``market serve``).
        """
        self.broker = broker
        self.pacer = pacer
        self.trust_built_in = trust_built_in
        self.calendar = calendar
        self.plan = plan or FaultPlan()
        if real_time_scale is not None and real_time_scale <= 0:
            raise ScenarioError(f"real-time scale {real_time_scale}: must be positive")
        #: Real-time mode: virtual seconds per wall-clock second (``None``: as fast as possible).
        self.real_time_scale = real_time_scale
        self._on_batch = on_batch
        self.supervisor = Supervisor(broker)
        self._cells = self._make_cells(participants, seed)
        self._outstanding = 0
        self._all_done = trio.Event()
        self._batches = 0
        self._deliveries = 0
        self._wakeups = 0
        self._high_water: dict[str, int] = {}
        self._schedule_planned_events()

    def _make_cells(self, participants: Sequence[Participant], seed: int) -> dict[str, Cell]:
        broker = self.broker
        keep_snapshots = any(
            isinstance(f, Crash) and f.restart.mode == "lose" for f in self.plan.faults
        ) or (self.plan.bug_restart is not None and self.plan.bug_restart.mode == "lose")
        cells: dict[str, Cell] = {}
        for participant in sorted(participants, key=lambda p: p.participant_id):
            pid = participant.participant_id
            if pid not in broker.directory:
                raise ScenarioError(f"participant {pid} is not in the market's directory")
            context = Context(
                participant.identity,
                clock=broker.clock,
                calendar=self.calendar,
                rng=participant_rng(seed, pid),
                skew=broker.faults.skew_of(pid),
                signing_scheme=broker.gateway.defences.scheme or DEFAULT_SCHEME,
            )
            cells[pid] = Cell.of(
                participant,
                context,
                keep_snapshot=keep_snapshots,
                trusted=self.trust_built_in and is_built_in(participant),
            )
        return cells

    def _schedule_planned_events(self) -> None:
        faults = self.broker.faults
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
            for cell in self._cells.values():
                await nursery.start(self._participant_task, cell)
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
        if self.supervisor.failure is not None:
            raise self.supervisor.failure
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
        pacer = self.pacer
        while True:
            if pacer is not None and not await pacer.before_batch(self._batches):
                return
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
            self._hand_out(batches)
            await self._all_done.wait()
            if not self._collect({pid: self._cells[pid] for pid in sorted(batches)}):
                return
            if self._on_batch is not None:
                self._on_batch(self._deliveries)

    def _hand_out(self, batches: dict[str, list[Delivery]]) -> None:
        """Put each recipient's batch in its mailbox: one wake-up per participant."""
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

    def _collect(self, cells: dict[str, Cell]) -> bool:
        """Hand outboxes to the broker in participant-id order; apply crashes; ``False`` to stop.

        The first unsupervised crash (in id order) is journalled and kept to be
        raised once the nursery has closed, so callers see the crash itself
        rather than an exception group.
        """
        for pid in sorted(cells):
            cell = cells[pid]
            entries = cell.context.take_outbox()
            cell.resubmissions.track(entries)
            with trusted_construction(cell.trusted):
                self.broker.accept_outbox(pid, entries)
        supervisor = self.supervisor
        for pid in sorted(cells):
            cell = cells[pid]
            if cell.planned_crash is not None:
                crash, cell.planned_crash = cell.planned_crash, None
                if not supervisor.take_down(pid, cell, crash.restart, planned=True, error=None):
                    return False
            elif cell.crash is not None:
                error, cell.crash = cell.crash, None
                policy = self.plan.bug_restart
                if policy is None:
                    supervisor.fail(pid, cell, error)
                    return False
                if not supervisor.take_down(pid, cell, policy, planned=False, error=error):
                    return False
        return True

    async def _participant_task(
        self, cell: Cell, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None:
        send, receive = trio.open_memory_channel[list[Delivery]](math.inf)
        cell.mailbox = send
        try:
            with trusted_construction(cell.trusted):
                cell.participant.on_start(cell.context)
        except Exception as error:  # journalled and re-raised by _collect
            cell.crash = error
        task_status.started()
        async with receive:
            async for batch in receive:
                self._wakeups += 1
                if cell.crash is None:
                    # A trusted cell is synchronous: nothing else runs until this returns.
                    with trusted_construction(cell.trusted):
                        await self._handle_batch(cell, batch)
                self._outstanding -= 1
                if self._outstanding == 0:
                    self._all_done.set()

    async def _handle_batch(self, cell: Cell, batch: list[Delivery]) -> None:
        handle = self._handle
        for index, delivery in enumerate(batch):
            try:
                handled = handle(cell, delivery)
                if handled is True:
                    continue
                if handled is False:
                    cell.leftover = batch[index + 1 :]
                    return
                await handled
            except Exception as error:  # journalled and re-raised (or supervised) by _collect
                cell.crash = error
                cell.crashed_on = delivery
                cell.leftover = batch[index + 1 :]
                return

    def _handle(self, cell: Cell, delivery: Delivery) -> bool | Awaitable[object]:
        """Hand one delivery to the participant (or act on it).

        ``True`` when done, ``False`` for a planned crash (the rest of the batch
        waits), or what an async participant's ``on_message`` returned, to await.
        """
        payload = delivery.payload
        kind = _KINDS.get(type(payload))
        if kind is None:
            kind = _KINDS[type(payload)] = _kind_of(type(payload))
        context = cell.context
        if kind is _MESSAGE:
            if cell.inbox.is_duplicate(payload):
                context.record("duplicate_ignored", mpan=delivery.mpan, message=delivery.message)
                return True
        elif kind is _RESPONSE:
            assert isinstance(payload, DipResponse)
            cell.resubmissions.on_response(context, payload)
        elif kind is _STATUS:
            assert isinstance(payload, DipStatusMessage)
            if cell.inbox.is_duplicate(payload):
                context.record("duplicate_ignored", mpan=delivery.mpan, message=delivery.message)
                return True
            cell.resubmissions.on_status(context, payload)
        else:
            return self._handle_system(cell, delivery, kind)
        result = cell.participant.on_message(context, payload)
        if cell.is_async:
            return cast(Awaitable[object], result)
        return True

    def _handle_system(self, cell: Cell, delivery: Delivery, kind: int) -> bool:
        """Act on a runtime message, a timer of the runtime's or the DIP's webhook news."""
        payload = delivery.payload
        if kind is _PLANNED_CRASH:
            assert isinstance(payload, PlannedCrash)
            cell.planned_crash = self.broker.faults.crashes()[payload.index]
            return False
        if kind is _RESTART_DUE:
            assert isinstance(payload, RestartDue)
            self.supervisor.restart(delivery.recipient, cell, payload)
        elif kind is _WEBHOOK_RESTORED:
            assert isinstance(payload, WebhookRestored)
            cell.participant.on_webhook_restored(cell.context, payload)
        else:
            assert isinstance(payload, Resubmit)
            cell.resubmissions.resubmit(cell.context, payload)
        return True


#: What the runtime does with a payload, by its class (see :func:`_kind_of`).
_MESSAGE, _RESPONSE, _STATUS, _PLANNED_CRASH, _RESTART_DUE, _WEBHOOK_RESTORED, _RESUBMIT = range(7)
#: Each payload class met so far, with its kind: one look-up per delivery instead of a
#: chain of ``isinstance`` tests.
_KINDS: dict[type, int] = {}


def _kind_of(payload_type: type) -> int:
    """What :meth:`Runtime._handle` does with a payload of ``payload_type``.

    In the order it asks: the runtime's own messages first; a DIP response goes
    to the resubmission book (and is never a duplicate); anything else is
    checked for a duplicate, a status message also given to the book.
    """
    for kind, base in (
        (_PLANNED_CRASH, PlannedCrash),
        (_RESTART_DUE, RestartDue),
        (_WEBHOOK_RESTORED, WebhookRestored),
        (_RESUBMIT, Resubmit),
        (_RESPONSE, DipResponse),
        (_STATUS, DipStatusMessage),
    ):
        if issubclass(payload_type, base):
            return kind
    return _MESSAGE


def _no_phase(_phase: str) -> None:
    """The default ``on_phase``: nobody is timing the run."""
