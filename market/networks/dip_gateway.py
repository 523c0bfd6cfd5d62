"""The DIP's front door: who may send what, signatures, size and rate limits, level-1 rules.

The broker hands every DIP submission to :meth:`DipGateway.admit` and acts on
the answer: an :class:`Admission` (each envelope of the body with its own
verdict) or a :class:`GatewayRejection` of the whole request, carrying the
registered code, the HTTP status and the rule broken. The gateway is plain
Python over the directory and the routing table, so every rule is tested
without a broker or an event loop.

The checks, in the order the DIP makes them:

1. authentication: the sender must hold a DIP ID (the mutual-TLS identity);
2. rate: a token bucket per sender on virtual time (429);
3. the request: method ``POST`` (405) and a ``/dip-channel/IF-nnn`` URL (404);
4. size: bodies over the limit are refused unread (413);
5. signature (when signing is on): the headers verify against the sender's
   registered certificate (401);
6. schema: the body parses to envelopes (400, ``MSG1001`` with the JSON path);
7. per envelope: known interface and event, ``senderDIPID`` and
   ``senderRoleID`` are the authenticated sender's, the role may send the
   interface, the sender reference is new, primary recipients exist.

Typed envelopes come from the sender's context, which renders and signs them
(when signing is on) exactly as an HTTP client would, so the DIP verifies the
same bytes either way.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from market.kernel.directory import Directory
from market.kernel.exceptions import ScenarioError
from market.messages.dip import (
    SCHEMA_FAILURE,
    DipEnvelope,
    EnvelopeError,
    ResponseCode,
    parse_body,
    render_body,
)
from market.messages.dip.codes import (
    DUPLICATE_SENDER_UNIQUE_REFERENCE,
    METHOD_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    SENDER_DIP_ID_MISMATCH,
    SENDER_NOT_AUTHORISED,
    SIGNATURE_INVALID,
    TOO_MANY_REQUESTS,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERFACE_OR_EVENT_CODE,
    UNKNOWN_MPAN,
    UNKNOWN_RECIPIENT,
    UNKNOWN_SENDER,
)
from market.messages.dip.signing import (
    DEFAULT_SCHEME,
    DIP_KEY_NAME,
    KeyRing,
    PartyCertificate,
    PartyKey,
    shared_key_ring,
    sign_request,
    verification_problem,
)
from market.messages.dip.transport import DipRequest, callback_url, channel_of, channel_url
from market.networks.dip_defences import DEFAULT_DEFENCES, DipDefences, RateLimit
from market.networks.dip_routing import Route

#: What a participant may hand the broker for the DIP.
DipSubmission = DipEnvelope | DipRequest | bytes | str


@attrs.frozen(kw_only=True, slots=True)
class GatewayRejection:
    """The DIP refusing a request or one envelope of it: code, HTTP status, rule.

    ``path`` is the JSON path of a schema failure; ``envelope`` the refused
    message when the DIP could read it; ``level`` 1 for the synchronous
    answer, 2 for the DIP's later rules.
    """

    code: ResponseCode
    rule: str
    path: str | None = None
    envelope: DipEnvelope | None = None
    level: int = 1

    @property
    def http_status(self) -> int:
        """The HTTP status the DIP answers with (400 unless the code says otherwise)."""
        return self.code.http_status or 400


@attrs.frozen(kw_only=True, slots=True)
class EnvelopeVerdict:
    """One envelope of an admitted body and, if it failed a level-1 rule, why."""

    envelope: DipEnvelope
    rejection: GatewayRejection | None = None


@attrs.frozen(kw_only=True, slots=True)
class Admission:
    """A request the DIP read: each envelope in body order with its verdict."""

    verdicts: tuple[EnvelopeVerdict, ...]

    @property
    def accepted(self) -> tuple[DipEnvelope, ...]:
        """The envelopes that passed every level-1 rule."""
        return tuple(v.envelope for v in self.verdicts if v.rejection is None)


@attrs.frozen(kw_only=True, slots=True)
class GatewayStatistics:
    """How many signatures the gateway made and checked, for cost reports."""

    signed: int
    verified: int


@attrs.define
class _Bucket:
    tokens: float
    updated_at: datetime


class DipGateway:
    """The DIP's level-1 defences and its signing of publications; see the module docstring."""

    def __init__(
        self,
        *,
        directory: Directory,
        routes: Mapping[tuple[str, str], Route],
        defences: DipDefences = DEFAULT_DEFENCES,
        key_ring: KeyRing | None = None,
        known_mpans: Container[str] | None = None,
        register_lags: Mapping[str, timedelta] | None = None,
        dip_key: PartyKey | None = None,
    ) -> None:
        """``known_mpans``: the MPANs in the DIP's register (``None``: every MPAN).

        ``register_lags``: MPANs whose register entry lags (decision D15): the
        register learns each only this long after the DIP first judges a message
        about it, and refuses (level 2) what arrives before then.
        """
        self.directory = directory
        self.routes = routes
        self.defences = defences
        scheme = defences.scheme
        if key_ring is not None and scheme is not None and key_ring.scheme != scheme:
            raise ScenarioError(
                f"the DIP signs in the {scheme} scheme but was given a key ring of "
                f"{key_ring.scheme} keys; make the ring with KeyRing({scheme!r})"
            )
        self.key_ring = (
            key_ring if key_ring is not None else shared_key_ring(scheme or DEFAULT_SCHEME)
        )
        self.known_mpans = known_mpans
        self.register_lags = dict(register_lags or {})
        self._register_learns_at: dict[str, datetime] = {}
        self._dip_key = dip_key
        self._used_references: set[tuple[str, str]] = set()
        self._buckets: dict[str, _Bucket] = {}
        self._signed = 0
        self._verified = 0
        #: Certificates registered by real systems joining over HTTP (``market serve``), by
        #: DIP ID: their requests are verified against these, in RSA, whatever the run's scheme.
        self.certificates: dict[str, PartyCertificate] = {}
        #: Rate limits of particular senders (participant ids), in place of the defences' own.
        self.rate_limits: dict[str, RateLimit] = {}

    def statistics(self) -> GatewayStatistics:
        """A frozen snapshot of the signing counters."""
        return GatewayStatistics(signed=self._signed, verified=self._verified)

    # ------------------------------------------------------------- admission

    def admit(
        self, sender: str, submission: DipSubmission, *, at: datetime
    ) -> Admission | GatewayRejection:
        """Judge one submission from participant ``sender`` at virtual instant ``at``."""
        typed = submission if isinstance(submission, DipEnvelope) else None
        dip_id = self.directory.identity(sender).dip_id
        if dip_id is None:
            return GatewayRejection(
                code=UNKNOWN_SENDER,
                envelope=typed,
                rule=f"{sender} holds no DIP ID, so the DIP cannot authenticate it; only DIP "
                "users may submit (send legacy flows on the DTN)",
            )
        limited = self._rate_limited(sender, at, typed)
        if limited is not None:
            return limited
        if isinstance(submission, DipRequest):
            return self._admit_request(sender, dip_id, submission, at)
        if isinstance(submission, DipEnvelope):
            return self._admit_envelope(sender, dip_id, submission, at)
        return self._admit_body(sender, dip_id, submission, at)

    def _admit_envelope(
        self, sender: str, dip_id: str, envelope: DipEnvelope, at: datetime
    ) -> Admission | GatewayRejection:
        envelopes = [envelope]
        if self.defences.scheme is not None:
            # Only a signed envelope is rendered: with signing off a typed envelope never
            # becomes bytes, so there is nothing to measure against the size limit.
            body = render_body(envelopes)
            problem = self._size_problem(body, envelope) or self._signed_round_trip(
                dip_id, body, envelopes, at
            )
            if problem is not None:
                return problem
        return self._judge(sender, envelopes)

    def _admit_body(
        self, sender: str, dip_id: str, raw: bytes | str, at: datetime
    ) -> Admission | GatewayRejection:
        body = raw.encode("utf-8") if isinstance(raw, str) else raw
        parsed = self._size_problem(body) or self._parse(body)
        if isinstance(parsed, GatewayRejection):
            return parsed
        if self.defences.scheme is not None:
            problem = self._signed_round_trip(dip_id, body, parsed, at)
            if problem is not None:
                return problem
        return self._judge(sender, parsed)

    def _admit_request(
        self, sender: str, dip_id: str, request: DipRequest, at: datetime
    ) -> Admission | GatewayRejection:
        channel = self._channel_of(request)
        if isinstance(channel, GatewayRejection):
            return channel
        registered = self.certificates.get(dip_id)
        if registered is not None or self.defences.scheme is not None:
            self._verified += 1
            key = registered if registered is not None else self.key_ring.verifying_key(dip_id)
            problem = verification_problem(request, key)
            if problem is not None:
                return GatewayRejection(code=SIGNATURE_INVALID, rule=problem)
        parsed = self._parse(request.body)
        if isinstance(parsed, GatewayRejection):
            return parsed
        for index, envelope in enumerate(parsed):
            if envelope.interface_id != channel:
                return GatewayRejection(
                    code=UNKNOWN_INTERFACE_OR_EVENT_CODE,
                    path=f"$[{index}].payload.CommonBlock.S0.interfaceID",
                    envelope=envelope,
                    rule=f"{envelope.interface_id} posted to the {channel} channel; post each "
                    "interface to its own channel",
                )
        return self._judge(sender, parsed)

    def _channel_of(self, request: DipRequest) -> str | GatewayRejection:
        """The interface ``request`` posts to, or why the DIP refuses it unread."""
        if request.method.upper() != "POST":
            return GatewayRejection(
                code=METHOD_NOT_ALLOWED,
                rule=f"{request.method} is not allowed on a DIP channel; submit with POST",
            )
        channel = channel_of(request.url)
        if channel is None:
            return GatewayRejection(
                code=UNKNOWN_CHANNEL,
                rule=f"{request.url} is not a DIP channel; post to {channel_url('IF-nnn')}",
            )
        return self._size_problem(request.body) or channel

    def _rate_limited(
        self, sender: str, at: datetime, typed: DipEnvelope | None
    ) -> GatewayRejection | None:
        limit = self.defences.rate_limit
        if self.rate_limits:
            limit = self.rate_limits.get(sender, limit)
        if limit is None:
            return None
        bucket = self._buckets.get(sender)
        if bucket is None:
            bucket = self._buckets[sender] = _Bucket(tokens=limit.capacity, updated_at=at)
        elapsed = (at - bucket.updated_at).total_seconds()
        bucket.tokens = min(limit.capacity, bucket.tokens + elapsed * limit.per_second)
        bucket.updated_at = at
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        wait = (1.0 - bucket.tokens) / limit.per_second
        return GatewayRejection(
            code=TOO_MANY_REQUESTS,
            envelope=typed,
            rule=f"{sender} sent more than {limit.requests} requests per "
            f"{limit.per.total_seconds():g} s; retry after {wait:.3f} s",
        )

    def _size_problem(
        self, body: bytes, typed: DipEnvelope | None = None
    ) -> GatewayRejection | None:
        limit = self.defences.max_payload_bytes
        if len(body) <= limit:
            return None
        return GatewayRejection(
            code=PAYLOAD_TOO_LARGE,
            envelope=typed,
            rule=f"body is {len(body)} bytes, over the limit of {limit}; split it into "
            "several submissions",
        )

    @staticmethod
    def _parse(body: bytes) -> list[DipEnvelope] | GatewayRejection:
        try:
            return parse_body(body)
        except EnvelopeError as error:
            return GatewayRejection(code=SCHEMA_FAILURE, path=error.path, rule=error.rule)
        except (ValueError, TypeError, ArithmeticError, RecursionError) as error:
            # Defence in depth: whatever a body does to a parser, the DIP answers and goes on.
            return GatewayRejection(
                code=SCHEMA_FAILURE,
                path="$",
                rule=f"could not be read ({type(error).__name__}: {str(error)[:120]})",
            )

    def _signed_round_trip(
        self, dip_id: str, body: bytes, envelopes: Sequence[DipEnvelope], at: datetime
    ) -> GatewayRejection | None:
        """The sender's context signs what it posts; the DIP verifies it on arrival."""
        request = DipRequest(url=channel_url(envelopes[0].interface_id), body=body)
        signed = sign_request(request, self.key_ring.signing_key(dip_id), at)
        self._signed += 1
        self._verified += 1
        problem = verification_problem(signed, self.key_ring.verifying_key(dip_id))
        if problem is None:
            return None
        return GatewayRejection(code=SIGNATURE_INVALID, rule=problem, envelope=envelopes[0])

    def _judge(self, sender: str, envelopes: Sequence[DipEnvelope]) -> Admission:
        verdicts = []
        for envelope in envelopes:
            rejection = self.envelope_rejection(sender, envelope)
            if rejection is None:
                s1 = envelope.common.s1
                self._used_references.add((s1.sender_dip_id, s1.sender_unique_reference))
            verdicts.append(EnvelopeVerdict(envelope=envelope, rejection=rejection))
        return Admission(verdicts=tuple(verdicts))

    def envelope_rejection(self, sender: str, envelope: DipEnvelope) -> GatewayRejection | None:
        """The level-1 rule one envelope from authenticated ``sender`` breaks, or ``None``."""
        identity = self.directory.identity(sender)
        s1 = envelope.common.s1
        route = self.routes.get((envelope.interface_id, envelope.event_code))

        def reject(code: ResponseCode, rule: str) -> GatewayRejection:
            return GatewayRejection(code=code, rule=rule, envelope=envelope)

        if route is None:
            return reject(
                UNKNOWN_INTERFACE_OR_EVENT_CODE,
                f"{envelope.interface_id} {envelope.event_code} is not routed by this DIP",
            )
        if s1.sender_dip_id != identity.dip_id:
            return reject(
                SENDER_DIP_ID_MISMATCH,
                f"senderDIPID {s1.sender_dip_id} is not {identity.dip_id}, the DIP ID {sender} "
                "authenticated as; send under your own DIP ID",
            )
        if s1.sender_role_id != identity.role or identity.role not in route.sender_roles:
            allowed = ", ".join(sorted(route.sender_roles))
            return reject(
                SENDER_NOT_AUTHORISED,
                f"{sender} ({identity.role}, senderRoleID {s1.sender_role_id}) may not send "
                f"{envelope.interface_id} {envelope.event_code}; only {allowed} may",
            )
        if (s1.sender_dip_id, s1.sender_unique_reference) in self._used_references:
            return reject(
                DUPLICATE_SENDER_UNIQUE_REFERENCE,
                f"senderUniqueReference {s1.sender_unique_reference} was already used; give "
                "every submission a new one",
            )
        a0 = envelope.common.a0
        for dip_id in a0.primary_recipients if a0 is not None else ():
            if self.directory.by_dip_id(dip_id) is None:
                return reject(UNKNOWN_RECIPIENT, f"primary recipient {dip_id} is not a DIP user")
        return None

    # --------------------------------------------------------------- level 2

    def level_two_rejection(
        self, envelope: DipEnvelope, *, at: datetime
    ) -> GatewayRejection | None:
        """The DIP's asynchronous rule an accepted envelope breaks at ``at``, or ``None``.

        Modelled: the DIP's MPAN register (stage ``MPANUpdateQueue``) must know
        the MPAN, else the message cannot be addressed and is never published.
        An MPAN whose register update lags is known only from its lag after the
        first message about it (decision D15); until then the sender is told to
        resubmit later.
        """
        mpan = envelope.mpan_core
        if self.known_mpans is not None and mpan not in self.known_mpans:
            return GatewayRejection(
                code=UNKNOWN_MPAN,
                envelope=envelope,
                level=2,
                rule=f"MPAN {mpan} is not in the DIP's MPAN register; check the MPAN core in M0",
            )
        lag = self.register_lags.get(mpan)
        if lag is None:
            return None
        learns_at = self._register_learns_at.setdefault(mpan, at + lag)
        if at >= learns_at:
            return None
        return GatewayRejection(
            code=UNKNOWN_MPAN,
            envelope=envelope,
            level=2,
            rule=f"MPAN {mpan} is not yet in the DIP's MPAN register (its update waits in "
            f"MPANUpdateQueue until {learns_at.isoformat()}); resubmit it after then",
        )

    # ---------------------------------------------------------- publications

    def publication_problem(
        self, recipient_dip_id: str, publication_id: str, body: bytes, at: datetime
    ) -> str | None:
        """Sign a publication's webhook call as the DIP; the recipient verifies it on arrival.

        Returns the rule the recipient's check broke (a level-3 rejection), or
        ``None``. Only called when signing is on.
        """
        dip_key = self._dip_key or self.key_ring.signing_key(DIP_KEY_NAME)
        request = DipRequest(url=callback_url(recipient_dip_id, publication_id), body=body)
        signed = sign_request(request, dip_key, at)
        self._signed += 1
        self._verified += 1
        return verification_problem(signed, self.key_ring.verifying_key(DIP_KEY_NAME))
