"""The DIP's synchronous level-1 answer to a submission (brief e.4 and decision D14).

One item per submitted message, in body order. A 201 at level 1 only means the
DIP accepted the message for routing, not that the business process succeeded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import attrs

from market.messages.dip.codes import ResponseCode, response_code_of
from market.messages.dip.fields import wire_datetime, wire_text
from market.messages.dip.references import MAX_TRANSACTION_ID
from market.messages.dip.wire import from_wire, to_wire, wire_block_list

HTTP_CREATED: Final = 201
HTTP_MULTI_STATUS: Final = 207
HTTP_BAD_REQUEST: Final = 400


@attrs.frozen(kw_only=True)
class DipResponseItem:
    """The DIP's verdict on one submitted message.

    ``transaction_id`` is ``None`` when the message was rejected; ``message`` is
    ``"<code> - <text>"`` of a :class:`~market.messages.dip.codes.ResponseCode`; ``help``
    says which rule failed. The fields that echo the submission
    (``sender_unique_reference``, ``sender_id`` ...) carry no format rule: they
    repeat what the sender claimed, which may be exactly what broke the schema.
    """

    transaction_id: str | None = attrs.field(
        validator=wire_text("transactionID", max_length=MAX_TRANSACTION_ID, nullable=True)
    )
    sender_unique_reference: str | None = attrs.field(
        validator=wire_text("senderUniqueReference", nullable=True)
    )
    correlation_id: str | None = attrs.field(validator=wire_text("correlationID", nullable=True))
    sent_timestamp: datetime = attrs.field(validator=wire_datetime("sentTimestamp"))
    sender_id: str | None = attrs.field(validator=wire_text("senderID", nullable=True))
    recipient_id: str | None = attrs.field(validator=wire_text("recipientID", nullable=True))
    dip_connection_provider_id: str | None = attrs.field(
        validator=wire_text("DIPConnectionProviderID", nullable=True)
    )
    message: str = attrs.field(
        validator=wire_text(
            "message",
            pattern=r"^[A-Z]{3}\d{4} - .+$",
            shape="'<code> - <text>', e.g. 'MSG0000 - Success'",
        )
    )
    help: str | None = attrs.field(validator=wire_text("help", nullable=True))
    service_ticket_url: str | None = attrs.field(
        validator=wire_text("serviceTicketURL", max_length=250, nullable=True)
    )

    @property
    def response_code(self) -> ResponseCode:
        """The registered code of ``message``."""
        return response_code_of(self.message)


@attrs.frozen(kw_only=True)
class DipResponse:
    """The body of the DIP's HTTP answer to one submission."""

    items: tuple[DipResponseItem, ...] = attrs.field(
        validator=wire_block_list("messageArray", DipResponseItem, min_items=1)
    )
    timestamp: datetime = attrs.field(validator=wire_datetime("timestamp"))

    @property
    def http_status(self) -> int:
        """201 when every message was accepted, 207 when some were, else the failure's status.

        A request refused as a whole (413, 429, 401 ...) answers with its code's
        status; messages refused one by one answer 400.
        """
        accepted = sum(item.response_code.is_success for item in self.items)
        if accepted == len(self.items):
            return HTTP_CREATED
        if accepted:
            return HTTP_MULTI_STATUS
        statuses = {item.response_code.http_status or HTTP_BAD_REQUEST for item in self.items}
        return statuses.pop() if len(statuses) == 1 else HTTP_BAD_REQUEST


def render_response(response: DipResponse) -> dict[str, object]:
    """``{"messageArray": [...], "timestamp": ...}`` as the DIP answers."""
    return to_wire(response)


def parse_response(data: object, path: str = "$") -> DipResponse:
    """A DIP answer parsed from its JSON-shaped ``data``."""
    return from_wire(DipResponse, data, path)
