"""The broker: every message in the market passes here, in one synchronous core.

The broker is composed of parts, each with one job:

* the :class:`~market.kernel.queue.DeliveryQueue`, which owns virtual time and
  orders deliveries by ``(deliver_at, priority, seq)``;
* three networks behind one interface (:class:`~market.networks.wire.Network`):
  the DIP (:mod:`market.networks.dip`), the DTN (:mod:`market.networks.dtn`)
  and the CSS (:mod:`market.networks.css`), sharing one
  :class:`~market.networks.wire.Wire`;
* one fault component (:mod:`market.faults.applied`): the plan's faults, or the
  :class:`~market.faults.applied.NoFaults` null object, and the one record of
  who is down;
* the journal.

Messages a participant sends during one batch reach the broker together,
after the batch, in participant-id order (see :meth:`Broker.accept_outbox`),
so the order in which trio happens to run tasks never shows. The broker is
plain Python (no trio): the runtime (:mod:`market.runtime`) hands it outboxes
and asks it for the next batch.
"""

from __future__ import annotations

import random
from collections.abc import Container, Iterable, Mapping
from datetime import datetime, timedelta

from market.faults.applied import Faults, fault_component
from market.faults.injector import FaultInjector
from market.kernel.directory import Directory
from market.kernel.event_kinds import EventKind
from market.kernel.journal import Journal
from market.kernel.queue import Delivery, DeliveryQueue, Parcel, Priority, VirtualClock
from market.kernel.vocabulary import (
    DEFAULT_LATENCIES,
    OUTSIDE,
    Latencies,
    StepClassifier,
    no_steps,
)
from market.networks.css import Css
from market.networks.dip import Dip
from market.networks.dip_defences import DEFAULT_DEFENCES, DipDefences
from market.networks.dip_gateway import DipGateway
from market.networks.dip_routing import MpanRoleMap, Route
from market.networks.dtn import Dtn
from market.networks.wire import Network, Wire
from market.participant import CancelTimer, OutboxEntry, Record, Send, SetTimer


class Broker:
    """Routes every message through its networks, owns the delivery queue, writes the journal."""

    def __init__(
        self,
        *,
        directory: Directory,
        journal: Journal,
        clock: VirtualClock,
        routes: Mapping[tuple[str, str], Route],
        mpan_roles: MpanRoleMap,
        latencies: Latencies = DEFAULT_LATENCIES,
        classify_step: StepClassifier = no_steps,
        faults: FaultInjector | None = None,
        defences: DipDefences = DEFAULT_DEFENCES,
        known_mpans: Container[str] | None = None,
        register_lags: Mapping[str, timedelta] | None = None,
        gateway: DipGateway | None = None,
        schedule_rng: random.Random | None = None,
    ) -> None:
        """``faults``: the plan's injector (``None`` or a plan without faults: no faults).

        ``defences``: signing, size and rate limits of the DIP (signing on by
        default). ``known_mpans``: the DIP's MPAN register for the level-2 rule
        (``None``: it knows every MPAN); ``register_lags``: the MPANs it learns
        late (D15, see :class:`DipGateway`). ``gateway``: a :class:`DipGateway` built
        elsewhere (a test's own key ring); it replaces ``defences``,
        ``known_mpans`` and ``register_lags``. ``schedule_rng``: schedule exploration
        (see the queue).
        """
        self.directory = directory
        self.journal = journal
        self.clock = clock
        self.latencies = latencies
        self.queue = DeliveryQueue(clock, schedule_rng=schedule_rng)
        #: Messages nobody could be given, in the order they died.
        self.dead_letters: list[Delivery] = []
        self.faults: Faults = fault_component(
            faults,
            queue=self.queue,
            journal=journal,
            latencies=latencies,
            dead_letters=self.dead_letters,
        )
        self.gateway = gateway or DipGateway(
            directory=directory,
            routes=routes,
            defences=defences,
            known_mpans=known_mpans,
            register_lags=register_lags,
        )
        wire = Wire(
            directory=directory,
            journal=journal,
            queue=self.queue,
            faults=self.faults,
            latencies=latencies,
            classify_step=classify_step,
            dead_letters=self.dead_letters,
        )
        #: The networks' shared means (its ``answer_taps`` serve real systems over HTTP).
        self.wire = wire
        self.networks: tuple[Network, ...] = (
            Dip(wire, gateway=self.gateway, routes=routes, mpan_roles=mpan_roles),
            Dtn(wire),
            Css(wire),
        )
        self._cancelled_timers: set[tuple[str, int]] = set()

    # ----------------------------------------------------------------- queue

    @property
    def pending(self) -> int:
        """How many deliveries are queued (cancelled timers included until they fall due)."""
        return len(self.queue)

    def next_due_at(self) -> datetime | None:
        """When the next delivery falls due, or ``None`` if the queue is empty."""
        return self.queue.next_due_at()

    def next_batch(self) -> dict[str, list[Delivery]]:
        """Advance virtual time to the earliest due delivery and hand out everything due then.

        Returns the deliveries grouped by recipient, each group in queue order
        (or, when exploring schedules, in an order drawn from the schedule seed);
        journals each delivery (or timer firing) as it leaves the queue.
        """
        batches: dict[str, list[Delivery]] = {}
        screen = self.faults.screen()
        cancelled = self._cancelled_timers
        add = self.journal.add
        for delivery in self.queue.pop_due():
            if screen is not None and not screen(delivery):
                continue
            (at, _, _, recipient, sender, network, message, event_code, mpan, step,
             correlation_id, payload, timer_id, sent_at) = delivery  # fmt: skip
            if timer_id is None:
                kind = EventKind.DELIVERED
            else:
                key = (recipient, timer_id)
                if key in cancelled:
                    cancelled.discard(key)
                    continue
                kind = EventKind.TIMER_FIRED
                payload = None  # a timer's firing is journalled without its payload
            add(at, kind, network, message, event_code, sender, recipient, mpan, step,
                correlation_id, None, payload, sent_at)  # fmt: skip
            batch = batches.get(recipient)
            if batch is None:
                batches[recipient] = [delivery]
            else:
                batch.append(delivery)
        return batches

    # ----------------------------------------------- from outside and the runtime

    def inject(
        self, at: datetime, recipient: str, payload: object, *, mpan: str | None, label: str
    ) -> None:
        """Schedule a stimulus from outside the market (a customer signs with a supplier)."""
        self.directory.identity(recipient)
        parcel = Parcel(recipient, "customer", OUTSIDE, label, None, mpan, None, None, payload)
        self.queue.push(parcel, at)

    def schedule_system(self, at: datetime, recipient: str, payload: object, *, label: str) -> None:
        """Queue a runtime message (a planned crash, a restart, a webhook coming back)."""
        parcel = Parcel(recipient, "runtime", None, label, None, None, None, None, payload)
        self.queue.push(parcel, at, priority=Priority.RUNTIME)

    # ------------------------------------------------------------- outboxes

    def accept_outbox(self, participant_id: str, entries: Iterable[OutboxEntry]) -> None:
        """Act on everything ``participant_id`` did in its last batch, in the order it did it."""
        add = self.journal.add
        clock = self.clock
        for entry in entries:
            if isinstance(entry, Send):
                self._route(participant_id, entry.message)
            elif isinstance(entry, Record):
                detail = {"event": entry.event, **entry.data}
                add(clock.now, EventKind.STATE_CHANGED, None, None, None, participant_id, None,
                    entry.mpan, None, None, detail, None, None)  # fmt: skip
            elif isinstance(entry, SetTimer):
                self._set_timer(participant_id, entry)
            elif isinstance(entry, CancelTimer):
                self._cancelled_timers.add((participant_id, entry.timer_id))
                detail = {"timer_id": entry.timer_id}
                add(clock.now, EventKind.TIMER_CANCELLED, None, None, None, participant_id,
                    participant_id, None, None, None, detail, None, None)  # fmt: skip

    def _set_timer(self, participant_id: str, entry: SetTimer) -> None:
        label = type(entry.payload).__name__
        detail = {"timer_id": entry.timer_id, "fires_at": entry.at.isoformat()}
        self.journal.add(self.clock.now, EventKind.TIMER_SET, None, label, None, participant_id,
                         participant_id, entry.mpan, None, None, detail, None, None)  # fmt: skip
        parcel = Parcel(
            participant_id,
            participant_id,
            None,
            label,
            None,
            entry.mpan,
            None,
            None,
            entry.payload,
            entry.timer_id,
        )
        self.queue.push(parcel, entry.at)

    def _route(self, sender: str, message: object) -> None:
        for network in self.networks:
            if network.carries(message):
                network.send(sender, message)
                return
        raise TypeError(
            f"{sender} sent a {type(message).__name__}; ctx.send takes a DIP envelope "
            "(or its JSON body), a D-flow or a CSS message. Use ctx.set_timer for "
            "messages to yourself."
        )
