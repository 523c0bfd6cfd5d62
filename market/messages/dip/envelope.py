"""The DIP envelope: CommonBlock S0/S1/A0/D0/M0 (and R0) plus a CustomBlock (brief e.2).

Inside the simulator an envelope is a tree of frozen attrs values whose
validators enforce the v2.2.1 field rules; at the edges it is the JSON the DIP
really carries. :func:`render_body` and :func:`parse_body` convert the HTTP
body, a JSON array of ``{"payload": {"CommonBlock": ..., "CustomBlock": ...}}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import attrs
import msgspec

from market.boundary import DIP_BODY, InputError, InputLimits, decode_json
from market.kernel.exceptions import EnvelopeError
from market.kernel.ids import check_dip_id, check_gsp_group, check_mpan_core
from market.messages.dip.catalogue import CUSTOM_BLOCKS, CustomBlock, event_codes_of
from market.messages.dip.field_rules import FieldRuleError, json_type
from market.messages.dip.fields import wire_datetime, wire_flag, wire_text, wire_text_list
from market.messages.dip.formats import dip_id_text
from market.messages.dip.outcome import R0, r0_rule
from market.messages.dip.references import (
    MAX_CORRELATION_ID,
    MAX_SENDER_UNIQUE_REFERENCE,
    MAX_TRANSACTION_ID,
    SENDER_UNIQUE_REFERENCE_PATTERN,
    SENDER_UNIQUE_REFERENCE_SHAPE,
)
from market.messages.dip.wire import check_object, from_wire, to_wire, wire_block

#: DI-991 environments; the simulator's own messages say ``SIT``.
ENVIRONMENT_TAGS: Final = ("PRD", "SITB", "SIT", "UIT", "DEV")

#: DI-992 schema versions; v2.2.1 of the DIP API knows only ``011``.
SCHEMA_VERSIONS: Final = ("011",)


@attrs.frozen(kw_only=True)
class S0:
    """What a message is: interface, schema version and event code."""

    interface_id: str = attrs.field(
        validator=wire_text("interfaceID", pattern=r"^IF-\d{3}$", shape="e.g. 'IF-003'")
    )
    schema_version: str = attrs.field(
        default="011", validator=wire_text("schemaVersion", choices=SCHEMA_VERSIONS)
    )
    event_code: str = attrs.field(
        validator=wire_text(
            "eventCode",
            pattern=r"^\[[A-Za-z0-9]+\]$",
            shape="one code in square brackets, e.g. '[DSDeAppRM]'",
        )
    )

    @classmethod
    def for_block(cls, block: type[CustomBlock]) -> S0:
        """The S0 of a message whose CustomBlock is a ``block``."""
        return cls(interface_id=block.interface_id, event_code=block.event_code)


@attrs.frozen(kw_only=True)
class S1:
    """Who sent a message, when, and under which unique reference.

    Every S1 key is required on the wire; the optional ones are sent as ``null``.
    """

    environment_tag: str = attrs.field(
        validator=wire_text("environmentTag", choices=ENVIRONMENT_TAGS)
    )
    sub_text: str | None = attrs.field(
        validator=wire_text("subText", min_length=1, max_length=500, nullable=True)
    )
    sender_unique_reference: str = attrs.field(
        validator=wire_text(
            "senderUniqueReference",
            min_length=1,
            max_length=MAX_SENDER_UNIQUE_REFERENCE,
            pattern=SENDER_UNIQUE_REFERENCE_PATTERN,
            shape=SENDER_UNIQUE_REFERENCE_SHAPE,
        )
    )
    sender_timestamp: datetime = attrs.field(validator=wire_datetime("senderTimestamp"))
    sender_dip_id: str = attrs.field(validator=dip_id_text("senderDIPID"))
    sender_role_id: str = attrs.field(
        validator=wire_text("senderRoleID", min_length=3, max_length=5)
    )
    sender_correlation_id: str | None = attrs.field(
        validator=wire_text("senderCorrelationID", max_length=MAX_CORRELATION_ID, nullable=True)
    )
    dip_connection_provider_id: str | None = attrs.field(
        validator=dip_id_text("DIPConnectionProviderID", nullable=True)
    )


@attrs.frozen(kw_only=True)
class A0:
    """Addressing: the sender's primary recipients, and those the DIP adds on publication."""

    primary_recipients: tuple[str, ...] = attrs.field(
        validator=wire_text_list("primaryRecipients", length=10, check=check_dip_id, min_items=1)
    )
    secondary_recipients: tuple[str, ...] = attrs.field(
        default=(),
        validator=wire_text_list("secondaryRecipients", length=10, check=check_dip_id),
    )
    always: tuple[str, ...] = attrs.field(
        default=(), validator=wire_text_list("always", length=10, check=check_dip_id)
    )


@attrs.frozen(kw_only=True)
class D0:
    """What the DIP stamps on a message it accepted and publishes."""

    transaction_id: str = attrs.field(
        validator=wire_text("transactionID", min_length=1, max_length=MAX_TRANSACTION_ID)
    )
    transaction_timestamp: datetime = attrs.field(validator=wire_datetime("transactionTimestamp"))
    publication_id: str = attrs.field(
        validator=wire_text(
            "publicationID",
            min_length=7,
            max_length=8,
            pattern=r"^PUB-\d{3}[A-B]?$",
            shape="e.g. 'PUB-003'",
        )
    )
    initial_correlation_id: str | None = attrs.field(
        validator=wire_text("initialCorrelationID", max_length=MAX_CORRELATION_ID, nullable=True)
    )
    replay_indicator: bool = attrs.field(validator=wire_flag("replayIndicator"))
    service_ticket_url: str | None = attrs.field(
        validator=wire_text("serviceTicketURL", max_length=250, nullable=True)
    )


@attrs.frozen(kw_only=True)
class M0:
    """The MPAN a message is about, with its distributor and GSP group."""

    mpan_core: str = attrs.field(validator=wire_text("MPANCore", length=13, check=check_mpan_core))
    distributor_dip_id: str = attrs.field(validator=dip_id_text("distributorDIPID"))
    gsp_group_id: str = attrs.field(validator=wire_text("GSPGroupID", check=check_gsp_group))


@attrs.frozen(kw_only=True)
class CommonBlock:
    """The blocks every message carries; A0 and D0 may be absent on submission.

    R0 is present exactly on the interfaces whose composition has it (see
    :data:`~market.messages.dip.outcome.R0_INTERFACES`); :class:`DipEnvelope` checks that
    against S0.
    """

    s0: S0 = attrs.field(validator=wire_block("S0", S0))
    s1: S1 = attrs.field(validator=wire_block("S1", S1))
    a0: A0 | None = attrs.field(default=None, validator=wire_block("A0", A0, omittable=True))
    d0: D0 | None = attrs.field(default=None, validator=wire_block("D0", D0, omittable=True))
    m0: M0 = attrs.field(validator=wire_block("M0", M0))
    r0: R0 | None = attrs.field(default=None, validator=wire_block("R0", R0, omittable=True))


@attrs.frozen(kw_only=True)
class DipEnvelope:
    """One DIP message: its CommonBlock and the CustomBlock its S0 calls for.

    The CustomBlock's class must be the one :data:`CUSTOM_BLOCKS` lists for
    ``S0``'s interface and event code, so the two can never disagree; likewise
    R0 is present exactly when S0's interface carries it.
    """

    common: CommonBlock = attrs.field()
    custom: CustomBlock = attrs.field()

    @common.validator
    def _check_common(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, CommonBlock):
            raise FieldRuleError(
                DipEnvelope, attribute.name, f"must be a CommonBlock, got {type(value).__name__}"
            )
        rule = r0_rule(value.s0.interface_id, value.r0)
        if rule is not None:
            raise FieldRuleError(DipEnvelope, attribute.name, f"R0 {rule}")

    @custom.validator
    def _check_custom(self, attribute: attrs.Attribute[Any], value: object) -> None:
        s0 = self.common.s0
        expected = CUSTOM_BLOCKS.get((s0.interface_id, s0.event_code))
        if expected is None:
            raise FieldRuleError(DipEnvelope, attribute.name, _unmodelled_event_rule(s0))
        if type(value) is not expected:
            raise FieldRuleError(
                DipEnvelope,
                attribute.name,
                f"must be a {expected.__name__} for {s0.interface_id} {s0.event_code}, "
                f"got {type(value).__name__}",
            )

    @property
    def interface_id(self) -> str:
        """S0 ``interfaceID``, e.g. ``IF-003``."""
        return self.common.s0.interface_id

    @property
    def event_code(self) -> str:
        """S0 ``eventCode``, brackets included, e.g. ``[DSDeAppRM]``."""
        return self.common.s0.event_code

    @property
    def mpan_core(self) -> str:
        """M0 ``MPANCore``."""
        return self.common.m0.mpan_core

    @property
    def sender_dip_id(self) -> str:
        """S1 ``senderDIPID``."""
        return self.common.s1.sender_dip_id

    @property
    def publication_id(self) -> str | None:
        """D0 ``publicationID`` once the DIP has published the message, else ``None``."""
        d0 = self.common.d0
        return d0.publication_id if d0 is not None else None

    def published(self, d0: D0, secondary: Sequence[str], always: Sequence[str]) -> DipEnvelope:
        """This message as the DIP publishes it: D0 stamped, A0 secondary and always filled in."""
        a0 = self.common.a0
        if a0 is None:
            raise EnvelopeError(
                "$.CommonBlock.A0",
                "required to publish: the DIP routes on primaryRecipients, so a message "
                "without A0 cannot be published",
            )
        a0 = attrs.evolve(a0, secondary_recipients=tuple(secondary), always=tuple(always))
        return attrs.evolve(self, common=attrs.evolve(self.common, a0=a0, d0=d0))


def _unmodelled_event_rule(s0: S0) -> str:
    known = event_codes_of(s0.interface_id)
    if not known:
        return f"no event of interface {s0.interface_id} is modelled (event code {s0.event_code})"
    return f"unknown event code {s0.event_code} for {s0.interface_id} (known: {', '.join(known)})"


def render_envelope(envelope: DipEnvelope) -> dict[str, object]:
    """The ``payload`` object of ``envelope``: ``{"CommonBlock": ..., "CustomBlock": ...}``."""
    return {"CommonBlock": to_wire(envelope.common), "CustomBlock": to_wire(envelope.custom)}


_PAYLOAD_KEYS: Final = ("CommonBlock", "CustomBlock")
_ITEM_KEYS: Final = ("payload",)


def parse_envelope(data: object, path: str = "$") -> DipEnvelope:
    """Parse one ``payload`` object found at JSON path ``path``.

    S0 chooses the CustomBlock class; an unmodelled interface and event code
    pair is reported at ``….CommonBlock.S0.eventCode``, an R0 the interface
    does not carry (or lacks) at ``….CommonBlock.R0``.
    """
    payload = check_object(data, _PAYLOAD_KEYS, path)
    common = from_wire(CommonBlock, payload["CommonBlock"], f"{path}.CommonBlock")
    s0 = common.s0
    custom_class = CUSTOM_BLOCKS.get((s0.interface_id, s0.event_code))
    if custom_class is None:
        raise EnvelopeError(f"{path}.CommonBlock.S0.eventCode", _unmodelled_event_rule(s0))
    rule = r0_rule(s0.interface_id, common.r0)
    if rule is not None:
        raise EnvelopeError(f"{path}.CommonBlock.R0", rule)
    publication = "PUB-" + s0.interface_id.removeprefix("IF-")
    if common.d0 is not None and common.d0.publication_id != publication:
        raise EnvelopeError(
            f"{path}.CommonBlock.D0.publicationID",
            f"{common.d0.publication_id!r} does not match interface {s0.interface_id}: "
            f"the DIP publishes it as {publication}",
        )
    custom = from_wire(custom_class, payload["CustomBlock"], f"{path}.CustomBlock")
    return DipEnvelope(common=common, custom=custom)


#: The encoded CustomBlocks rendered last, by identity (see :func:`_encoded_custom`).
_ENCODED_CUSTOM: dict[int, tuple[CustomBlock, msgspec.Raw]] = {}
#: How many encoded CustomBlocks are kept: enough for one broker call's publications.
_ENCODED_CUSTOM_KEPT: Final = 512


def _encoded_custom(custom: CustomBlock) -> msgspec.Raw:
    """``custom`` encoded as JSON, encoded once for the submission and all its publications.

    A publication carries its submission's CustomBlock object unchanged (only the
    CommonBlock gains D0 and A0), so the bytes are kept by the object's identity
    (the object is kept too, so its id cannot be reused while cached).
    """
    cached = _ENCODED_CUSTOM.get(id(custom))
    if cached is not None and cached[0] is custom:
        return cached[1]
    if len(_ENCODED_CUSTOM) >= _ENCODED_CUSTOM_KEPT:
        _ENCODED_CUSTOM.clear()
    raw = msgspec.Raw(msgspec.json.encode(to_wire(custom)))
    _ENCODED_CUSTOM[id(custom)] = (custom, raw)
    return raw


def render_body(envelopes: Sequence[DipEnvelope]) -> bytes:
    """The HTTP body that submits or publishes ``envelopes``: ``[{"payload": ...}, ...]``.

    The same bytes as encoding :func:`render_envelope` of each (a test checks it).
    """
    if not envelopes:
        raise EnvelopeError("$", "must have at least 1 item, got 0 (a DIP body is never empty)")
    return msgspec.json.encode(
        [
            {
                "payload": {
                    "CommonBlock": to_wire(envelope.common),
                    "CustomBlock": _encoded_custom(envelope.custom),
                }
            }
            for envelope in envelopes
        ]
    )


def parse_body(body: bytes | str, limits: InputLimits = DIP_BODY) -> list[DipEnvelope]:
    """The envelopes of a DIP HTTP body, or an :class:`EnvelopeError` at the first broken rule.

    The body crosses the input boundary first (:mod:`market.boundary`): size, depth,
    string, array and number limits.
    """
    try:
        data = decode_json(body, limits)
    except InputError as error:
        raise EnvelopeError(error.path, error.rule) from None
    if not isinstance(data, list):
        raise EnvelopeError("$", f"must be an array, got {json_type(data)}")
    if not data:
        raise EnvelopeError("$", "must have at least 1 item, got 0")
    envelopes = []
    for index, item in enumerate(data):
        path = f"$[{index}]"
        envelopes.append(
            parse_envelope(check_object(item, _ITEM_KEYS, path)["payload"], f"{path}.payload")
        )
    return envelopes
