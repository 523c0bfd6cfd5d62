"""The broker's vocabulary: network names, latencies, deliveries, the virtual clock.

Shared by the broker core (:mod:`market.kernel.broker`) and its DIP and fault-handling
parts, and by anything that reads deliveries (the runtime, benchmarks).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, Protocol

import attrs

from market.kernel.ids import Role

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


#: Latencies a market uses unless its setup says otherwise.
DEFAULT_LATENCIES: Final = Latencies()


class StepClassifier(Protocol):
    """Names the BPM step a message belongs to, or ``None`` (see :mod:`market.process.model`)."""

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


@attrs.define(kw_only=True, slots=True)
class Delivery:
    """One message on its way to one recipient, due at ``deliver_at``.

    The broker's own queue entry, never changed once made; a plain slotted class
    rather than a frozen one because frozen attrs instances cost twice as much to
    build, and the broker builds one per delivery.
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


class VirtualClock:
    """The current virtual instant, advanced only by the broker."""

    __slots__ = ("now",)

    def __init__(self, start_at: datetime) -> None:
        self.now = start_at
