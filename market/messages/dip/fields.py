"""The constructors of field rules, one per JSON kind: what message modules declare fields with.

``attrs.field(validator=wire_text("senderDIPID", length=10, check=check_dip_id))``
declares a DIP field; the rules themselves are in
:mod:`market.messages.dip.field_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from market.messages.dip.field_rules import (
    DatetimeRule,
    FlagRule,
    IntegerRule,
    SettlementDayRule,
    TextFormat,
    TextListRule,
    TextRule,
)


def _text_format(
    *,
    length: int | None,
    min_length: int | None,
    max_length: int | None,
    choices: tuple[str, ...] | None,
    pattern: str | None,
    shape: str | None,
    check: Callable[[str], str] | None,
) -> TextFormat:
    if length is not None:
        min_length = max_length = length
    return TextFormat(
        min_length=min_length,
        max_length=max_length,
        choices=choices,
        pattern=re.compile(pattern, re.ASCII) if pattern is not None else None,
        shape=shape,
        check=check,
    )


def wire_text(
    key: str,
    *,
    length: int | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    choices: tuple[str, ...] | None = None,
    pattern: str | None = None,
    shape: str | None = None,
    check: Callable[[str], str] | None = None,
    nullable: bool = False,
) -> TextRule:
    """The rule of a string field: ``length`` means exactly that many characters."""
    text_format = _text_format(
        length=length,
        min_length=min_length,
        max_length=max_length,
        choices=choices,
        pattern=pattern,
        shape=shape,
        check=check,
    )
    return TextRule(key=key, nullable=nullable, format=text_format)


def wire_text_list(
    key: str,
    *,
    length: int | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    check: Callable[[str], str] | None = None,
    min_items: int = 0,
    max_items: int | None = None,
) -> TextListRule:
    """The rule of an array-of-strings field; lengths and ``check`` apply to each item."""
    item = _text_format(
        length=length,
        min_length=min_length,
        max_length=max_length,
        choices=None,
        pattern=None,
        shape=None,
        check=check,
    )
    return TextListRule(key=key, item=item, min_items=min_items, max_items=max_items)


def wire_flag(key: str) -> FlagRule:
    """The rule of a boolean field."""
    return FlagRule(key=key)


def wire_integer(key: str, *, minimum: int, maximum: int) -> IntegerRule:
    """The rule of an integer field bounded by ``minimum`` and ``maximum`` inclusive."""
    return IntegerRule(key=key, minimum=minimum, maximum=maximum)


def wire_datetime(key: str, *, nullable: bool = False, utc: bool = False) -> DatetimeRule:
    """The rule of a DT-003 datetime field; ``utc`` ones render with offset ``+00:00``."""
    return DatetimeRule(key=key, nullable=nullable, utc=utc)


def wire_settlement_day(key: str) -> SettlementDayRule:
    """The rule of a settlement day's start: 00:00 UK local time, rendered in local offset."""
    return SettlementDayRule(key=key)
