"""The D-flow base class, its JSON codec and the registry of flow types.

Each flow class declares its data items as typed attrs fields. ``flow_type``
reads those types once, when the class is defined, and stores an encoder and a
decoder per item on the class, so rendering and parsing a flow never reflect on
an instance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, ClassVar, Final, TypeVar

import attrs

from market.kernel.ids import Role
from market.messages.dtn._checks import FlowError
from market.messages.dtn._header import Address, FlowHeader, check_header
from market.messages.trust import validated

#: Turns a field value into its JSON-ready form.
Encoder = Callable[[Any], object]
#: Turns a JSON value back into a field value; the second argument names the field for errors.
Decoder = Callable[[object, str], object]


@attrs.frozen(slots=True)
class DFlow:
    """One D-flow sent over the DTN: the header every flow carries, plus its data items.

    The header (a :class:`FlowHeader`, the one positional argument) says who
    sends it to whom, in which role, about which metering point; its parts
    read as ``flow.from_mpid``, ``flow.to_role``, ``flow.mpan_core``.
    Subclasses are named by their flow id, add the flow's data items as
    keyword-only fields and are registered with ``flow_type``.
    """

    #: The Data Transfer Catalogue's id of the flow, e.g. ``"D0155"``.
    flow_id: ClassVar[str]
    #: The flow's name in the Data Transfer Catalogue.
    flow_name: ClassVar[str]
    #: Who usually sends it to whom (domain brief f.3); documentation only, never enforced.
    typical_direction: ClassVar[str]
    _item_codecs: ClassVar[tuple[tuple[str, Encoder, Decoder], ...]] = ()
    _item_names: ClassVar[tuple[str, ...]] = ()
    _required_items: ClassVar[frozenset[str]] = frozenset()

    header: FlowHeader = attrs.field(validator=check_header)

    @property
    def from_mpid(self) -> str:
        """The sender's MPID."""
        return self.header.from_mpid

    @property
    def from_role(self) -> Role:
        """The role the sender sends in."""
        return self.header.from_role

    @property
    def to_mpid(self) -> str:
        """The recipient's MPID."""
        return self.header.to_mpid

    @property
    def to_role(self) -> Role:
        """The role the flow is addressed to."""
        return self.header.to_role

    @property
    def mpan_core(self) -> str:
        """The metering point the flow is about."""
        return self.header.mpan_core

    @property
    def sender(self) -> Address:
        """Who sent the flow: the address to answer it to."""
        return self.header.sender

    def items(self) -> dict[str, object]:
        """The flow's own data items (not the header), JSON-ready, for the journal.

        Dates become ISO strings, roles their codes and tuples lists.
        """
        return {name: encode(getattr(self, name)) for name, encode, _ in self._item_codecs}


_HEADER_FIELDS: Final = frozenset(attribute.name for attribute in attrs.fields(DFlow))
_REGISTRY: dict[str, type[DFlow]] = {}

#: Every registered flow class, by flow id.
FLOW_TYPES: Final[Mapping[str, type[DFlow]]] = MappingProxyType(_REGISTRY)


def _unchanged(value: object) -> object:
    return value


def _decoded_unchanged(value: object, field: str) -> object:
    # The field's validator judges the value when the flow is built.
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _encode_date(value: date) -> str:
    return value.isoformat()


def _decode_date(value: object, field: str) -> date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise FlowError(field, f"must be an ISO calendar date 'YYYY-MM-DD', got {value!r}")


def _encode_role(value: Role) -> str:
    return value.value


_ROLE_CODE_LIST: Final = ", ".join(role.value for role in Role)


def _decode_role(value: object, field: str) -> Role:
    if isinstance(value, str):
        try:
            return Role(value)
        except ValueError:
            pass
    raise FlowError(field, f"must be a role code, one of {_ROLE_CODE_LIST}; got {value!r}")


def _encode_optional_role(value: Role | None) -> str | None:
    return None if value is None else value.value


def _decode_optional_role(value: object, field: str) -> Role | None:
    return None if value is None else _decode_role(value, field)


def _encode_tuple(value: tuple[object, ...]) -> list[object]:
    return list(value)


def _decode_tuple(value: object, field: str) -> tuple[object, ...]:
    if not isinstance(value, list):
        raise FlowError(field, f"must be a JSON array, got {value!r}")
    return tuple(value)


def _encode_pairs(value: tuple[tuple[object, ...], ...]) -> list[list[object]]:
    return [list(pair) for pair in value]


def _decode_pairs(value: object, field: str) -> tuple[object, ...]:
    # An element that is not an array is kept as it is, for the validator to refuse.
    return tuple(
        tuple(pair) if isinstance(pair, list) else pair for pair in _decode_tuple(value, field)
    )


_CODECS: Final[Mapping[object, tuple[Encoder, Decoder]]] = {
    str: (_unchanged, _decoded_unchanged),
    str | None: (_unchanged, _decoded_unchanged),
    bool: (_unchanged, _decoded_unchanged),
    int: (_unchanged, _decoded_unchanged),
    date: (_encode_date, _decode_date),
    Role: (_encode_role, _decode_role),
    Role | None: (_encode_optional_role, _decode_optional_role),
    tuple[str, ...]: (_encode_tuple, _decode_tuple),
    tuple[tuple[str, str], ...]: (_encode_pairs, _decode_pairs),
    tuple[tuple[int, str], ...]: (_encode_pairs, _decode_pairs),
}

_Flow = TypeVar("_Flow", bound=type[DFlow])


def flow_type(cls: _Flow) -> _Flow:
    """Register a flow class by its flow id and give it the codec of its data items.

    Apply it above ``@attrs.frozen`` so it sees the final (slotted) class.
    """
    flow_id = cls.__dict__.get("flow_id")
    if flow_id != cls.__name__:
        raise TypeError(f"{cls.__name__}: a flow class is named by its flow_id, got {flow_id!r}")
    if not cls.__dict__.get("flow_name") or not cls.__dict__.get("typical_direction"):
        raise TypeError(f"{cls.__name__}: set the flow_name and typical_direction class variables")
    if flow_id in _REGISTRY:
        raise TypeError(f"{cls.__name__}: flow id {flow_id} is already registered")
    attrs.resolve_types(cls)
    codecs = []
    required = set()
    for attribute in attrs.fields(cls):
        if attribute.name in _HEADER_FIELDS:
            continue
        codec = _CODECS.get(attribute.type)
        if codec is None:
            raise TypeError(
                f"{cls.__name__}.{attribute.name}: no JSON codec for {attribute.type!r}; "
                f"use one of {', '.join(map(repr, _CODECS))}"
            )
        codecs.append((attribute.name, *codec))
        if attribute.default is attrs.NOTHING:
            required.add(attribute.name)
    cls._item_codecs = tuple(codecs)
    cls._item_names = tuple(name for name, _, _ in codecs)
    cls._required_items = frozenset(required)
    _REGISTRY[flow_id] = cls
    return cls


def render_flow(flow: DFlow) -> dict[str, object]:
    """``flow`` as the JSON-ready dict the journal records; ``parse_flow`` inverts it exactly."""
    return {
        "flow": flow.flow_id,
        "from": {"mpid": flow.from_mpid, "role": flow.from_role.value},
        "to": {"mpid": flow.to_mpid, "role": flow.to_role.value},
        "mpan": flow.mpan_core,
        "items": flow.items(),
    }


_RENDERED_KEYS: Final = ("flow", "from", "to", "mpan", "items")
_PARTY_KEYS: Final = ("mpid", "role")


def _json_object(value: object, field: str, keys: tuple[str, ...]) -> Mapping[str, object]:
    """``value`` if it is a JSON object with exactly ``keys``, else raise naming the odd key."""
    if not isinstance(value, Mapping):
        raise FlowError(field, f"must be a JSON object with keys {', '.join(keys)}, got {value!r}")
    for key in value:
        if key not in keys:
            raise FlowError(f"{field}.{key}", f"unknown key; expected exactly {', '.join(keys)}")
    for key in keys:
        if key not in value:
            raise FlowError(f"{field}.{key}", f"missing key; expected exactly {', '.join(keys)}")
    return value


def parse_flow(data: Mapping[str, object]) -> DFlow:
    """The flow that ``render_flow`` rendered as ``data``, validated like a newly built one.

    Raises ``FlowError`` naming the flow and field at the first broken rule:
    an unknown flow id, an unknown or missing key or data item, or a bad value.
    """
    if not isinstance(data, Mapping):
        raise FlowError("flow", f"a rendered flow must be a JSON object, got {data!r}")
    flow_id = data.get("flow")
    if not isinstance(flow_id, str) or flow_id not in _REGISTRY:
        raise FlowError(
            "flow", f"unknown flow id {flow_id!r}; known flows are {', '.join(sorted(_REGISTRY))}"
        )
    cls = _REGISTRY[flow_id]
    envelope = _json_object(data, flow_id, _RENDERED_KEYS)
    header: dict[str, Any] = {"mpan_core": envelope["mpan"]}
    for side in ("from", "to"):
        party = _json_object(envelope[side], f"{flow_id}.{side}", _PARTY_KEYS)
        header[f"{side}_mpid"] = party["mpid"]
        header[f"{side}_role"] = _decode_role(party["role"], f"{flow_id}.{side}_role")
    values: dict[str, Any] = {}
    items = envelope["items"]
    if not isinstance(items, Mapping):
        raise FlowError(f"{flow_id}.items", f"must be a JSON object, got {items!r}")
    for name in items:
        if name not in cls._item_names:
            raise FlowError(
                f"{flow_id}.{name}",
                f"unknown data item; {flow_id} carries {', '.join(cls._item_names)}",
            )
    for name, _, decode in cls._item_codecs:
        if name in items:
            values[name] = decode(items[name], f"{flow_id}.{name}")
        elif name in cls._required_items:
            raise FlowError(f"{flow_id}.{name}", "missing data item")
    with validated():  # parsed data is checked even when trusted code parses it
        return cls(FlowHeader(**header), **values)
