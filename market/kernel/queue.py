"""The delivery queue: virtual time as an ordered heap of deliveries.

Every message, stimulus and timer waits here until it falls due. The queue owns
virtual time: popping the next batch advances the clock to the earliest due
instant. Entries are ordered by ``(deliver_at, priority, seq)``: ``seq`` counts
every entry ever pushed, so ties always break the same way and a run is a
deterministic function of its scenario and seed.
"""

from __future__ import annotations

import heapq
import random
from datetime import datetime
from enum import IntEnum
from typing import NamedTuple

import attrs


class Priority(IntEnum):
    """Which of two deliveries due at the same instant goes first (lower first)."""

    #: The runtime's own messages to a participant (a restart, a planned crash).
    RUNTIME = 0
    #: Everything else: network messages, stimuli, timers.
    MESSAGE = 1


class Parcel(NamedTuple):
    """What is handed to the queue: a message with its addressing and its journal labels.

    ``network`` is ``DIP``, ``DTN``, ``CSS`` or ``OUTSIDE`` (``None`` for timers
    and the runtime's messages); ``message`` the label the journal shows
    (``PUB-003``, ``D0155``, ``SecuredActive``, a timer's payload type);
    ``payload`` the typed message itself.
    """

    recipient: str
    sender: str
    network: str | None
    message: str
    event_code: str | None
    mpan: str | None
    step: str | None
    correlation_id: str | None
    payload: object
    timer_id: int | None = None


@attrs.define(kw_only=True, slots=True)
class Delivery:
    """One parcel on its way to its recipient, due at ``deliver_at``, numbered ``seq``.

    Never changed once made (a requeue makes a new one); a plain slotted class
    rather than a frozen one because frozen attrs instances cost twice as much
    to build, and the queue builds one per delivery.
    """

    seq: int
    deliver_at: datetime
    recipient: str
    sender: str
    network: str | None
    message: str
    event_code: str | None
    mpan: str | None
    step: str | None
    correlation_id: str | None
    payload: object
    timer_id: int | None = None
    #: When the sender sent it (network messages); the journal shows it on the delivery.
    sent_at: datetime | None = None
    priority: Priority = Priority.MESSAGE

    @property
    def parcel(self) -> Parcel:
        """What this delivery carries, to send again (a requeue, a replay)."""
        return Parcel(
            self.recipient,
            self.sender,
            self.network,
            self.message,
            self.event_code,
            self.mpan,
            self.step,
            self.correlation_id,
            self.payload,
            self.timer_id,
        )


def unqueued(parcel: Parcel, at: datetime) -> Delivery:
    """A delivery that never enters the queue (a dead letter, a publication kept for replay)."""
    return Delivery(seq=-1, deliver_at=at, **parcel._asdict())


class VirtualClock:
    """The current virtual instant, advanced only by the delivery queue."""

    __slots__ = ("now",)

    def __init__(self, start_at: datetime) -> None:
        self.now = start_at


class DeliveryQueue:
    """Deliveries in ``(deliver_at, priority, seq)`` order; popping a batch advances the clock.

    ``schedule_rng``: schedule exploration, deliveries due at the same instant
    handed out in an order drawn from it instead of queue order.
    """

    __slots__ = ("_heap", "_seq", "clock", "schedule_rng")

    def __init__(self, clock: VirtualClock, *, schedule_rng: random.Random | None = None) -> None:
        self.clock = clock
        self.schedule_rng = schedule_rng
        self._heap: list[tuple[datetime, int, int, Delivery]] = []
        self._seq = 0

    def __len__(self) -> int:
        """How many deliveries wait (cancelled timers included until they fall due)."""
        return len(self._heap)

    def next_due_at(self) -> datetime | None:
        """When the next delivery falls due, or ``None`` if nothing waits."""
        return self._heap[0][0] if self._heap else None

    def push(
        self,
        parcel: Parcel,
        at: datetime,
        *,
        sent_at: datetime | None = None,
        priority: Priority = Priority.MESSAGE,
    ) -> Delivery:
        """Queue ``parcel`` for ``at``; returns the delivery, numbered in push order."""
        delivery = Delivery(
            seq=self._seq,
            deliver_at=at,
            recipient=parcel.recipient,
            sender=parcel.sender,
            network=parcel.network,
            message=parcel.message,
            event_code=parcel.event_code,
            mpan=parcel.mpan,
            step=parcel.step,
            correlation_id=parcel.correlation_id,
            payload=parcel.payload,
            timer_id=parcel.timer_id,
            sent_at=sent_at,
            priority=priority,
        )
        self._seq += 1
        heapq.heappush(self._heap, (at, priority, delivery.seq, delivery))
        return delivery

    def pop_due(self) -> list[Delivery]:
        """Advance the clock to the earliest due instant and take everything due then."""
        if not self._heap:
            return []
        due_at = self._heap[0][0]
        self.clock.now = due_at
        due: list[Delivery] = []
        while self._heap and self._heap[0][0] == due_at:
            due.append(heapq.heappop(self._heap)[3])
        if self.schedule_rng is not None and len(due) > 1:
            self.schedule_rng.shuffle(due)
        return due
