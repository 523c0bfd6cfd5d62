"""The DIP's defences as the broker applies them: answers, status messages and journal entries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import attrs
import pytest

from actors.markets.default import default_market
from market.kernel.broker import Broker
from market.messages.dip import (
    EFFECTIVE_DATE_RETROSPECTIVE,
    DipEnvelope,
    DipStatusMessage,
    render_body,
)
from market.messages.dip.signing import SIGNING_SCHEMES, SigningScheme, generate_key
from market.networks.dip_defences import DipDefences, RateLimit
from market.networks.dip_gateway import DipGateway
from market.networks.dip_routing import default_routes
from market.participant import Send
from market.runtime.simulation import Simulation
from tests.defences import (
    MPAN,
    START,
    UNKNOWN_MPAN,
    broker,
    context,
    detail,
    directory,
    drain,
    notification,
    rejections,
    responses,
)


def _tampered(the_broker: Broker) -> object:
    ctx = context(the_broker, "REGS")
    request = ctx.send_dip_request([notification(ctx)])
    return attrs.evolve(request, body=request.body.replace(b"LGSB", b"LGSC"))


def _raw_with_short_dip_id(the_broker: Broker) -> object:
    body = render_body([notification(context(the_broker, "REGS"))])
    return body.replace(b'"senderDIPID":"2200000019"', b'"senderDIPID":"220000001"')


CASES: list[tuple[str, str, Callable[[Broker], object], str, int]] = [
    ("unknown DIP ID", "INSUP", lambda b: b"[]", "MSG1007", 401),
    (
        "role may not send",
        "OUTSUP",
        lambda b: notification(context(b, "OUTSUP")),
        "MSG1004",
        403,
    ),
    ("senderDIPID spoofed", "MDS", lambda b: notification(context(b, "REGS")), "MSG1008", 403),
    ("tampered body", "REGS", _tampered, "MSG1009", 401),
    ("schema failure", "REGS", _raw_with_short_dip_id, "MSG1001", 400),
]


def test_a_schema_failure_tells_the_sender_the_json_path() -> None:
    """The synchronous MSG1001 answer names the failing field's JSON path and its rule."""
    the_broker = broker()
    the_broker.accept_outbox("REGS", [Send(_raw_with_short_dip_id(the_broker))])
    (answer,) = responses(drain(the_broker), "REGS")
    assert answer.items[0].message == "MSG1001 - Schema Failure"
    assert answer.items[0].help == (
        "$[0].payload.CommonBlock.S1.senderDIPID: must be exactly 10 characters, got 9"
    )


@pytest.mark.parametrize(
    ("sender", "make", "code", "status"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_level_one_rule_answers_at_once_and_is_journalled(
    sender: str, make: Callable[[Broker], object], code: str, status: int
) -> None:
    """Each rule: the sender's DIP-RESPONSE has the code and status; the journal says why."""
    the_broker = broker()
    the_broker.accept_outbox(sender, [Send(make(the_broker))])
    (rejected,) = rejections(the_broker.journal)
    assert (rejected.sender, rejected.recipient) == ("DIP", sender)
    facts = detail(rejected)
    assert (facts["code"], facts["http_status"], facts["level"]) == (code, status, 1)
    assert facts["rule"]
    (answer,) = responses(drain(the_broker), sender)
    assert answer.items[0].response_code.code == code
    where = f"{facts['path']}: " if facts["path"] else ""
    assert answer.items[0].help == where + facts["rule"]
    assert answer.http_status == status
    assert not [e for e in the_broker.journal if e.kind == "accepted"]


def test_a_duplicate_reference_is_journalled_after_its_submission() -> None:
    """MSG1005 follows a ``submitted`` line naming the reused reference."""
    the_broker = broker()
    envelope = notification(context(the_broker, "REGS"))
    the_broker.accept_outbox("REGS", [Send(envelope), Send(envelope)])
    kinds = [e.kind for e in the_broker.journal]
    assert kinds[:3] == ["submitted", "accepted", "routed"]
    assert kinds[-2:] == ["submitted", "rejected"]
    assert detail(rejections(the_broker.journal)[0])["code"] == "MSG1005"


def test_an_oversized_submission_gets_413_and_nothing_is_published() -> None:
    """Over the size limit: MSG1010 with HTTP 413, journalled; no publication."""
    the_broker = broker(DipDefences(max_payload_bytes=200))
    the_broker.accept_outbox("REGS", [Send(notification(context(the_broker, "REGS")))])
    (rejected,) = rejections(the_broker.journal)
    assert (detail(rejected)["code"], detail(rejected)["http_status"]) == ("MSG1010", 413)
    assert rejected.message == "IF-003"
    assert not [d for d in drain(the_broker) if d.message == "PUB-003"]


def test_a_flooding_sender_gets_429_and_may_come_back_later() -> None:
    """One request a minute: the second at once is MSG1011/429; a minute later one passes."""
    the_broker = broker(DipDefences(rate_limit=RateLimit(requests=1, per=timedelta(minutes=1))))
    ctx = context(the_broker, "REGS")
    the_broker.accept_outbox("REGS", [Send(notification(ctx)), Send(notification(ctx))])
    (rejected,) = rejections(the_broker.journal)
    facts = detail(rejected)
    assert (facts["code"], facts["http_status"]) == ("MSG1011", 429)
    assert facts["rule"].endswith("retry after 60.000 s")
    drain(the_broker)
    the_broker.clock.now = START + timedelta(minutes=1)
    the_broker.accept_outbox("REGS", [Send(notification(ctx))])
    assert len([e for e in the_broker.journal if e.kind == "accepted"]) == 2


def test_a_level_two_failure_is_accepted_then_reported_by_a_status_message() -> None:
    """An MPAN the DIP does not know: 201 at once, then MSG1006 by status message, no PUB."""
    the_broker = broker()
    the_broker.accept_outbox(
        "REGS", [Send(notification(context(the_broker, "REGS"), mpan=UNKNOWN_MPAN))]
    )
    assert [e.kind for e in the_broker.journal] == ["submitted", "accepted", "rejected"]
    facts = detail(rejections(the_broker.journal)[0])
    assert (facts["code"], facts["level"], facts["status"]) == ("MSG1006", 2, "InboundRuleFailure")
    deliveries = drain(the_broker)
    assert [(d.recipient, d.message) for d in deliveries] == [
        ("REGS", "DIP-RESPONSE"),
        ("REGS", "DIP-STATUS"),
    ]
    assert responses(deliveries, "REGS")[0].http_status == 201
    status = deliveries[1].payload
    assert isinstance(status, DipStatusMessage)
    assert status.response_code.code == "MSG1006"
    assert deliveries[1].deliver_at == START + the_broker.latencies.dip
    assert status.transaction_id == facts["transaction_id"]


def _published_to(the_broker: Broker, pid: str) -> DipEnvelope:
    the_broker.accept_outbox("REGS", [Send(notification(context(the_broker, "REGS")))])
    for delivery in drain(the_broker):
        if delivery.recipient == pid and isinstance(delivery.payload, DipEnvelope):
            return delivery.payload
    raise AssertionError(f"nothing was published to {pid}")


@pytest.mark.parametrize("level", [3, 4])
def test_a_recipient_rejection_is_journalled_and_the_sender_is_told(level: int) -> None:
    """ctx.reject: journal RejectedByRecipient (level 3 or 4); REGS gets a status message."""
    the_broker = broker()
    publication = _published_to(the_broker, "LDSO")
    ldso = context(the_broker, "LDSO")
    ldso.reject(
        publication, EFFECTIVE_DATE_RETROSPECTIVE, rule="B002 date is in the past", level=level
    )
    the_broker.accept_outbox("LDSO", ldso.take_outbox())
    (rejected,) = rejections(the_broker.journal)
    assert (rejected.sender, rejected.recipient, rejected.message) == ("LDSO", "REGS", "PUB-003")
    facts = detail(rejected)
    assert (facts["status"], facts["stage"], facts["level"]) == (
        "RejectedByRecipient",
        "Outbound",
        level,
    )
    assert (facts["code"], facts["rule"]) == ("REG1024", "B002 date is in the past")
    (status,) = [d.payload for d in drain(the_broker) if d.message == "DIP-STATUS"]
    assert isinstance(status, DipStatusMessage)
    assert (status.status, status.recipient_id) == ("RejectedByRecipient", "2500000019")
    assert status.message.startswith("REG1024 - ")


def test_only_a_recipient_may_reject_a_publication() -> None:
    """REGS cannot 'reject' its own publication: MSG1004 to REGS, nothing journalled as refused."""
    the_broker = broker()
    publication = _published_to(the_broker, "LDSO")
    regs = context(the_broker, "REGS")
    regs.reject(publication, rule="not mine to reject")
    the_broker.accept_outbox("REGS", regs.take_outbox())
    (rejected,) = rejections(the_broker.journal)
    assert detail(rejected)["code"] == "MSG1004"
    assert "only its recipients may reject it" in detail(rejected)["rule"]


@pytest.mark.parametrize("scheme", SIGNING_SCHEMES)
def test_a_publication_from_a_spoofed_dip_is_refused_by_every_webhook(
    scheme: SigningScheme,
) -> None:
    """The recipients' inboxes refuse a DIP signature they cannot verify: nothing delivered."""
    gateway = DipGateway(
        directory=directory(),
        routes=default_routes(ees_always_on_if003=False),
        defences=DipDefences(signing=scheme),
        known_mpans=frozenset({MPAN}),
        dip_key=generate_key("DIP", scheme),
    )
    the_broker = broker(gateway=gateway)
    the_broker.accept_outbox("REGS", [Send(notification(context(the_broker, "REGS")))])
    refused = rejections(the_broker.journal)
    assert sorted(e.sender for e in refused if e.sender) == ["LDSO", "MDS", "OUTSUP"]
    assert {detail(e)["code"] for e in refused} == {"MSG1009"}
    assert {detail(e)["status"] for e in refused} == {"RejectedByRecipient"}
    deliveries = drain(the_broker)
    assert not [d for d in deliveries if d.message == "PUB-003"]
    assert len([d for d in deliveries if d.message == "DIP-STATUS"]) == 3


def test_raw_bodies_and_signed_requests_are_published_like_typed_envelopes() -> None:
    """The same message sent typed, as bytes, or as a signed request reaches MDS unchanged."""
    published = []
    for form in ("typed", "bytes", "request"):
        the_broker = broker()
        ctx = context(the_broker, "REGS")
        envelope = notification(ctx)
        message: object = {
            "typed": envelope,
            "bytes": render_body([envelope]),
            "request": ctx.send_dip_request([envelope]),
        }[form]
        the_broker.accept_outbox("REGS", [Send(message)])
        (delivery,) = [d for d in drain(the_broker) if d.recipient == "MDS"]
        published.append(delivery.payload)
    assert published[0] == published[1] == published[2]


def test_every_signing_mode_gives_the_same_journal() -> None:
    """Signatures never reach the journal and every scheme refuses the same: one digest for all."""
    digests = {}
    for mode in ("rsa", "modelled", "off"):
        simulation = Simulation(
            attrs.evolve(default_market(seed=3, mpans=2), dip_defences=DipDefences(signing=mode))
        )
        digests[mode] = simulation.run_sync().journal.digest()
        verified = simulation.broker.gateway.statistics().verified
        assert (verified == 0) == (mode == "off"), mode
    assert digests["rsa"] == digests["modelled"] == digests["off"]
