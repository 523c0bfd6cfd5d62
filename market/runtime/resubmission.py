"""Resubmission of refused DIP submissions: what a sender's DIP-facing software does.

A submission the DIP refused for a reason the sender can wait out or repair
(an outage, corruption on the wire, throttling) is sent again after a wait,
with a new sender reference, until its attempts run out; then it is given up
and journalled ``dip_submission_abandoned``. The same holds for a submission
the DIP accepted (201) and refused later, at level 2, by a status message
(``InboundRuleFailure``: an MPAN its register does not know yet, decision
D15), with a wait that doubles each time. A recipient's refusal (levels 3
and 4, ``RejectedByRecipient``) is final and never resubmitted. The runtime
keeps one :class:`ResubmissionBook` per participant; a participant opts out
with ``resubmit_refused = False`` to handle refusals itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

import attrs

from market.messages.dip import DipEnvelope, DipResponse, sender_unique_reference
from market.messages.dip.status import DipStatusMessage
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

#: How a submission refused at level 2 (status ``InboundRuleFailure``) is retried, per code:
#: (first wait, attempts); each further wait is twice the one before. An MPAN the DIP's
#: register does not know yet (MSG1006) is tried six times: after 10, 20, 40, 80 and 160
#: minutes (the register lag an option may set is bounded to fit, ``ProcessOptions``).
STATUS_RETRY_POLICY: Final = {
    "MSG1006": (timedelta(minutes=10), 6),
}

#: How long an accepted submission is kept for a level-2 status message about it. The DIP
#: judges its level-2 rules on acceptance, so the message comes one DIP latency later; a
#: day leaves room for a delaying network.
STATUS_WINDOW: Final = timedelta(days=1)


@attrs.frozen(slots=True)
class _Accepted:
    """A submission the DIP accepted, kept in case a level-2 status message refuses it."""

    at: datetime
    envelope: DipEnvelope
    attempt: int


@attrs.define
class ResubmissionBook:
    """One participant's DIP submissions awaiting an answer, and their attempts so far."""

    resubmit_refused: bool
    pending: dict[str, DipEnvelope] = attrs.field(factory=dict)
    attempts: dict[str, int] = attrs.field(factory=dict)
    #: Accepted submissions within :data:`STATUS_WINDOW`, oldest first.
    accepted: dict[str, _Accepted] = attrs.field(factory=dict)

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
            if item.response_code.is_success:
                self._keep_accepted(ctx, reference, self.pending.pop(reference), attempt)
                continue
            if policy is None:
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

    def _keep_accepted(
        self, ctx: Context, reference: str, envelope: DipEnvelope, attempt: int
    ) -> None:
        """Remember an accepted submission for :data:`STATUS_WINDOW`; forget older ones."""
        accepted = self.accepted
        horizon = ctx.now - STATUS_WINDOW
        while accepted:
            oldest = next(iter(accepted))
            if accepted[oldest].at >= horizon:
                break
            del accepted[oldest]
        accepted[reference] = _Accepted(at=ctx.now, envelope=envelope, attempt=attempt)

    def on_status(self, ctx: Context, status: DipStatusMessage) -> None:
        """Schedule a resubmission for an accepted submission the DIP refused at level 2."""
        if status.status != "InboundRuleFailure":
            return  # a recipient's refusal (levels 3, 4) is final: resending changes nothing
        reference = status.sender_unique_reference
        policy = STATUS_RETRY_POLICY.get(status.response_code.code)
        kept = self.accepted.pop(reference, None) if policy is not None else None
        if kept is None or policy is None:
            return
        first_wait, limit = policy
        if kept.attempt >= limit:
            ctx.record(
                "dip_submission_abandoned",
                mpan=kept.envelope.mpan_core,
                reference=reference,
                attempts=kept.attempt,
                response=status.message,
            )
            return
        self.pending[reference] = kept.envelope
        wait = first_wait * 2 ** (kept.attempt - 1)
        ctx.set_timer_after(wait, Resubmit(reference=reference, attempt=kept.attempt))

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
