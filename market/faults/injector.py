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
from typing import Any

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
        self._message_faults = tuple(
            f
            for f in plan.faults
            if isinstance(f, Loss | Delay | Duplicate | Reorder | Slow | Partition)
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

    def transmit(  # noqa: PLR0912  (one branch per message fault kind reads best)
        self,
        *,
        network: str,
        message: str,
        sender: str,
        recipient: str,
        sent_at: datetime,
        latency: timedelta,
    ) -> Dropped | list[Transmission]:
        """What becomes of one message: dropped, or the copies that arrive and when."""
        arrive = sent_at + latency
        fault: EventKind | None = None
        detail: dict[str, Any] = {}
        copies = 0
        for planned in self._message_faults:
            if not planned.window.contains(sent_at):
                continue
            if isinstance(planned, Partition):
                if planned.cuts(sender, recipient):
                    self._count("partition")
                    return Dropped(fault="partition", reason=f"{sender} cut off from {recipient}")
                continue
            if isinstance(planned, Slow):
                if planned.participant == recipient:
                    arrive += timedelta(seconds=planned.seconds)
                    fault, detail = (
                        EventKind.DELAYED,
                        {"fault": "slow", "by_seconds": planned.seconds},
                    )
                    self._count("slow")
                continue
            if not planned.scope.matches(
                network=network, message=message, sender=sender, recipient=recipient
            ):
                continue
            if isinstance(planned, Loss):
                if self.rng.random() < planned.probability:
                    self._count("loss")
                    return Dropped(fault="loss", reason="lost in transit")
            elif isinstance(planned, Delay):
                if self.rng.random() < planned.probability:
                    extra = self._delay(planned)
                    arrive += extra
                    fault = EventKind.DELAYED
                    detail = {"fault": "delay", "by_seconds": extra.total_seconds()}
                    self._count("delay")
            elif isinstance(planned, Reorder):
                if self.rng.random() < planned.probability:
                    extra = timedelta(seconds=round(self.rng.uniform(0, planned.within_seconds)))
                    arrive += extra
                    fault = EventKind.REORDERED
                    detail = {"fault": "reorder", "by_seconds": extra.total_seconds()}
                    self._count("reorder")
            elif isinstance(planned, Duplicate) and self.rng.random() < planned.probability:
                copies += planned.copies
                self._count("duplicate")
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
