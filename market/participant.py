"""The participant API: what every market participant, built-in or yours, is written against.

A participant is a class with two methods, ``on_start`` and ``on_message``.
It keeps its own state, acts only on the messages it receives, and talks to the
market only through its :class:`Context`: ``send`` a message (a DIP envelope, a
D-flow or a CSS message: the broker picks the network from its type), set a
timer (a message to itself later), ``record`` a state change for the journal.
It never holds a reference to another participant and never reads the wall
clock or the global ``random``: ``ctx.now`` and ``ctx.rng`` are its time and
its randomness, so runs are reproducible.

Everything a participant does during one batch is buffered in its context and
handed to the broker when the batch ends; the broker orders the buffers by
participant id, which is why the order in which trio happens to run tasks never
shows in the journal.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Literal, Protocol

import attrs

from market.kernel.ids import Role, check_dip_id, check_mpid
from market.kernel.local_time import settlement_date_of
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.dip.codes import REJECTED_BY_RECIPIENT, ResponseCode
from market.messages.dip.envelope import DipEnvelope
from market.messages.dip.status import RecipientRejection
from market.messages.system import ReplayRequest, WebhookRestored


def _optional(check: Callable[[str], str]) -> Callable[[object, object, str | None], None]:
    def validate(_instance: object, _attribute: object, value: str | None) -> None:
        if value is not None:
            check(value)

    return validate


@attrs.frozen(kw_only=True, slots=True)
class ParticipantIdentity:
    """Who a participant is in the market: one id in the journal, and its industry addresses.

    ``participant_id`` is the name the journal uses (``REGS-19``, ``SUP-LGSB``);
    ``dip_id`` is its DIP ID when it is a DIP user (legacy agents are not);
    ``mpid`` is its market participant id on the DTN and at CSS.
    """

    participant_id: str
    role: Role
    dip_id: str | None = attrs.field(default=None, validator=_optional(check_dip_id))
    mpid: str | None = attrs.field(default=None, validator=_optional(check_mpid))
    name: str = ""


class Clock(Protocol):
    """Virtual time as the runtime keeps it; participants read it through ``ctx.now``."""

    @property
    def now(self) -> datetime: ...


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


class Context:
    """A participant's only window on the market: time, randomness, calendar, send, timers.

    The runtime makes one per participant. Calls only buffer; the broker acts on
    the buffer after the participant's batch, in a deterministic order.
    """

    __slots__ = (
        "_clock",
        "_next_reference",
        "_next_timer",
        "_skew",
        "calendar",
        "identity",
        "outbox",
        "rng",
    )

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        clock: Clock,
        calendar: SettlementCalendar,
        rng: random.Random,
        skew: timedelta = timedelta(0),
    ) -> None:
        self.identity = identity
        self.calendar = calendar
        self.rng = rng
        self.outbox: list[OutboxEntry] = []
        self._clock = clock
        self._next_reference = 0
        self._next_timer = 0
        self._skew = skew

    @property
    def now(self) -> datetime:
        """The current instant by this participant's clock (UTC; skewed under a fault plan)."""
        return self._clock.now + self._skew

    @property
    def today(self) -> date:
        """The settlement date (UK local day) of :attr:`now`."""
        return settlement_date_of(self.now)

    def send(self, message: object) -> None:
        """Hand ``message`` to the broker: a DIP envelope, a D-flow or a CSS message."""
        self.outbox.append(Send(message))

    def set_timer(self, at: datetime, payload: object, *, mpan: str | None = None) -> int:
        """Deliver ``payload`` to this participant at ``at`` (never before now); returns its id."""
        timer_id = self._next_timer
        self._next_timer += 1
        true_at = at - self._skew  # the participant means its own clock; the broker keeps true time
        self.outbox.append(SetTimer(timer_id, max(true_at, self._clock.now), payload, mpan))
        return timer_id

    def set_timer_after(self, delay: timedelta, payload: object, *, mpan: str | None = None) -> int:
        """Deliver ``payload`` to this participant ``delay`` from now; returns the timer's id."""
        return self.set_timer(self.now + delay, payload, mpan=mpan)

    def cancel_timer(self, timer_id: int) -> None:
        """Stop a timer set earlier from firing (a no-op if it already fired)."""
        self.outbox.append(CancelTimer(timer_id))

    def record(self, event: str, *, mpan: str | None = None, **data: Any) -> None:
        """Journal a state change (``event`` is snake_case, past tense: ``loss_accepted``)."""
        self.outbox.append(Record(event, mpan, data))

    def reject(
        self,
        publication: DipEnvelope,
        code: ResponseCode = REJECTED_BY_RECIPIENT,
        *,
        rule: str,
        level: Literal[3, 4] = 3,
    ) -> None:
        """Refuse a DIP publication this participant received (validation levels 3 and 4).

        ``code`` is a registered code (a business one such as REG1024, or
        MSG1014 when no business code fits) and ``rule`` says what was wrong.
        Level 3 (the default) is the webhook's own answer, given while handling
        the delivery; level 4 a status message posted later. The DIP journals
        ``RejectedByRecipient`` and tells the original sender by status message.
        """
        self.outbox.append(
            Send(RecipientRejection(publication=publication, code=code, rule=rule, level=level))
        )

    def next_reference(self) -> int:
        """A number unique to this participant, for sender references and contract ids."""
        self._next_reference += 1
        return self._next_reference

    def take_outbox(self) -> list[OutboxEntry]:
        """Hand over (and clear) what the participant did in its last batch; used by the runtime."""
        entries, self.outbox = self.outbox, []
        return entries


class Participant:
    """Base class of every market participant.

    Subclasses set ``role`` and override :meth:`on_message` (and :meth:`on_start`
    when they act before anything arrives). ``on_message`` may be a plain method
    or ``async def`` (for participant code doing real I/O in real-time mode);
    built-in participants use plain methods because they never wait.
    """

    role: ClassVar[Role]
    #: Ignore a message already handled (same DIP transaction id; identical D-flow or CSS
    #: message) before ``on_message`` sees it. Set ``False`` to handle duplicates yourself.
    deduplicate: ClassVar[bool] = True
    #: Resubmit DIP submissions refused for a reason that can be waited out or repaired
    #: (an outage, corruption on the wire). Set ``False`` to handle refusals yourself.
    resubmit_refused: ClassVar[bool] = True
    #: D-flows (by id) the adapter always hands over, even identical repeats: the participant
    #: answers each copy itself (a chased appointment must be answered again).
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
