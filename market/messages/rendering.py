"""How journal lines show the message an event concerns.

DIP messages appear as the full DIP JSON envelope (``envelope``), the DIP's
answers as ``response`` and its status messages as ``status``, D-flows as
their header and data items (``flow``), CSS events and customer stimuli as
their fields. Rendering happens only when a journal line is written or digested.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from market.messages.css import CssMessage
from market.messages.dip import DipEnvelope, DipResponse, render_envelope, to_wire
from market.messages.dip.status import DipStatusMessage
from market.messages.dtn import DFlow, render_flow


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def render_payload(payload: object) -> tuple[str, Any] | None:
    """``(key, JSON-ready value)`` for a journal line, or ``None`` for payloads not shown."""
    if isinstance(payload, DipEnvelope):
        return "envelope", render_envelope(payload)
    if isinstance(payload, DFlow):
        return "flow", render_flow(payload)
    if isinstance(payload, DipResponse | DipStatusMessage):
        return ("response" if isinstance(payload, DipResponse) else "status"), to_wire(payload)
    if isinstance(payload, CssMessage):
        return "css", payload.items()
    if attrs.has(type(payload)):
        return "data", {
            name: _plain(value)
            for name, value in attrs.asdict(payload, recurse=False).items()  # type: ignore[arg-type]
        }
    return None


class LazyEnvelope(Mapping[str, Any]):
    """A DIP envelope read as its JSON ``payload`` object, one block rendered per access.

    ``envelope["CommonBlock"]`` renders the CommonBlock only: the checkers that
    want a transaction id or a sender role then never render a CustomBlock (an
    IF-021's holds 48 periods). Equal to :func:`render_envelope`'s dict.
    """

    __slots__ = ("_envelope",)

    def __init__(self, envelope: DipEnvelope) -> None:
        self._envelope = envelope

    def __getitem__(self, key: str) -> Any:
        if key == "CommonBlock":
            return to_wire(self._envelope.common)
        if key == "CustomBlock":
            return to_wire(self._envelope.custom)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(_ENVELOPE_KEYS)

    def __len__(self) -> int:
        return len(_ENVELOPE_KEYS)


_ENVELOPE_KEYS: Final = ("CommonBlock", "CustomBlock")


def render_payload_lazily(payload: object) -> tuple[str, Any] | None:
    """As :func:`render_payload`, but a DIP envelope comes as a :class:`LazyEnvelope`.

    For reading a live journal (:func:`market.kernel.journal.event_views`); a journal
    line written out uses :func:`render_payload`.
    """
    if isinstance(payload, DipEnvelope):
        return "envelope", LazyEnvelope(payload)
    return render_payload(payload)
