"""What defences the simulated DIP runs with: signing, a body size limit, a rate limit.

A market's :class:`DipDefences` is part of its setup (scenario files and
``market run --no-signing`` set it); :class:`~market.networks.dip_gateway.DipGateway`
applies it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import attrs

from market.boundary import DIP_BODY
from market.kernel.exceptions import ScenarioError

#: The default body limit: 1 MiB (RECON; the DIP's real limit is not public).
DEFAULT_MAX_PAYLOAD_BYTES: Final = DIP_BODY.max_bytes


@attrs.frozen(kw_only=True, slots=True)
class RateLimit:
    """At most ``requests`` per ``per`` of virtual time from one sender, in bursts of ``burst``.

    A token bucket: it holds up to ``burst`` tokens (``requests`` when not
    given), refills at ``requests / per``, and each request takes one token.
    """

    requests: int
    per: timedelta
    burst: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.requests < 1 or self.per <= timedelta(0) or (self.burst or 1) < 1:
            raise ScenarioError(
                f"rate limit {self.requests} per {self.per} (burst {self.burst}): requests, "
                "burst and the period must all be positive"
            )

    @property
    def capacity(self) -> float:
        """How many requests may arrive at once after a quiet spell."""
        return float(self.burst if self.burst is not None else self.requests)

    @property
    def per_second(self) -> float:
        """The refill rate in tokens per virtual second."""
        return self.requests / self.per.total_seconds()


@attrs.frozen(kw_only=True, slots=True)
class DipDefences:
    """Which of the DIP's defences a market runs with.

    ``signing``: every submission and publication is signed and verified
    (brief e.1); off for raw-speed load runs (``market run --no-signing``).
    ``max_payload_bytes``: bodies over it get 413. ``rate_limit``: ``None``
    means no limit (the built-in participants submit in bursts: a whole day's
    registrations secure at 16:00).
    """

    signing: bool = True
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES
    rate_limit: RateLimit | None = None


#: The defences of the default market: signing on, 1 MiB bodies, no rate limit.
DEFAULT_DEFENCES: Final = DipDefences()
