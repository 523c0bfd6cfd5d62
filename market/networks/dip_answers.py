"""What the DIP tells a sender about its submission: the answer, rejections, status messages.

Level 1 is the synchronous answer to the ``POST`` (``MSG0000`` or a rejection
with its JSON path); level 2 a status message about a message the DIP had
accepted but then refused to publish; levels 3 and 4 a recipient's refusal of
a publication (``ctx.reject``), journalled ``RejectedByRecipient`` and reported
to the original sender by status message.
"""

from __future__ import annotations

from market.kernel.event_kinds import EventKind
from market.kernel.queue import Parcel
from market.kernel.vocabulary import DIP, DIP_RESPONSE, DIP_STATUS
from market.messages.dip import D0, DipEnvelope, DipResponse, DipResponseItem
from market.messages.dip.codes import SENDER_NOT_AUTHORISED, ResponseCode
from market.messages.dip.status import DipStatusMessage, RecipientRejection
from market.networks.dip_gateway import GatewayRejection
from market.networks.wire import Wire


class DipAnswers:
    """Answers and status messages from the DIP to the participants that submitted."""

    __slots__ = ("wire",)

    def __init__(self, wire: Wire) -> None:
        self.wire = wire

    def respond(
        self,
        sender: str,
        envelope: DipEnvelope | None,
        message: str,
        transaction: str | None,
        *,
        help_text: str | None = None,
    ) -> None:
        """The synchronous answer to a submission, echoing the sender's own references."""
        wire = self.wire
        now = wire.now
        s1 = envelope.common.s1 if envelope is not None else None
        item = DipResponseItem(
            transaction_id=transaction,
            sender_unique_reference=s1.sender_unique_reference if s1 is not None else None,
            correlation_id=s1.sender_correlation_id if s1 is not None else None,
            sent_timestamp=s1.sender_timestamp if s1 is not None else now,
            sender_id=wire.directory.identity(sender).dip_id,
            recipient_id=None,
            dip_connection_provider_id=None,
            message=message,
            help=help_text,
            service_ticket_url=None,
        )
        event_code = envelope.event_code if envelope is not None else None
        mpan = envelope.mpan_core if envelope is not None else None
        response = DipResponse(items=(item,), timestamp=now)
        wire.answer(
            Parcel(sender, "DIP", DIP, DIP_RESPONSE, event_code, mpan, None, None, response)
        )

    def reject(self, sender: str, rejection: GatewayRejection) -> None:
        """Journal a level-1 rejection and answer the sender synchronously."""
        wire = self.wire
        envelope = rejection.envelope
        wire.journal.append(
            at=wire.now,
            kind=EventKind.REJECTED,
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
        self.respond(
            sender, envelope, rejection.code.message, None, help_text=where + rejection.rule
        )

    def reject_later(self, sender: str, rejection: GatewayRejection, d0: D0) -> None:
        """Level 2: an accepted message breaks a later DIP rule, so it is never published.

        The sender already has its 201; it learns by a status message.
        """
        wire = self.wire
        envelope = rejection.envelope
        assert envelope is not None  # level-2 rules judge an envelope the DIP accepted
        wire.journal.append(
            at=wire.now,
            kind=EventKind.REJECTED,
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

    def take_recipient_rejection(self, participant: str, rejection: RecipientRejection) -> None:
        """A participant refused a publication (``ctx.reject``): journal it, tell the sender."""
        publication = rejection.publication
        a0 = publication.common.a0
        addressed = (
            (*a0.primary_recipients, *a0.secondary_recipients, *a0.always) if a0 is not None else ()
        )
        dip_id = self.wire.directory.identity(participant).dip_id
        if dip_id is None or dip_id not in addressed:
            self.reject(
                participant,
                GatewayRejection(
                    code=SENDER_NOT_AUTHORISED,
                    envelope=publication,
                    rule=f"{participant} is not a recipient of this publication; only its "
                    "recipients may reject it",
                ),
            )
            return
        self.rejected_by_recipient(
            participant, publication, rejection.code, rejection.rule, level=rejection.level
        )

    def rejected_by_recipient(
        self,
        recipient: str,
        publication: DipEnvelope,
        code: ResponseCode,
        rule: str,
        *,
        level: int,
    ) -> None:
        """Journal ``RejectedByRecipient`` and report it to the publication's original sender."""
        wire = self.wire
        d0 = publication.common.d0
        assert d0 is not None  # only publications reach recipients
        original = wire.directory.by_dip_id(publication.sender_dip_id)
        wire.journal.append(
            at=wire.now,
            kind=EventKind.REJECTED,
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
                recipient_dip_id=wire.directory.identity(recipient).dip_id,
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
        wire = self.wire
        s1 = envelope.common.s1
        status_message = DipStatusMessage(
            transaction_id=d0.transaction_id,
            sender_unique_reference=s1.sender_unique_reference,
            correlation_id=d0.initial_correlation_id,
            stage=stage,
            status=status,
            recipient_id=recipient_dip_id,
            message=message,
            help=rule,
            timestamp=wire.now,
        )
        parcel = Parcel(
            participant,
            "DIP",
            DIP,
            DIP_STATUS,
            envelope.event_code,
            envelope.mpan_core,
            None,
            d0.initial_correlation_id,
            status_message,
        )
        wire.transmit(parcel, wire.latencies.dip)
