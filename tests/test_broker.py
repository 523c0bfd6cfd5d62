"""The broker: DIP level-1 rules and routing, DTN addressing, timers, virtual time."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from market.kernel.broker import Broker
from market.kernel.directory import Directory
from market.kernel.ids import Role
from market.kernel.journal import Journal
from market.kernel.queue import VirtualClock
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.dip import (
    B002,
    B013,
    B094,
    M0,
    DipEnvelope,
    DipResponse,
    ReverseMigNotification,
    render_body,
)
from market.messages.dtn import D0217, Address
from market.networks.dip_routing import MpanRoleMap, default_routes
from market.participant import CancelTimer, Context, ParticipantIdentity, Send, SetTimer

MPAN = "1900012345670"
START = datetime(2026, 2, 27, 16, 0, tzinfo=UTC)

IDENTITIES = {
    "REGS": ParticipantIdentity(
        participant_id="REGS", role=Role.REGISTRATION_SERVICE, dip_id="2200000019", mpid="RGSJ"
    ),
    "MDS": ParticipantIdentity(
        participant_id="MDS", role=Role.MARKETWIDE_DATA_SERVICE, dip_id="1800000001"
    ),
    "LDSO": ParticipantIdentity(participant_id="LDSO", role=Role.LDSO, dip_id="2500000019"),
    "OUTSUP": ParticipantIdentity(
        participant_id="OUTSUP", role=Role.SUPPLIER, dip_id="2300000101", mpid="MHSA"
    ),
    "EES": ParticipantIdentity(
        participant_id="EES", role=Role.ELECTRICITY_ENQUIRY_SERVICE, dip_id="2700000001"
    ),
    "INSUP": ParticipantIdentity(participant_id="INSUP", role=Role.SUPPLIER, mpid="LGSB"),
}


def _broker(*, ees: bool = True) -> Broker:
    clock = VirtualClock(START)
    return Broker(
        directory=Directory(IDENTITIES.values()),
        journal=Journal(),
        clock=clock,
        routes=default_routes(ees_always_on_if003=ees),
        mpan_roles=MpanRoleMap({MPAN: {Role.SUPPLIER: "2300000101"}}),
    )


def _context(broker: Broker, pid: str) -> Context:
    return Context(
        IDENTITIES[pid], clock=broker.clock, calendar=SettlementCalendar(), rng=random.Random(0)
    )


def _notification(
    ctx: Context, primary: tuple[str, ...] = ("1800000001", "2500000019")
) -> DipEnvelope:
    return ctx.submit(
        ReverseMigNotification(
            b013=B013(css_registration_id="3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10"),
            b094=B094(mhhs_regime_end_date=datetime(2026, 3, 1, tzinfo=UTC)),
            b002=B002(
                incoming_supplier_dip_id="0000000000",
                incoming_supplier_mpid="LGSB",
                supplier_effective_from_date=datetime(2026, 3, 2, tzinfo=UTC),
            ),
        ),
        primary_recipients=primary,
        m0=M0(mpan_core=MPAN, distributor_dip_id="2500000019", gsp_group_id="_J"),
    )


def _drain(broker: Broker) -> list[tuple[str, str]]:
    delivered: list[tuple[str, str]] = []
    while broker.pending:
        for recipient, batch in broker.next_batch().items():
            delivered.extend((recipient, d.message) for d in batch)
    return delivered


def test_pub003_reaches_primary_secondary_and_always_recipients() -> None:
    """IF-003 [ReverseMigNotification] goes to MDS and LDSO, the MPAN's supplier, and EES."""
    broker = _broker()
    broker.accept_outbox("REGS", [Send(_notification(_context(broker, "REGS")))])
    delivered = _drain(broker)
    assert sorted(r for r, m in delivered if m == "PUB-003") == ["EES", "LDSO", "MDS", "OUTSUP"]
    assert ("REGS", "DIP-RESPONSE") in delivered
    routed = next(e for e in broker.journal if e.kind == "routed")
    assert routed.detail is not None
    assert routed.detail["routing"] == (
        "Primary:[MDS:1800000001,LDSO:2500000019];Secondary:[SUP:2300000101];"
        "Always:[EES:2700000001]"
    )
    assert routed.detail["recipients"] == ["MDS", "LDSO", "OUTSUP", "EES"]


def test_publication_is_stamped_with_d0_and_secondary_recipients() -> None:
    """What recipients get is the submission with D0 (PUB-003, transaction id) and A0 filled in."""
    broker = _broker(ees=False)
    broker.accept_outbox("REGS", [Send(_notification(_context(broker, "REGS")))])
    first = broker.next_batch()  # the DIP's synchronous answer, at the same instant
    assert [d.message for d in first["REGS"]] == ["DIP-RESPONSE"]
    publications = [d.payload for batch in broker.next_batch().values() for d in batch]
    assert broker.clock.now == START + broker.latencies.dip
    envelope = publications[0]
    assert isinstance(envelope, DipEnvelope)
    assert envelope.common.d0 is not None
    assert envelope.common.d0.publication_id == "PUB-003"
    assert envelope.common.d0.transaction_id.startswith("T-IF-003-2200000019-REGS-20260227-")
    assert envelope.common.a0 is not None
    assert envelope.common.a0.secondary_recipients == ("2300000101",)
    assert envelope.common.a0.always == ()


def _response(broker: Broker, pid: str) -> str:
    for batch in broker.next_batch().values():
        for delivery in batch:
            if delivery.recipient == pid and isinstance(delivery.payload, DipResponse):
                return delivery.payload.items[0].message
    raise AssertionError("no DIP response")


def test_unknown_primary_recipient_is_rejected_with_msg1003() -> None:
    """A primary recipient that is no DIP user fails level 1 and nothing is published."""
    broker = _broker()
    broker.accept_outbox("REGS", [Send(_notification(_context(broker, "REGS"), ("9999999999",)))])
    assert _response(broker, "REGS") == "MSG1003 - Unknown Recipient"
    assert [e.detail["code"] for e in broker.journal if e.kind == "rejected"] == ["MSG1003"]
    assert not broker.pending


def test_a_supplier_may_not_send_if003() -> None:
    """IF-003 is the Registration Service's interface: a supplier sending it gets MSG1004."""
    broker = _broker()
    envelope = _notification(_context(broker, "OUTSUP"))
    broker.accept_outbox("OUTSUP", [Send(envelope)])
    assert _response(broker, "OUTSUP") == "MSG1004 - Sender Not Authorised For Interface"


def test_reusing_a_sender_unique_reference_is_rejected_with_msg1005() -> None:
    """A second submission with the same senderUniqueReference is refused."""
    broker = _broker()
    envelope = _notification(_context(broker, "REGS"))
    broker.accept_outbox("REGS", [Send(envelope), Send(envelope)])
    codes = [e.detail["code"] for e in broker.journal if e.kind in ("accepted", "rejected")]
    assert codes == ["MSG0000", "MSG1005"]


def test_a_raw_body_that_breaks_the_schema_gets_msg1001_with_the_path() -> None:
    """A JSON body with a 9-character senderDIPID fails level 1 naming the field's path."""
    broker = _broker()
    body = render_body([_notification(_context(broker, "REGS"))]).decode()
    broker.accept_outbox(
        "REGS", [Send(body.replace('"senderDIPID":"2200000019"', '"senderDIPID":"220000001"'))]
    )
    rejected = next(e for e in broker.journal if e.kind == "rejected")
    assert rejected.detail is not None
    assert rejected.detail["code"] == "MSG1001"
    assert rejected.detail["path"] == "$[0].payload.CommonBlock.S1.senderDIPID"
    assert _response(broker, "REGS") == "MSG1001 - Schema Failure"


def test_dtn_flows_are_addressed_by_role_and_mpid() -> None:
    """A D-flow reaches the participant with its to-role and MPID after the DTN's latency."""
    broker = _broker()
    ctx = _context(broker, "REGS")
    flow = ctx.send_flow(
        D0217,
        to=Address(mpid="LGSB", role=Role.SUPPLIER),
        mpan_core=MPAN,
        supply_start_date=date(2026, 3, 2),
        supplier_mpid="LGSB",
        gsp_group_id="_J",
        css_registration_id="abc",
    )
    broker.accept_outbox("REGS", [Send(flow)])
    batches = broker.next_batch()
    assert list(batches) == ["INSUP"]
    assert broker.clock.now == START + broker.latencies.dtn


def test_a_flow_to_nobody_is_dead_lettered_with_a_reason() -> None:
    """A D-flow to an MPID nobody holds is not lost silently: it is dead-lettered and journalled."""
    broker = _broker()
    ctx = _context(broker, "REGS")
    flow = ctx.send_flow(
        D0217,
        to=Address(mpid="ZZZZ", role=Role.SUPPLIER),
        mpan_core=MPAN,
        supply_start_date=date(2026, 3, 2),
        supplier_mpid="ZZZZ",
        gsp_group_id="_J",
        css_registration_id="abc",
    )
    broker.accept_outbox("REGS", [Send(flow)])
    assert len(broker.dead_letters) == 1
    dead = next(e for e in broker.journal if e.kind == "dead_lettered")
    assert dead.detail == {"reason": "no DTN participant is SUP/ZZZZ"}


def test_timers_fire_at_their_time_and_cancelled_ones_never_do() -> None:
    """Virtual time jumps to each timer; a cancelled timer is journalled and skipped."""
    broker = _broker()
    later = START + timedelta(hours=3)
    broker.accept_outbox(
        "MDS", [SetTimer(0, later, "wake", None), SetTimer(1, later, "no", None), CancelTimer(1)]
    )
    batches = broker.next_batch()
    assert broker.clock.now == later
    assert [d.payload for d in batches["MDS"]] == ["wake"]
    assert [e.kind for e in broker.journal] == [
        "timer_set",
        "timer_set",
        "timer_cancelled",
        "timer_fired",
    ]


def test_sending_something_that_is_not_a_message_names_the_sender() -> None:
    """ctx.send with a non-message is a bug in the participant: the error says who and what."""
    broker = _broker()
    with pytest.raises(TypeError, match="MDS sent a dict"):
        broker.accept_outbox("MDS", [Send({"not": "a message"})])
