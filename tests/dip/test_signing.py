"""Signing DIP calls as brief e.1 describes, and the registry of the defences' codes."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest

from market.messages.dip import RESPONSE_CODES, response_code
from market.messages.dip.signing import (
    CERTIFICATE_HEADER,
    CONTENT_HASH_HEADER,
    SIGNATURE_DATE_HEADER,
    SIGNATURE_HEADER,
    SIGNING_HEADERS,
    SIGNING_SCHEMES,
    KeyRing,
    SigningScheme,
    content_hash,
    generate_key,
    sign_request,
    signature_date,
    string_to_sign,
    verification_problem,
)
from market.messages.dip.transport import DipRequest, callback_url, channel_of, channel_url

AT = datetime(2026, 2, 27, 18, 5, 12, 345000, tzinfo=UTC)


def test_content_hash_is_base64_of_sha256_of_the_body() -> None:
    """contentHash = base64(SHA-256(body)), over the exact bytes."""
    body = b'[{"payload":{}}]'
    assert content_hash(body) == base64.b64encode(hashlib.sha256(body).digest()).decode()


def test_signature_date_is_utc_with_milliseconds() -> None:
    """X-DIP-Signature-Date reads like the brief's example, 2026-02-27T18:05:12.345Z."""
    assert signature_date(AT) == "2026-02-27T18:05:12.345Z"


def test_the_string_to_sign_lower_cases_the_url_only() -> None:
    """METHOD;lowercase(url);date;hash, with the method upper-cased and the hash untouched."""
    text = string_to_sign("post", "https://DIP.example/dip-channel/IF-003", "D", "AbC=")
    assert text == "POST;https://dip.example/dip-channel/if-003;D;AbC="


@pytest.mark.parametrize("scheme", SIGNING_SCHEMES)
def test_a_signed_request_verifies_and_a_changed_one_does_not(scheme: SigningScheme) -> None:
    """Round trip: a request verifies with its signer's certificate, not once its URL changes."""
    ring = KeyRing(scheme)
    request = sign_request(
        DipRequest(url=channel_url("IF-003"), body=b"[]"), ring.signing_key("2200000019"), AT
    )
    assert set(request.headers) == set(SIGNING_HEADERS)
    assert verification_problem(request, ring.verifying_key("2200000019")) is None
    moved = DipRequest(url=channel_url("IF-041"), body=b"[]", headers=request.headers)
    problem = verification_problem(moved, ring.verifying_key("2200000019"))
    assert problem is not None and "does not verify" in problem


def _tampered(request: DipRequest, other: DipRequest, how: str) -> DipRequest:
    """``request`` changed after signing in one of the ways an attacker or a bug would."""
    headers = dict(request.headers)
    if how == "body":
        return DipRequest(url=request.url, body=b'[{"payload":1}]', headers=headers)
    if how == "body and its hash":
        body = b'[{"payload":1}]'
        headers[CONTENT_HASH_HEADER] = content_hash(body)
        return DipRequest(url=request.url, body=body, headers=headers)
    if how == "method":
        return DipRequest(url=request.url, body=request.body, headers=headers, method="PUT")
    if how == "date":
        headers[SIGNATURE_DATE_HEADER] = "2026-02-27T18:05:13.345Z"
    elif how == "signature of another call":
        headers[SIGNATURE_HEADER] = other.headers[SIGNATURE_HEADER]
    elif how == "signature bytes":
        raw = bytearray(base64.b64decode(headers[SIGNATURE_HEADER]))
        raw[0] ^= 1
        headers[SIGNATURE_HEADER] = base64.b64encode(bytes(raw)).decode()
    elif how == "signature not base64":
        headers[SIGNATURE_HEADER] = "not base64!"
    elif how == "no signature":
        del headers[SIGNATURE_HEADER]
    elif how == "another party's certificate":
        headers[CERTIFICATE_HEADER] = other.headers[CERTIFICATE_HEADER]
    elif how == "another party's whole signature":
        headers = dict(other.headers)
    return DipRequest(url=request.url, body=request.body, headers=headers)


#: Each tampering and the words of the rule that refuses it, the same in every scheme.
TAMPERINGS = {
    "body": "the body was changed after signing",
    "body and its hash": "does not verify",
    "method": "does not verify",
    "date": "does not verify",
    "signature of another call": "does not verify",
    "signature bytes": "does not verify",
    "signature not base64": "does not verify",
    "no signature": "missing header X-DIP-Signature",
    "another party's certificate": "is not the certificate registered for 2200000019",
    "another party's whole signature": "is not the certificate registered for 2200000019",
}


@pytest.mark.parametrize("scheme", SIGNING_SCHEMES)
@pytest.mark.parametrize("how", TAMPERINGS)
def test_every_tampering_is_refused_by_the_same_rule_in_every_scheme(
    scheme: SigningScheme, how: str
) -> None:
    """What RSA refuses the modelled scheme refuses, with the same rule (and vice versa)."""
    ring = KeyRing(scheme)
    request = sign_request(
        DipRequest(url=channel_url("IF-003"), body=b"[]"), ring.signing_key("2200000019"), AT
    )
    other = sign_request(
        DipRequest(url=channel_url("IF-003"), body=b"[ ]"), ring.signing_key("1800000001"), AT
    )
    problem = verification_problem(_tampered(request, other, how), ring.verifying_key("2200000019"))
    assert problem is not None and TAMPERINGS[how] in problem


@pytest.mark.parametrize("scheme", SIGNING_SCHEMES)
def test_a_key_made_again_for_the_same_name_does_not_verify(scheme: SigningScheme) -> None:
    """A spoofer who makes its own key under a party's name is refused: wrong key, same name."""
    ring = KeyRing(scheme)
    spoof = generate_key("2200000019", scheme)
    forged = sign_request(DipRequest(url=channel_url("IF-003"), body=b"[]"), spoof, AT)
    problem = verification_problem(forged, ring.verifying_key("2200000019"))
    assert problem is not None and "is not the certificate registered" in problem
    # ... and a spoofer who also copies the registered certificate header still fails.
    copied = forged.with_headers(
        {**forged.headers, CERTIFICATE_HEADER: ring.signing_key("2200000019").certificate_header}
    )
    problem = verification_problem(copied, ring.verifying_key("2200000019"))
    assert problem is not None and "does not verify" in problem


@pytest.mark.parametrize(
    ("scheme", "pem_start"),
    [("rsa", b"-----BEGIN CERTIFICATE-----"), ("modelled", b"-----BEGIN MODELLED CERTIFICATE")],
)
def test_a_key_ring_makes_each_key_once(scheme: SigningScheme, pem_start: bytes) -> None:
    """Key generation is slow, so a ring keeps each party's key and certificate."""
    ring = KeyRing(scheme)
    assert ring.signing_key("2200000019") is ring.signing_key("2200000019")
    assert ring.verifying_key("2200000019") is ring.verifying_key("2200000019")
    assert ring.signing_key("2200000019").scheme == scheme
    pem = base64.b64decode(ring.signing_key("2200000019").certificate_header)
    assert pem.startswith(pem_start)
    assert b"2200000019" in pem or scheme == "rsa"


def test_an_unknown_scheme_is_refused() -> None:
    """A ring of a scheme that does not exist is refused, naming the schemes there are."""
    with pytest.raises(ValueError, match="use one of modelled, rsa"):
        KeyRing("hmac")  # type: ignore[arg-type]


def test_headers_are_found_whatever_their_case() -> None:
    """HTTP header names are case-insensitive, so the DIP reads x-dip-signature-certificate too."""
    request = DipRequest(url="u", body=b"", headers={CERTIFICATE_HEADER.lower(): "c"})
    assert request.header(CERTIFICATE_HEADER) == "c"
    assert request.with_headers({CERTIFICATE_HEADER: "d"}).headers == {CERTIFICATE_HEADER: "d"}


def test_channel_urls_name_their_interface() -> None:
    """A send URL names its interface; a webhook URL is per recipient and publication."""
    assert channel_of(channel_url("IF-041")) == "IF-041"
    assert channel_of("https://elsewhere.example/dip-channel/IF-041") is None
    assert callback_url("2500000019", "PUB-003").endswith("/dip/PUB-003")


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("MSG1007", 401),
        ("MSG1008", 403),
        ("MSG1009", 401),
        ("MSG1010", 413),
        ("MSG1011", 429),
        ("MSG1012", 405),
        ("MSG1013", 404),
        ("MSG1004", 403),
        ("MSG1001", 400),
    ],
)
def test_the_defences_codes_are_registered_with_their_http_status(code: str, status: int) -> None:
    """Each gateway code is a registered, definite RECON or DOC code with its HTTP status."""
    registered = response_code(code)
    assert registered.definite
    assert registered.http_status == status


def test_level_two_to_four_codes_are_registered() -> None:
    """Unknown MPAN (level 2) and the generic recipient rejection are RECON codes."""
    assert {"MSG1006", "MSG1014"} <= set(RESPONSE_CODES)
    assert response_code("MSG1014").tag == "RECON"
