"""How journal lines show the message an event concerns.

DIP messages appear as the full DIP JSON envelope (``envelope``), the DIP's
answers as ``response`` and its status messages as ``status``, D-flows as
their header and data items (``flow``), CSS events and customer stimuli as
their fields. Rendering happens only when a journal line is written or digested.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from market.css import CssMessage
from market.dip import DipEnvelope, DipResponse, render_envelope, to_wire
from market.dip.status import DipStatusMessage
from market.dtn import DFlow, render_flow


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
