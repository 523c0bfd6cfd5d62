"""The actor runtime: one trio task and one mailbox per participant, driven by the broker.

The loop is a sequence of *batches*. The broker advances virtual time to the
next due delivery and hands out everything due at that instant, grouped by
recipient; each recipient's task drains its whole batch in one wake-up; when
every busy participant has finished, the runtime passes their outboxes to the
broker in participant-id order. One wake-up per participant per batch, however
many messages the batch holds, is what makes the simulator fast (ARCHITECTURE
rule 5); taking outboxes in id order is what makes it deterministic (rule 3).

A handler that raises stops the run with :class:`ParticipantCrashedError`
after the crash is journalled; nothing is swallowed.
"""

from __future__ import annotations

import inspect
import math
import random
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs
import trio

from market.broker import Broker, Delivery, VirtualClock
from market.exceptions import ParticipantCrashedError, ScenarioError
from market.participant import Context, Participant
from market.settlement_calendar import SettlementCalendar


def participant_rng(seed: int, participant_id: str) -> random.Random:
    """The participant's own random stream, derived from the scenario seed and its id."""
    return random.Random(f"{seed}/participant/{participant_id}")


@attrs.define(slots=True)
class _Cell:
    """What the runtime keeps for one participant: it, its context, its mailbox, its crash."""

    participant: Participant
    context: Context
    handler: Callable[[Context, object], Any]
    is_async: bool
    mailbox: trio.MemorySendChannel[list[Delivery]] | None = None
    crash: BaseException | None = None
    crashed_on: Delivery | None = None


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
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.broker = broker
        self.calendar = calendar
        self._on_batch = on_batch
        self._cells: dict[str, _Cell] = {}
        for participant in sorted(participants, key=lambda p: p.participant_id):
            pid = participant.participant_id
            if pid not in broker.directory:
                raise ScenarioError(f"participant {pid} is not in the market's directory")
            context = Context(
                participant.identity,
                clock=broker.clock,
                calendar=calendar,
                rng=participant_rng(seed, pid),
            )
            handler = participant.on_message
            self._cells[pid] = _Cell(
                participant=participant,
                context=context,
                handler=handler,
                is_async=inspect.iscoroutinefunction(handler),
            )
        self._outstanding = 0
        self._all_done = trio.Event()
        self._batches = 0
        self._deliveries = 0
        self._wakeups = 0
        self._high_water: dict[str, int] = {}
        self._failure: ParticipantCrashedError | None = None

    @property
    def clock(self) -> VirtualClock:
        """The broker's virtual clock."""
        return self.broker.clock

    def participant(self, participant_id: str) -> Participant:
        """The participant object with ``participant_id`` (for tests and reports)."""
        return self._cells[participant_id].participant

    async def run(self, *, until: datetime | None = None) -> RunStatistics:
        """Start every participant, then deliver batches until the queue empties or ``until``."""
        async with trio.open_nursery() as nursery:
            for pid, cell in self._cells.items():
                await nursery.start(self._participant_task, pid, cell)
            error: Exception | None = None
            try:
                if self._collect(self._cells):
                    await self._deliver_until(until)
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
        while True:
            due_at = broker.next_due_at()
            if due_at is None or (until is not None and due_at > until):
                return
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
        """Hand outboxes to the broker in participant-id order; ``False`` if anyone crashed.

        The first crash (in id order) is journalled and kept to be raised once
        the nursery has closed, so callers see the crash itself rather than an
        exception group.
        """
        for pid in sorted(cells):
            cell = cells[pid]
            self.broker.accept_outbox(pid, cell.context.take_outbox())
        for pid in sorted(cells):
            cell = cells[pid]
            if cell.crash is not None:
                self._journal_crash(pid, cell)
                failure = ParticipantCrashedError(pid, _describe(cell.crashed_on))
                failure.__cause__ = cell.crash
                self._failure = failure
                return False
        return True

    def _journal_crash(self, pid: str, cell: _Cell) -> None:
        delivery = cell.crashed_on
        self.broker.journal.append(
            at=self.broker.clock.now,
            kind="crashed",
            sender=pid,
            message=delivery.message if delivery is not None else None,
            mpan=delivery.mpan if delivery is not None else None,
            detail={"error": f"{type(cell.crash).__name__}: {cell.crash}"},
        )

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
                    await self._handle_batch(cell, batch)
                self._outstanding -= 1
                if self._outstanding == 0:
                    self._all_done.set()

    async def _handle_batch(self, cell: _Cell, batch: Iterable[Delivery]) -> None:
        handler = cell.handler
        context = cell.context
        for delivery in batch:
            try:
                if cell.is_async:
                    await handler(context, delivery.payload)
                else:
                    handler(context, delivery.payload)
            except Exception as error:  # journalled and re-raised by _collect
                cell.crash = error
                cell.crashed_on = delivery
                return


def _describe(delivery: Delivery | None) -> str:
    if delivery is None:
        return "on_start"
    return f"{delivery.message} (seq {delivery.seq}, MPAN {delivery.mpan})"
