"""Simulated onboarding: which participants real systems play, and the keys they sign with.

``--external ID=URL`` names a participant of the market and the base URL of the
system that plays it. Only DIP users can be played (the DIP must be able to
authenticate them); the system receives the participant's publications at
``URL``, its status messages at ``URL/statusmessage``, its D-flows at
``URL/dtn`` and its CSS messages at ``URL/css``.

``--keys DIR`` is where onboarding happens: for every external participant the
DIP trusts the certificate ``DIR/ID.cert.pem``. If the file is not there the
simulator makes an RSA key and a self-signed certificate and writes both
(``ID.key.pem``, ``ID.cert.pem``); a user who brings their own certificate puts
it there first and keeps the key. The DIP's own certificate goes to
``DIR/dip.cert.pem`` and, once the DIP listens, the market's directory (with the DIP's
URL) to ``DIR/market.json``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from market.kernel.exceptions import UsageError
from market.kernel.ids import Role
from market.messages.dip.signing import SigningKey, VerifyingKey
from market.participant import Participant, ParticipantIdentity
from market.process.population import MeteringPoint

#: Roles that serve every MPAN of the market (a GSP group's or the whole country's).
_MARKET_WIDE: Final = frozenset(
    {
        Role.REGISTRATION_SERVICE,
        Role.LDSO,
        Role.MARKETWIDE_DATA_SERVICE,
        Role.LOAD_SHAPING_SERVICE,
        Role.ELECTRICITY_ENQUIRY_SERVICE,
        Role.METER_DATA_RETRIEVER,
    }
)
_ID: Final = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@attrs.frozen(kw_only=True)
class External:
    """One participant played by a real system: who it is, where it listens, what it signs with."""

    identity: ParticipantIdentity
    callback_url: str
    certificate: VerifyingKey

    @property
    def participant_id(self) -> str:
        """The participant id the system plays."""
        return self.identity.participant_id

    @property
    def dip_id(self) -> str:
        """Its DIP ID (every external participant has one)."""
        assert self.identity.dip_id is not None  # checked by ``externals_of``
        return self.identity.dip_id


def parse_external(text: str) -> tuple[str, str]:
    """``ID=URL`` → ``(id, url)``; refuses anything else naming the rule broken."""
    pid, sep, url = text.partition("=")
    pid, url = pid.strip(), url.strip().rstrip("/")
    if not sep or not _ID.fullmatch(pid):
        raise UsageError(
            f"--external {text!r}: write PARTICIPANT_ID=CALLBACK_URL, e.g. "
            "LDSO-19=http://127.0.0.1:8081"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--external {text!r}: the callback URL must be http:// or https:// with a host, "
            f"got {url!r}"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"--external {text!r}: the callback URL may not carry a query or fragment")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        raise UsageError(f"--external {text!r}: {error}") from error
    return pid, url


def check_playable(participants: Sequence[Participant], pid: str) -> ParticipantIdentity:
    """The identity of ``pid`` if a real system may play it; exit 2 otherwise."""
    by_id = {p.participant_id: p.identity for p in participants}
    identity = by_id.get(pid)
    if identity is None:
        users = ", ".join(sorted(p for p, i in by_id.items() if i.dip_id is not None))
        raise UsageError(f"--external {pid}: no such participant; the DIP users are {users}")
    if identity.dip_id is None:
        raise UsageError(
            f"--external {pid}: a {identity.role} is not a DIP user (it has no DIP ID), so "
            "it cannot join over the DIP's API; play a DIP user"
        )
    return identity


def mpans_of(identity: ParticipantIdentity, population: Iterable[MeteringPoint]) -> list[str]:
    """The MPANs ``identity`` serves: as supplier, data or metering service, or market-wide."""
    if identity.role in _MARKET_WIDE:
        return sorted(point.mpan_core for point in population)
    served = []
    for point in population:
        services = (point.data_service, point.metering_service)
        if (identity.role == Role.SUPPLIER and point.supplier_mpid == identity.mpid) or any(
            s is not None and s.dip_id == identity.dip_id for s in services
        ):
            served.append(point.mpan_core)
    return sorted(served)


def _pem_certificate_header(pem: bytes) -> str:
    return base64.b64encode(pem).decode("ascii")


def load_certificate(path: Path, name: str) -> VerifyingKey:
    """The RSA certificate in ``path``, registered for ``name``; exit 2 if it is not one."""
    try:
        pem = path.read_bytes()
        certificate = x509.load_pem_x509_certificate(pem)
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: not a readable PEM certificate ({error})") from error
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise UsageError(f"{path}: the DIP signs with RSA; this certificate holds another key type")
    return VerifyingKey(
        name=name, public_key=public_key, certificate_header=_pem_certificate_header(pem)
    )


def certificate_of_header(header: str, name: str) -> VerifyingKey:
    """The registered certificate an ``X-DIP-Signature-Certificate`` value carries (for replay)."""
    pem = base64.b64decode(header, validate=True)
    certificate = x509.load_pem_x509_certificate(pem)
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ValueError("not an RSA certificate")
    return VerifyingKey(name=name, public_key=public_key, certificate_header=header)


def _write_key(key: SigningKey, key_path: Path, cert_path: Path) -> None:
    key_path.write_bytes(
        key.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(base64.b64decode(key.certificate_header))


def onboard(
    keys_dir: Path,
    playing: Mapping[str, str],
    participants: Sequence[Participant],
    population: Sequence[MeteringPoint],
    dip_key: SigningKey,
) -> tuple[External, ...]:
    """Check every ``--external``, make or read its certificate, write the DIP's and market.json."""
    if not keys_dir.is_dir():
        try:
            keys_dir.mkdir(parents=True)
        except OSError as error:
            raise UsageError(f"--keys {keys_dir}: cannot create it ({error.strerror})") from error
    externals = []
    for pid, url in sorted(playing.items()):
        identity = check_playable(participants, pid)
        cert_path = keys_dir / f"{pid}.cert.pem"
        if not cert_path.exists():
            _write_key(
                SigningKey.generate(identity.dip_id or pid), keys_dir / f"{pid}.key.pem", cert_path
            )
        certificate = load_certificate(cert_path, identity.dip_id or pid)
        externals.append(External(identity=identity, callback_url=url, certificate=certificate))
    (keys_dir / "dip.cert.pem").write_bytes(base64.b64decode(dip_key.certificate_header))
    return tuple(externals)


def write_directory(
    path: Path,
    externals: Sequence[External],
    participants: Sequence[Participant],
    population: Sequence[MeteringPoint],
    *,
    dip_url: str,
) -> None:
    """``market.json``: the DIP's URL, every participant, and each external one's callback
    URL and MPANs."""
    played = {e.participant_id: e for e in externals}
    entries: list[dict[str, Any]] = []
    for participant in sorted(participants, key=lambda p: p.participant_id):
        identity = participant.identity
        entry: dict[str, Any] = {
            "id": identity.participant_id,
            "role": str(identity.role),
            "dip_id": identity.dip_id,
            "mpid": identity.mpid,
            "name": identity.name,
        }
        external = played.get(identity.participant_id)
        if external is not None:
            entry["external"] = True
            entry["callback_url"] = external.callback_url
            entry["mpans"] = mpans_of(identity, population)
        entries.append(entry)
    directory = {"dip_url": dip_url, "participants": entries}
    path.write_text(json.dumps(directory, indent=2) + "\n", encoding="utf-8")


def market_fingerprint(
    participants: Sequence[Participant], population: Sequence[MeteringPoint]
) -> str:
    """A short digest of who is in the market and which MPANs it holds.

    Journalled at onboarding, so a replay can tell that the market it rebuilt
    from the recorded arguments is the market that was recorded.
    """
    sha = hashlib.sha256()
    for pid in sorted(p.participant_id for p in participants):
        sha.update(pid.encode() + b"\n")
    for mpan in sorted(point.mpan_core for point in population):
        sha.update(mpan.encode() + b"\n")
    return sha.hexdigest()[:16]
