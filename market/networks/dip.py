"""The Data Integration Platform: an IF-nnn submission in, PUB-nnn publications out.

Where a DIP publication is routed. A submission passes the fault component
(an outage refuses it, corruption garbles it), then the gateway
(:mod:`market.networks.dip_gateway`: schema, authorisation, signatures,
limits); each envelope the gateway admits is journalled ``submitted``, stamped
with D0, answered ``MSG0000``, judged by the level-2 rules, and routed to its
primary, secondary and always recipients (:mod:`market.networks.dip_routing`),
one publication per recipient, signed once per body. What the DIP tells the
sender (rejections, status messages) lives in :mod:`market.networks.dip_answers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from market.faults.applied import Garbled, Refused
from market.kernel.event_kinds import EventKind
from market.kernel.ids import Role
from market.kernel.local_time import settlement_date_of
from market.kernel.queue import Parcel
from market.kernel.vocabulary import DIP
from market.messages.dip import (
    D0,
    DIP_UNAVAILABLE,
    SCHEMA_FAILURE,
    DipEnvelope,
    EnvelopeError,
    correlation_id,
    parse_body,
    render_body,
    transaction_id,
)
from market.messages.dip.codes import SIGNATURE_INVALID
from market.messages.dip.status import RecipientRejection
from market.messages.dip.transport import DipRequest
from market.messages.system import ReplayRequest
from market.networks.dip_answers import DipAnswers
from market.networks.dip_gateway import (
    DipGateway,
    DipSubmission,
    EnvelopeVerdict,
    GatewayRejection,
)
from market.networks.dip_routing import (
    MpanRoleMap,
    Route,
    RoutingDecision,
    decide_recipients,
    routing_map_text,
)
from market.networks.wire import Wire

#: What a participant may hand the DIP: a submission, a refusal of a publication, a replay request.
_DIP_MESSAGES = (DipEnvelope, DipRequest, RecipientRejection, ReplayRequest, bytes, str)


class Dip:
    """The DIP network: admits submissions, publishes them to their recipients, answers senders."""

    def __init__(
        self,
        wire: Wire,
        *,
        gateway: DipGateway,
        routes: Mapping[tuple[str, str], Route],
        mpan_roles: MpanRoleMap,
    ) -> None:
        self.wire = wire
        self.gateway = gateway
        self.routes = routes
        self.mpan_roles = mpan_roles
        self.answers = DipAnswers(wire)
        self._transactions = 0

    def carries(self, message: object) -> bool:
        """DIP submissions (typed, as JSON text or bytes, or signed requests) and DIP requests."""
        return isinstance(message, _DIP_MESSAGES)

    def send(self, sender: str, message: object) -> None:
        """Take a submission, a recipient's rejection or a replay request from ``sender``."""
        if isinstance(message, RecipientRejection):
            self.answers.take_recipient_rejection(sender, message)
        elif isinstance(message, ReplayRequest):
            self.wire.faults.replay(sender, message)
        else:
            assert isinstance(message, DipEnvelope | DipRequest | bytes | str)
            self._submit(sender, message)

    def _submit(self, sender: str, submission: DipSubmission) -> None:
        on_wire = self.wire.faults.on_submission(sender, submission)
        if isinstance(on_wire, Refused):
            self.answers.respond(
                sender, on_wire.envelope, DIP_UNAVAILABLE.message, None, help_text="DIP outage"
            )
            return
        if isinstance(on_wire, Garbled):  # only a typed envelope is garbled on the wire
            try:
                parse_body(on_wire.text)
            except EnvelopeError as error:
                # The sender knows which of its requests the 400 answers: echo its reference.
                rejection = GatewayRejection(
                    code=SCHEMA_FAILURE,
                    rule=error.rule,
                    path=error.path,
                    envelope=on_wire.original,
                )
                self.answers.reject(sender, rejection)
                return
            on_wire = on_wire.text
        admission = self.gateway.admit(sender, on_wire, at=self.wire.now)
        if isinstance(admission, GatewayRejection):
            self.answers.reject(sender, admission)
            return
        for verdict in admission.verdicts:
            self._take(sender, verdict)

    def _take(self, sender: str, verdict: EnvelopeVerdict) -> None:
        """One envelope of a submission: journal it, then reject it or accept and publish it."""
        envelope = verdict.envelope
        step = self.wire.step(
            network=DIP,
            message=envelope.interface_id,
            event_code=envelope.event_code,
            sender=sender,
            recipient=None,
            mpan=envelope.mpan_core,
        )
        self._journal_submitted(sender, envelope, step)
        if verdict.rejection is not None:
            self.answers.reject(sender, verdict.rejection)
            return
        route = self.routes[(envelope.interface_id, envelope.event_code)]
        decision = self._decide(route, envelope)
        d0 = self._stamp(envelope, route)
        self._journal_accepted(sender, envelope, step, d0)
        self.answers.respond(sender, envelope, "MSG0000 - Success", d0.transaction_id)
        late = self.gateway.level_two_rejection(envelope, at=self.wire.now)
        if late is not None:
            self.answers.reject_later(sender, late, d0)
            return
        self._journal_routed(envelope, route, step, d0, decision)
        published = envelope.published(d0, decision.secondary, decision.always)
        self._publish(sender, published, route, d0, decision)

    def _decide(self, route: Route, envelope: DipEnvelope) -> RoutingDecision:
        a0 = envelope.common.a0
        return decide_recipients(
            route,
            primary=a0.primary_recipients if a0 is not None else (),
            mpan_core=envelope.mpan_core,
            distributor_dip_id=envelope.common.m0.distributor_dip_id,
            mpan_roles=self.mpan_roles,
            holders_of_role=self._dip_ids_with_role,
        )

    def _stamp(self, envelope: DipEnvelope, route: Route) -> D0:
        """The DIP's D0 block for an accepted envelope: transaction id, time, publication id."""
        self._transactions += 1
        now = self.wire.now
        day = settlement_date_of(now)
        s1 = envelope.common.s1
        counter = f"{self._transactions:016X}"
        return D0(
            transaction_id=transaction_id(
                envelope.interface_id, s1.sender_dip_id, s1.sender_role_id, day, counter
            ),
            transaction_timestamp=now,
            publication_id=route.publication_id,
            initial_correlation_id=s1.sender_correlation_id or correlation_id(day, counter),
            replay_indicator=False,
            service_ticket_url=None,
        )

    def _publish(
        self,
        sender: str,
        published: DipEnvelope,
        route: Route,
        d0: D0,
        decision: RoutingDecision,
    ) -> None:
        """One publication per recipient; signed once per body, nothing rendered unsigned."""
        wire = self.wire
        publication_id = route.publication_id
        event_code = published.event_code
        mpan = published.mpan_core
        body = render_body([published]) if self.gateway.defences.scheme is not None else None
        for dip_id in decision.recipients:
            recipient = wire.directory.by_dip_id(dip_id)
            if recipient is None:  # secondary/always ids come from the DIP's own tables
                wire.dead_letter(
                    sender="DIP",
                    network=DIP,
                    message=publication_id,
                    mpan=mpan,
                    reason=f"no webhook for DIP ID {dip_id}",
                    payload=published,
                )
                continue
            if body is not None:
                problem = self.gateway.publication_problem(dip_id, publication_id, body, wire.now)
                if problem is not None:
                    self.answers.rejected_by_recipient(
                        recipient, published, SIGNATURE_INVALID, problem, level=3
                    )
                    continue
            step = wire.step(
                network=DIP,
                message=publication_id,
                event_code=event_code,
                sender=sender,
                recipient=recipient,
                mpan=mpan,
            )
            parcel = Parcel(
                recipient,
                "DIP",
                DIP,
                publication_id,
                event_code,
                mpan,
                step,
                d0.initial_correlation_id,
                published,
            )
            wire.transmit(parcel, wire.latencies.dip)

    def _journal_submitted(self, sender: str, envelope: DipEnvelope, step: str | None) -> None:
        s1 = envelope.common.s1
        self.wire.journal.append(
            at=self.wire.now,
            kind=EventKind.SUBMITTED,
            network=DIP,
            message=envelope.interface_id,
            event_code=envelope.event_code,
            sender=sender,
            recipient="DIP",
            mpan=envelope.mpan_core,
            step=step,
            correlation_id=s1.sender_correlation_id,
            detail={"sender_unique_reference": s1.sender_unique_reference},
        )

    def _journal_accepted(
        self, sender: str, envelope: DipEnvelope, step: str | None, d0: D0
    ) -> None:
        self.wire.journal.append(
            at=self.wire.now,
            kind=EventKind.ACCEPTED,
            network=DIP,
            message=envelope.interface_id,
            event_code=envelope.event_code,
            sender="DIP",
            recipient=sender,
            mpan=envelope.mpan_core,
            step=step,
            correlation_id=d0.initial_correlation_id,
            detail={"transaction_id": d0.transaction_id, "code": "MSG0000"},
        )

    def _journal_routed(
        self,
        envelope: DipEnvelope,
        route: Route,
        step: str | None,
        d0: D0,
        decision: RoutingDecision,
    ) -> None:
        directory = self.wire.directory
        self.wire.journal.append(
            at=self.wire.now,
            kind=EventKind.ROUTED,
            network=DIP,
            message=route.publication_id,
            event_code=envelope.event_code,
            sender="DIP",
            mpan=envelope.mpan_core,
            step=step,
            correlation_id=d0.initial_correlation_id,
            detail={
                "routing": routing_map_text(decision, self._role_code_of_dip_id),
                "transaction_id": d0.transaction_id,
                "recipients": [
                    directory.by_dip_id(dip_id) or dip_id for dip_id in decision.recipients
                ],
            },
        )

    def _dip_ids_with_role(self, role: Role) -> Iterable[str]:
        directory = self.wire.directory
        for pid in directory.with_role(role):
            dip_id = directory.identity(pid).dip_id
            if dip_id is not None:
                yield dip_id

    def _role_code_of_dip_id(self, dip_id: str) -> str:
        directory = self.wire.directory
        pid = directory.by_dip_id(dip_id)
        role = directory.role_of(pid) if pid is not None else None
        return str(role) if role is not None else "?"
