"""The plumbing around a participant's business logic: its DIP adapter and inbound filter.

Real participants run their logic behind an adapter that the DIP's design
demands of them: it ignores a publication it has already processed (same
transaction id; replays and duplicates happen), drops an identical D-flow or
CSS message received twice, and resubmits a submission the DIP refused for a
reason the sender can wait out or repair (an outage, corruption on the wire).
The runtime runs one adapter per participant; a participant can opt out of
either behaviour (``deduplicate``, ``resubmit_refused``) to handle it itself.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import attrs

from market.messages.css import CssMessage
from market.messages.dip import DipEnvelope, DipResponse, sender_unique_reference
from market.messages.dtn import DFlow
from market.messages.system import Resubmit
from market.participant import Context, OutboxEntry, Send

#: How a refused submission is retried, per response code: (wait before retrying, attempts).
#: An outage is waited out hourly for four days (the DIP's 72-hour outage NFR, with margin);
#: a corrupted submission is resent after a minute, five times at most; a sender the DIP
#: throttled (429) backs off a minute at a time, for an hour at most.
RETRY_POLICY: Final = {
    "MSG5003": (timedelta(hours=1), 96),
    "MSG1001": (timedelta(minutes=1), 5),
    "MSG1011": (timedelta(minutes=1), 60),
}


@attrs.define
class ParticipantAdapter:
    """Per-participant inbound filter and resubmission book (used by the runtime only)."""

    deduplicate: bool
    resubmit_refused: bool
    redelivered_flows: frozenset[str] = frozenset()
    seen: set[object] = attrs.field(factory=set)
    pending: dict[str, DipEnvelope] = attrs.field(factory=dict)
    attempts: dict[str, int] = attrs.field(factory=dict)

    def is_duplicate(self, message: object) -> bool:
        """Whether ``message`` was already handled (and so must not be handled again)."""
        if not self.deduplicate:
            return False
        key: object
        if isinstance(message, DipEnvelope):
            d0 = message.common.d0
            if d0 is None:
                return False
            key = ("DIP", d0.transaction_id)
        elif isinstance(message, DFlow) and message.flow_id in self.redelivered_flows:
            return False
        elif isinstance(message, DFlow | CssMessage):
            key = message
        else:
            return False
        if key in self.seen:
            return True
        self.seen.add(key)
        return False

    def track(self, entries: list[OutboxEntry]) -> None:
        """Remember the DIP submissions in an outbox until the DIP answers them."""
        if not self.resubmit_refused:
            return
        for entry in entries:
            if isinstance(entry, Send) and isinstance(entry.message, DipEnvelope):
                envelope = entry.message
                self.pending[envelope.common.s1.sender_unique_reference] = envelope

    def on_response(self, ctx: Context, response: DipResponse) -> None:
        """Forget accepted submissions; schedule a resubmission for refused, retryable ones."""
        for item in response.items:
            reference = item.sender_unique_reference
            if reference is None or reference not in self.pending:
                continue
            code = item.message.partition(" - ")[0]
            policy = RETRY_POLICY.get(code)
            attempt = self.attempts.pop(reference, 1)
            if item.response_code.is_success or policy is None:
                self.pending.pop(reference)
                continue
            wait, limit = policy
            if attempt >= limit:
                envelope = self.pending.pop(reference)
                ctx.record(
                    "dip_submission_abandoned",
                    mpan=envelope.mpan_core,
                    reference=reference,
                    attempts=attempt,
                    response=item.message,
                )
                continue
            ctx.set_timer_after(wait, Resubmit(reference=reference, attempt=attempt))

    def resubmit(self, ctx: Context, timer: Resubmit) -> None:
        """Send a refused submission again, with a new sender reference and timestamp."""
        envelope = self.pending.pop(timer.reference, None)
        if envelope is None:
            return
        s1 = envelope.common.s1
        identity = ctx.identity
        assert identity.dip_id is not None  # only DIP users submit
        reference = sender_unique_reference(
            envelope.interface_id,
            identity.dip_id,
            identity.role.value,
            ctx.today,
            f"R{ctx.next_reference():09d}",
        )
        fresh = attrs.evolve(
            envelope,
            common=attrs.evolve(
                envelope.common,
                s1=attrs.evolve(s1, sender_unique_reference=reference, sender_timestamp=ctx.now),
            ),
        )
        ctx.record(
            "dip_submission_resubmitted",
            mpan=envelope.mpan_core,
            reference=reference,
            replaces=timer.reference,
            attempt=timer.attempt,
        )
        self.attempts[reference] = timer.attempt + 1
        ctx.send(fresh)
