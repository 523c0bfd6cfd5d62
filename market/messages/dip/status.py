"""What happens to a message after the DIP's first answer: status messages and rejections.

A 201 at level 1 only means the DIP accepted a message (brief e.3). Later
verdicts reach the sender as a :class:`DipStatusMessage` (``POST
/statusmessage`` to its status webhook): level 2, the DIP's own asynchronous
rules (an MPAN it does not know), and levels 3 and 4, a recipient refusing a
publication. A participant refuses one by :meth:`Context.reject
<market.participant.Context.reject>`, which sends a :class:`RecipientRejection`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

import attrs

from market.messages.dip.codes import ResponseCode, response_code_of
from market.messages.dip.envelope import DipEnvelope
from market.messages.dip.fields import wire_datetime, wire_text
from market.messages.dip.formats import dip_id_text
from market.messages.dip.references import MAX_CORRELATION_ID, MAX_TRANSACTION_ID

#: Processing stages of the deliveryStatus schema (brief e.3).
STAGES: Final = ("Inbound", "MPANUpdateQueue", "Addressing", "Outbound", "StatusMessage")
#: The statuses a status message reports (a subset of the deliveryStatus values).
STATUSES: Final = (
    "InboundRuleFailure",
    "Exception",
    "Failed",
    "RejectedByRecipient",
    "DeliveryFailure",
)


@attrs.frozen(kw_only=True)
class DipStatusMessage:
    """The DIP telling a sender what became of a message after it was accepted.

    ``stage`` and ``status`` use the deliveryStatus vocabulary: a level-2
    failure is ``Inbound``/``InboundRuleFailure``, a recipient's refusal
    ``Outbound``/``RejectedByRecipient``. ``message`` is ``"<code> - <text>"``
    of a registered code and ``help`` says which rule failed.
    """

    transaction_id: str | None = attrs.field(
        validator=wire_text("transactionID", max_length=MAX_TRANSACTION_ID, nullable=True)
    )
    sender_unique_reference: str = attrs.field(
        validator=wire_text("senderUniqueReference", min_length=1)
    )
    correlation_id: str | None = attrs.field(
        validator=wire_text("correlationID", max_length=MAX_CORRELATION_ID, nullable=True)
    )
    stage: str = attrs.field(validator=wire_text("stage", choices=STAGES))
    status: str = attrs.field(validator=wire_text("status", choices=STATUSES))
    recipient_id: str | None = attrs.field(validator=dip_id_text("recipientID", nullable=True))
    message: str = attrs.field(
        validator=wire_text(
            "message",
            pattern=r"^[A-Z]{3}\d{4} - .+$",
            shape="'<code> - <text>', e.g. 'MSG1006 - Unknown MPAN'",
        )
    )
    help: str | None = attrs.field(validator=wire_text("help", nullable=True))
    timestamp: datetime = attrs.field(validator=wire_datetime("timestamp"))

    @property
    def response_code(self) -> ResponseCode:
        """The registered code of ``message``."""
        return response_code_of(self.message)


def _check_publication(
    _instance: RecipientRejection, _attribute: object, value: DipEnvelope
) -> None:
    if not isinstance(value, DipEnvelope) or value.common.d0 is None:
        raise TypeError(
            f"only a publication (a DipEnvelope the DIP stamped with D0) can be rejected by its "
            f"recipient, got {type(value).__name__}; answer other messages with messages"
        )


@attrs.frozen(kw_only=True)
class RecipientRejection:
    """A recipient refusing a publication it received (validation levels 3 and 4).

    Level 3 is the webhook's synchronous answer (the recipient refuses while
    handling the delivery); level 4 is a status message the recipient posts
    later. Either way the DIP journals ``RejectedByRecipient`` and tells the
    original sender with a :class:`DipStatusMessage`.
    """

    publication: DipEnvelope = attrs.field(validator=_check_publication)
    code: ResponseCode
    rule: str
    level: Literal[3, 4] = 3
