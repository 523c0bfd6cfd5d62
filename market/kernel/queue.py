"""The delivery queue: virtual time as an ordered queue of deliveries.

Every message, stimulus and timer waits here until it falls due. The queue owns
virtual time: popping the next batch advances the clock to the earliest due
instant. Entries are ordered by ``(deliver_at, priority, seq)``: ``seq`` counts
every entry ever pushed, so ties always break the same way and a run is a
deterministic function of its scenario and seed.
"""

from __future__ import annotations

import random
from datetime import datetime
from enum import IntEnum
from heapq import heappop, heappush
from typing import Final, NamedTuple


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


class Delivery(NamedTuple):
    """One parcel on its way to its recipient, due at ``deliver_at``, numbered ``seq``.

    A named tuple built positionally (a run builds one per delivery, and a tuple
    is built in a quarter of the time of a slotted attrs instance). Its first
    three fields are its place in the queue, ``(deliver_at, priority, seq)``, so
    the delivery itself is the heap entry: ``seq`` is unique, so two deliveries
    never compare beyond it. The parcel's ten fields follow, in :class:`Parcel`
    order, then ``sent_at``. Never changed once made (a requeue makes a new one).
    """

    deliver_at: datetime
    priority: Priority
    seq: int
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

    @property
    def parcel(self) -> Parcel:
        """What this delivery carries, to send again (a requeue, a replay)."""
        return Parcel._make(self[3:13])


def unqueued(parcel: Parcel, at: datetime) -> Delivery:
    """A delivery that never enters the queue (a dead letter, a publication kept for replay)."""
    return tuple.__new__(Delivery, (at, Priority.MESSAGE, -1, *parcel, None))


class VirtualClock:
    """The current virtual instant, advanced only by the delivery queue."""

    __slots__ = ("now",)

    def __init__(self, start_at: datetime) -> None:
        self.now = start_at


class DeliveryQueue:
    """Deliveries in ``(deliver_at, priority, seq)`` order; popping a batch advances the clock.

    Held as one list per due instant (in push order, so in ``seq`` order) and a
    heap of those instants: a run hands out thousands of deliveries due at the
    same instant, so pushing one is an append to its instant's list (found among
    the last few instants pushed to, else by a dictionary look-up), and popping
    a batch takes one list, where a heap of deliveries would sift each one in
    and out. The rare instant that also holds a runtime message is put in
    priority order when it falls due (a stable sort, so ``seq`` order within each).

    ``schedule_rng``: schedule exploration, deliveries due at the same instant
    handed out in an order drawn from it instead of queue order.
    """

    __slots__ = (
        "_by_instant",
        "_instants",
        "_mixed",
        "_pending",
        "_recent",
        "_seq",
        "clock",
        "schedule_rng",
    )

    def __init__(self, clock: VirtualClock, *, schedule_rng: random.Random | None = None) -> None:
        self.clock = clock
        self.schedule_rng = schedule_rng
        #: The deliveries due at each instant, in push order.
        self._by_instant: dict[datetime, list[Delivery]] = {}
        #: A heap of the instants in ``_by_instant``.
        self._instants: list[datetime] = []
        #: Instants that hold a delivery of a priority other than ``MESSAGE``.
        self._mixed: set[datetime] = set()
        #: The instants pushed to last, with their lists: a batch's messages go to a few
        #: instants (now plus each network's latency), and comparing an instant with
        #: them costs a tenth of hashing it (an aware datetime is hashed afresh each time).
        self._recent: list[tuple[datetime, list[Delivery]]] = []
        self._pending = 0
        self._seq = 0

    def __len__(self) -> int:
        """How many deliveries wait (cancelled timers included until they fall due)."""
        return self._pending

    def next_due_at(self) -> datetime | None:
        """When the next delivery falls due, or ``None`` if nothing waits."""
        return self._instants[0] if self._instants else None

    def push(
        self,
        parcel: Parcel,
        at: datetime,
        *,
        sent_at: datetime | None = None,
        priority: Priority = Priority.MESSAGE,
    ) -> Delivery:
        """Queue ``parcel`` for ``at``; returns the delivery, numbered in push order."""
        seq = self._seq
        self._seq = seq + 1
        self._pending += 1
        delivery = tuple.__new__(Delivery, (at, priority, seq, *parcel, sent_at))
        for recent_at, waiting in self._recent:
            if recent_at == at:
                waiting.append(delivery)
                break
        else:
            self._add(at, delivery)
        if priority is not Priority.MESSAGE:
            self._mixed.add(at)
        return delivery

    def _add(self, at: datetime, delivery: Delivery) -> None:
        """Queue ``delivery`` for an instant not among the recent ones."""
        waiting = self._by_instant.get(at)
        if waiting is None:
            waiting = self._by_instant[at] = [delivery]
            heappush(self._instants, at)
        else:
            waiting.append(delivery)
        recent = self._recent
        recent.insert(0, (at, waiting))
        del recent[_RECENT_INSTANTS:]

    def pop_due(self) -> list[Delivery]:
        """Advance the clock to the earliest due instant and take everything due then."""
        if not self._instants:
            return []
        due_at = heappop(self._instants)
        due = self._by_instant.pop(due_at)
        self._recent.clear()
        self._pending -= len(due)
        if self._mixed and due_at in self._mixed:
            self._mixed.discard(due_at)
            due.sort(key=_priority)
        self.clock.now = due[0].deliver_at
        if self.schedule_rng is not None and len(due) > 1:
            self.schedule_rng.shuffle(due)
        return due


#: How many instants :attr:`DeliveryQueue._recent` remembers.
_RECENT_INSTANTS: Final = 4


def _priority(delivery: Delivery) -> Priority:
    return delivery.priority
