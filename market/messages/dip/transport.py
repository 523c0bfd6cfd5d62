"""The DIP's HTTP shape: requests with a body, headers and a URL (brief e.1).

Most participants hand the broker typed :class:`~market.messages.dip.envelope.DipEnvelope`
values and let the runtime render and sign them. Participant code that speaks
HTTP-shaped DIP itself sends a :class:`DipRequest` instead: exactly what it
would ``POST``, headers and all, so the DIP can check the signature over the
very bytes it receives.

The URLs are fictional (``.example`` is a reserved domain), but shaped like the
real ones: ``{DIP base}/dip-channel/IF-003`` to send, a webhook per recipient
to receive.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

import attrs

#: Base URL of the simulated DIP.
DIP_BASE_URL: Final = "https://dip.mhhs-market.example"

_CHANNEL = re.compile(r"^https://dip\.mhhs-market\.example/dip-channel/(IF-\d{3}[A-B]?)$")
#: The same channels served over HTTP on loopback by ``market serve``.
_SERVED_CHANNEL = re.compile(
    r"^http://(?:127\.0\.0\.1|localhost|\[::1\]):\d{1,5}/dip-channel/(IF-\d{3}[A-B]?)$"
)


def channel_url(interface_id: str) -> str:
    """Where a sender posts ``interface_id``: ``{DIP base}/dip-channel/IF-003``."""
    return f"{DIP_BASE_URL}/dip-channel/{interface_id}"


def channel_of(url: str) -> str | None:
    """The interface a send URL posts to, or ``None`` when it is not a DIP channel URL."""
    match = _CHANNEL.fullmatch(url) or _SERVED_CHANNEL.fullmatch(url)
    return match.group(1) if match is not None else None


def callback_url(recipient_dip_id: str, publication_id: str) -> str:
    """The webhook a recipient configured for ``publication_id`` (``pubconfig`` callbackURL)."""
    return f"https://{recipient_dip_id.lower()}.webhooks.mhhs-market.example/dip/{publication_id}"


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name`` in ``headers``, matched case-insensitively as HTTP does."""
    exact = headers.get(name)
    if exact is not None:
        return exact
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def _frozen_headers(headers: Mapping[str, str]) -> Mapping[str, str]:
    return dict(headers)


@attrs.frozen(kw_only=True)
class DipRequest:
    """One HTTP request to (or from) the DIP: method, full URL, body bytes and headers.

    Header names are matched case-insensitively, as HTTP does (:meth:`header`).
    """

    url: str
    body: bytes
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_headers)
    method: str = "POST"

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case), or ``None`` when it is absent."""
        return header_value(self.headers, name)

    def with_headers(self, headers: Mapping[str, str]) -> DipRequest:
        """This request with ``headers`` added (replacing any of the same name)."""
        replaced = {name.lower() for name in headers}
        kept = {k: v for k, v in self.headers.items() if k.lower() not in replaced}
        return attrs.evolve(self, headers={**kept, **headers})
