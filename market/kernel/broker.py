"""The broker: virtual time, the three networks, and the journal, in one synchronous core.

Every message in the market passes here. The broker owns virtual time as a
queue of deliveries keyed ``(deliver_at, seq)``: ties always break the same
way, so a run is a deterministic function of its scenario and seed. Messages a
participant sends during one batch reach the broker together, after the batch,
in participant-id order (see :meth:`Broker.accept_outbox`), so the order in
which trio happens to run tasks never shows.

The broker is plain Python (no trio): the async runtime in
:mod:`market.runtime.runtime` hands it outboxes and asks it for the next batch.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Container, Iterable, Mapping
from datetime import datetime
from typing import Any

from market.faults.applied import BrokerFaults
from market.faults.injector import FaultInjector
from market.kernel.directory import Directory
from market.kernel.journal import Journal
from market.kernel.vocabulary import (
    CSS,
    DEFAULT_LATENCIES,
    DIP,
    DIP_RESPONSE,
    DIP_STATUS,
    DTN,
    OUTSIDE,
    Delivery,
    Latencies,
    StepClassifier,
    VirtualClock,
    no_steps,
)
from market.messages.css import CssMessage
from market.messages.dip import (
    DipEnvelope,
)
from market.messages.dip.status import RecipientRejection
from market.messages.dip.transport import DipRequest
from market.messages.dtn import DFlow
from market.messages.system import ReplayRequest
from market.networks.dip import BrokerDip
from market.networks.dip_gateway import (
    DEFAULT_DEFENCES,
    DipDefences,
    DipGateway,
)
from market.networks.dip_routing import MpanRoleMap, Route
from market.participant import CancelTimer, OutboxEntry, Record, Send, SetTimer

#: Re-exported for importers of the broker: its vocabulary lives in market.kernel.vocabulary.
__all__ = [
    "CSS",
    "DIP",
    "DIP_RESPONSE",
    "DIP_STATUS",
    "DTN",
    "OUTSIDE",
    "Broker",
    "Delivery",
    "Latencies",
    "StepClassifier",
    "VirtualClock",
    "no_steps",
]


class Broker(BrokerDip, BrokerFaults):
    """Routes every message, owns the delivery queue and writes the journal."""

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
        gateway: DipGateway | None = None,
        schedule_rng: random.Random | None = None,
    ) -> None:
        """``defences``: signing, size and rate limits of the DIP (signing on by default).

        ``known_mpans``: the DIP's MPAN register for the level-2 rule (``None``:
        it knows every MPAN). ``gateway``: a :class:`DipGateway` built elsewhere
        (a test's own key ring); it replaces ``defences`` and ``known_mpans``.
        """
        self.directory = directory
        self.journal = journal
        self.clock = clock
        self.routes = routes
        self.mpan_roles = mpan_roles
        self.latencies = latencies
        self.classify_step = classify_step
        self._queue: list[tuple[datetime, int, Delivery]] = []
        self._queue_seq = 0
        #: Schedule exploration: concurrent deliveries in a seeded random order (else by seq).
        self.schedule_rng = schedule_rng
        self._cancelled_timers: set[tuple[str, int]] = set()
        self.gateway = gateway or DipGateway(
            directory=directory, routes=routes, defences=defences, known_mpans=known_mpans
        )
        self._transactions = 0
        self.dead_letters: list[Delivery] = []
        self.faults = faults if faults is not None and faults.active else None
        #: DIP publications the DIP gave up delivering (RetriesExhausted), per recipient.
        self.undelivered: dict[str, list[Delivery]] = {}
        #: DIP publications delivered, per recipient, kept for replays (only under a fault plan).
        self.published_to: dict[str, list[Delivery]] = {}
        #: Participants that are down: ``None`` for good, else until when deliveries wait.
        self.down: dict[str, datetime | None] = {}
        self._attempts: dict[int, int] = {}

    # ----------------------------------------------------------------- queue

    @property
    def pending(self) -> int:
        """How many deliveries are queued (cancelled timers included until they fall due)."""
        return len(self._queue)

    def next_due_at(self) -> datetime | None:
        """When the next delivery falls due, or ``None`` if the queue is empty."""
        return self._queue[0][0] if self._queue else None

    def _enqueue(self, **fields: Any) -> Delivery:
        delivery = Delivery(seq=self._queue_seq, **fields)
        self._queue_seq += 1
        heapq.heappush(self._queue, (delivery.deliver_at, delivery.seq, delivery))
        return delivery

    def next_batch(self) -> dict[str, list[Delivery]]:
        """Advance virtual time to the earliest due delivery and hand out everything due then.

        Returns the deliveries grouped by recipient, each group in ``seq`` order
        (or, when exploring schedules, in an order drawn from the schedule seed);
        journals each delivery (or timer firing) as it leaves the queue.
        """
        if not self._queue:
            return {}
        due_at = self._queue[0][0]
        self.clock.now = due_at
        due: list[Delivery] = []
        while self._queue and self._queue[0][0] == due_at:
            due.append(heapq.heappop(self._queue)[2])
        if self.schedule_rng is not None and len(due) > 1:
            self.schedule_rng.shuffle(due)
        batches: dict[str, list[Delivery]] = {}
        for delivery in due:
            if self.faults is not None and not self._available(delivery):
                continue
            if delivery.timer_id is not None:
                key = (delivery.recipient, delivery.timer_id)
                if key in self._cancelled_timers:
                    self._cancelled_timers.discard(key)
                    continue
                self._journal_delivery(delivery, kind="timer_fired")
            else:
                self._journal_delivery(delivery, kind="delivered")
            batches.setdefault(delivery.recipient, []).append(delivery)
        return batches

    def _journal_delivery(self, delivery: Delivery, *, kind: str) -> None:
        self.journal.append(
            at=delivery.deliver_at,
            kind=kind,
            network=delivery.network,
            message=delivery.message,
            event_code=delivery.event_code,
            sender=delivery.sender,
            recipient=delivery.recipient,
            mpan=delivery.mpan,
            step=delivery.step,
            correlation_id=delivery.correlation_id,
            payload=delivery.payload if kind == "delivered" else None,
            sent_at=delivery.sent_at,
        )

    # --------------------------------------------------------- from outside

    def inject(
        self, at: datetime, recipient: str, payload: object, *, mpan: str | None, label: str
    ) -> None:
        """Schedule a stimulus from outside the market (a customer signs with a supplier)."""
        self.directory.identity(recipient)
        self._enqueue(
            deliver_at=at,
            recipient=recipient,
            sender="customer",
            network=OUTSIDE,
            message=label,
            event_code=None,
            mpan=mpan,
            step=None,
            correlation_id=None,
            payload=payload,
        )

    # ------------------------------------------------------------- outboxes

    def accept_outbox(self, participant_id: str, entries: Iterable[OutboxEntry]) -> None:
        """Act on everything ``participant_id`` did in its last batch, in the order it did it."""
        for entry in entries:
            if isinstance(entry, Send):
                self._route(participant_id, entry.message)
            elif isinstance(entry, SetTimer):
                self._set_timer(participant_id, entry)
            elif isinstance(entry, CancelTimer):
                self._cancelled_timers.add((participant_id, entry.timer_id))
                self.journal.append(
                    at=self.clock.now,
                    kind="timer_cancelled",
                    sender=participant_id,
                    recipient=participant_id,
                    detail={"timer_id": entry.timer_id},
                )
            elif isinstance(entry, Record):
                self.journal.append(
                    at=self.clock.now,
                    kind="state_changed",
                    sender=participant_id,
                    mpan=entry.mpan,
                    detail={"event": entry.event, **entry.data},
                )

    def _set_timer(self, participant_id: str, entry: SetTimer) -> None:
        label = type(entry.payload).__name__
        self.journal.append(
            at=self.clock.now,
            kind="timer_set",
            message=label,
            sender=participant_id,
            recipient=participant_id,
            mpan=entry.mpan,
            detail={"timer_id": entry.timer_id, "fires_at": entry.at.isoformat()},
        )
        self._enqueue(
            deliver_at=entry.at,
            recipient=participant_id,
            sender=participant_id,
            network=None,
            message=label,
            event_code=None,
            mpan=entry.mpan,
            step=None,
            correlation_id=None,
            payload=entry.payload,
            timer_id=entry.timer_id,
        )

    def _route(self, sender: str, message: object) -> None:
        if isinstance(message, DipEnvelope | DipRequest | RecipientRejection | bytes | str):
            self._submit_to_dip(sender, message)
        elif isinstance(message, DFlow):
            self._send_on_dtn(sender, message)
        elif isinstance(message, CssMessage):
            self._send_to_css(sender, message)
        elif isinstance(message, ReplayRequest):
            self.replay(sender, message)
        else:
            raise TypeError(
                f"{sender} sent a {type(message).__name__}; ctx.send takes a DIP envelope "
                "(or its JSON body), a D-flow or a CSS message. Use ctx.set_timer for "
                "messages to yourself."
            )

    def _step(
        self,
        *,
        network: str,
        message: str,
        event_code: str | None,
        sender: str,
        recipient: str | None,
        mpan: str | None,
    ) -> str | None:
        recipient_role = self.directory.role_of(recipient) if recipient is not None else None
        return self.classify_step(
            network=network,
            message=message,
            event_code=event_code,
            sender_role=self.directory.role_of(sender),
            recipient_role=recipient_role,
            mpan=mpan,
        )

    def _dead_letter(
        self,
        *,
        sender: str,
        network: str,
        message: str,
        mpan: str | None,
        reason: str,
        payload: object,
    ) -> None:
        delivery = Delivery(
            seq=-1,
            deliver_at=self.clock.now,
            recipient="",
            sender=sender,
            network=network,
            message=message,
            event_code=None,
            mpan=mpan,
            step=None,
            correlation_id=None,
            payload=payload,
        )
        self.dead_letters.append(delivery)
        self.journal.append(
            at=self.clock.now,
            kind="dead_lettered",
            network=network,
            message=message,
            sender=sender,
            mpan=mpan,
            detail={"reason": reason},
            payload=payload,
        )

    # ------------------------------------------------------------------ DTN

    def _send_on_dtn(self, sender: str, flow: DFlow) -> None:
        identity = self.directory.identity(sender)
        recipient = self.directory.by_role_mpid(flow.to_role, flow.to_mpid)
        if identity.mpid != flow.from_mpid or identity.role != flow.from_role:
            self._dead_letter(
                sender=sender,
                network=DTN,
                message=flow.flow_id,
                mpan=flow.mpan_core,
                reason=f"from {flow.from_role}/{flow.from_mpid} is not the sender "
                f"({identity.role}/{identity.mpid}); the DTN only carries flows from their owner",
                payload=flow,
            )
            return
        if recipient is None:
            self._dead_letter(
                sender=sender,
                network=DTN,
                message=flow.flow_id,
                mpan=flow.mpan_core,
                reason=f"no DTN participant is {flow.to_role}/{flow.to_mpid}",
                payload=flow,
            )
            return
        step = self._step(
            network=DTN,
            message=flow.flow_id,
            event_code=None,
            sender=sender,
            recipient=recipient,
            mpan=flow.mpan_core,
        )
        self.journal.append(
            at=self.clock.now,
            kind="sent",
            network=DTN,
            message=flow.flow_id,
            sender=sender,
            recipient=recipient,
            mpan=flow.mpan_core,
            step=step,
        )
        self._transmit(
            latency=self.latencies.dtn,
            recipient=recipient,
            sender=sender,
            network=DTN,
            message=flow.flow_id,
            event_code=None,
            mpan=flow.mpan_core,
            step=step,
            correlation_id=None,
            payload=flow,
        )

    # ------------------------------------------------------------------ CSS

    def _send_to_css(self, sender: str, message: CssMessage) -> None:
        recipient = self.directory.by_role_mpid(message.to_role, message.to_mpid)
        label = message.message_name
        if recipient is None:
            self._dead_letter(
                sender=sender,
                network=CSS,
                message=label,
                mpan=message.mpan_core,
                reason=f"no CSS party is {message.to_role}/{message.to_mpid or '(the only one)'}",
                payload=message,
            )
            return
        step = self._step(
            network=CSS,
            message=label,
            event_code=None,
            sender=sender,
            recipient=recipient,
            mpan=message.mpan_core,
        )
        self.journal.append(
            at=self.clock.now,
            kind="sent",
            network=CSS,
            message=label,
            sender=sender,
            recipient=recipient,
            mpan=message.mpan_core,
            step=step,
        )
        self._transmit(
            latency=self.latencies.css,
            recipient=recipient,
            sender=sender,
            network=CSS,
            message=label,
            event_code=None,
            mpan=message.mpan_core,
            step=step,
            correlation_id=None,
            payload=message,
        )
