"""The fault injector: from the plan and its own random stream, what happens to each message.

The broker asks it once per transmitted message (:meth:`FaultInjector.transmit`),
once per DIP submission (:meth:`corrupts`, :meth:`dip_down`) and once per DIP
delivery (:meth:`webhook_down`, :meth:`dip_down`). The broker calls it in its
own deterministic order, so the same plan and seed inject the same faults.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import attrs

from market.faults.plan import (
    ClockSkew,
    Corrupt,
    Crash,
    Delay,
    DipOutage,
    Duplicate,
    Fault,
    FaultPlan,
    Loss,
    Partition,
    Reorder,
    Slow,
    WebhookDown,
)
from market.kernel.event_kinds import EventKind

#: The faults that act on one message in transit.
MessageFault = Loss | Delay | Duplicate | Reorder | Slow | Partition


class _Late(NamedTuple):
    """A fault holds a message back: by how long, labelled how in the journal."""

    by: timedelta
    kind: EventKind
    detail: dict[str, Any]


@attrs.frozen(kw_only=True, slots=True)
class Transmission:
    """One copy of a message on its way: when it arrives, and which fault shaped it (if any)."""

    deliver_at: datetime
    #: The journal kind of the fault that shaped it (``delayed``, ``reordered``, ``duplicated``).
    fault: EventKind | None = None
    detail: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True, slots=True)
class Dropped:
    """The message never arrives: which fault took it, and why."""

    fault: str
    reason: str


class FaultInjector:
    """Applies a :class:`FaultPlan` with a random stream of its own (seed ``{seed}/faults``)."""

    def __init__(self, plan: FaultPlan, *, seed: int) -> None:
        self.plan = plan
        self.rng = random.Random(f"{seed}/faults")
        self._message_faults: tuple[MessageFault, ...] = tuple(
            f for f in plan.faults if isinstance(f, MessageFault)
        )
        self._outages = tuple(f for f in plan.faults if isinstance(f, DipOutage))
        self._webhooks = tuple(f for f in plan.faults if isinstance(f, WebhookDown))
        self._corruptions = tuple(f for f in plan.faults if isinstance(f, Corrupt))
        self.counts: dict[str, int] = {}

    def _count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    @property
    def active(self) -> bool:
        """Whether the plan has any fault at all (a plain run skips every check)."""
        return bool(self.plan.faults)

    # ------------------------------------------------------------ messages

    def transmit(
        self,
        *,
        network: str,
        message: str,
        sender: str,
        recipient: str,
        sent_at: datetime,
        latency: timedelta,
    ) -> Dropped | list[Transmission]:
        """What becomes of one message: dropped, or the copies that arrive and when.

        The plan's message faults apply in plan order; a later delay's label
        replaces an earlier one's, while the delays add up.
        """
        arrive = sent_at + latency
        fault: EventKind | None = None
        detail: dict[str, Any] = {}
        copies = 0
        for planned in self._message_faults:
            if not planned.window.contains(sent_at):
                continue
            effect = self._effect_of(
                planned, network=network, message=message, sender=sender, recipient=recipient
            )
            if isinstance(effect, Dropped):
                return effect
            if isinstance(effect, _Late):
                arrive += effect.by
                fault, detail = effect.kind, effect.detail
            elif effect:
                copies += effect
        arrive = arrive.replace(microsecond=0)
        sent = [Transmission(deliver_at=arrive, fault=fault, detail=detail)]
        for copy in range(copies):
            sent.append(
                Transmission(
                    deliver_at=arrive + timedelta(seconds=copy + 1),
                    fault=EventKind.DUPLICATED,
                    detail={"fault": "duplicate", "copy": copy + 1},
                )
            )
        return sent

    def _effect_of(
        self, planned: MessageFault, *, network: str, message: str, sender: str, recipient: str
    ) -> Dropped | _Late | int:
        """What one planned fault does to a message: drop, hold, ``n`` copies, or nothing (0)."""
        if isinstance(planned, Partition | Slow):
            return self._on_route(planned, sender=sender, recipient=recipient)
        if not planned.scope.matches(
            network=network, message=message, sender=sender, recipient=recipient
        ):
            return 0
        if self.rng.random() >= planned.probability:
            return 0
        return self._drawn(planned)

    def _on_route(
        self, planned: Partition | Slow, *, sender: str, recipient: str
    ) -> Dropped | _Late | int:
        """A fault of the route itself: a partition between the two, a slow recipient."""
        if isinstance(planned, Partition):
            if not planned.cuts(sender, recipient):
                return 0
            self._count("partition")
            return Dropped(fault="partition", reason=f"{sender} cut off from {recipient}")
        if planned.participant == recipient:
            self._count("slow")
            by = timedelta(seconds=planned.seconds)
            return _Late(by, EventKind.DELAYED, {"fault": "slow", "by_seconds": planned.seconds})
        return 0

    def _drawn(self, planned: Loss | Delay | Duplicate | Reorder) -> Dropped | _Late | int:
        """A scoped fault whose probability came up."""
        if isinstance(planned, Loss):
            self._count("loss")
            return Dropped(fault="loss", reason="lost in transit")
        if isinstance(planned, Duplicate):
            self._count("duplicate")
            return planned.copies
        if isinstance(planned, Delay):
            extra, kind, name = self._delay(planned), EventKind.DELAYED, "delay"
        else:
            extra = timedelta(seconds=round(self.rng.uniform(0, planned.within_seconds)))
            kind, name = EventKind.REORDERED, "reorder"
        self._count(name)
        return _Late(extra, kind, {"fault": name, "by_seconds": extra.total_seconds()})

    def _delay(self, planned: Delay) -> timedelta:
        if planned.distribution == "fixed":
            seconds = planned.seconds
        elif planned.distribution == "uniform":
            seconds = self.rng.uniform(planned.min_seconds, planned.max_seconds)
        else:
            seconds = self.rng.expovariate(1 / planned.mean_seconds) if planned.mean_seconds else 0
        return timedelta(seconds=round(seconds))

    # ------------------------------------------------------------------ DIP

    def corrupts(self, *, sender: str, message: str, at: datetime) -> bool:
        """Whether this DIP submission is corrupted on the wire (so level 1 rejects it)."""
        for planned in self._corruptions:
            if (
                planned.window.contains(at)
                and planned.scope.matches(
                    network="DIP", message=message, sender=sender, recipient="DIP"
                )
                and self.rng.random() < planned.probability
            ):
                self._count("corrupt")
                return True
        return False

    def dip_down(self, at: datetime) -> DipOutage | None:
        """The outage the DIP is in at ``at``, if any."""
        for outage in self._outages:
            if outage.window.contains(at):
                return outage
        return None

    def webhook_down(self, participant: str, at: datetime) -> WebhookDown | None:
        """The webhook fault making ``participant`` unreachable at ``at``, if any."""
        for planned in self._webhooks:
            if planned.participant == participant and planned.window.contains(at):
                return planned
        return None

    def webhook_faults(self) -> Iterator[WebhookDown]:
        """Every webhook fault of the plan (the runtime tells participants when each ends)."""
        return iter(self._webhooks)

    # --------------------------------------------------------- participants

    def skew_of(self, participant: str) -> timedelta:
        """How far ``participant``'s clock is off true time."""
        return sum(
            (
                timedelta(seconds=f.seconds)
                for f in self.plan.faults
                if isinstance(f, ClockSkew) and f.participant == participant
            ),
            timedelta(0),
        )

    def crashes(self) -> tuple[Crash, ...]:
        """The planned crashes, in time order."""
        return tuple(
            sorted(
                (f for f in self.plan.faults if isinstance(f, Crash)),
                key=lambda c: (c.at, c.participant),
            )
        )

    def counted(self, fault: Fault) -> None:
        """Count an injected fault the runtime applied (crashes, restarts)."""
        self._count(fault.kind)
