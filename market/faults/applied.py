"""The broker's fault handling: what a fault plan does to messages on their way.

A mixin of :class:`market.kernel.broker.Broker`: transmission through the fault
injector (loss with DIP retries, delay, duplication, reordering, partitions,
slow recipients), availability at delivery time (outages, webhooks down,
crashed recipients), replays, and faults on DIP submissions (outage, corruption).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from market.faults.injector import Dropped, FaultInjector
from market.kernel.journal import Journal
from market.kernel.vocabulary import DIP, Delivery, Latencies, VirtualClock
from market.messages.dip import (
    DIP_UNAVAILABLE,
    SCHEMA_FAILURE,
    DipEnvelope,
    EnvelopeError,
    parse_body,
    render_body,
)
from market.messages.system import ReplayRequest
from market.networks.dip_gateway import (
    GatewayRejection,
)

if TYPE_CHECKING:
    from market.networks.dip_gateway import GatewayRejection as _GatewayRejection


class BrokerFaults:
    """Fault handling, mixed into the broker (uses its queue and journal)."""

    clock: VirtualClock
    journal: Journal
    latencies: Latencies
    faults: FaultInjector | None
    undelivered: dict[str, list[Delivery]]
    published_to: dict[str, list[Delivery]]
    down: dict[str, datetime | None]
    dead_letters: list[Delivery]
    _attempts: dict[int, int]

    if TYPE_CHECKING:

        def _enqueue(self, **fields: Any) -> Delivery: ...

        def _reject(self, sender: str, rejection: _GatewayRejection) -> None: ...

        def _respond(
            self,
            sender: str,
            envelope: DipEnvelope | None,
            message: str,
            transaction: str | None,
            *,
            help_text: str | None = None,
        ) -> None: ...

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
            fields: dict[str, Any] = {
                "network": DIP,
                "message": message,
                "sender": sender,
                "recipient": "DIP",
            }
            if envelope is not None:
                fields.update(mpan=envelope.mpan_core, event_code=envelope.event_code)
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
