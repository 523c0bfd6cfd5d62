"""Participants whose logic is written against the real DIP's JSON.

:class:`DipJsonParticipant` lets code that speaks DIP JSON take part unchanged:
it receives every publication as the dict its webhook would get (the
``payload`` of the DIP's array: ``{"CommonBlock": ..., "CustomBlock": ...}``,
D0 and A0 filled in) and returns the IF envelopes it wants to submit, as dicts
of the same shape. The participant posts them as a DIP body, so the DIP
validates them exactly as it would a real participant's (a broken envelope gets
``MSG1001`` with the JSON path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import msgspec

from market.context import Context
from market.identity import ParticipantIdentity
from market.kernel.local_time import format_dip_datetime
from market.messages.dip import DipEnvelope, DipResponse, render_envelope, render_response
from market.participant_base import Participant


class DipJsonLogic(Protocol):
    """What DIP-JSON code implements: publications in, submissions out, all plain dicts."""

    def on_publication(
        self, publication: Mapping[str, Any], now: str
    ) -> Sequence[Mapping[str, Any]]:
        """Handle one publication (``now`` is a DT-003 timestamp); return IF envelopes to submit."""
        ...


class DipJsonParticipant(Participant):
    """A participant whose logic only handles DIP JSON dicts (see the module docstring).

    It plays whichever role its identity gives it. Responses from the DIP
    (``MSG0000`` or a rejection with its path) are kept in :attr:`responses` as
    the JSON the DIP answers with; other messages (D-flows, CSS) are not for
    DIP-only logic and are journalled as ignored.
    """

    def __init__(self, identity: ParticipantIdentity, logic: DipJsonLogic) -> None:
        super().__init__(identity)
        self.logic = logic
        self.responses: list[dict[str, Any]] = []

    def on_message(self, ctx: Context, message: object) -> None:
        """Hand publications to the logic as dicts; post what it returns as a DIP body."""
        if isinstance(message, DipEnvelope):
            submissions = self.logic.on_publication(
                render_envelope(message), format_dip_datetime(ctx.now)
            )
            if submissions:
                body = msgspec.json.encode([{"payload": dict(s)} for s in submissions])
                ctx.send(body.decode())
        elif isinstance(message, DipResponse):
            self.responses.append(render_response(message))
        else:
            ctx.record("message_ignored", kind=type(message).__name__)
