"""A small codec between frozen attrs values and the DIP's JSON shapes.

Each field of a wire class carries its rule as its attrs validator (see
:mod:`market.messages.dip.field_rules`); this module adds the rules of nested blocks and
walks the fields. Parsing checks the JSON *shape* itself (unknown keys, missing
keys, JSON types, list sizes) and leaves value rules (length, pattern, enum,
identifier checks) to the validators that run when the value is constructed:
each rule runs once per field, and both routes give the same sentence. A value
rule broken while parsing is re-raised as
:class:`~market.kernel.exceptions.EnvelopeError` with the JSON path
(``$.CommonBlock.S1.senderDIPID``).

Field specs are gathered once per class and cached; a parse or render costs a
dict lookup plus one method call per field.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Mapping
from typing import Any, ClassVar, TypeVar, cast

import attrs

from market.kernel.exceptions import EnvelopeError
from market.messages.dip.field_rules import FieldRuleError, WireRule, count_rule, json_type
from market.messages.trust import validated

Wire = TypeVar("Wire", bound=attrs.AttrsInstance)


def unknown_key_rule(key: str, known: Collection[str]) -> str:
    """The rule sentence for an unknown key, with a near-miss hint (``InterfaceID``)."""
    by_lower = {name.lower(): name for name in known}
    match = by_lower.get(key.lower())
    if match is None:
        close = difflib.get_close_matches(key.lower(), list(by_lower), n=1, cutoff=0.8)
        match = by_lower[close[0]] if close else None
    if match is not None:
        return f"unknown key {key!r} (did you mean {match!r}?)"
    allowed = ", ".join(repr(name) for name in known)
    return f"unknown key {key!r} (allowed: {allowed})"


def check_object(data: object, keys: Collection[str], path: str) -> dict[str, object]:
    """``data`` if it is a JSON object with exactly ``keys``, else raise at ``path``.

    For the fixed wrappers around envelopes (``{"payload": ...}``) that are not
    wire classes of their own.
    """
    if not isinstance(data, dict):
        raise EnvelopeError(path, f"must be an object, got {json_type(data)}")
    for key in data:
        if key not in keys:
            raise EnvelopeError(f"{path}.{key}", unknown_key_rule(key, keys))
    for key in keys:
        if key not in data:
            raise EnvelopeError(f"{path}.{key}", "required key missing")
    return cast(dict[str, object], data)


@attrs.frozen(kw_only=True)
class BlockRule(WireRule):
    """A nested JSON object held as an instance of another wire class."""

    block: type[attrs.AttrsInstance]
    json_kind: ClassVar[str] = "an object"

    def problem(self, value: object) -> str | None:
        """The rule ``value`` breaks, or ``None``."""
        if isinstance(value, self.block):
            return None
        return f"must be a {self.block.__name__}, got {type(value).__name__}"

    def render(self, value: Any) -> object:
        """The nested object."""
        return to_wire(value)

    def parse(self, raw: object, path: str) -> object:
        """The nested value parsed from object ``raw``."""
        if isinstance(raw, dict):
            return from_wire(self.block, raw, f"{path}.{self.key}")
        if raw is None and self.nullable:
            return None
        raise self.type_error(raw, path)


@attrs.frozen(kw_only=True)
class BlockListRule(WireRule):
    """A JSON array of objects held as a tuple of wire-class instances."""

    block: type[attrs.AttrsInstance]
    min_items: int = 0
    max_items: int | None = None
    json_kind: ClassVar[str] = "an array"

    def problem(self, value: object) -> str | None:
        """The rule ``value`` breaks, or ``None``."""
        if not isinstance(value, tuple):
            return f"must be a tuple of {self.block.__name__}, got {type(value).__name__}"
        count_problem = count_rule(self.min_items, self.max_items, len(value))
        if count_problem is not None:
            return count_problem
        for index, item in enumerate(value):
            if not isinstance(item, self.block):
                return f"item {index} must be a {self.block.__name__}, got {type(item).__name__}"
        return None

    def render(self, value: Any) -> object:
        """The list of nested objects."""
        return [to_wire(item) for item in value]

    def parse(self, raw: object, path: str) -> object:
        """The tuple of nested values parsed from array ``raw``."""
        if not isinstance(raw, list):
            if raw is None and self.nullable:
                return None
            raise self.type_error(raw, path)
        here = f"{path}.{self.key}"
        count_problem = count_rule(self.min_items, self.max_items, len(raw))
        if count_problem is not None:
            raise EnvelopeError(here, count_problem)
        return tuple(
            from_wire(self.block, item, f"{here}[{index}]") for index, item in enumerate(raw)
        )


def wire_block(key: str, block: type[attrs.AttrsInstance], *, omittable: bool = False) -> BlockRule:
    """The rule of a nested block; ``omittable`` blocks are left out of the wire when ``None``."""
    return BlockRule(key=key, block=block, omittable=omittable)


def wire_block_list(
    key: str,
    block: type[attrs.AttrsInstance],
    *,
    min_items: int = 0,
    max_items: int | None = None,
    omittable: bool = False,
) -> BlockListRule:
    """The rule of an array of nested blocks (``B064List``)."""
    return BlockListRule(
        key=key, block=block, min_items=min_items, max_items=max_items, omittable=omittable
    )


@attrs.frozen
class _ClassSpec:
    construct: Callable[..., Any]
    fields: tuple[tuple[str, WireRule], ...]
    keys: frozenset[str]
    key_of: Mapping[str, str]


_SPECS: dict[type, _ClassSpec] = {}


def _spec_of(cls: type) -> _ClassSpec:
    spec = _SPECS.get(cls)
    if spec is None:
        spec = _SPECS[cls] = _build_spec(cls)
    return spec


def _build_spec(cls: type) -> _ClassSpec:
    if not attrs.has(cls):
        raise TypeError(f"{cls.__name__} is not an attrs class, so it has no wire rules")
    fields: list[tuple[str, WireRule]] = []
    for attribute in attrs.fields(cls):
        rule = attribute.validator
        if not isinstance(rule, WireRule):
            raise TypeError(
                f"{cls.__name__}.{attribute.name} has no wire rule: declare it as "
                "attrs.field(validator=wire_text(...)) or another wire_* rule"
            )
        fields.append((attribute.name, rule))
    keys = [rule.key for _, rule in fields]
    if len(set(keys)) != len(keys):
        raise TypeError(f"{cls.__name__} declares a wire key twice: {keys}")
    return _ClassSpec(
        construct=cls,
        fields=tuple(fields),
        keys=frozenset(keys),
        key_of={name: rule.key for name, rule in fields},
    )


def to_wire(value: attrs.AttrsInstance) -> dict[str, object]:
    """The JSON-shaped dict of wire-class instance ``value``, keys in declaration order."""
    wire: dict[str, object] = {}
    for name, rule in _spec_of(type(value)).fields:
        field_value = getattr(value, name)
        if field_value is not None:
            wire[rule.key] = rule.render(field_value)
        elif not rule.omittable:
            wire[rule.key] = None
    return wire


def from_wire(cls: type[Wire], data: object, path: str = "$") -> Wire:
    """Parse JSON-shaped ``data`` found at JSON path ``path`` into a ``cls`` value.

    Raises :class:`~market.kernel.exceptions.EnvelopeError` naming the JSON path of the
    first broken rule: unknown key, missing key, wrong JSON type, or value rule.
    """
    spec = _spec_of(cls)
    if not isinstance(data, dict):
        raise EnvelopeError(path, f"must be an object, got {json_type(data)}")
    for key in data:
        if key not in spec.keys:
            raise EnvelopeError(
                f"{path}.{key}", unknown_key_rule(str(key), list(spec.key_of.values()))
            )
    values: dict[str, object] = {}
    for name, rule in spec.fields:
        if rule.key in data:
            values[name] = rule.parse(data[rule.key], path)
        elif not rule.omittable:
            raise EnvelopeError(f"{path}.{rule.key}", rule.missing_rule())
    try:
        with validated():  # parsed data is checked even when trusted code parses it
            return cast(Wire, spec.construct(**values))
    except FieldRuleError as error:
        if error.owner is not cls:
            raise
        index = "" if error.index is None else f"[{error.index}]"
        raise EnvelopeError(f"{path}.{spec.key_of[error.field_name]}{index}", error.rule) from None
