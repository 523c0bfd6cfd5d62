"""Validators for D-flow fields, and the error they raise.

Each validator is a plain function with attrs' ``(instance, attribute, value)``
signature, built once at import. On success it does one or two cheap tests and
returns; only on failure does it look at the instance, to name the field as
``<flow id>.<field>`` (flow classes are named by their flow id, which
``flow_type`` enforces).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from datetime import date
from types import MappingProxyType
from typing import Any, Final

import attrs

from market.kernel.exceptions import InvalidIdentifierError, MarketError
from market.kernel.ids import Role, check_dip_id, check_gsp_group, check_mpan_core, check_mpid
from market.kernel.settlement_calendar import settlement_periods

#: The attrs validator signature.
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


class FlowError(MarketError, ValueError):
    """A D-flow, or its rendered JSON, broke a rule of one of its fields.

    ``field`` names the flow and the field (``D0155.supplier_mpid``; ``flow`` for the
    flow id itself) and ``rule`` says which rule it broke, so the sender can correct
    the value. Contrast with ``InvalidIdentifierError``, which a bare identifier check
    raises without knowing which flow or field the identifier came from.
    """

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


def _shown(value: object) -> str:
    """``value`` as an error message quotes it; roles by member name, as code constructs them."""
    if isinstance(value, Role):
        return f"Role.{value.name}"
    return repr(value)


def _field_error(instance: object, attribute: attrs.Attribute[Any], rule: str) -> FlowError:
    return FlowError(f"{type(instance).__name__}.{attribute.name}", rule)


def satisfying(predicate: Callable[[Any], bool], description: str) -> Validator:
    """A validator accepting values that satisfy ``predicate``; others must be ``description``."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not predicate(value):
            raise _field_error(instance, attribute, f"must be {description}, got {_shown(value)}")

    return validate


def _identifier(check: Callable[[str], str]) -> Validator:
    """A validator from one of the identifier checks, so each identifier rule is written once."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise _field_error(instance, attribute, f"must be a string, got {_shown(value)}")
        try:
            check(value)
        except InvalidIdentifierError as exc:
            raise _field_error(instance, attribute, str(exc)) from exc

    return validate


def text(min_length: int, max_length: int) -> Validator:
    """Free text of ``min_length`` to ``max_length`` characters, not only spaces."""
    return satisfying(
        lambda value: (
            isinstance(value, str)
            and min_length <= len(value) <= max_length
            and not value.isspace()
        ),
        f"{min_length}–{max_length} characters of text",
    )


def matching(pattern: str, description: str) -> Validator:
    """A string that matches ``pattern`` in full, described to the sender as ``description``."""
    compiled = re.compile(pattern, re.ASCII)
    return satisfying(
        lambda value: isinstance(value, str) and compiled.fullmatch(value) is not None,
        description,
    )


def one_of(codes: Collection[str], what: str) -> Validator:
    """One of a fixed set of string ``codes``."""
    allowed = frozenset(codes)
    listing = ", ".join(sorted(allowed))
    return satisfying(
        lambda value: isinstance(value, str) and value in allowed, f"{what} ({listing})"
    )


def role_in(roles: Collection[Role], what: str) -> Validator:
    """A ``Role`` member from ``roles``.

    A role's bare code (``"NHHDC"``) compares equal to the member but is refused,
    so every stored role renders and compares as a ``Role``.
    """
    allowed = frozenset(roles)
    listing = ", ".join(sorted(role.value for role in allowed))

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) is not Role or value not in allowed:
            raise _field_error(instance, attribute, _role_rule(what, listing, value))

    return validate


_ROLE_CODES: Final = frozenset(role.value for role in Role)


def _role_rule(what: str, listing: str, value: object) -> str:
    if type(value) is str and value in _ROLE_CODES:
        return f"must be a Role member, not its code: use Role({value!r})"
    return f"must be {what} ({listing}), got {_shown(value)}"


def integer_between(lowest: int, highest: int) -> Validator:
    """An ``int`` (not a ``bool``) from ``lowest`` to ``highest`` inclusive."""
    return satisfying(
        lambda value: type(value) is int and lowest <= value <= highest,
        f"a whole number from {lowest} to {highest}",
    )


def tuple_of(element: Callable[[Any], bool], description: str) -> Validator:
    """A non-empty tuple whose every element satisfies ``element``."""
    return satisfying(
        lambda value: type(value) is tuple and len(value) > 0 and all(map(element, value)),
        f"a non-empty tuple of {description}",
    )


def optional(validator: Validator) -> Validator:
    """``None``, or a value ``validator`` accepts."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return validate


def optional_role_beside(mpid_item: str, roles: Collection[Role], what: str) -> Validator:
    """``None``, or a role from ``roles``; given exactly when the flow's ``mpid_item`` is.

    A party's role is only useful beside its MPID (the DTN addresses by both),
    so one without the other is refused.
    """
    is_role = role_in(roles, what)

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        mpid = getattr(instance, mpid_item)
        if (value is None) != (mpid is None):
            state = "left out" if value is None else "given"
            raise _field_error(
                instance,
                attribute,
                f"must be given exactly when {mpid_item} is given; it is {state} but "
                f"{mpid_item} is {_shown(mpid)}",
            )
        if value is not None:
            is_role(instance, attribute, value)

    return validate


LEGACY_METER_OPERATORS: Final = frozenset({Role.NHH_METER_OPERATOR, Role.HH_METER_OPERATOR})
LEGACY_DATA_COLLECTORS: Final = frozenset({Role.NHH_DATA_COLLECTOR, Role.HH_DATA_COLLECTOR})
LEGACY_DATA_AGGREGATORS: Final = frozenset({Role.NHH_DATA_AGGREGATOR, Role.HH_DATA_AGGREGATOR})
#: The roles a supplier appoints over the DTN (not the DIP) in a reverse migration.
LEGACY_AGENTS: Final = LEGACY_METER_OPERATORS | LEGACY_DATA_COLLECTORS | LEGACY_DATA_AGGREGATORS
#: Who may have held the meter before an incoming legacy MOP: a legacy MOP, or (in a
#: reverse migration) the outgoing MHHS Metering Service.
METER_OPERATING_ROLES: Final = LEGACY_METER_OPERATORS | frozenset(
    {
        Role.SMART_METERING_SERVICE,
        Role.ADVANCED_METERING_SERVICE,
        Role.UNMETERED_SUPPLIES_OPERATOR,
    }
)
#: Who may have collected the meter's data before an incoming legacy DC: a legacy DC, or
#: (in a reverse migration) the outgoing MHHS Data Service.
DATA_COLLECTING_ROLES: Final = LEGACY_DATA_COLLECTORS | frozenset(
    {Role.SMART_DATA_SERVICE, Role.ADVANCED_DATA_SERVICE, Role.UNMETERED_DATA_SERVICE}
)


def meter_operating_role(mpid_item: str) -> Validator:
    """The optional role of a previous meter operator, given with its MPID ``mpid_item``."""
    return optional_role_beside(
        mpid_item, METER_OPERATING_ROLES, "a meter operator or metering service role"
    )


def data_collecting_role(mpid_item: str) -> Validator:
    """The optional role of a previous data collector, given with its MPID ``mpid_item``."""
    return optional_role_beside(
        mpid_item, DATA_COLLECTING_ROLES, "a data collector or data service role"
    )


#: Measurement quantity ids of meter registers and HH channels.
MEASUREMENT_QUANTITIES: Final = MappingProxyType(
    {
        "AI": "active import",
        "AE": "active export",
        "RI": "reactive import",
        "RE": "reactive export",
    }
)

_READING = r"-?\d{1,9}\.\d{1,3}"
_ADVANCE_KWH = re.compile(r"\d{1,9}\.\d{3}", re.ASCII)
_REGISTER_ID = re.compile(r"[0-9A-Z]{2}")
_TIME_PATTERN_REGIME = re.compile(r"\d{5}", re.ASCII)


def _is_register_id(value: object) -> bool:
    return isinstance(value, str) and _REGISTER_ID.fullmatch(value) is not None


def _is_period_value(value: object) -> bool:
    return (
        type(value) is tuple
        and len(value) == 2
        and type(value[0]) is int
        and isinstance(value[1], str)
        and _ADVANCE_KWH.fullmatch(value[1]) is not None
    )


_PERIOD_VALUES_SHAPE: Final = (
    "a non-empty tuple of (settlement period number, kWh with 3 decimals) pairs "
    "(e.g. ((1, '0.625'), (2, '0.625')))"
)


def period_values_of(settlement_date_item: str) -> Validator:
    """One half-hourly value per settlement period of the flow's ``settlement_date_item``.

    The pairs are numbered 1, 2, … in order, and there are exactly as many as
    the settlement day has periods: 48, or 46 / 50 on the days the clocks change.
    """

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not (type(value) is tuple and value and all(map(_is_period_value, value))):
            raise _field_error(
                instance, attribute, f"must be {_PERIOD_VALUES_SHAPE}, got {_shown(value)}"
            )
        for expected, (number, _) in enumerate(value, start=1):
            if number != expected:
                raise _field_error(
                    instance,
                    attribute,
                    f"must number the settlement periods 1, 2, … in order; "
                    f"pair {expected} is numbered {number}",
                )
        day = getattr(instance, settlement_date_item)
        periods = settlement_periods(day)
        if len(value) != periods:
            raise _field_error(
                instance,
                attribute,
                f"must hold one value per settlement period of {day.isoformat()}, "
                f"which has {periods}; got {len(value)}",
            )

    return validate


def _is_register_mapping(value: object) -> bool:
    return (
        type(value) is tuple
        and len(value) == 2
        and _is_register_id(value[0])
        and isinstance(value[1], str)
        and _TIME_PATTERN_REGIME.fullmatch(value[1]) is not None
    )


mpid: Final = _identifier(check_mpid)
# The check digit costs about 2 µs, as much as the rest of a flow; a reverse migration
# sends some fifteen flows about one MPAN, so a valid MPAN is remembered once checked.
mpan_core: Final = _identifier(functools.lru_cache(maxsize=1 << 16)(check_mpan_core))
gsp_group: Final = _identifier(check_gsp_group)
dip_id: Final = _identifier(check_dip_id)

any_role: Final = role_in(frozenset(Role), "a role")
calendar_date: Final = satisfying(
    lambda value: type(value) is date, "a datetime.date (a calendar day, not a datetime)"
)
boolean: Final = satisfying(lambda value: type(value) is bool, "True or False")

reading: Final = matching(
    _READING, "a reading of 1–9 digits, a point and 1–3 decimals (e.g. '01234.5')"
)
register_id: Final = satisfying(_is_register_id, "a 2-character register id (e.g. '01')")
register_ids: Final = tuple_of(_is_register_id, "2-character register ids (e.g. ('01', '02'))")
register_mappings: Final = tuple_of(
    _is_register_mapping,
    "(register id, time pattern regime) pairs (e.g. (('01', '00001'),))",
)
measurement_quantities: Final = tuple_of(
    lambda value: isinstance(value, str) and value in MEASUREMENT_QUANTITIES,
    f"measurement quantity ids ({', '.join(MEASUREMENT_QUANTITIES)})",
)
measurement_quantity: Final = one_of(MEASUREMENT_QUANTITIES, "a measurement quantity id")
measurement_class: Final = matching("[A-G]", "a measurement class, one upper-case letter A–G")
profile_class: Final = integer_between(0, 8)
standard_settlement_configuration: Final = matching(r"\d{4}", "4 digits (e.g. '0393')")
meter_id: Final = text(1, 10)
contract_reference: Final = text(1, 20)
reason: Final = text(1, 100)
