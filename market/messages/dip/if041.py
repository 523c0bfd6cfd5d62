"""IF-041: cumulative and configurable register readings (brief c.4, e.4).

All ten IF-041 event codes share one CustomBlock shape: an optional
``B064List`` of cumulative register readings and an optional ``B065List`` (at
most 48) of configurable register readings. In reverse migration variant S the
outgoing supplier (or SDS) sends ``[ReadingCOS]``, the change-of-supply read.

Design: one base class, :class:`CumulativeReadings`, holds the fields, and each
event code is a field-less subclass carrying the code as a ``ClassVar``, exactly
like the IF-003 blocks. So ``type(custom)`` always says which event a message
is, the catalogue is a plain ``(interface, event) → class`` table, equality
tells a ``[ReadingCOS]`` from a ``[ReadingCOR]`` with the same readings, and no
field repeats ``S0.eventCode`` (which an "event code as a field" design would).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Final

import attrs

from market.messages.dip.fields import wire_datetime, wire_text
from market.messages.dip.wire import wire_block_list

#: A register reading on the wire: a decimal string with exactly three decimals.
READING_PATTERN: Final = r"^-?\d{1,9}\.\d{3}$"
_READING_SHAPE: Final = "up to 9 digits, a point and exactly 3 decimals, e.g. '12345.678'"

#: ``readingMethod`` values the v2.2.1 schema accepts (the catalogue's X and Y are not among them).
READING_METHODS: Final = ("A", "C", "E", "S")

#: Most configurable register readings one message may carry.
MAX_CONFIGURABLE_READINGS: Final = 48


@attrs.frozen(kw_only=True)
class B064:
    """One cumulative register reading of one meter."""

    meter_id: str = attrs.field(validator=wire_text("meterID", min_length=1, max_length=10))
    cumulative_register_reading: str = attrs.field(
        validator=wire_text(
            "cumulativeRegisterReading", pattern=READING_PATTERN, shape=_READING_SHAPE
        )
    )
    cumulative_register_reading_date_time: datetime = attrs.field(
        validator=wire_datetime("cumulativeRegisterReadingDateTime")
    )
    reading_method: str = attrs.field(validator=wire_text("readingMethod", choices=READING_METHODS))
    site_visit_check_code: str | None = attrs.field(
        validator=wire_text(
            "siteVisitCheckCode", pattern=r"^\d{2}$", shape="two digits", nullable=True
        )
    )


@attrs.frozen(kw_only=True)
class B065:
    """One configurable (time-of-use) register reading of one meter."""

    meter_id: str = attrs.field(validator=wire_text("meterID", min_length=1, max_length=10))
    configurable_register_reading_date: datetime = attrs.field(
        validator=wire_datetime("configurableRegisterReadingDate")
    )
    configurable_register_id: str = attrs.field(
        validator=wire_text("configurableRegisterID", min_length=1)
    )
    configurable_register_reading: str = attrs.field(
        validator=wire_text(
            "configurableRegisterReading", pattern=READING_PATTERN, shape=_READING_SHAPE
        )
    )


@attrs.frozen(kw_only=True)
class CumulativeReadings:
    """The CustomBlock shape shared by every IF-041 event; use the per-event subclasses.

    ``None`` leaves a list off the wire; ``()`` sends an empty array.
    """

    interface_id: ClassVar[str] = "IF-041"
    event_code: ClassVar[str]

    b064_list: tuple[B064, ...] | None = attrs.field(
        default=None, validator=wire_block_list("B064List", B064, omittable=True)
    )
    b065_list: tuple[B065, ...] | None = attrs.field(
        default=None,
        validator=wire_block_list(
            "B065List", B065, max_items=MAX_CONFIGURABLE_READINGS, omittable=True
        ),
    )


@attrs.frozen(kw_only=True)
class ReadingRemote(CumulativeReadings):
    """IF-041 ``[ReadingRemote]``: a reading retrieved remotely."""

    event_code: ClassVar[str] = "[ReadingRemote]"


@attrs.frozen(kw_only=True)
class ReadingRemv(CumulativeReadings):
    """IF-041 ``[ReadingRemv]``: the reading of a meter being removed."""

    event_code: ClassVar[str] = "[ReadingRemv]"


@attrs.frozen(kw_only=True)
class ReadingInstl(CumulativeReadings):
    """IF-041 ``[ReadingInstl]``: the reading of a meter being installed."""

    event_code: ClassVar[str] = "[ReadingInstl]"


@attrs.frozen(kw_only=True)
class ReadingEnergisationChg(CumulativeReadings):
    """IF-041 ``[ReadingEnergisationChg]``: the reading at an energisation status change."""

    event_code: ClassVar[str] = "[ReadingEnergisationChg]"


@attrs.frozen(kw_only=True)
class ReadingCOR(CumulativeReadings):
    """IF-041 ``[ReadingCOR]``, as the DIP spells it (the brief does not expand COR)."""

    event_code: ClassVar[str] = "[ReadingCOR]"


@attrs.frozen(kw_only=True)
class ReadingOnSite(CumulativeReadings):
    """IF-041 ``[ReadingOnSite]``: a reading taken on a site visit."""

    event_code: ClassVar[str] = "[ReadingOnSite]"


@attrs.frozen(kw_only=True)
class ReadingCOS(CumulativeReadings):
    """IF-041 ``[ReadingCOS]``: the change-of-supply reading (reverse migration variant S)."""

    event_code: ClassVar[str] = "[ReadingCOS]"


@attrs.frozen(kw_only=True)
class DSEstimate(CumulativeReadings):
    """IF-041 ``[DSEstimate]``: a reading estimated by the Data Service."""

    event_code: ClassVar[str] = "[DSEstimate]"


@attrs.frozen(kw_only=True)
class SupplierAgreedCOS(CumulativeReadings):
    """IF-041 ``[SupplierAgreedCOS]``: a change-of-supply reading both suppliers agreed."""

    event_code: ClassVar[str] = "[SupplierAgreedCOS]"


@attrs.frozen(kw_only=True)
class ReadingOverride(CumulativeReadings):
    """IF-041 ``[ReadingOverride]``: a reading that replaces one sent before."""

    event_code: ClassVar[str] = "[ReadingOverride]"


#: Every IF-041 event, one class per event code.
IF041_EVENTS: Final = (
    ReadingRemote,
    ReadingRemv,
    ReadingInstl,
    ReadingEnergisationChg,
    ReadingCOR,
    ReadingOnSite,
    ReadingCOS,
    DSEstimate,
    SupplierAgreedCOS,
    ReadingOverride,
)
