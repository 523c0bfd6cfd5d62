"""What a participant's context buffers during a batch, for the broker to act on afterwards.

Participants never build these: :class:`market.participant.Context` does, and
the runtime hands them to the broker in a deterministic order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs


@attrs.frozen(slots=True)
class Send:
    """Outbox entry: a message for the broker to route."""

    message: object


@attrs.frozen(slots=True)
class SetTimer:
    """Outbox entry: deliver ``payload`` back to the sender at ``at``."""

    timer_id: int
    at: datetime
    payload: object
    mpan: str | None


@attrs.frozen(slots=True)
class CancelTimer:
    """Outbox entry: a timer set earlier must not fire."""

    timer_id: int


@attrs.frozen(slots=True)
class Record:
    """Outbox entry: a state change worth a journal line (what the participant now believes)."""

    event: str
    mpan: str | None
    data: Mapping[str, Any]


OutboxEntry = Send | SetTimer | CancelTimer | Record
