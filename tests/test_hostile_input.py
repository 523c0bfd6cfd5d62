"""Hostile input: malformed, truncated, wrongly typed, oversized and random DIP messages.

The properties, each tried on the fixed, derandomized examples of the ``ci``
profile (``tests/conftest.py``): the broker never raises; every bad message
gets a DIP answer with a registered failure code and a journalled rule; every
good message is published exactly as it was sent; and every built-in
participant refuses what it cannot serve instead of crashing.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actors.markets.default import default_market
from market.kernel.broker import Broker
from market.kernel.queue import Delivery
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.dip import (
    RESPONSE_CODES,
    DipEnvelope,
    DipResponse,
    DipResponseItem,
    DipStatusMessage,
    EnvelopeError,
    RecipientRejection,
    parse_body,
    render_body,
)
from market.networks.dip_defences import DipDefences
from market.participant import Context, Send
from market.runtime.simulation import Simulation
from tests.defences import broker, context, detail, drain, notification, rejections, responses
from tests.dip.test_schema import every_event_envelope, published_copy
from tests.strategies import JSON_VALUES, mutated, truncated

#: The size limit of the hostile tests' DIP: small, so oversized bodies are cheap to make.
LIMIT = 4096

_GOOD_BODY = render_body([notification(context(broker(), "REGS"))])

HOSTILE_BODIES = st.one_of(
    st.binary(max_size=400),
    truncated(_GOOD_BODY),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    mutated([json.loads(_GOOD_BODY)]).map(lambda body: json.dumps(body).encode()),
    st.integers(LIMIT + 1, 4 * LIMIT).map(_GOOD_BODY.ljust),
    st.text(max_size=200),
)


def _limited_broker() -> Broker:
    return broker(DipDefences(max_payload_bytes=LIMIT))


def _items(deliveries: list[Delivery], pid: str) -> list[DipResponseItem]:
    return [item for response in responses(deliveries, pid) for item in response.items]


def _parses(body: bytes | str) -> list[DipEnvelope] | None:
    try:
        return parse_body(body)
    except EnvelopeError:
        return None


def _same_message(published: object, sent: DipEnvelope) -> bool:
    """Whether a publication carries exactly what was sent (the DIP adds only A0 lists and D0)."""
    return (
        isinstance(published, DipEnvelope)
        and published.common.d0 is not None
        and published.custom == sent.custom
        and published.common.s0 == sent.common.s0
        and published.common.s1 == sent.common.s1
        and published.common.m0 == sent.common.m0
    )


@given(HOSTILE_BODIES)
def test_any_body_gets_an_answer_and_nothing_bad_is_published(body: bytes | str) -> None:
    """Whatever REGS posts, the DIP answers every message and publishes only what parses."""
    the_broker = _limited_broker()
    the_broker.accept_outbox("REGS", [Send(body)])
    deliveries = drain(the_broker)
    items = _items(deliveries, "REGS")
    assert items, "every request gets a DIP-RESPONSE"
    failures = [item for item in items if not item.response_code.is_success]
    for item in failures:
        assert item.response_code.code in RESPONSE_CODES
        assert item.help, "a rejection says which rule was broken"
    journalled = [detail(event) for event in rejections(the_broker.journal)]
    assert sorted(d["code"] for d in journalled) == sorted(i.response_code.code for i in failures)
    assert all(d["rule"] for d in journalled)
    parsed = _parses(body) if len(body) <= LIMIT else None
    published = [d.payload for d in deliveries if d.message == "PUB-003"]
    if parsed is None:
        assert failures and not published
    for envelope in published:
        assert parsed is not None
        assert any(_same_message(envelope, sent) for sent in parsed)


@given(st.lists(st.one_of(st.just("good"), st.binary(max_size=200), truncated(_GOOD_BODY))))
def test_good_messages_survive_a_stream_of_bad_ones(stream: list[str | bytes]) -> None:
    """Good envelopes among garbage are all published unchanged; each bad one is refused."""
    the_broker = _limited_broker()
    ctx = context(the_broker, "REGS")
    sent = [notification(ctx) if item == "good" else item for item in stream]
    the_broker.accept_outbox("REGS", [Send(message) for message in sent])
    deliveries = drain(the_broker)
    good = [message for message in sent if isinstance(message, DipEnvelope)]
    to_mds = [d.payload for d in deliveries if d.recipient == "MDS" and d.message == "PUB-003"]
    assert len(to_mds) == len(good)
    assert all(
        _same_message(published, envelope) for published, envelope in zip(to_mds, good, strict=True)
    )
    items = _items(deliveries, "REGS")
    assert len(items) == len(sent)
    assert sum(not item.response_code.is_success for item in items) == len(sent) - len(good)


_MARKET = Simulation(default_market(seed=1, mpans=1))
_PARTICIPANTS = sorted(p.participant_id for p in _MARKET.setup.participants)


@given(st.sampled_from(_PARTICIPANTS), HOSTILE_BODIES)
def test_any_participant_may_send_garbage_and_is_refused(sender: str, body: bytes | str) -> None:
    """Every participant of the default market, DIP user or not, is answered, never crashes it."""
    the_broker = _MARKET.broker
    before = len(the_broker.journal)
    the_broker.accept_outbox(sender, [Send(body)])
    new = the_broker.journal.events[before:]
    refused = [detail(e) for e in new if e.kind == "rejected"]
    accepted = [e for e in new if e.kind == "accepted"]
    assert refused or accepted, "every submission is answered"
    assert all(d["code"] in RESPONSE_CODES and d["rule"] for d in refused)
    parsed = _parses(body)  # the default market's DIP takes bodies up to 1 MiB
    at_the_door = [d for d in refused if d.get("level", 1) == 1]
    if the_broker.directory.identity(sender).dip_id is None:
        assert [d["code"] for d in refused] == ["MSG1007"] and not accepted
    elif parsed is None:
        assert len(refused) == 1 and not accepted
    else:  # the whole body refused, or each envelope accepted or refused (level 1)
        assert len(at_the_door) + len(accepted) in (1, len(parsed))
    while the_broker.pending:
        the_broker.next_batch()


def _status() -> DipStatusMessage:
    return DipStatusMessage(
        transaction_id=None,
        sender_unique_reference="S-IF-003-2200000019-REGS-20260227-R1",
        correlation_id=None,
        stage="Inbound",
        status="InboundRuleFailure",
        recipient_id=None,
        message="MSG1006 - Unknown MPAN",
        help="MPAN not in the register",
        timestamp=datetime(2026, 2, 27, 16, tzinfo=UTC),
    )


#: A publication of every event, about an MPAN outside the default market's population.
_STRANGE_PUBLICATIONS = [published_copy(envelope) for envelope in every_event_envelope()]


#: Each service must refuse the IF-003 event that would end an appointment it does not hold.
_DEAPPOINTMENT_OF = {
    "SDS-SDSC": "[DSDeAppRM]",
    "ADS-ADSE": "[DSDeAppRM]",
    "MSS-MSSD": "[MSDeAppRM]",
    "MSA-MSAF": "[MSDeAppRM]",
}
#: Publications a participant rightly takes up for an MPAN it does not serve yet: a request
#: to take an appointment (IF-033, path COS-M), and the news of a gain (IF-001).
_NEW_BUSINESS = {"[DSAppSPRequest]", "[MSAppSPRequest]", "[ChangeOfSupplier]"}


def _context_for(participant: Any) -> Context:
    return Context(
        participant.identity,
        clock=_MARKET.broker.clock,
        calendar=SettlementCalendar(),
        rng=random.Random(0),
    )


@pytest.mark.parametrize("pid", _PARTICIPANTS)
def test_every_participant_refuses_what_it_cannot_serve(pid: str) -> None:
    """Publications about an MPAN it does not serve, status messages and failures: no crash.

    A participant that would act on a publication refuses it with ctx.reject instead: the
    only other thing it sends is its answer to new business (an appointment request, a gain).
    """
    (participant,) = [
        p for p in default_market(seed=1, mpans=1).participants if p.identity.participant_id == pid
    ]
    strange: list[Any] = [_status(), *_STRANGE_PUBLICATIONS, 42, None, "text", b"bytes"]
    refused: list[str | None] = []
    for message in strange:
        ctx = _context_for(participant)
        participant.on_message(ctx, message)
        sent = [entry.message for entry in ctx.outbox if isinstance(entry, Send)]
        rejections = [m for m in sent if isinstance(m, RecipientRejection)]
        for rejection in rejections:
            assert rejection.publication is message
            assert "is not served by" in rejection.rule
            refused.append(message.event_code)
        if len(rejections) < len(sent):
            assert isinstance(message, DipEnvelope) and message.event_code in _NEW_BUSINESS, (
                f"{pid} acted on {getattr(message, 'event_code', message)!r}"
            )
    if participant.identity.dip_id is None:
        assert refused == []  # not a DIP user: publications never reach it for real
    if pid in _DEAPPOINTMENT_OF:
        assert _DEAPPOINTMENT_OF[pid] in refused
    if pid == "REGS-19":
        assert len(refused) >= 10  # every request about an MPAN it does not register


@given(JSON_VALUES | st.binary(max_size=50))
def test_participants_ignore_junk_they_were_never_meant_to_get(junk: object) -> None:
    """Any value a buggy runtime might hand a participant is noted and ignored, not fatal."""
    for participant in default_market(seed=1, mpans=1).participants:
        ctx = _context_for(participant)
        participant.on_message(ctx, junk)
        assert [(type(e).__name__, getattr(e, "event", None)) for e in ctx.outbox] == [
            ("Record", "message_ignored")
        ], participant.identity.participant_id


def test_a_failed_response_is_just_noted_by_every_participant() -> None:
    """A DIP-RESPONSE with a 429 is information, not a crash, for every built-in participant.

    It may be journalled; nothing is sent again (resubmission is the runtime's job).
    """
    item = DipResponseItem(
        transaction_id=None,
        sender_unique_reference="S-IF-003-2200000019-REGS-20260227-R1",
        correlation_id=None,
        sent_timestamp=datetime(2026, 2, 27, 16, tzinfo=UTC),
        sender_id="2200000019",
        recipient_id=None,
        dip_connection_provider_id=None,
        message="MSG1011 - Too Many Requests",
        help="retry after 1.000 s",
        service_ticket_url=None,
    )
    response = DipResponse(items=(item,), timestamp=datetime(2026, 2, 27, 16, tzinfo=UTC))
    noted = 0
    for participant in default_market(seed=1, mpans=1).participants:
        ctx = _context_for(participant)
        participant.on_message(ctx, response)
        assert all(type(entry).__name__ == "Record" for entry in ctx.outbox)
        noted += any(
            getattr(entry, "event", None) == "dip_submission_rejected" for entry in ctx.outbox
        )
    assert noted >= 3  # REGS and both MHHS suppliers journal the failure
