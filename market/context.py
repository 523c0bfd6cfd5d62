"""A participant's context: its only window on the market (see ``market.participant``).

Every call buffers an outbox entry; the broker acts on the buffer after the
participant's batch. The message-building methods (:meth:`Context.submit`,
:meth:`Context.send_flow`, :meth:`Context.forward_flow`,
:meth:`Context.send_dip_request`) fill in what the context already knows (the
sender's DIP ID, MPID and role, timestamps, unique references), send the
message and return it, so a participant states only the business content.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Concatenate, Literal, ParamSpec, Protocol, TypeVar

import attrs

from market.identity import ParticipantIdentity
from market.kernel.exceptions import ScenarioError
from market.kernel.local_time import settlement_date_of
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.dip import (
    A0,
    M0,
    R0,
    S0,
    S1,
    CommonBlock,
    CustomBlock,
    DipEnvelope,
    DipRequest,
    render_body,
    sender_unique_reference,
)
from market.messages.dip.codes import REJECTED_BY_RECIPIENT, ResponseCode
from market.messages.dip.signing import (
    DEFAULT_SCHEME,
    KeyRing,
    SigningScheme,
    shared_key_ring,
    sign_request,
)
from market.messages.dip.status import RecipientRejection
from market.messages.dip.transport import channel_url
from market.messages.dtn import Address, DFlow, FlowHeader
from market.outbox import CancelTimer, OutboxEntry, Record, Send, SetTimer

#: The DIP environment the simulated market runs in (S1.environmentTag).
ENVIRONMENT_TAG = "SIT"

ItemsP = ParamSpec("ItemsP")
FlowT = TypeVar("FlowT", bound=DFlow)


class Clock(Protocol):
    """Virtual time as the runtime keeps it; participants read it through ``ctx.now``."""

    @property
    def now(self) -> datetime: ...


class Context:
    """A participant's only window on the market: time, randomness, calendar, messages, timers.

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
        "signing_scheme",
    )

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        clock: Clock,
        calendar: SettlementCalendar,
        rng: random.Random,
        skew: timedelta = timedelta(0),
        signing_scheme: SigningScheme = DEFAULT_SCHEME,
    ) -> None:
        self.identity = identity
        #: The scheme the DIP verifies this run's calls in (see :meth:`send_dip_request`).
        self.signing_scheme: SigningScheme = signing_scheme
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
        """Hand ``message`` to the broker as it is: a CSS message, a DIP JSON body, a request.

        DIP submissions and D-flows are easier built by :meth:`submit` and
        :meth:`send_flow`, which also send them.
        """
        self.outbox.append(Send(message))

    def submit(
        self,
        custom: CustomBlock,
        *,
        primary_recipients: Iterable[str],
        m0: M0,
        correlation_id: str | None = None,
        r0: R0 | None = None,
    ) -> DipEnvelope:
        """Submit ``custom`` to the DIP as an IF-nnn envelope from this participant; return it.

        The envelope's S1 carries this participant's DIP ID and role, the time
        and a new sender unique reference. ``r0`` is the response block the
        interfaces that answer a request carry (IF-014, IF-026, IF-032 ...):
        ``R0.accepted()`` or ``R0.rejected(code)``. Raises ``ScenarioError``
        when this participant has no DIP ID.
        """
        dip_id = self._dip_id(f"submit {custom.interface_id}")
        role = self.identity.role.value
        reference = sender_unique_reference(
            custom.interface_id, dip_id, role, self.today, f"R{self.next_reference():09d}"
        )
        s1 = S1(
            environment_tag=ENVIRONMENT_TAG,
            sub_text=None,
            sender_unique_reference=reference,
            sender_timestamp=self.now,
            sender_dip_id=dip_id,
            sender_role_id=role,
            sender_correlation_id=correlation_id,
            dip_connection_provider_id=None,
        )
        common = CommonBlock(
            s0=S0(interface_id=custom.interface_id, event_code=custom.event_code),
            s1=s1,
            a0=A0(primary_recipients=tuple(primary_recipients)),
            d0=None,
            m0=m0,
            r0=r0,
        )
        envelope = DipEnvelope(common=common, custom=custom)
        self.send(envelope)
        return envelope

    def send_flow(
        self,
        flow: Callable[Concatenate[FlowHeader, ItemsP], FlowT],
        /,
        to: Address,
        mpan_core: str,
        *args: ItemsP.args,
        **items: ItemsP.kwargs,
    ) -> FlowT:
        """Send the D-flow ``flow`` (a flow class) from this participant to ``to``; return it.

        ``items`` are the flow's own data items, checked by mypy against the
        flow class. The header carries this participant's MPID and role.
        Raises ``ScenarioError`` when this participant has no MPID.
        """
        header = FlowHeader.between(self._address(flow), to, mpan_core)
        sent = flow(header, *args, **items)
        self.send(sent)
        return sent

    def forward_flow(self, flow: FlowT, *, to: Address) -> FlowT:
        """Pass on a D-flow received: same MPAN and data items, from this participant to ``to``."""
        header = FlowHeader.between(self._address(type(flow)), to, flow.mpan_core)
        forwarded = attrs.evolve(flow, header=header)
        self.send(forwarded)
        return forwarded

    def send_dip_request(
        self,
        body: Sequence[DipEnvelope] | bytes,
        *,
        interface_id: str | None = None,
        key_ring: KeyRing | None = None,
    ) -> DipRequest:
        """Post ``body`` to its DIP channel as a signed HTTP request, as a client would; return it.

        For participant code that speaks HTTP-shaped DIP: ``body`` is the
        envelopes (rendered here) or the exact bytes to post, in which case
        ``interface_id`` names the channel. The request is signed with this
        participant's key from ``key_ring`` (by default the process-wide ring
        of the run's signing scheme, the one the DIP trusts).
        """
        dip_id = self._dip_id("sign a DIP request")
        if isinstance(body, bytes):
            if interface_id is None:
                raise ScenarioError("a raw DIP body needs interface_id= to name its channel")
            raw = body
        else:
            raw = render_body(body)
            interface_id = interface_id or body[0].interface_id
        ring = key_ring if key_ring is not None else shared_key_ring(self.signing_scheme)
        request = DipRequest(url=channel_url(interface_id), body=raw)
        signed = sign_request(request, ring.signing_key(dip_id), self.now)
        self.send(signed)
        return signed

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
        self.send(RecipientRejection(publication=publication, code=code, rule=rule, level=level))

    def next_reference(self) -> int:
        """A number unique to this participant, for sender references and contract ids."""
        self._next_reference += 1
        return self._next_reference

    def take_outbox(self) -> list[OutboxEntry]:
        """Hand over (and clear) what the participant did in its last batch; used by the runtime."""
        entries, self.outbox = self.outbox, []
        return entries

    def _dip_id(self, purpose: str) -> str:
        identity = self.identity
        if identity.dip_id is None:
            raise ScenarioError(
                f"{identity.participant_id} has no DIP ID, so it cannot {purpose}; "
                "give it a dip_id in the scenario or send a D-flow instead"
            )
        return identity.dip_id

    def _address(self, flow: Callable[..., DFlow]) -> Address:
        identity = self.identity
        if identity.mpid is None:
            flow_id = getattr(flow, "flow_id", getattr(flow, "__name__", "a D-flow"))
            raise ScenarioError(
                f"{identity.participant_id} has no MPID, so it cannot send {flow_id} "
                "on the DTN; give it an mpid in the scenario or submit to the DIP instead"
            )
        return Address(mpid=identity.mpid, role=identity.role)
