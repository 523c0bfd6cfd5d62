"""The kernel's lean records: positional deliveries, the per-instant queue, one journal path.

These pin what the kernel promises while it builds fewer, cheaper objects: the
queue hands out ``(deliver_at, priority, seq)`` order exactly as a heap of
deliveries would, a delivery reads by name and carries its parcel, the
journal's positional path makes the same event as its keyword one, and the
inbox filter drops exactly the repeats a set of whole messages would.
"""

from __future__ import annotations

import heapq
import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from market.kernel.event_kinds import EventKind
from market.kernel.ids import Role
from market.kernel.journal import Journal, JournalEvent
from market.kernel.queue import (
    Delivery,
    DeliveryQueue,
    Parcel,
    Priority,
    VirtualClock,
    unqueued,
)
from market.messages.css import RegistrationRequest
from market.messages.dtn import D0217, Address, FlowHeader
from market.runtime.inbox import DuplicateFilter

START = datetime(2026, 2, 27, 16, 0, tzinfo=UTC)
MPAN = "1900012345670"
OTHER_MPAN = "1900012345680"


def _parcel(label: str, *, recipient: str = "SUP", timer_id: int | None = None) -> Parcel:
    return Parcel(
        recipient, "REGS", "DTN", label, None, MPAN, "T1", None, {"label": label}, timer_id
    )


# ------------------------------------------------------------------ deliveries


def test_a_delivery_reads_by_name_and_gives_back_its_parcel() -> None:
    queue = DeliveryQueue(VirtualClock(START))
    parcel = _parcel("D0217", timer_id=7)
    sent = START - timedelta(seconds=5)
    delivery = queue.push(parcel, START, sent_at=sent)
    assert delivery.deliver_at == START
    assert delivery.priority is Priority.MESSAGE
    assert delivery.seq == 0
    assert (delivery.recipient, delivery.sender, delivery.network) == ("SUP", "REGS", "DTN")
    assert (delivery.message, delivery.event_code, delivery.mpan) == ("D0217", None, MPAN)
    assert (delivery.step, delivery.correlation_id, delivery.timer_id) == ("T1", None, 7)
    assert delivery.payload == {"label": "D0217"}
    assert delivery.sent_at == sent
    assert delivery.parcel == parcel
    assert type(delivery.parcel) is Parcel


def test_an_unqueued_delivery_is_numbered_minus_one() -> None:
    parcel = _parcel("D0217")
    dead = unqueued(parcel, START)
    assert isinstance(dead, Delivery)
    assert (dead.seq, dead.deliver_at, dead.sent_at, dead.priority) == (
        -1,
        START,
        None,
        Priority.MESSAGE,
    )
    assert dead.parcel == parcel


# ----------------------------------------------------------------------- queue


def test_a_runtime_message_goes_first_at_its_instant_then_push_order() -> None:
    clock = VirtualClock(START)
    queue = DeliveryQueue(clock)
    later = START + timedelta(minutes=1)
    queue.push(_parcel("a"), later)
    queue.push(_parcel("b"), START)
    queue.push(_parcel("c"), later)
    queue.push(_parcel("restart"), later, priority=Priority.RUNTIME)
    queue.push(_parcel("d"), START)
    assert len(queue) == 5
    assert queue.next_due_at() == START
    assert [d.message for d in queue.pop_due()] == ["b", "d"]
    assert clock.now == START
    assert len(queue) == 3
    assert [d.message for d in queue.pop_due()] == ["restart", "a", "c"]
    assert clock.now == later
    assert queue.pop_due() == []
    assert queue.next_due_at() is None
    assert len(queue) == 0


def test_a_delivery_pushed_for_an_instant_already_handed_out_comes_in_a_new_batch() -> None:
    clock = VirtualClock(START)
    queue = DeliveryQueue(clock)
    queue.push(_parcel("first"), START)
    assert [d.message for d in queue.pop_due()] == ["first"]
    queue.push(_parcel("answer"), START)  # a synchronous answer, due at once
    assert queue.next_due_at() == START
    assert [d.message for d in queue.pop_due()] == ["answer"]


def test_equal_instants_in_other_time_zones_are_one_batch_and_the_clock_takes_the_first() -> None:
    clock = VirtualClock(START)
    queue = DeliveryQueue(clock)
    east = START.astimezone(timezone(timedelta(hours=2)))
    assert east == START
    queue.push(_parcel("east"), east)
    queue.push(_parcel("utc"), START)
    queue.push(_parcel("runtime"), START, priority=Priority.RUNTIME)
    batch = queue.pop_due()
    assert [d.message for d in batch] == ["runtime", "east", "utc"]
    assert clock.now is batch[0].deliver_at  # as a heap of deliveries would set it


@pytest.mark.parametrize("seed", range(8))
def test_the_queue_hands_out_what_a_heap_of_deliveries_would(seed: int) -> None:
    """Random pushes between pops (due now, later, in the past; both priorities)."""
    rng = random.Random(seed)
    clock = VirtualClock(START)
    queue = DeliveryQueue(clock)
    heap: list[tuple[datetime, int, int, str]] = []
    offsets = [timedelta(0), timedelta(seconds=1), timedelta(seconds=30), timedelta(minutes=5)]
    for step in range(400):
        for _ in range(rng.randrange(6)):
            at = (
                clock.now
                + rng.choice(offsets)
                - (timedelta(seconds=1) if rng.random() < 0.05 else timedelta(0))
            )
            priority = Priority.RUNTIME if rng.random() < 0.1 else Priority.MESSAGE
            label = f"m{step}.{len(heap)}"
            delivery = queue.push(_parcel(label), at, priority=priority)
            heapq.heappush(heap, (at, priority, delivery.seq, label))
        assert len(queue) == len(heap)
        assert queue.next_due_at() == (heap[0][0] if heap else None)
        expected: list[str] = []
        if heap:
            due_at = heap[0][0]
            while heap and heap[0][0] == due_at:
                expected.append(heapq.heappop(heap)[3])
        assert [d.message for d in queue.pop_due()] == expected
    while heap:
        due_at = heap[0][0]
        expected = []
        while heap and heap[0][0] == due_at:
            expected.append(heapq.heappop(heap)[3])
        assert [d.message for d in queue.pop_due()] == expected
        assert clock.now == due_at
    assert len(queue) == 0


def test_schedule_exploration_shuffles_one_instant_and_only_it() -> None:
    clock = VirtualClock(START)
    queue = DeliveryQueue(clock, schedule_rng=random.Random(4))
    for index in range(20):
        queue.push(_parcel(f"m{index}"), START)
    queue.push(_parcel("later"), START + timedelta(seconds=1))
    batch = [d.message for d in queue.pop_due()]
    assert sorted(batch) == sorted(f"m{index}" for index in range(20))
    assert batch != [f"m{index}" for index in range(20)]
    assert [d.message for d in queue.pop_due()] == ["later"]


# --------------------------------------------------------------------- journal


def test_the_positional_path_makes_the_event_the_keyword_path_does() -> None:
    seen: list[JournalEvent] = []
    journal = Journal()
    journal.subscribe(seen.append)
    sent = START - timedelta(seconds=2)
    by_keyword = journal.append(
        at=START,
        kind=EventKind.DELIVERED,
        network="DTN",
        message="D0217",
        event_code="E1",
        sender="REGS",
        recipient="SUP",
        mpan=MPAN,
        step="T1",
        correlation_id="c-1",
        detail={"k": 1},
        payload="p",
        sent_at=sent,
    )
    by_position = journal.add(
        START,
        EventKind.DELIVERED,
        "DTN",
        "D0217",
        "E1",
        "REGS",
        "SUP",
        MPAN,
        "T1",
        "c-1",
        {"k": 1},
        "p",
        sent,
    )
    assert type(by_position) is JournalEvent
    assert (by_keyword.seq, by_position.seq) == (0, 1)
    assert by_position._replace(seq=0) == by_keyword
    assert journal.events == (by_keyword, by_position) == tuple(seen)
    assert len(journal) == 2
    keyword_line, position_line = journal.lines()
    assert position_line == keyword_line.replace('"seq":0', '"seq":1')


# ----------------------------------------------------------------------- inbox


def _flow(to_mpid: str = "LGSB", *, mpan: str = MPAN, registration: str = "abc") -> D0217:
    header = FlowHeader.between(
        Address(mpid="RGSJ", role=Role.REGISTRATION_SERVICE),
        Address(mpid=to_mpid, role=Role.SUPPLIER),
        mpan,
    )
    return D0217(
        header,
        supply_start_date=date(2026, 3, 2),
        supplier_mpid=to_mpid,
        gsp_group_id="_J",
        css_registration_id=registration,
    )


def _request(reference: str, *, mpan: str = MPAN) -> RegistrationRequest:
    return RegistrationRequest(
        to_role=Role.CENTRAL_SWITCHING_SERVICE,
        mpan_core=mpan,
        gaining_supplier_mpid="LGSB",
        requested_supply_start_date=date(2026, 3, 2),
        request_reference=reference,
    )


def test_the_inbox_drops_an_equal_repeat_and_keeps_every_unequal_message() -> None:
    inbox = DuplicateFilter(deduplicate=True)
    first = _flow()
    assert not inbox.is_duplicate(first)
    assert inbox.is_duplicate(first)  # the very same object again (a duplicated transmission)
    assert inbox.is_duplicate(_flow())  # an equal copy built again
    # Same class and MPAN, unequal: kept, however many there are.
    assert not inbox.is_duplicate(_flow(registration="def"))
    assert not inbox.is_duplicate(_flow(registration="ghi"))
    assert inbox.is_duplicate(_flow(registration="def"))
    assert inbox.is_duplicate(_flow(registration="ghi"))
    assert inbox.is_duplicate(_flow())
    # Another MPAN: a different message.
    assert not inbox.is_duplicate(_flow(mpan=OTHER_MPAN))
    assert inbox.is_duplicate(_flow(mpan=OTHER_MPAN))
    # CSS messages the same way.
    assert not inbox.is_duplicate(_request("r1"))
    assert inbox.is_duplicate(_request("r1"))
    assert not inbox.is_duplicate(_request("r2"))
    assert not inbox.is_duplicate(_request("r1", mpan=OTHER_MPAN))
    # Neither a flow, a CSS message nor a DIP publication: never a duplicate.
    assert not inbox.is_duplicate("text")
    assert not inbox.is_duplicate("text")


def test_the_inbox_agrees_with_a_set_of_whole_messages() -> None:
    rng = random.Random(11)
    inbox = DuplicateFilter(deduplicate=True)
    seen: set[object] = set()
    for _ in range(300):
        message: object
        if rng.random() < 0.5:
            message = _flow(
                rng.choice(["LGSB", "MHSA"]),
                mpan=rng.choice([MPAN, OTHER_MPAN]),
                registration=rng.choice(["a", "b", "c"]),
            )
        else:
            message = _request(rng.choice(["r1", "r2"]), mpan=rng.choice([MPAN, OTHER_MPAN]))
        expected = message in seen
        seen.add(message)
        assert inbox.is_duplicate(message) is expected


def test_redelivered_flows_and_an_inbox_without_deduplication_pass_every_copy() -> None:
    chased = DuplicateFilter(deduplicate=True, redelivered_flows=frozenset({"D0217"}))
    assert not chased.is_duplicate(_flow())
    assert not chased.is_duplicate(_flow())
    assert not chased.is_duplicate(_request("r1"))
    assert chased.is_duplicate(_request("r1"))
    everything = DuplicateFilter(deduplicate=False)
    for _ in range(2):
        assert not everything.is_duplicate(_flow())
        assert not everything.is_duplicate(_request("r1"))
