"""What defences the simulated DIP runs with: signing, a body size limit, a rate limit.

A market's :class:`DipDefences` is part of its setup (scenario files and
``market run --signing`` set it); :class:`~market.networks.dip_gateway.DipGateway`
applies it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final, Literal, get_args

import attrs

from market.boundary import DIP_BODY
from market.kernel.exceptions import ScenarioError
from market.messages.dip.signing import DEFAULT_SCHEME, SigningScheme

#: How a run signs DIP calls: one of the schemes, or ``"off"`` (nothing signed or verified).
SigningMode = SigningScheme | Literal["off"]
#: Every mode, the default first (``market run --signing``).
SIGNING_MODES: Final[tuple[str, ...]] = (*get_args(SigningScheme), "off")


def _check_mode(_instance: object, _attribute: object, value: object) -> None:
    if value not in SIGNING_MODES:
        raise ScenarioError(
            f"signing = {value!r}: use one of {', '.join(map(repr, SIGNING_MODES))}"
        )


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
    (brief e.1) in the modelled scheme (the default) or with RSA (``"rsa"``), or
    nothing is signed (``"off"``, ``market run --signing off``); see
    :mod:`market.messages.dip.signing`. Rejections are the same in both schemes.
    ``max_payload_bytes``: bodies over it get 413. ``rate_limit``: ``None``
    means no limit (the built-in participants submit in bursts: a whole day's
    registrations secure at 16:00).
    """

    signing: SigningMode = attrs.field(default=DEFAULT_SCHEME, validator=_check_mode)
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES
    rate_limit: RateLimit | None = None

    @property
    def scheme(self) -> SigningScheme | None:
        """The signature scheme in force, or ``None`` when signing is off."""
        return None if self.signing == "off" else self.signing


#: The defences of the default market: signing on, 1 MiB bodies, no rate limit.
DEFAULT_DEFENCES: Final = DipDefences()
