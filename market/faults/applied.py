"""Faults applied to messages on their way: the broker's one fault component.

The broker hands every transmission, every DIP submission and every delivery
leaving the queue to one of these. :class:`InjectedFaults` applies a fault plan
through its :class:`~market.faults.injector.FaultInjector` (which only
*decides*): loss with DIP retries, delay, duplication, reordering, partitions,
slow recipients at transmission; outages, webhooks down and replays at
delivery; outage refusals and corruption of submissions. :class:`NoFaults` is
the null object of a run without a plan: messages go straight to the queue.

Both own the one record of *who is down*: the runtime takes a crashed
participant down here and brings it back here, and deliveries to it wait (or
are dead-lettered) here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from market.faults.injector import Dropped, FaultInjector
from market.faults.plan import Crash, WebhookDown
from market.kernel.event_kinds import EventKind
from market.kernel.journal import Journal
from market.kernel.queue import Delivery, DeliveryQueue, Parcel, unqueued
from market.kernel.vocabulary import DIP, Latencies
from market.messages.dip import DIP_UNAVAILABLE, DipEnvelope, render_body
from market.messages.dip.transport import DipRequest, channel_of
from market.messages.system import ReplayRequest

if TYPE_CHECKING:  # the gateway's own name for it; the gateway's network imports this module
    from market.networks.dip_gateway import DipSubmission


@attrs.frozen(slots=True)
class Refused:
    """The DIP was down: the submission is refused with MSG5003 before anything reads it."""

    envelope: DipEnvelope | None


@attrs.frozen(slots=True)
class Garbled:
    """The submission was corrupted on the wire: ``text`` is what reached the DIP."""

    original: DipEnvelope
    text: str


class Faults:
    """The fault component's common part: who is down, and what waits for them."""

    def __init__(
        self,
        *,
        queue: DeliveryQueue,
        journal: Journal,
        latencies: Latencies,
        dead_letters: list[Delivery],
    ) -> None:
        self.queue = queue
        self.journal = journal
        self.latencies = latencies
        self.dead_letters = dead_letters
        #: Participants that are down: ``None`` for good, else until when deliveries wait.
        self._down: dict[str, datetime | None] = {}

    # -------------------------------------------------------------- the plan

    def skew_of(self, participant: str) -> timedelta:
        """How far ``participant``'s clock is off."""
        return timedelta(0)

    def crashes(self) -> tuple[Crash, ...]:
        """The planned crashes, in plan order."""
        return ()

    def webhook_faults(self) -> tuple[WebhookDown, ...]:
        """The planned webhook outages, in plan order."""
        return ()

    # ------------------------------------------------------------- downtime

    def take_down(self, participant: str, until: datetime | None) -> None:
        """``participant`` crashed: deliveries to it wait until ``until`` (``None``: for good)."""
        self._down[participant] = until

    def bring_back(self, participant: str) -> None:
        """``participant`` restarted: deliveries reach it again."""
        self._down.pop(participant, None)

    def is_down(self, participant: str) -> bool:
        """Whether ``participant`` is down now."""
        return participant in self._down

    def hold(self, delivery: Delivery, until: datetime | None) -> None:
        """A delivery its crashed recipient did not get to: it waits for the restart (or dies)."""
        if until is None:
            self.dead_letter(delivery, f"{delivery.recipient} crashed for good")
        else:
            self.requeue(
                delivery, until, EventKind.DELAYED, {"fault": "crash", "reason": "recipient down"}
            )

    def _held_for_downtime(self, delivery: Delivery) -> bool:
        """Hold or dead-letter a delivery to a participant that is down; ``True`` if it was."""
        if not self._down or delivery.sender == "runtime" or delivery.recipient not in self._down:
            return False  # restarts, planned crashes and webhook news always reach the runtime
        until = self._down[delivery.recipient]
        if until is None:
            self.dead_letter(delivery, f"{delivery.recipient} is stopped (crashed, no restart)")
            return True
        if until > self.queue.clock.now:
            self.requeue(
                delivery, until, EventKind.DELAYED, {"fault": "crash", "reason": "recipient down"}
            )
            return True
        return False  # due now: the participant restarts in this very batch

    # ------------------------------------------------------------ journal

    def requeue(
        self, delivery: Delivery, at: datetime, kind: EventKind, detail: dict[str, Any]
    ) -> Delivery:
        """Queue ``delivery`` again for ``at`` and journal why (``kind``, ``detail``)."""
        again = self.queue.push(
            delivery.parcel, at, sent_at=delivery.sent_at, priority=delivery.priority
        )
        self.journal_delivery(delivery, kind, {**detail, "deliver_at": at.isoformat()})
        return again

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        """Nobody will ever be given ``delivery``: keep it and journal why."""
        self.dead_letters.append(delivery)
        self.journal_delivery(delivery, EventKind.DEAD_LETTERED, {"reason": reason})

    def journal_delivery(self, delivery: Delivery, kind: EventKind, detail: dict[str, Any]) -> None:
        """Journal what happened to a queued delivery."""
        self.journal_parcel(kind, delivery.parcel, detail)

    def journal_parcel(self, kind: EventKind, parcel: Parcel, detail: dict[str, Any]) -> None:
        """Journal what happened to a parcel, with its labels and payload."""
        self.journal.append(
            at=self.queue.clock.now,
            kind=kind,
            network=parcel.network,
            message=parcel.message,
            event_code=parcel.event_code,
            sender=parcel.sender,
            recipient=parcel.recipient,
            mpan=parcel.mpan,
            step=parcel.step,
            correlation_id=parcel.correlation_id,
            detail=detail,
            payload=parcel.payload,
        )

    # ------------------------------------------------------ what subclasses do

    def transmit(self, parcel: Parcel, latency: timedelta) -> None:
        """Put a network message on its way."""
        now = self.queue.clock.now
        self.queue.push(parcel, now + latency, sent_at=now)

    def on_submission(
        self, sender: str, submission: DipSubmission
    ) -> DipSubmission | Refused | Garbled:
        """What of a DIP submission reaches the DIP."""
        return submission

    def screen(self) -> Callable[[Delivery], bool] | None:
        """What judges each delivery of the next batch (:meth:`available`); ``None``: all pass.

        Without a plan a delivery is only ever held while its recipient is down,
        so while nobody is down the broker need not ask about each one (nobody
        goes down or comes back while a batch is handed out). A component with
        its own :meth:`available` (a plan's) judges every delivery.
        """
        if self._down or type(self).available is not Faults.available:
            return self.available
        return None

    def available(self, delivery: Delivery) -> bool:
        """Whether ``delivery`` can be handed over now; if not, it was held or dead-lettered.

        A participant that is down (a planned crash, or a bug under the plan's
        ``bug_restart``) is handed nothing until it restarts, with or without faults.
        """
        return not self._held_for_downtime(delivery)

    def replay(self, participant: str, request: ReplayRequest) -> None:
        """Redeliver what ``participant`` missed: nothing was missed without a fault plan."""
        self._journal_replay(participant, missed=0, replayed=0)

    def _journal_replay(self, participant: str, *, missed: int, replayed: int) -> None:
        self.journal.append(
            at=self.queue.clock.now,
            kind=EventKind.REPLAY_REQUESTED,
            network=DIP,
            sender=participant,
            recipient="DIP",
            detail={"missed": missed, "replayed": replayed},
        )


class NoFaults(Faults):
    """The fault component of a run without a fault plan: nothing is injected."""


class InjectedFaults(Faults):
    """The fault component of a run under a fault plan (see the module docstring)."""

    def __init__(
        self,
        injector: FaultInjector,
        *,
        queue: DeliveryQueue,
        journal: Journal,
        latencies: Latencies,
        dead_letters: list[Delivery],
    ) -> None:
        super().__init__(
            queue=queue, journal=journal, latencies=latencies, dead_letters=dead_letters
        )
        self.injector = injector
        #: DIP publications the DIP gave up delivering (RetriesExhausted), per recipient.
        self.undelivered: dict[str, list[Delivery]] = {}
        #: DIP publications delivered, per recipient, kept for replays.
        self.published_to: dict[str, list[Delivery]] = {}
        self._attempts: dict[int, int] = {}

    def skew_of(self, participant: str) -> timedelta:
        """How far ``participant``'s clock is off under the plan."""
        return self.injector.skew_of(participant)

    def crashes(self) -> tuple[Crash, ...]:
        """The plan's crashes, in plan order."""
        return self.injector.crashes()

    def webhook_faults(self) -> tuple[WebhookDown, ...]:
        """The plan's webhook outages, in plan order."""
        return tuple(self.injector.webhook_faults())

    def transmit(self, parcel: Parcel, latency: timedelta) -> None:
        """Transmit through the plan; the DIP pushes a lost publication again until it gives up.

        A lost attempt is journalled ``retrying`` until the retries run out
        (``retries_exhausted``); the publication is then kept for a replay.
        """
        assert parcel.network is not None  # timers and runtime messages are never transmitted
        now = self.queue.clock.now
        publication = parcel.sender == "DIP" and parcel.message.startswith("PUB-")
        attempts = self.latencies.dip_retries + 1 if publication else 1
        for attempt in range(1, attempts + 1):
            sent_at = now + self.latencies.dip_retry_interval * (attempt - 1)
            outcome = self.injector.transmit(
                network=parcel.network,
                message=parcel.message,
                sender=parcel.sender,
                recipient=parcel.recipient,
                sent_at=sent_at,
                latency=latency,
            )
            if not isinstance(outcome, Dropped):
                break
            detail: dict[str, Any] = {"fault": outcome.fault, "reason": outcome.reason}
            if not publication:
                self.journal_parcel(EventKind.DROPPED, parcel, detail)
                return
            if attempt == attempts:
                self.journal_parcel(
                    EventKind.RETRIES_EXHAUSTED, parcel, {**detail, "attempts": attempt}
                )
                kept = unqueued(parcel, now + latency)
                self.undelivered.setdefault(parcel.recipient, []).append(kept)
                return
            retry_at = sent_at + self.latencies.dip_retry_interval
            detail.update(attempt=attempt, retry_at=retry_at.isoformat())
            self.journal_parcel(EventKind.RETRYING, parcel, detail)
        assert not isinstance(outcome, Dropped)  # the loop returned on every drop
        for transmission in outcome:
            delivery = self.queue.push(parcel, transmission.deliver_at, sent_at=now)
            if transmission.fault is not None:
                detail = {**transmission.detail, "deliver_at": transmission.deliver_at.isoformat()}
                self.journal_parcel(
                    transmission.fault, parcel, {**detail, "queue_seq": delivery.seq}
                )

    def on_submission(
        self, sender: str, submission: DipSubmission
    ) -> DipSubmission | Refused | Garbled:
        """A DIP outage refuses the submission; corruption garbles it on the wire."""
        now = self.queue.clock.now
        envelope = submission if isinstance(submission, DipEnvelope) else None
        if envelope is not None:
            message = envelope.interface_id
        elif isinstance(submission, DipRequest):
            message = channel_of(submission.url) or "IF-???"
        else:
            message = "IF-???"
        mpan = envelope.mpan_core if envelope is not None else None
        event_code = envelope.event_code if envelope is not None else None
        parcel = Parcel("DIP", sender, DIP, message, event_code, mpan, None, None, None)
        if self.injector.dip_down(now) is not None:
            self.journal_parcel(
                EventKind.REFUSED, parcel, {"fault": "dip_outage", "code": DIP_UNAVAILABLE.code}
            )
            return Refused(envelope)
        if envelope is not None and self.injector.corrupts(sender=sender, message=message, at=now):
            self.journal_parcel(EventKind.CORRUPTED, parcel, {"fault": "corrupt"})
            return Garbled(envelope, _garbled(envelope))
        return submission

    def available(self, delivery: Delivery) -> bool:
        """Whether ``delivery`` can be handed over now; if not, hold, retry or dead-letter it."""
        if self._held_for_downtime(delivery):
            return False
        if delivery.sender == "runtime":
            return True
        if delivery.network != DIP or not delivery.message.startswith("PUB-"):
            return True
        now = self.queue.clock.now
        outage = self.injector.dip_down(now)
        if outage is not None:
            detail = {"fault": "dip_outage", "reason": "DIP down"}
            self.requeue(delivery, outage.window.end, EventKind.DELAYED, detail)
            return False
        webhook = self.injector.webhook_down(delivery.recipient, now)
        if webhook is None:
            self.published_to.setdefault(delivery.recipient, []).append(delivery)
            return True
        return self._webhook_refused(delivery, webhook)

    def _webhook_refused(self, delivery: Delivery, webhook: WebhookDown) -> bool:
        """The recipient's webhook is down: retry later, or give up and keep it for a replay."""
        attempt = self._attempts.get(delivery.seq, 0) + 1
        if attempt > webhook.retries:
            self._attempts.pop(delivery.seq, None)
            self.undelivered.setdefault(delivery.recipient, []).append(delivery)
            detail = {"fault": "webhook_down", "attempts": attempt - 1}
            self.journal_delivery(delivery, EventKind.RETRIES_EXHAUSTED, detail)
            return False
        retry_at = self.queue.clock.now + webhook.retry_interval
        detail = {"fault": "webhook_down", "attempt": attempt}
        retried = self.requeue(delivery, retry_at, EventKind.RETRYING, detail)
        self._attempts[retried.seq] = attempt
        return False

    def replay(self, participant: str, request: ReplayRequest) -> None:
        """Redeliver what ``participant`` missed (or got since), marked as replayed."""
        missed = self.undelivered.pop(participant, [])
        again = list(missed)
        if request.since is not None:
            since = request.since
            delivered = self.published_to.get(participant, [])
            again += [d for d in delivered if d.deliver_at >= since]
        self._journal_replay(participant, missed=len(missed), replayed=len(again))
        now = self.queue.clock.now
        for delivery in again:
            parcel = delivery.parcel._replace(payload=_marked_replayed(delivery.payload))
            replayed = self.queue.push(parcel, now + self.latencies.dip)
            detail = {"fault": "webhook_down", "replay_indicator": True}
            self.journal_delivery(replayed, EventKind.REPLAYED, detail)


def fault_component(
    injector: FaultInjector | None,
    *,
    queue: DeliveryQueue,
    journal: Journal,
    latencies: Latencies,
    dead_letters: list[Delivery],
) -> Faults:
    """The fault component of a run: :class:`InjectedFaults` under a plan with faults, else none."""
    if injector is not None and injector.active:
        return InjectedFaults(
            injector, queue=queue, journal=journal, latencies=latencies, dead_letters=dead_letters
        )
    return NoFaults(queue=queue, journal=journal, latencies=latencies, dead_letters=dead_letters)


def _garbled(envelope: DipEnvelope) -> str:
    """The submission's body with its sender DIP ID mangled, as a flipped bit on the wire would."""
    body = render_body([envelope]).decode()
    return body.replace(f'"senderDIPID":"{envelope.sender_dip_id}"', '"senderDIPID":"?"')


def _marked_replayed(payload: object) -> object:
    """A publication as the DIP replays it: the same, with D0's replay indicator set."""
    if isinstance(payload, DipEnvelope) and payload.common.d0 is not None:
        d0 = attrs.evolve(payload.common.d0, replay_indicator=True)
        return attrs.evolve(payload, common=attrs.evolve(payload.common, d0=d0))
    return payload
