"""The DIP's synchronous level-1 response."""

from __future__ import annotations

import json

import attrs
import pytest

from market.messages.dip import (
    SCHEMA_FAILURE,
    SUCCESS,
    DipResponse,
    DipResponseItem,
    EnvelopeError,
    parse_response,
    render_response,
)

from .builders import REGS, at
from .examples import L1_RESPONSE


def success_item() -> DipResponseItem:
    """The brief's success item."""
    return DipResponseItem(
        transaction_id="T-IF-003-2200000019-REGS-20260227-0000A1B2C3D4E5F6",
        sender_unique_reference="S-IF-003-2200000019-REGS-20260227-RM0000001",
        correlation_id="CI-20260227-7F3A9C21D4E84B10",
        sent_timestamp=at("2026-02-27T18:05:12"),
        sender_id=REGS,
        recipient_id=None,
        dip_connection_provider_id=None,
        message=SUCCESS.message,
        help=None,
        service_ticket_url=None,
    )


def failure_item() -> DipResponseItem:
    """A schema-failure item, as a partially failed batch carries."""
    return attrs.evolve(
        success_item(),
        transaction_id=None,
        message=SCHEMA_FAILURE.message,
        help="$[0].payload.CommonBlock.S1.senderDIPID: must be exactly 10 characters, got 11",
    )


def test_response_renders_as_the_brief_shows() -> None:
    """A one-item success response renders to the brief's ``messageArray`` JSON exactly."""
    response = DipResponse(items=(success_item(),), timestamp=at("2026-02-27T18:05:13"))
    assert render_response(response) == json.loads(L1_RESPONSE)


def test_brief_response_parses_to_typed_values() -> None:
    """The brief's response parses back into typed items whose code is registered."""
    response = parse_response(json.loads(L1_RESPONSE))
    assert response.items == (success_item(),)
    assert response.items[0].response_code is SUCCESS
    assert response.timestamp == at("2026-02-27T18:05:13")


@pytest.mark.parametrize(
    ("items", "status"),
    [
        pytest.param((success_item(),), 201, id="all-created"),
        pytest.param((success_item(), failure_item()), 207, id="some-created"),
        pytest.param((failure_item(),), 400, id="none-created"),
    ],
)
def test_http_status_follows_the_items(items: tuple[DipResponseItem, ...], status: int) -> None:
    """201 when all messages were accepted, 207 when some were, 400 when none was."""
    assert DipResponse(items=items, timestamp=at("2026-02-27T18:05:13")).http_status == status


def test_message_must_carry_a_code() -> None:
    """A response message without a ``<code> - <text>`` shape is refused."""
    with pytest.raises(EnvelopeError, match=r"^DipResponseItem\.message: must match"):
        attrs.evolve(success_item(), message="Success")


def test_response_needs_at_least_one_item() -> None:
    """A response always answers at least one submitted message."""
    with pytest.raises(EnvelopeError, match="at least 1 item"):
        DipResponse(items=(), timestamp=at("2026-02-27T18:05:13"))


def test_echo_fields_may_be_null_when_nothing_parsed() -> None:
    """A body that was not even JSON still gets an item, with the echoed fields null."""
    item = attrs.evolve(
        failure_item(), sender_unique_reference=None, correlation_id=None, sender_id=None
    )
    assert parse_response(
        render_response(DipResponse(items=(item,), timestamp=at("2026-02-27T18:05:13")))
    ).items == (item,)
