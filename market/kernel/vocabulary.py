"""The kernel's vocabulary: network names, message labels, latencies, step classifiers.

Shared by the broker (:mod:`market.kernel.broker`), the networks
(:mod:`market.networks`) and the fault component (:mod:`market.faults.applied`).
"""

from __future__ import annotations

from datetime import timedelta
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
    """Names the reconstructed step a message belongs to, or ``None``.

    See :mod:`market.process.model`.
    """

    def __call__(
        self,
        *,
        network: str,
        message: str,
        event_code: str | None,
        sender_role: Role | None,
        recipient_role: Role | None,
        mpan: str | None,
        resolution: object = None,
    ) -> str | None: ...


def no_steps(**_fields: object) -> str | None:
    """A step classifier that knows no steps (for markets without a process model)."""
    return None
