"""Field rules: how one attrs field of a DIP block looks on the wire and what values it takes.

A rule is declared as the field's attrs validator,
``attrs.field(validator=wire_text("senderDIPID", length=10, check=check_dip_id))``
(the ``wire_*`` constructors are in :mod:`market.messages.dip.fields`),
so one object both checks values built in Python and tells the codec in
:mod:`market.messages.dip.wire` the field's wire key, JSON kind and whether it is
nullable or omittable. Keeping the rule in the validator slot, rather than in
``metadata`` beside a separate validator, means the two can never disagree, and
``attrs.field`` is still called directly, so mypy sees which fields are required.

A value built in Python that breaks a rule raises :class:`FieldRuleError`
naming the attribute (``S1.sender_dip_id``); the codec re-raises the same rule
sentence under the field's JSON path.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, Final, cast

import attrs

from market.kernel.exceptions import EnvelopeError, InvalidIdentifierError
from market.kernel.local_time import (
    format_dip_datetime,
    local_midnight,
    parse_dip_datetime,
    settlement_date_of,
)

#: Length of a DT-003 datetime on the wire (``YYYY-MM-DDThh:mm:ss±hh:mm``).
DIP_DATETIME_LENGTH: Final = 25


class FieldRuleError(EnvelopeError):
    """A value constructed in Python broke its field's wire rule.

    Contrast with a plain :class:`~market.kernel.exceptions.EnvelopeError` from parsing,
    whose ``path`` is a JSON path: here ``path`` names the class and attribute
    (``S1.sender_dip_id``, ``A0.primary_recipients[1]``), because no JSON exists yet.
    """

    def __init__(self, owner: type, field_name: str, rule: str, index: int | None = None) -> None:
        where = f"{owner.__name__}.{field_name}" + ("" if index is None else f"[{index}]")
        super().__init__(where, rule)
        self.owner = owner
        self.field_name = field_name
        self.index = index


_JSON_TYPES: Final = {
    type(None): "null",
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


def json_type(value: object) -> str:
    """The JSON name of ``value``'s type, as error messages say it (``array``, ``null``)."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _length_rule(min_length: int | None, max_length: int | None) -> str:
    if min_length == max_length:
        return f"must be exactly {min_length} characters"
    if min_length is not None and max_length is not None:
        return f"must be {min_length} to {max_length} characters"
    if max_length is not None:
        return f"must be at most {max_length} characters"
    return f"must be at least {min_length} characters"


def count_rule(min_items: int, max_items: int | None, count: int) -> str | None:
    """The rule a list of ``count`` items breaks (minItems, maxItems), or ``None``."""
    if count < min_items:
        return f"must have at least {min_items} item{'s' if min_items > 1 else ''}, got {count}"
    if max_items is not None and count > max_items:
        return f"must have at most {max_items} items, got {count}"
    return None


@attrs.frozen(kw_only=True)
class TextFormat:
    """The value rules of one JSON string: length, enum, pattern, identifier check.

    Rules are checked in that order, so an 11-character DIP ID reads "must be
    exactly 10 characters, got 11" before any finer check.
    """

    min_length: int | None = None
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    pattern: re.Pattern[str] | None = None
    #: What a matching value looks like, said to people who broke the pattern.
    shape: str | None = None
    #: An identifier check from :mod:`market.kernel.ids`; its message becomes the rule.
    check: Callable[[str], str] | None = None

    def problem(self, value: str) -> str | None:
        """The rule ``value`` breaks, or ``None`` when it obeys them all."""
        length = len(value)
        if (self.min_length is not None and length < self.min_length) or (
            self.max_length is not None and length > self.max_length
        ):
            return f"{_length_rule(self.min_length, self.max_length)}, got {length}"
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(repr(choice) for choice in self.choices)
            return f"must be one of {allowed}, got {value!r}"
        if self.pattern is not None and self.pattern.fullmatch(value) is None:
            shape = f" ({self.shape})" if self.shape else ""
            return f"must match {self.pattern.pattern}{shape}, got {value!r}"
        if self.check is not None:
            try:
                self.check(value)
            except InvalidIdentifierError as error:
                return str(error)
        return None


@attrs.frozen(kw_only=True)
class WireRule(abc.ABC):
    """How one attrs field appears on the wire; also its attrs validator.

    ``nullable``: the key is required and its value may be ``null`` (S1's
    ``subText``). ``omittable``: the key may be left out, and ``None`` in Python
    means "absent" (A0 and D0 on submission, B095, B065List); ``null`` is then
    not accepted on the wire.
    """

    key: str
    nullable: bool = False
    omittable: bool = False

    #: The JSON kind the wire value must have, as error messages say it.
    json_kind: ClassVar[str]

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        """Check ``value`` as the attrs validator of ``attribute``."""
        if value is None:
            if self.nullable or self.omittable:
                return
            raise FieldRuleError(type(instance), attribute.name, "must not be None")
        problem = self.problem(value)
        if problem is not None:
            raise FieldRuleError(type(instance), attribute.name, problem)

    @abc.abstractmethod
    def problem(self, value: object) -> str | None:
        """The rule a non-``None`` Python value breaks, or ``None``."""

    @abc.abstractmethod
    def render(self, value: Any) -> object:
        """The JSON-shaped form of a non-``None`` Python value."""

    @abc.abstractmethod
    def parse(self, raw: object, path: str) -> object:
        """The Python form of wire value ``raw`` found under the object at ``path``."""

    def missing_rule(self) -> str:
        """The rule sentence for this key being absent."""
        if self.nullable:
            return "required key missing (send null when there is no value; do not omit it)"
        return "required key missing"

    def type_error(self, raw: object, path: str) -> EnvelopeError:
        """The error for wire value ``raw`` having the wrong JSON type."""
        expected = self.json_kind + (" or null" if self.nullable else "")
        advice = " (omit the key when there is no value)" if raw is None and self.omittable else ""
        return EnvelopeError(
            f"{path}.{self.key}", f"must be {expected}, got {json_type(raw)}{advice}"
        )


@attrs.frozen(kw_only=True)
class TextRule(WireRule):
    """A JSON string held as ``str``."""

    format: TextFormat
    json_kind: ClassVar[str] = "a string"

    def problem(self, value: object) -> str | None:
        """The rule ``value`` breaks, or ``None``."""
        if not isinstance(value, str):
            return f"must be a str, got {type(value).__name__}"
        return self.format.problem(value)

    def render(self, value: Any) -> object:
        """Strings go to the wire unchanged."""
        return value

    def parse(self, raw: object, path: str) -> object:
        """``raw`` if it is a string (value rules run when the value is built)."""
        if isinstance(raw, str) or (raw is None and self.nullable):
            return raw
        raise self.type_error(raw, path)


@attrs.frozen(kw_only=True)
class FlagRule(WireRule):
    """A JSON boolean held as ``bool``."""

    json_kind: ClassVar[str] = "a boolean"

    def problem(self, value: object) -> str | None:
        """The rule ``value`` breaks, or ``None``."""
        return None if type(value) is bool else f"must be a bool, got {type(value).__name__}"

    def render(self, value: Any) -> object:
        """Booleans go to the wire unchanged."""
        return value

    def parse(self, raw: object, path: str) -> object:
        """``raw`` if it is a boolean."""
        if type(raw) is bool or (raw is None and self.nullable):
            return raw
        raise self.type_error(raw, path)


@attrs.frozen(kw_only=True)
class IntegerRule(WireRule):
    """A JSON integer held as ``int``, within ``minimum`` and ``maximum`` inclusive."""

    minimum: int
    maximum: int
    json_kind: ClassVar[str] = "an integer"

    def problem(self, value: object) -> str | None:
        """The rule ``value`` breaks, or ``None``."""
        if type(value) is not int:
            return f"must be an int, got {type(value).__name__}"
        if self.minimum <= value <= self.maximum:
            return None
        if self.minimum == self.maximum:
            return f"must be {self.minimum}, got {value}"
        return f"must be {self.minimum} to {self.maximum}, got {value}"

    def render(self, value: Any) -> object:
        """Integers go to the wire unchanged."""
        return value

    def parse(self, raw: object, path: str) -> object:
        """``raw`` if it is an integer (a boolean is not one, although Python says so)."""
        if type(raw) is int or (raw is None and self.nullable):
            return raw
        raise self.type_error(raw, path)


@attrs.frozen(kw_only=True)
class DatetimeRule(WireRule):
    """A DT-003 string on the wire, a timezone-aware whole-second ``datetime`` in Python.

    ``utc`` fields (the catalogue says "in UTC", e.g. a settlement period's end)
    render with offset ``+00:00``; the others in UK local offset. Parsing accepts
    any offset either way, since both spell the same instant.
    """

    utc: bool = False
    json_kind: ClassVar[str] = "a string"

    def problem(self, value: object) -> str | None:
        """The rule ``value`` breaks, or ``None``."""
        if not isinstance(value, datetime):
            return f"must be a datetime, got {type(value).__name__}"
        if value.utcoffset() is None:
            return "must be a timezone-aware datetime, got a naive one"
        if value.microsecond:
            return (
                "must be whole seconds (DT-003 has no fraction), "
                f"got microsecond={value.microsecond}"
            )
        return None

    def render(self, value: Any) -> object:
        """DT-003 in UK local offset, or in UTC for ``utc`` fields."""
        if self.utc:
            return cast(datetime, value).astimezone(UTC).isoformat()
        return format_dip_datetime(value)

    def parse(self, raw: object, path: str) -> object:
        """The UTC instant of DT-003 string ``raw``."""
        if not isinstance(raw, str):
            if raw is None and self.nullable:
                return None
            raise self.type_error(raw, path)
        if len(raw) != DIP_DATETIME_LENGTH:
            raise EnvelopeError(
                f"{path}.{self.key}",
                f"must be exactly {DIP_DATETIME_LENGTH} characters "
                f"(DT-003 YYYY-MM-DDThh:mm:ss±hh:mm), got {len(raw)}",
            )
        try:
            return parse_dip_datetime(raw)
        except InvalidIdentifierError as error:
            raise EnvelopeError(f"{path}.{self.key}", str(error)) from None


@attrs.frozen(kw_only=True)
class SettlementDayRule(DatetimeRule):
    """A DT-003 datetime that starts a settlement day: 00:00 UK local time."""

    def problem(self, value: object) -> str | None:
        """The rule ``value`` breaks, or ``None``."""
        problem = super().problem(value)
        if problem is not None:
            return problem
        start = cast(datetime, value)
        if local_midnight(settlement_date_of(start)) != start:
            return (
                "must be the start of a settlement day, 00:00 UK local time "
                f"({format_dip_datetime(local_midnight(settlement_date_of(start)))}), "
                f"got {format_dip_datetime(start)}"
            )
        return None


@attrs.frozen(kw_only=True)
class TextListRule(WireRule):
    """A JSON array of strings held as a tuple of ``str``."""

    item: TextFormat
    min_items: int = 0
    max_items: int | None = None
    json_kind: ClassVar[str] = "an array"

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        """Check ``value`` as the attrs validator of ``attribute``, naming a bad item's index."""
        super().__call__(instance, attribute, value)
        for index, item in enumerate(cast(tuple[str, ...], value or ())):
            problem = (
                f"must be a str, got {type(item).__name__}"
                if not isinstance(item, str)
                else self.item.problem(item)
            )
            if problem is not None:
                raise FieldRuleError(type(instance), attribute.name, problem, index)

    def problem(self, value: object) -> str | None:
        """The rule the tuple as a whole breaks, or ``None`` (items are checked one by one)."""
        if not isinstance(value, tuple):
            return f"must be a tuple of str, got {type(value).__name__}"
        return count_rule(self.min_items, self.max_items, len(value))

    def render(self, value: Any) -> object:
        """The list of strings."""
        return list(value)

    def parse(self, raw: object, path: str) -> object:
        """The tuple of strings in array ``raw``."""
        if not isinstance(raw, list):
            if raw is None and self.nullable:
                return None
            raise self.type_error(raw, path)
        for index, item in enumerate(raw):
            if not isinstance(item, str):
                raise EnvelopeError(
                    f"{path}.{self.key}[{index}]", f"must be a string, got {json_type(item)}"
                )
        return tuple(raw)
