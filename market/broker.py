"""The broker: virtual time, the three networks, and the journal, in one synchronous core.

Every message in the market passes here. The broker owns virtual time as a
queue of deliveries keyed ``(deliver_at, seq)``: ties always break the same
way, so a run is a deterministic function of its scenario and seed. Messages a
participant sends during one batch reach the broker together, after the batch,
in participant-id order (see :meth:`Broker.accept_outbox`), so the order in
which trio happens to run tasks never shows.

The broker is plain Python (no trio): the async runtime in
:mod:`market.runtime` hands it outboxes and asks it for the next batch.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Container, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

import attrs

from market.css import CssMessage
from market.dip import (
    D0,
    DIP_UNAVAILABLE,
    SCHEMA_FAILURE,
    DipEnvelope,
    DipResponse,
    DipResponseItem,
    EnvelopeError,
    correlation_id,
    parse_body,
    render_body,
    transaction_id,
)
from market.dip.codes import SENDER_NOT_AUTHORISED, SIGNATURE_INVALID, ResponseCode
from market.dip.status import DipStatusMessage, RecipientRejection
from market.dip.transport import DipRequest
from market.dip_gateway import (
    DEFAULT_DEFENCES,
    DipDefences,
    DipGateway,
    DipSubmission,
    EnvelopeVerdict,
    GatewayRejection,
)
from market.dip_routing import MpanRoleMap, Route, decide_recipients, routing_map_text
from market.directory import Directory
from market.dtn import DFlow
from market.faults.injector import Dropped, FaultInjector
from market.ids import Role
from market.journal import Journal
from market.local_time import settlement_date_of
from market.participant import CancelTimer, OutboxEntry, Record, Send, SetTimer
from market.system_messages import ReplayRequest

DIP: Final = "DIP"
DTN: Final = "DTN"
CSS: Final = "CSS"
#: The network of stimuli from outside the market (a customer signing a contract).
OUTSIDE: Final = "OUTSIDE"

#: Label of the DIP's synchronous level-1 answer to a submission.
DIP_RESPONSE: Final = "DIP-RESPONSE"
#: Label of a DIP status message: a verdict that came after the level-1 answer.
DIP_STATUS: Final = "DIP-STATUS"


@attrs.frozen(kw_only=True, slots=True)
class Latencies:
    """How long each network takes to deliver; timers fire exactly when asked."""

    dip: timedelta = timedelta(seconds=2)
    dtn: timedelta = timedelta(minutes=1)
    css: timedelta = timedelta(seconds=1)
    #: How often, and how long apart, the DIP retries a publication its webhook did not take.
    dip_retries: int = 3
    dip_retry_interval: timedelta = timedelta(minutes=10)


class StepClassifier(Protocol):
    """Names the BPM step a message belongs to, or ``None`` (see :mod:`market.process_model`)."""

    def __call__(
        self,
        *,
        network: str,
        message: str,
        event_code: str | None,
        sender_role: Role | None,
        recipient_role: Role | None,
        mpan: str | None,
    ) -> str | None: ...


def no_steps(**_fields: object) -> str | None:
    """A step classifier that knows no steps (for markets without a process model)."""
    return None


@attrs.frozen(kw_only=True, slots=True)
class Delivery:
    """One message on its way to one recipient, due at ``deliver_at``."""

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


class VirtualClock:
    """The current virtual instant, advanced only by the broker."""

    __slots__ = ("now",)

    def __init__(self, start_at: datetime) -> None:
        self.now = start_at


class Broker:
    """Routes every message, owns the delivery queue and writes the journal."""

    def __init__(
        self,
        *,
        directory: Directory,
        journal: Journal,
        clock: VirtualClock,
        routes: Mapping[tuple[str, str], Route],
        mpan_roles: MpanRoleMap,
        latencies: Latencies = Latencies(),
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

    # ------------------------------------------------------------ faults

    def _transmit(self, *, latency: timedelta, **fields: Any) -> None:
        """Put a network message on its way, through the fault plan when there is one."""
        now = self.clock.now
        fields["sent_at"] = now
        if self.faults is None:
            self._enqueue(deliver_at=now + latency, **fields)
            return
        # The DIP pushes a publication until the webhook acknowledges it: a lost attempt
        # is retried (journal ``retrying``) until the retries run out (``retries_exhausted``).
        publication = fields["sender"] == "DIP" and str(fields["message"]).startswith("PUB-")
        attempts = self.latencies.dip_retries + 1 if publication else 1
        for attempt in range(1, attempts + 1):
            sent_at = now + self.latencies.dip_retry_interval * (attempt - 1)
            outcome = self.faults.transmit(
                network=fields["network"],
                message=fields["message"],
                sender=fields["sender"],
                recipient=fields["recipient"],
                sent_at=sent_at,
                latency=latency,
            )
            if not isinstance(outcome, Dropped):
                break
            detail = {"fault": outcome.fault, "reason": outcome.reason}
            if not publication:
                self._journal_fault("dropped", fields, detail)
                return
            if attempt == attempts:
                self._journal_fault("retries_exhausted", fields, {**detail, "attempts": attempt})
                self._park_undelivered(fields, now + latency)
                return
            retry_at = sent_at + self.latencies.dip_retry_interval
            self._journal_fault(
                "retrying", fields, {**detail, "attempt": attempt, "retry_at": retry_at.isoformat()}
            )
        assert not isinstance(outcome, Dropped)  # the loop returned on every drop
        for transmission in outcome:
            delivery = self._enqueue(deliver_at=transmission.deliver_at, **fields)
            if transmission.fault is not None:
                detail = {**transmission.detail, "deliver_at": transmission.deliver_at.isoformat()}
                self._journal_fault(transmission.fault, fields, detail, seq=delivery.seq)

    def _park_undelivered(self, fields: Mapping[str, Any], at: datetime) -> None:
        """Keep a publication the DIP gave up on, for the recipient to replay or requeue."""
        delivery = Delivery(seq=-1, deliver_at=at, **fields)
        self.undelivered.setdefault(delivery.recipient, []).append(delivery)

    def _journal_fault(
        self,
        kind: str,
        fields: Mapping[str, Any],
        detail: dict[str, Any],
        *,
        seq: int | None = None,
    ) -> None:
        self.journal.append(
            at=self.clock.now,
            kind=kind,
            network=fields["network"],
            message=fields["message"],
            event_code=fields.get("event_code"),
            sender=fields["sender"],
            recipient=fields["recipient"],
            mpan=fields.get("mpan"),
            step=fields.get("step"),
            correlation_id=fields.get("correlation_id"),
            detail=detail if seq is None else {**detail, "queue_seq": seq},
            payload=fields.get("payload"),
        )

    def _available(self, delivery: Delivery) -> bool:  # noqa: PLR0911  (one exit per fault)
        """Whether ``delivery`` can be handed over now; if not, hold, retry or dead-letter it."""
        assert self.faults is not None
        now = self.clock.now
        recipient = delivery.recipient
        if delivery.sender == "runtime":
            return True  # restarts, planned crashes and webhook news always reach the runtime
        if recipient in self.down:
            until = self.down[recipient]
            if until is None:
                self.dead_letter_delivery(delivery, f"{recipient} is stopped (crashed, no restart)")
                return False
            if until > now:
                self.requeue(
                    delivery, until, "delayed", {"fault": "crash", "reason": "recipient down"}
                )
                return False
            # Due now: the participant restarts in this very batch (its RestartDue comes first).
        if delivery.network != DIP or not delivery.message.startswith("PUB-"):
            return True
        outage = self.faults.dip_down(now)
        if outage is not None:
            self.requeue(
                delivery,
                outage.window.end,
                "delayed",
                {"fault": "dip_outage", "reason": "DIP down"},
            )
            return False
        webhook = self.faults.webhook_down(recipient, now)
        if webhook is None:
            self.published_to.setdefault(recipient, []).append(delivery)
            return True
        attempt = self._attempts.get(delivery.seq, 0) + 1
        if attempt > webhook.retries:
            self._attempts.pop(delivery.seq, None)
            self.undelivered.setdefault(recipient, []).append(delivery)
            self._journal_delivery_fault(
                delivery, "retries_exhausted", {"fault": "webhook_down", "attempts": attempt - 1}
            )
            return False
        retried = self.requeue(
            delivery,
            now + webhook.retry_interval,
            "retrying",
            {"fault": "webhook_down", "attempt": attempt},
        )
        self._attempts[retried.seq] = attempt
        return False

    def requeue(
        self, delivery: Delivery, at: datetime, kind: str, detail: dict[str, Any]
    ) -> Delivery:
        again = self._enqueue(
            **{
                f.name: getattr(delivery, f.name)
                for f in attrs.fields(Delivery)
                if f.name not in ("seq", "deliver_at")
            },
            deliver_at=at,
        )
        self._journal_delivery_fault(delivery, kind, {**detail, "deliver_at": at.isoformat()})
        return again

    def _journal_delivery_fault(
        self, delivery: Delivery, kind: str, detail: dict[str, Any]
    ) -> None:
        self.journal.append(
            at=self.clock.now,
            kind=kind,
            network=delivery.network,
            message=delivery.message,
            event_code=delivery.event_code,
            sender=delivery.sender,
            recipient=delivery.recipient,
            mpan=delivery.mpan,
            step=delivery.step,
            correlation_id=delivery.correlation_id,
            detail=detail,
            payload=delivery.payload,
        )

    def dead_letter_delivery(self, delivery: Delivery, reason: str) -> None:
        self.dead_letters.append(delivery)
        self._journal_delivery_fault(delivery, "dead_lettered", {"reason": reason})

    def replay(self, participant_id: str, request: ReplayRequest) -> None:
        """Redeliver what ``participant_id`` missed (or got since), marked as replayed."""
        missed = self.undelivered.pop(participant_id, [])
        again = list(missed)
        if request.since is not None:
            since = request.since
            again += [d for d in self.published_to.get(participant_id, []) if d.deliver_at >= since]
        self.journal.append(
            at=self.clock.now,
            kind="replay_requested",
            network=DIP,
            sender=participant_id,
            recipient="DIP",
            detail={"missed": len(missed), "replayed": len(again)},
        )
        for delivery in again:
            payload = delivery.payload
            if isinstance(payload, DipEnvelope) and payload.common.d0 is not None:
                d0 = attrs.evolve(payload.common.d0, replay_indicator=True)
                payload = attrs.evolve(payload, common=attrs.evolve(payload.common, d0=d0))
            replayed = self._enqueue(
                deliver_at=self.clock.now + self.latencies.dip,
                recipient=delivery.recipient,
                sender=delivery.sender,
                network=delivery.network,
                message=delivery.message,
                event_code=delivery.event_code,
                mpan=delivery.mpan,
                step=delivery.step,
                correlation_id=delivery.correlation_id,
                payload=payload,
            )
            self._journal_delivery_fault(
                replayed, "replayed", {"fault": "webhook_down", "replay_indicator": True}
            )

    def _submission_faults(
        self, sender: str, submission: DipEnvelope | bytes | str
    ) -> DipEnvelope | bytes | str | None:
        """A DIP outage refuses the submission (``None``); corruption garbles it on the wire."""
        assert self.faults is not None
        message = submission.interface_id if isinstance(submission, DipEnvelope) else "IF-???"
        if self.faults.dip_down(self.clock.now) is not None:
            envelope = submission if isinstance(submission, DipEnvelope) else None
            fields = {"network": DIP, "message": message, "sender": sender, "recipient": "DIP"}
            self._journal_fault("refused", fields, {"fault": "dip_outage", "code": "MSG5003"})
            self._respond(sender, envelope, DIP_UNAVAILABLE.message, None, help_text="DIP outage")
            return None
        if isinstance(submission, DipEnvelope) and self.faults.corrupts(
            sender=sender, message=message, at=self.clock.now
        ):
            body = render_body([submission]).decode()
            garbled = body.replace(
                f'"senderDIPID":"{submission.sender_dip_id}"', '"senderDIPID":"?"'
            )
            fields = {
                "network": DIP,
                "message": message,
                "sender": sender,
                "recipient": "DIP",
                "mpan": submission.mpan_core,
                "event_code": submission.event_code,
            }
            self._journal_fault("corrupted", fields, {"fault": "corrupt"})
            try:
                parse_body(garbled)
            except EnvelopeError as error:
                # The sender knows which of its requests the 400 answers: echo its reference.
                self._reject(
                    sender,
                    GatewayRejection(
                        code=SCHEMA_FAILURE, rule=error.rule, path=error.path, envelope=submission
                    ),
                )
                return None
            return garbled
        return submission

    def schedule_system(self, at: datetime, recipient: str, payload: object, *, label: str) -> None:
        """Queue a runtime message (a planned crash, a restart, a webhook coming back)."""
        self._enqueue(
            deliver_at=at,
            recipient=recipient,
            sender="runtime",
            network=None,
            message=label,
            event_code=None,
            mpan=None,
            step=None,
            correlation_id=None,
            payload=payload,
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

    # ------------------------------------------------------------------ DIP

    def _submit_to_dip(self, sender: str, submission: DipSubmission | RecipientRejection) -> None:
        if isinstance(submission, RecipientRejection):
            self._take_recipient_rejection(sender, submission)
            return
        if self.faults is not None and not isinstance(submission, DipRequest):
            survived = self._submission_faults(sender, submission)
            if survived is None:
                return
            submission = survived
        admission = self.gateway.admit(sender, submission, at=self.clock.now)
        if isinstance(admission, GatewayRejection):
            self._reject(sender, admission)
            return
        for verdict in admission.verdicts:
            self._submit_one(sender, verdict)

    def _submit_one(self, sender: str, verdict: EnvelopeVerdict) -> None:
        envelope = verdict.envelope
        interface_id = envelope.interface_id
        event_code = envelope.event_code
        mpan = envelope.mpan_core
        s1 = envelope.common.s1
        step = self._step(
            network=DIP,
            message=interface_id,
            event_code=event_code,
            sender=sender,
            recipient=None,
            mpan=mpan,
        )
        self.journal.append(
            at=self.clock.now,
            kind="submitted",
            network=DIP,
            message=interface_id,
            event_code=event_code,
            sender=sender,
            recipient="DIP",
            mpan=mpan,
            step=step,
            correlation_id=s1.sender_correlation_id,
            detail={"sender_unique_reference": s1.sender_unique_reference},
        )
        if verdict.rejection is not None:
            self._reject(sender, verdict.rejection)
            return
        route = self.routes[(interface_id, event_code)]
        a0 = envelope.common.a0
        primary = a0.primary_recipients if a0 is not None else ()
        decision = decide_recipients(
            route,
            primary=primary,
            mpan_core=mpan,
            distributor_dip_id=envelope.common.m0.distributor_dip_id,
            mpan_roles=self.mpan_roles,
            holders_of_role=self._dip_ids_with_role,
        )
        self._transactions += 1
        day = settlement_date_of(self.clock.now)
        d0 = D0(
            transaction_id=transaction_id(
                interface_id, s1.sender_dip_id, s1.sender_role_id, day, f"{self._transactions:016X}"
            ),
            transaction_timestamp=self.clock.now,
            publication_id=route.publication_id,
            initial_correlation_id=s1.sender_correlation_id
            or correlation_id(day, f"{self._transactions:016X}"),
            replay_indicator=False,
            service_ticket_url=None,
        )
        published = envelope.published(d0, decision.secondary, decision.always)
        self.journal.append(
            at=self.clock.now,
            kind="accepted",
            network=DIP,
            message=interface_id,
            event_code=event_code,
            sender="DIP",
            recipient=sender,
            mpan=mpan,
            step=step,
            correlation_id=d0.initial_correlation_id,
            detail={"transaction_id": d0.transaction_id, "code": "MSG0000"},
        )
        self._respond(sender, envelope, "MSG0000 - Success", d0.transaction_id)
        late = self.gateway.level_two_rejection(envelope)
        if late is not None:
            self._reject_later(sender, late, d0)
            return
        self.journal.append(
            at=self.clock.now,
            kind="routed",
            network=DIP,
            message=route.publication_id,
            event_code=event_code,
            sender="DIP",
            mpan=mpan,
            step=step,
            correlation_id=d0.initial_correlation_id,
            detail={
                "routing": routing_map_text(decision, self._role_code_of_dip_id),
                "transaction_id": d0.transaction_id,
                "recipients": [
                    self.directory.by_dip_id(dip_id) or dip_id for dip_id in decision.recipients
                ],
            },
        )
        # Signed once per publication, per recipient URL; with signing off nothing is rendered.
        body = render_body([published]) if self.gateway.defences.signing else None
        for dip_id in decision.recipients:
            recipient = self.directory.by_dip_id(dip_id)
            if recipient is None:  # secondary/always ids come from the DIP's own tables
                self._dead_letter(
                    sender="DIP",
                    network=DIP,
                    message=route.publication_id,
                    mpan=mpan,
                    reason=f"no webhook for DIP ID {dip_id}",
                    payload=published,
                )
                continue
            if body is not None:
                problem = self.gateway.publication_problem(
                    dip_id, route.publication_id, body, self.clock.now
                )
                if problem is not None:
                    self._refused_by_webhook(recipient, published, problem)
                    continue
            self._transmit(
                latency=self.latencies.dip,
                recipient=recipient,
                sender="DIP",
                network=DIP,
                message=route.publication_id,
                event_code=event_code,
                mpan=mpan,
                step=self._step(
                    network=DIP,
                    message=route.publication_id,
                    event_code=event_code,
                    sender=sender,
                    recipient=recipient,
                    mpan=mpan,
                ),
                correlation_id=d0.initial_correlation_id,
                payload=published,
            )

    def _reject(self, sender: str, rejection: GatewayRejection) -> None:
        """Journal a level-1 rejection and answer the sender synchronously."""
        envelope = rejection.envelope
        self.journal.append(
            at=self.clock.now,
            kind="rejected",
            network=DIP,
            message=envelope.interface_id if envelope is not None else None,
            event_code=envelope.event_code if envelope is not None else None,
            sender="DIP",
            recipient=sender,
            mpan=envelope.mpan_core if envelope is not None else None,
            detail={
                "code": rejection.code.code,
                "text": rejection.code.text,
                "level": rejection.level,
                "http_status": rejection.http_status,
                "path": rejection.path,
                "rule": rejection.rule,
            },
        )
        self._respond(sender, envelope, rejection.code.message, None, help_text=rejection.rule)

    def _respond(
        self,
        sender: str,
        envelope: DipEnvelope | None,
        message: str,
        transaction: str | None,
        *,
        help_text: str | None = None,
    ) -> None:
        s1 = envelope.common.s1 if envelope is not None else None
        identity = self.directory.identity(sender)
        item = DipResponseItem(
            transaction_id=transaction,
            sender_unique_reference=s1.sender_unique_reference if s1 is not None else None,
            correlation_id=s1.sender_correlation_id if s1 is not None else None,
            sent_timestamp=s1.sender_timestamp if s1 is not None else self.clock.now,
            sender_id=identity.dip_id,
            recipient_id=None,
            dip_connection_provider_id=None,
            message=message,
            help=help_text,
            service_ticket_url=None,
        )
        self._enqueue(
            deliver_at=self.clock.now,
            recipient=sender,
            sender="DIP",
            network=DIP,
            message=DIP_RESPONSE,
            event_code=envelope.event_code if envelope is not None else None,
            mpan=envelope.mpan_core if envelope is not None else None,
            step=None,
            correlation_id=None,
            payload=DipResponse(items=(item,), timestamp=self.clock.now),
        )

    def _reject_later(self, sender: str, rejection: GatewayRejection, d0: D0) -> None:
        """Level 2: an accepted message breaks a later DIP rule, so it is never published.

        The sender already has its 201; it learns by a status message.
        """
        envelope = rejection.envelope
        assert envelope is not None  # level-2 rules judge an envelope the DIP accepted
        self.journal.append(
            at=self.clock.now,
            kind="rejected",
            network=DIP,
            message=envelope.interface_id,
            event_code=envelope.event_code,
            sender="DIP",
            recipient=sender,
            mpan=envelope.mpan_core,
            correlation_id=d0.initial_correlation_id,
            detail={
                "code": rejection.code.code,
                "text": rejection.code.text,
                "level": rejection.level,
                "stage": "Inbound",
                "status": "InboundRuleFailure",
                "transaction_id": d0.transaction_id,
                "rule": rejection.rule,
            },
        )
        self._send_status(
            sender,
            envelope,
            d0,
            stage="Inbound",
            status="InboundRuleFailure",
            recipient_dip_id=None,
            message=rejection.code.message,
            rule=rejection.rule,
        )

    def _refused_by_webhook(self, recipient: str, publication: DipEnvelope, problem: str) -> None:
        """Level 3 by the recipient's adapter: the DIP's signature on a publication failed."""
        self._journal_rejected_by_recipient(
            recipient, publication, SIGNATURE_INVALID, problem, level=3
        )

    def _take_recipient_rejection(self, participant: str, rejection: RecipientRejection) -> None:
        """A participant refused a publication (``ctx.reject``): journal it, tell the sender."""
        publication = rejection.publication
        a0 = publication.common.a0
        addressed = (
            (*a0.primary_recipients, *a0.secondary_recipients, *a0.always) if a0 is not None else ()
        )
        dip_id = self.directory.identity(participant).dip_id
        if dip_id is None or dip_id not in addressed:
            self._reject(
                participant,
                GatewayRejection(
                    code=SENDER_NOT_AUTHORISED,
                    envelope=publication,
                    rule=f"{participant} is not a recipient of this publication; only its "
                    "recipients may reject it",
                ),
            )
            return
        self._journal_rejected_by_recipient(
            participant, publication, rejection.code, rejection.rule, level=rejection.level
        )

    def _journal_rejected_by_recipient(
        self,
        recipient: str,
        publication: DipEnvelope,
        code: ResponseCode,
        rule: str,
        *,
        level: int,
    ) -> None:
        d0 = publication.common.d0
        assert d0 is not None  # only publications reach recipients
        original = self.directory.by_dip_id(publication.sender_dip_id)
        self.journal.append(
            at=self.clock.now,
            kind="rejected",
            network=DIP,
            message=d0.publication_id,
            event_code=publication.event_code,
            sender=recipient,
            recipient=original,
            mpan=publication.mpan_core,
            correlation_id=d0.initial_correlation_id,
            detail={
                "code": code.code,
                "text": code.text,
                "level": level,
                "stage": "Outbound",
                "status": "RejectedByRecipient",
                "transaction_id": d0.transaction_id,
                "rule": rule,
            },
        )
        if original is not None:
            self._send_status(
                original,
                publication,
                d0,
                stage="Outbound",
                status="RejectedByRecipient",
                recipient_dip_id=self.directory.identity(recipient).dip_id,
                message=code.message,
                rule=rule,
            )

    def _send_status(
        self,
        participant: str,
        envelope: DipEnvelope,
        d0: D0,
        *,
        stage: str,
        status: str,
        recipient_dip_id: str | None,
        message: str,
        rule: str,
    ) -> None:
        """Post a status message to ``participant`` about a message it submitted."""
        s1 = envelope.common.s1
        self._transmit(
            latency=self.latencies.dip,
            recipient=participant,
            sender="DIP",
            network=DIP,
            message=DIP_STATUS,
            event_code=envelope.event_code,
            mpan=envelope.mpan_core,
            step=None,
            correlation_id=d0.initial_correlation_id,
            payload=DipStatusMessage(
                transaction_id=d0.transaction_id,
                sender_unique_reference=s1.sender_unique_reference,
                correlation_id=d0.initial_correlation_id,
                stage=stage,
                status=status,
                recipient_id=recipient_dip_id,
                message=message,
                help=rule,
                timestamp=self.clock.now,
            ),
        )

    def _dip_ids_with_role(self, role: Role) -> Iterable[str]:
        for pid in self.directory.with_role(role):
            dip_id = self.directory.identity(pid).dip_id
            if dip_id is not None:
                yield dip_id

    def _role_code_of_dip_id(self, dip_id: str) -> str:
        pid = self.directory.by_dip_id(dip_id)
        role = self.directory.role_of(pid) if pid is not None else None
        return str(role) if role is not None else "?"
