"""The broker's Data Integration Platform: submissions, level-1 to level-4 verdicts, publications.

A mixin of :class:`market.kernel.broker.Broker`: a submission passes the gateway
(:mod:`market.networks.dip_gateway`: schema, authorisation, signatures, limits), is
routed to primary, secondary and always recipients with D0 stamped, and the
sender gets its answer; later verdicts (level 2 status messages, a recipient's
level 3/4 rejection) are journalled and reported to the sender.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from market.faults.injector import FaultInjector
from market.kernel.directory import Directory
from market.kernel.ids import Role
from market.kernel.journal import Journal
from market.kernel.local_time import settlement_date_of
from market.kernel.vocabulary import (
    DIP,
    DIP_RESPONSE,
    DIP_STATUS,
    Delivery,
    Latencies,
    StepClassifier,
    VirtualClock,
)
from market.messages.dip import (
    D0,
    DipEnvelope,
    DipResponse,
    DipResponseItem,
    correlation_id,
    render_body,
    transaction_id,
)
from market.messages.dip.codes import SENDER_NOT_AUTHORISED, SIGNATURE_INVALID, ResponseCode
from market.messages.dip.status import DipStatusMessage, RecipientRejection
from market.messages.dip.transport import DipRequest
from market.networks.dip_gateway import (
    DipGateway,
    DipSubmission,
    EnvelopeVerdict,
    GatewayRejection,
)
from market.networks.dip_routing import MpanRoleMap, Route, decide_recipients, routing_map_text


class BrokerDip:
    """The DIP, mixed into the broker (uses its queue, journal, directory)."""

    clock: VirtualClock
    journal: Journal
    latencies: Latencies
    directory: Directory
    routes: Mapping[tuple[str, str], Route]
    mpan_roles: MpanRoleMap
    gateway: DipGateway
    faults: FaultInjector | None
    classify_step: StepClassifier
    _transactions: int

    if TYPE_CHECKING:

        def _enqueue(self, **fields: Any) -> Delivery: ...

        def _transmit(self, *, latency: timedelta, **fields: Any) -> None: ...

        def _submission_faults(
            self, sender: str, submission: DipEnvelope | bytes | str
        ) -> DipEnvelope | bytes | str | None: ...

        def _step(
            self,
            *,
            network: str,
            message: str,
            event_code: str | None,
            sender: str,
            recipient: str | None,
            mpan: str | None,
        ) -> str | None: ...

        def _dead_letter(
            self,
            *,
            sender: str,
            network: str,
            message: str,
            mpan: str | None,
            reason: str,
            payload: object,
        ) -> None: ...

    def _submit_to_dip(self, sender: str, submission: DipSubmission | RecipientRejection) -> None:
        if isinstance(submission, RecipientRejection):
            self._take_recipient_rejection(sender, submission)
            return
        if self.faults is not None and not isinstance(submission, DipRequest):
            survived = self._submission_faults(sender, submission)
            if survived is None:
                return
            submission = survived
        admission = self.gateway.admit(sender, submission, at=self.clock.now)
        if isinstance(admission, GatewayRejection):
            self._reject(sender, admission)
            return
        for verdict in admission.verdicts:
            self._submit_one(sender, verdict)

    def _submit_one(self, sender: str, verdict: EnvelopeVerdict) -> None:
        envelope = verdict.envelope
        interface_id = envelope.interface_id
        event_code = envelope.event_code
        mpan = envelope.mpan_core
        s1 = envelope.common.s1
        step = self._step(
            network=DIP,
            message=interface_id,
            event_code=event_code,
            sender=sender,
            recipient=None,
            mpan=mpan,
        )
        self.journal.append(
            at=self.clock.now,
            kind="submitted",
            network=DIP,
            message=interface_id,
            event_code=event_code,
            sender=sender,
            recipient="DIP",
            mpan=mpan,
            step=step,
            correlation_id=s1.sender_correlation_id,
            detail={"sender_unique_reference": s1.sender_unique_reference},
        )
        if verdict.rejection is not None:
            self._reject(sender, verdict.rejection)
            return
        route = self.routes[(interface_id, event_code)]
        a0 = envelope.common.a0
        primary = a0.primary_recipients if a0 is not None else ()
        decision = decide_recipients(
            route,
            primary=primary,
            mpan_core=mpan,
            distributor_dip_id=envelope.common.m0.distributor_dip_id,
            mpan_roles=self.mpan_roles,
            holders_of_role=self._dip_ids_with_role,
        )
        self._transactions += 1
        day = settlement_date_of(self.clock.now)
        d0 = D0(
            transaction_id=transaction_id(
                interface_id, s1.sender_dip_id, s1.sender_role_id, day, f"{self._transactions:016X}"
            ),
            transaction_timestamp=self.clock.now,
            publication_id=route.publication_id,
            initial_correlation_id=s1.sender_correlation_id
            or correlation_id(day, f"{self._transactions:016X}"),
            replay_indicator=False,
            service_ticket_url=None,
        )
        published = envelope.published(d0, decision.secondary, decision.always)
        self.journal.append(
            at=self.clock.now,
            kind="accepted",
            network=DIP,
            message=interface_id,
            event_code=event_code,
            sender="DIP",
            recipient=sender,
            mpan=mpan,
            step=step,
            correlation_id=d0.initial_correlation_id,
            detail={"transaction_id": d0.transaction_id, "code": "MSG0000"},
        )
        self._respond(sender, envelope, "MSG0000 - Success", d0.transaction_id)
        late = self.gateway.level_two_rejection(envelope)
        if late is not None:
            self._reject_later(sender, late, d0)
            return
        self.journal.append(
            at=self.clock.now,
            kind="routed",
            network=DIP,
            message=route.publication_id,
            event_code=event_code,
            sender="DIP",
            mpan=mpan,
            step=step,
            correlation_id=d0.initial_correlation_id,
            detail={
                "routing": routing_map_text(decision, self._role_code_of_dip_id),
                "transaction_id": d0.transaction_id,
                "recipients": [
                    self.directory.by_dip_id(dip_id) or dip_id for dip_id in decision.recipients
                ],
            },
        )
        # Signed once per publication, per recipient URL; with signing off nothing is rendered.
        body = render_body([published]) if self.gateway.defences.signing else None
        for dip_id in decision.recipients:
            recipient = self.directory.by_dip_id(dip_id)
            if recipient is None:  # secondary/always ids come from the DIP's own tables
                self._dead_letter(
                    sender="DIP",
                    network=DIP,
                    message=route.publication_id,
                    mpan=mpan,
                    reason=f"no webhook for DIP ID {dip_id}",
                    payload=published,
                )
                continue
            if body is not None:
                problem = self.gateway.publication_problem(
                    dip_id, route.publication_id, body, self.clock.now
                )
                if problem is not None:
                    self._refused_by_webhook(recipient, published, problem)
                    continue
            self._transmit(
                latency=self.latencies.dip,
                recipient=recipient,
                sender="DIP",
                network=DIP,
                message=route.publication_id,
                event_code=event_code,
                mpan=mpan,
                step=self._step(
                    network=DIP,
                    message=route.publication_id,
                    event_code=event_code,
                    sender=sender,
                    recipient=recipient,
                    mpan=mpan,
                ),
                correlation_id=d0.initial_correlation_id,
                payload=published,
            )

    def _reject(self, sender: str, rejection: GatewayRejection) -> None:
        """Journal a level-1 rejection and answer the sender synchronously."""
        envelope = rejection.envelope
        self.journal.append(
            at=self.clock.now,
            kind="rejected",
            network=DIP,
            message=envelope.interface_id if envelope is not None else None,
            event_code=envelope.event_code if envelope is not None else None,
            sender="DIP",
            recipient=sender,
            mpan=envelope.mpan_core if envelope is not None else None,
            detail={
                "code": rejection.code.code,
                "text": rejection.code.text,
                "level": rejection.level,
                "http_status": rejection.http_status,
                "path": rejection.path,
                "rule": rejection.rule,
            },
        )
        where = f"{rejection.path}: " if rejection.path is not None else ""
        self._respond(
            sender, envelope, rejection.code.message, None, help_text=where + rejection.rule
        )

    def _respond(
        self,
        sender: str,
        envelope: DipEnvelope | None,
        message: str,
        transaction: str | None,
        *,
        help_text: str | None = None,
    ) -> None:
        s1 = envelope.common.s1 if envelope is not None else None
        identity = self.directory.identity(sender)
        item = DipResponseItem(
            transaction_id=transaction,
            sender_unique_reference=s1.sender_unique_reference if s1 is not None else None,
            correlation_id=s1.sender_correlation_id if s1 is not None else None,
            sent_timestamp=s1.sender_timestamp if s1 is not None else self.clock.now,
            sender_id=identity.dip_id,
            recipient_id=None,
            dip_connection_provider_id=None,
            message=message,
            help=help_text,
            service_ticket_url=None,
        )
        self._enqueue(
            deliver_at=self.clock.now,
            recipient=sender,
            sender="DIP",
            network=DIP,
            message=DIP_RESPONSE,
            event_code=envelope.event_code if envelope is not None else None,
            mpan=envelope.mpan_core if envelope is not None else None,
            step=None,
            correlation_id=None,
            payload=DipResponse(items=(item,), timestamp=self.clock.now),
        )

    def _reject_later(self, sender: str, rejection: GatewayRejection, d0: D0) -> None:
        """Level 2: an accepted message breaks a later DIP rule, so it is never published.

        The sender already has its 201; it learns by a status message.
        """
        envelope = rejection.envelope
        assert envelope is not None  # level-2 rules judge an envelope the DIP accepted
        self.journal.append(
            at=self.clock.now,
            kind="rejected",
            network=DIP,
            message=envelope.interface_id,
            event_code=envelope.event_code,
            sender="DIP",
            recipient=sender,
            mpan=envelope.mpan_core,
            correlation_id=d0.initial_correlation_id,
            detail={
                "code": rejection.code.code,
                "text": rejection.code.text,
                "level": rejection.level,
                "stage": "Inbound",
                "status": "InboundRuleFailure",
                "transaction_id": d0.transaction_id,
                "rule": rejection.rule,
            },
        )
        self._send_status(
            sender,
            envelope,
            d0,
            stage="Inbound",
            status="InboundRuleFailure",
            recipient_dip_id=None,
            message=rejection.code.message,
            rule=rejection.rule,
        )

    def _refused_by_webhook(self, recipient: str, publication: DipEnvelope, problem: str) -> None:
        """Level 3 by the recipient's adapter: the DIP's signature on a publication failed."""
        self._journal_rejected_by_recipient(
            recipient, publication, SIGNATURE_INVALID, problem, level=3
        )

    def _take_recipient_rejection(self, participant: str, rejection: RecipientRejection) -> None:
        """A participant refused a publication (``ctx.reject``): journal it, tell the sender."""
        publication = rejection.publication
        a0 = publication.common.a0
        addressed = (
            (*a0.primary_recipients, *a0.secondary_recipients, *a0.always) if a0 is not None else ()
        )
        dip_id = self.directory.identity(participant).dip_id
        if dip_id is None or dip_id not in addressed:
            self._reject(
                participant,
                GatewayRejection(
                    code=SENDER_NOT_AUTHORISED,
                    envelope=publication,
                    rule=f"{participant} is not a recipient of this publication; only its "
                    "recipients may reject it",
                ),
            )
            return
        self._journal_rejected_by_recipient(
            participant, publication, rejection.code, rejection.rule, level=rejection.level
        )

    def _journal_rejected_by_recipient(
        self,
        recipient: str,
        publication: DipEnvelope,
        code: ResponseCode,
        rule: str,
        *,
        level: int,
    ) -> None:
        d0 = publication.common.d0
        assert d0 is not None  # only publications reach recipients
        original = self.directory.by_dip_id(publication.sender_dip_id)
        self.journal.append(
            at=self.clock.now,
            kind="rejected",
            network=DIP,
            message=d0.publication_id,
            event_code=publication.event_code,
            sender=recipient,
            recipient=original,
            mpan=publication.mpan_core,
            correlation_id=d0.initial_correlation_id,
            detail={
                "code": code.code,
                "text": code.text,
                "level": level,
                "stage": "Outbound",
                "status": "RejectedByRecipient",
                "transaction_id": d0.transaction_id,
                "rule": rule,
            },
        )
        if original is not None:
            self._send_status(
                original,
                publication,
                d0,
                stage="Outbound",
                status="RejectedByRecipient",
                recipient_dip_id=self.directory.identity(recipient).dip_id,
                message=code.message,
                rule=rule,
            )

    def _send_status(
        self,
        participant: str,
        envelope: DipEnvelope,
        d0: D0,
        *,
        stage: str,
        status: str,
        recipient_dip_id: str | None,
        message: str,
        rule: str,
    ) -> None:
        """Post a status message to ``participant`` about a message it submitted."""
        s1 = envelope.common.s1
        self._transmit(
            latency=self.latencies.dip,
            recipient=participant,
            sender="DIP",
            network=DIP,
            message=DIP_STATUS,
            event_code=envelope.event_code,
            mpan=envelope.mpan_core,
            step=None,
            correlation_id=d0.initial_correlation_id,
            payload=DipStatusMessage(
                transaction_id=d0.transaction_id,
                sender_unique_reference=s1.sender_unique_reference,
                correlation_id=d0.initial_correlation_id,
                stage=stage,
                status=status,
                recipient_id=recipient_dip_id,
                message=message,
                help=rule,
                timestamp=self.clock.now,
            ),
        )

    def _dip_ids_with_role(self, role: Role) -> Iterable[str]:
        for pid in self.directory.with_role(role):
            dip_id = self.directory.identity(pid).dip_id
            if dip_id is not None:
                yield dip_id

    def _role_code_of_dip_id(self, dip_id: str) -> str:
        pid = self.directory.by_dip_id(dip_id)
        role = self.directory.role_of(pid) if pid is not None else None
        return str(role) if role is not None else "?"
