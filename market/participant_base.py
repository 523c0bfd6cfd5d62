"""The base class of every market participant (its guide is ``market.participant``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from market.context import Context
from market.identity import ParticipantIdentity
from market.messages.system import ReplayRequest, WebhookRestored


class Participant:
    """Base class of every market participant.

    Subclasses override :meth:`on_message` (and :meth:`on_start` when they act
    before anything arrives); their role is ``self.identity.role``, given by the
    market builder. ``on_message`` may be a plain method or ``async def`` (for
    participant code doing real I/O in real-time mode); built-in participants
    use plain methods because they never wait.

    The class variables below tune the runtime's inbox and resubmission, the
    DIP-side plumbing that runs before ``on_message`` sees a message.
    """

    #: Ignore a message already handled (same DIP transaction id; identical D-flow or CSS
    #: message) before ``on_message`` sees it. Set ``False`` to handle duplicates yourself.
    deduplicate: ClassVar[bool] = True
    #: Resubmit DIP submissions refused for a reason that can be waited out or repaired
    #: (an outage, corruption on the wire). Set ``False`` to handle refusals yourself.
    resubmit_refused: ClassVar[bool] = True
    #: D-flows (by id) the runtime's inbox always hands over, even identical repeats: the
    #: participant answers each copy itself (a chased appointment must be answered again).
    redelivered_flows: ClassVar[frozenset[str]] = frozenset()
    #: How far back a participant that lost its state asks the DIP to replay.
    replay_window: ClassVar[timedelta] = timedelta(days=14)

    def __init__(self, identity: ParticipantIdentity) -> None:
        self.identity = identity

    @property
    def participant_id(self) -> str:
        """This participant's id in the journal."""
        return self.identity.participant_id

    def on_start(self, ctx: Context) -> None:
        """Called once before any message arrives; may send messages and set timers."""

    def on_webhook_restored(self, ctx: Context, restored: WebhookRestored) -> None:
        """The DIP can reach this participant again: ask it to replay what it could not deliver."""
        ctx.record("webhook_restored", down_since=restored.down_since.isoformat())
        ctx.send(ReplayRequest())

    def on_restart(self, ctx: Context, *, state_lost: bool) -> None:
        """Back after a crash; having lost its state, re-request recent DIP publications."""
        if state_lost:
            ctx.send(ReplayRequest(since=ctx.now - self.replay_window))

    def on_message(self, ctx: Context, message: object) -> Any:
        """Handle one message: DIP publication or response, D-flow, CSS message or timer payload."""
        raise NotImplementedError(
            f"{type(self).__name__} must override on_message(ctx, message) "
            "to take part in the market"
        )
