"""Signing and verifying DIP requests as the brief describes (e.1).

``contentHash = base64(SHA-256(body))``;
``stringToSign = METHOD;lowercase(fullUrl);signatureDate;contentHash``;
``X-DIP-Signature = base64(RSA-PKCS#1 v1.5 SHA-256(stringToSign))``;
``X-DIP-Signature-Certificate = base64(PEM certificate)``;
``X-DIP-Signature-Date`` in UTC with milliseconds (``2026-02-27T18:05:12.345Z``).

Two signature schemes share those headers and every rule of
:func:`verification_problem`; only the primitive under ``X-DIP-Signature`` differs:

* ``rsa``: every party has an RSA 2048 key and a self-signed certificate naming
  its DIP ID; the signature is RSA PKCS#1 v1.5 over SHA-256, as on the real DIP
  (and wherever a real system is on the other side). Generating a key costs about
  0.1 s, signing about 0.3 ms, verifying about 0.03 ms.
* ``modelled`` (the default for simulated participants): every party has a random
  256-bit secret and a *modelled certificate* naming its DIP ID and the secret's
  fingerprint; the signature is HMAC-SHA-256 of the same string to sign under
  that secret. The verifier holds the registered secret, so it refuses exactly
  what it refuses under RSA: a changed body, URL, method or date, a missing
  header, another party's certificate, a signature made with any other key.
  What it does not model is the asymmetry (a verifier could forge), which the
  simulated DIP never exploits. Signing or verifying costs about 2 µs.

Keys are random in both schemes, so nothing here may reach the journal: a
signature differs from run to run while the journal must not. A
:class:`KeyRing` makes each party's key once per process, when first needed,
and keeps it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import ClassVar, Final, Literal, get_args

import attrs
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from market.messages.dip.transport import DipRequest

SIGNATURE_HEADER: Final = "X-DIP-Signature"
SIGNATURE_DATE_HEADER: Final = "X-DIP-Signature-Date"
CONTENT_HASH_HEADER: Final = "X-DIP-Content-Hash"
CERTIFICATE_HEADER: Final = "X-DIP-Signature-Certificate"

#: The signing headers every DIP call carries, in the brief's order.
SIGNING_HEADERS: Final = (
    SIGNATURE_HEADER,
    SIGNATURE_DATE_HEADER,
    CONTENT_HASH_HEADER,
    CERTIFICATE_HEADER,
)

#: How signatures are made: RSA as on the real DIP, or the modelled scheme (module docstring).
SigningScheme = Literal["modelled", "rsa"]
#: Every scheme, the default first.
SIGNING_SCHEMES: Final[tuple[SigningScheme, ...]] = get_args(SigningScheme)
#: The scheme of simulated participants unless a run asks for RSA.
DEFAULT_SCHEME: Final[SigningScheme] = "modelled"

#: The name the DIP's own key is kept under in a :class:`KeyRing` (it has no DIP ID).
DIP_KEY_NAME: Final = "DIP"

_KEY_BITS: Final = 2048
_VALID_FROM: Final = datetime(2020, 1, 1, tzinfo=UTC)
_VALID_TO: Final = datetime(2100, 1, 1, tzinfo=UTC)


def content_hash(body: bytes) -> str:
    """``base64(SHA-256(body))``, the ``X-DIP-Content-Hash`` of ``body``."""
    return base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


@functools.lru_cache(maxsize=1024)
def signature_date(at: datetime) -> str:
    """``X-DIP-Signature-Date`` for instant ``at``: UTC with milliseconds and a ``Z``.

    Kept for the last instants asked: a batch's messages share their instant.
    """
    utc = at.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def string_to_sign(method: str, url: str, date: str, body_hash: str) -> str:
    """``METHOD;lowercase(fullUrl);signatureDate;contentHash``."""
    return f"{method.upper()};{url.lower()};{date};{body_hash}"


@attrs.frozen(kw_only=True, eq=False)
class SigningKey:
    """A party's RSA private key and the certificate header that goes with it."""

    scheme: ClassVar[SigningScheme] = "rsa"
    name: str
    private_key: rsa.RSAPrivateKey
    certificate_header: str

    @classmethod
    def generate(cls, name: str) -> SigningKey:
        """A fresh RSA 2048 key with a self-signed certificate whose subject is ``name``."""
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(private_key.public_key())
            .serial_number(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big"))
            .not_valid_before(_VALID_FROM)
            .not_valid_after(_VALID_TO)
            .sign(private_key, hashes.SHA256())
        )
        pem = certificate.public_bytes(serialization.Encoding.PEM)
        return cls(
            name=name,
            private_key=private_key,
            certificate_header=base64.b64encode(pem).decode("ascii"),
        )

    def sign(self, text: str) -> str:
        """``base64(RSA-PKCS#1 v1.5 SHA-256(text))``."""
        signature = self.private_key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    def verifying_key(self) -> VerifyingKey:
        """The public half, as a party that trusts this key's certificate holds it."""
        return VerifyingKey(
            name=self.name,
            public_key=self.private_key.public_key(),
            certificate_header=self.certificate_header,
        )


@attrs.frozen(kw_only=True, eq=False)
class VerifyingKey:
    """A party's registered RSA certificate: what others check its signatures against."""

    scheme: ClassVar[SigningScheme] = "rsa"
    name: str
    public_key: rsa.RSAPublicKey
    certificate_header: str

    def verifies(self, text: str, signature: str) -> bool:
        """Whether ``signature`` (base64) is this key's signature of ``text``."""
        try:
            raw = base64.b64decode(signature, validate=True)
            self.public_key.verify(raw, text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            return False
        return True


_MODELLED_PEM: Final = (
    "-----BEGIN MODELLED CERTIFICATE-----\nCN={name}\nkey={fingerprint}\n"
    "-----END MODELLED CERTIFICATE-----\n"
)


def _hmac_signature(secret: bytes, text: str) -> bytes:
    return hmac.digest(secret, text.encode("utf-8"), "sha256")


@attrs.frozen(kw_only=True, eq=False)
class ModelledSigningKey:
    """A party's modelled key: a random secret and a certificate naming its fingerprint."""

    scheme: ClassVar[SigningScheme] = "modelled"
    name: str
    secret: bytes = attrs.field(repr=False)
    certificate_header: str

    @classmethod
    def generate(cls, name: str) -> ModelledSigningKey:
        """A fresh random 256-bit secret with a modelled certificate whose subject is ``name``."""
        secret = os.urandom(32)
        fingerprint = hashlib.sha256(secret).hexdigest()[:32]
        pem = _MODELLED_PEM.format(name=name, fingerprint=fingerprint).encode("ascii")
        return cls(
            name=name, secret=secret, certificate_header=base64.b64encode(pem).decode("ascii")
        )

    def sign(self, text: str) -> str:
        """``base64(HMAC-SHA-256(secret, text))``."""
        return base64.b64encode(_hmac_signature(self.secret, text)).decode("ascii")

    def verifying_key(self) -> ModelledVerifyingKey:
        """What a party that registered this key's certificate checks signatures with."""
        return ModelledVerifyingKey(
            name=self.name, secret=self.secret, certificate_header=self.certificate_header
        )


@attrs.frozen(kw_only=True, eq=False)
class ModelledVerifyingKey:
    """A party's registered modelled certificate and the secret it was issued for."""

    scheme: ClassVar[SigningScheme] = "modelled"
    name: str
    secret: bytes = attrs.field(repr=False)
    certificate_header: str

    def verifies(self, text: str, signature: str) -> bool:
        """Whether ``signature`` (base64) is this key's signature of ``text``."""
        try:
            raw = base64.b64decode(signature, validate=True)
        except ValueError:
            return False
        return hmac.compare_digest(raw, _hmac_signature(self.secret, text))


#: A party's private key, in either scheme.
PartyKey = SigningKey | ModelledSigningKey
#: A party's registered certificate, in either scheme.
PartyCertificate = VerifyingKey | ModelledVerifyingKey


def generate_key(name: str, scheme: SigningScheme) -> PartyKey:
    """A fresh key of ``scheme`` for the party ``name``."""
    if scheme == "rsa":
        return SigningKey.generate(name)
    return ModelledSigningKey.generate(name)


class KeyRing:
    """Every party's key in one scheme, generated once per process when first needed, then kept.

    The ring stands for onboarding: the DIP and every participant hold each
    other's certificates. Tests that spoof a party :meth:`install` a different
    key under its name in a ring of their own.
    """

    def __init__(self, scheme: SigningScheme = DEFAULT_SCHEME) -> None:
        if scheme not in SIGNING_SCHEMES:
            raise ValueError(f"signing scheme {scheme!r}: use one of {', '.join(SIGNING_SCHEMES)}")
        self.scheme: SigningScheme = scheme
        self._keys: dict[str, PartyKey] = {}
        self._verifying: dict[str, PartyCertificate] = {}

    def signing_key(self, name: str) -> PartyKey:
        """The private key of ``name`` (a DIP ID, or :data:`DIP_KEY_NAME`)."""
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = generate_key(name, self.scheme)
        return key

    def verifying_key(self, name: str) -> PartyCertificate:
        """The registered certificate of ``name``."""
        verifying = self._verifying.get(name)
        if verifying is None:
            verifying = self._verifying[name] = self.signing_key(name).verifying_key()
        return verifying

    def install(self, key: PartyKey) -> None:
        """Register ``key`` as its name's key, replacing any made before (a spoofing test's)."""
        self._keys[key.name] = key
        self._verifying.pop(key.name, None)


_SHARED_RINGS: Final = {scheme: KeyRing(scheme) for scheme in SIGNING_SCHEMES}


def shared_key_ring(scheme: SigningScheme = DEFAULT_SCHEME) -> KeyRing:
    """The process-wide ring of ``scheme``, so each party's key is made at most once per process."""
    return _SHARED_RINGS[scheme]


def signing_headers(
    *, method: str, url: str, body: bytes, at: datetime, key: PartyKey
) -> Mapping[str, str]:
    """The four ``X-DIP-*`` signing headers of one call."""
    body_hash = content_hash(body)
    date = signature_date(at)
    return {
        SIGNATURE_HEADER: key.sign(string_to_sign(method, url, date, body_hash)),
        SIGNATURE_DATE_HEADER: date,
        CONTENT_HASH_HEADER: body_hash,
        CERTIFICATE_HEADER: key.certificate_header,
    }


def sign_request(request: DipRequest, key: PartyKey, at: datetime) -> DipRequest:
    """``request`` with its signing headers set, signed by ``key`` at instant ``at``."""
    headers = signing_headers(
        method=request.method, url=request.url, body=request.body, at=at, key=key
    )
    if not request.headers:
        return DipRequest(
            url=request.url, body=request.body, headers=headers, method=request.method
        )
    return request.with_headers(headers)


def verification_problem(request: DipRequest, key: PartyCertificate) -> str | None:
    """The signing rule ``request`` breaks when checked against ``key``, or ``None``.

    The rule sentences never quote a hash or a signature: they reach the
    journal, which must not depend on the (random) keys.
    """
    values = {name: request.header(name) for name in SIGNING_HEADERS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        return f"missing header {', '.join(missing)}; sign every call as the brief's e.1 says"
    if values[CERTIFICATE_HEADER] != key.certificate_header:
        return (
            f"{CERTIFICATE_HEADER} is not the certificate registered for {key.name}; sign with "
            "your own key"
        )
    body_hash = content_hash(request.body)
    if values[CONTENT_HASH_HEADER] != body_hash:
        return (
            f"{CONTENT_HASH_HEADER} is not base64(SHA-256) of the body received: the body was "
            "changed after signing"
        )
    date = values[SIGNATURE_DATE_HEADER]
    assert date is not None  # checked by ``missing`` above
    signature = values[SIGNATURE_HEADER]
    assert signature is not None
    if not key.verifies(string_to_sign(request.method, request.url, date, body_hash), signature):
        return (
            f"{SIGNATURE_HEADER} does not verify over METHOD;lowercase(url);signatureDate;"
            f"contentHash with the certificate registered for {key.name}"
        )
    return None
