"""The DIP gateway: authentication, authorisation, signatures, size and rate limits."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from market.context import Context
from market.kernel.exceptions import ScenarioError
from market.messages.dip import DipEnvelope, render_body
from market.messages.dip.signing import (
    CONTENT_HASH_HEADER,
    SIGNATURE_HEADER,
    SIGNING_SCHEMES,
    KeyRing,
    PartyKey,
    SigningScheme,
    content_hash,
    generate_key,
    shared_key_ring,
)
from market.messages.dip.transport import DipRequest, channel_url
from market.networks.dip_defences import DEFAULT_DEFENCES, DipDefences, RateLimit
from market.networks.dip_gateway import Admission, DipGateway, GatewayRejection
from market.networks.dip_routing import default_routes
from tests.defences import MPAN, START, UNKNOWN_MPAN, broker, directory, notification
from tests.defences import context as market_context

#: The signature scheme the module's tests run in (every test runs once per scheme).
SCHEME: list[SigningScheme] = ["modelled"]


@pytest.fixture(autouse=True, params=SIGNING_SCHEMES)
def scheme(request: pytest.FixtureRequest) -> SigningScheme:
    """Every gateway test runs in every signature scheme: the rejections must be the same."""
    SCHEME[0] = request.param
    return SCHEME[0]


def context(_broker: object, pid: str) -> Context:
    """``pid``'s context, signing its own requests in this test's scheme."""
    ctx = market_context(broker(), pid)
    ctx.signing_scheme = SCHEME[0]
    return ctx


def _gateway(
    defences: DipDefences = DEFAULT_DEFENCES, dip_key: PartyKey | None = None
) -> DipGateway:
    if defences.signing != "off":
        defences = attrs.evolve(defences, signing=SCHEME[0])
    return DipGateway(
        directory=directory(),
        routes=default_routes(),
        defences=defences,
        known_mpans=frozenset({MPAN}),
        dip_key=dip_key,
    )


def _rejection(result: Admission | GatewayRejection) -> GatewayRejection:
    if isinstance(result, GatewayRejection):
        return result
    rejected = [v.rejection for v in result.verdicts if v.rejection is not None]
    assert len(rejected) == 1, result
    return rejected[0]


def _regs_envelope() -> DipEnvelope:
    return notification(context(broker(), "REGS"))


def test_a_well_formed_signed_envelope_is_admitted() -> None:
    """REGS's own IF-003, rendered and signed by the runtime, passes every level-1 rule."""
    gateway = _gateway()
    result = gateway.admit("REGS", _regs_envelope(), at=START)
    assert isinstance(result, Admission)
    assert result.accepted == (result.verdicts[0].envelope,)
    assert (gateway.statistics().signed, gateway.statistics().verified) == (1, 1)


def test_a_participant_without_a_dip_id_is_an_unknown_sender() -> None:
    """A legacy supplier (no DIP ID) cannot authenticate: MSG1007, HTTP 401."""
    rejection = _rejection(_gateway().admit("INSUP", b"[]", at=START))
    assert (rejection.code.code, rejection.http_status) == ("MSG1007", 401)
    assert "holds no DIP ID" in rejection.rule


def test_a_role_that_may_not_send_the_interface_is_refused() -> None:
    """A supplier sending IF-003 (REGS's interface) gets MSG1004, HTTP 403."""
    envelope = notification(context(broker(), "OUTSUP"))
    rejection = _rejection(_gateway().admit("OUTSUP", envelope, at=START))
    assert (rejection.code.code, rejection.http_status) == ("MSG1004", 403)
    assert "only REGS may" in rejection.rule


def test_a_sender_dip_id_that_is_not_the_authenticated_senders_is_refused() -> None:
    """MDS submitting an envelope that claims REGS's senderDIPID gets MSG1008, HTTP 403."""
    rejection = _rejection(_gateway().admit("MDS", _regs_envelope(), at=START))
    assert (rejection.code.code, rejection.http_status) == ("MSG1008", 403)
    assert "senderDIPID 2200000019 is not 1800000001" in rejection.rule


def test_a_reused_sender_unique_reference_is_refused() -> None:
    """The second use of a senderUniqueReference gets MSG1005."""
    gateway = _gateway()
    envelope = _regs_envelope()
    assert isinstance(gateway.admit("REGS", envelope, at=START), Admission)
    assert _rejection(gateway.admit("REGS", envelope, at=START)).code.code == "MSG1005"


def test_an_unknown_primary_recipient_is_refused() -> None:
    """A primary recipient that is no DIP user gets MSG1003."""
    envelope = notification(context(broker(), "REGS"), primary=("9999999999",))
    assert _rejection(_gateway().admit("REGS", envelope, at=START)).code.code == "MSG1003"


def test_a_body_over_the_size_limit_is_refused_unread() -> None:
    """A raw body over ``max_payload_bytes`` gets MSG1010, HTTP 413, before it is parsed."""
    gateway = _gateway(DipDefences(max_payload_bytes=100))
    rejection = _rejection(gateway.admit("REGS", b"x" * 101, at=START))
    assert (rejection.code.code, rejection.http_status) == ("MSG1010", 413)
    assert rejection.rule == (
        "body is 101 bytes, over the limit of 100; split it into several submissions"
    )


def test_a_typed_envelope_is_measured_when_it_is_signed() -> None:
    """With signing on, a typed envelope's rendered body counts against the size limit."""
    gateway = _gateway(DipDefences(max_payload_bytes=100))
    rejection = _rejection(gateway.admit("REGS", _regs_envelope(), at=START))
    assert rejection.http_status == 413
    assert rejection.envelope is not None


def test_flooding_beyond_the_rate_gets_429_until_the_bucket_refills() -> None:
    """Two requests a second, bursts of two: the third at once is 429; 0.5 s later it passes."""
    gateway = _gateway(DipDefences(rate_limit=RateLimit(requests=2, per=timedelta(seconds=1))))
    ctx = context(broker(), "REGS")
    verdicts = [gateway.admit("REGS", notification(ctx), at=START) for _ in range(3)]
    assert [isinstance(v, Admission) for v in verdicts] == [True, True, False]
    refused = verdicts[2]
    assert isinstance(refused, GatewayRejection)
    assert (refused.code.code, refused.http_status) == ("MSG1011", 429)
    assert refused.rule.endswith("retry after 0.500 s")
    later = START + timedelta(milliseconds=500)
    assert isinstance(gateway.admit("REGS", notification(ctx), at=later), Admission)


def test_the_rate_limit_is_per_sender() -> None:
    """One sender's flood does not use up another sender's tokens."""
    gateway = _gateway(DipDefences(rate_limit=RateLimit(requests=1, per=timedelta(minutes=1))))
    assert isinstance(gateway.admit("REGS", _regs_envelope(), at=START), Admission)
    assert _rejection(gateway.admit("REGS", b"[]", at=START)).code.code == "MSG1011"
    assert _rejection(gateway.admit("MDS", b"[]", at=START)).code.code == "MSG1001"


def test_a_rate_limit_must_be_positive() -> None:
    """A zero-request limit is a scenario error that says what must hold."""
    with pytest.raises(ScenarioError, match="must all be positive"):
        RateLimit(requests=0, per=timedelta(seconds=1))


def test_a_raw_body_that_breaks_the_schema_gets_msg1001_with_its_path() -> None:
    """A JSON body that is not an array is a schema failure at ``$``."""
    rejection = _rejection(_gateway().admit("REGS", b'{"payload": {}}', at=START))
    assert (rejection.code.code, rejection.http_status, rejection.path) == ("MSG1001", 400, "$")


def test_a_signed_request_from_user_code_is_admitted() -> None:
    """A DipRequest built and signed with ``ctx.send_dip_request`` verifies and is admitted."""
    ctx = context(broker(), "REGS")
    request = ctx.send_dip_request([notification(ctx)])
    assert request.header("x-dip-signature") is not None
    assert isinstance(_gateway().admit("REGS", request, at=START), Admission)


def test_a_body_changed_after_signing_is_refused() -> None:
    """Tampering: the content hash no longer matches the body, so MSG1009 (HTTP 401)."""
    ctx = context(broker(), "REGS")
    request = ctx.send_dip_request([notification(ctx)])
    tampered = attrs.evolve(request, body=request.body.replace(b"LGSB", b"LGSC"))
    rejection = _rejection(_gateway().admit("REGS", tampered, at=START))
    assert (rejection.code.code, rejection.http_status) == ("MSG1009", 401)
    assert "changed after signing" in rejection.rule


def test_a_body_and_hash_changed_together_still_fail_the_signature() -> None:
    """Re-hashing a tampered body is not enough: the signature covers the hash."""
    ctx = context(broker(), "REGS")
    request = ctx.send_dip_request([notification(ctx)])
    body = request.body.replace(b"LGSB", b"LGSC")
    forged = attrs.evolve(request, body=body).with_headers(
        {CONTENT_HASH_HEADER: content_hash(body)}
    )
    rejection = _rejection(_gateway().admit("REGS", forged, at=START))
    assert rejection.code.code == "MSG1009"
    assert "does not verify" in rejection.rule


def test_a_request_signed_with_someone_elses_key_is_refused() -> None:
    """Spoofing: REGS posting a request signed with MDS's key fails the certificate check."""
    ctx = context(broker(), "REGS")
    ring = KeyRing(SCHEME[0])
    ring.install(
        attrs.evolve(shared_key_ring(SCHEME[0]).signing_key("1800000001"), name="2200000019")
    )
    request = ctx.send_dip_request([notification(ctx)], key_ring=ring)
    rejection = _rejection(_gateway().admit("REGS", request, at=START))
    assert rejection.code.code == "MSG1009"
    assert "not the certificate registered for 2200000019" in rejection.rule


def test_an_unsigned_request_is_refused_while_signing_is_on() -> None:
    """A DipRequest without the X-DIP headers names the missing ones."""
    ctx = context(broker(), "REGS")
    request = DipRequest(url=channel_url("IF-003"), body=render_body([notification(ctx)]))
    rejection = _rejection(_gateway().admit("REGS", request, at=START))
    assert rejection.code.code == "MSG1009"
    assert rejection.rule.startswith(f"missing header {SIGNATURE_HEADER}")


def test_with_signing_off_an_unsigned_request_is_admitted() -> None:
    """Load runs switch signing off: headers are then not checked at all."""
    ctx = context(broker(), "REGS")
    request = DipRequest(url=channel_url("IF-003"), body=render_body([notification(ctx)]))
    gateway = _gateway(DipDefences(signing="off"))
    assert isinstance(gateway.admit("REGS", request, at=START), Admission)
    assert gateway.statistics().signed == 0


def test_a_request_that_is_not_a_post_gets_405() -> None:
    """Only POST submits: a GET to a channel is MSG1012, HTTP 405."""
    request = DipRequest(url=channel_url("IF-003"), body=b"[]", method="GET")
    rejection = _rejection(_gateway().admit("REGS", request, at=START))
    assert (rejection.code.code, rejection.http_status) == ("MSG1012", 405)


def test_a_request_to_an_unknown_url_gets_404() -> None:
    """A URL that is not ``/dip-channel/IF-nnn`` is MSG1013, HTTP 404."""
    request = DipRequest(url="https://dip.mhhs-market.example/replay", body=b"[]")
    rejection = _rejection(_gateway().admit("REGS", request, at=START))
    assert (rejection.code.code, rejection.http_status) == ("MSG1013", 404)


def test_an_envelope_posted_to_another_interfaces_channel_is_refused() -> None:
    """IF-003 posted to the IF-041 channel is MSG1002 at S0.interfaceID."""
    ctx = context(broker(), "REGS")
    request = ctx.send_dip_request(render_body([notification(ctx)]), interface_id="IF-041")
    rejection = _rejection(_gateway().admit("REGS", request, at=START))
    assert rejection.code.code == "MSG1002"
    assert rejection.path == "$[0].payload.CommonBlock.S0.interfaceID"


def test_an_mpan_the_dip_does_not_know_fails_level_two() -> None:
    """The MPAN register rule is level 2: MSG1006, judged after acceptance."""
    envelope = notification(context(broker(), "REGS"), mpan=UNKNOWN_MPAN)
    gateway = _gateway()
    assert isinstance(gateway.admit("REGS", envelope, at=START), Admission)
    late = gateway.level_two_rejection(envelope, at=START)
    assert late is not None
    assert (late.code.code, late.level) == ("MSG1006", 2)


def test_a_publication_signed_by_the_dip_verifies_at_the_recipient() -> None:
    """The DIP signs each webhook call; the recipient's inbox checks it against the DIP's key."""
    body = render_body([_regs_envelope()])
    assert _gateway().publication_problem("2500000019", "PUB-003", body, START) is None


def test_a_publication_from_an_impostor_dip_fails_at_the_recipient() -> None:
    """A DIP key the recipients were never given does not verify (a spoofed publication)."""
    gateway = _gateway(dip_key=generate_key("DIP", SCHEME[0]))
    problem = gateway.publication_problem("2500000019", "PUB-003", b"[]", START)
    assert problem is not None
    assert "not the certificate registered for DIP" in problem
