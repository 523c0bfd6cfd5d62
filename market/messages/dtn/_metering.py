"""Meter technical details: how the outgoing metering service hands a meter to a legacy MOP.

The outgoing MHHS metering service releases the meter technical details to
the incoming legacy meter operator, on request (D0170) or unasked: D0150 and
D0149 for a traditional meter, D0268 for a half-hourly one. The MOP then
forwards them to the data collector, supplier and LDSO (domain brief c.2 T3–T4,
c.3 A3–A4).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import attrs

from market.messages.dtn import _checks as check
from market.messages.dtn._base import DFlow, flow_type


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0150(DFlow):
    """The technical details of a traditional meter: its type and registers.

    The MHHS EMDS renamed it "Traditional (formerly Non Half Hourly) Meter
    Technical Details"; ``flow_name`` keeps that name.
    """

    flow_id: ClassVar[str] = "D0150"
    flow_name: ClassVar[str] = "Traditional (formerly Non Half Hourly) Meter Technical Details"
    typical_direction: ClassVar[str] = "MOP → MOP/DC/SUP/LDSO"

    meter_id: str = attrs.field(validator=check.meter_id)
    meter_type: str = attrs.field(
        validator=check.matching("[0-9A-Z]{1,4}", "1–4 upper-case letters or digits (e.g. 'N')")
    )
    effective_from_date: date = attrs.field(validator=check.calendar_date)
    registers: tuple[str, ...] = attrs.field(validator=check.register_ids)
    measurement_quantity: str = attrs.field(default="AI", validator=check.measurement_quantity)


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0149(DFlow):
    """Which time pattern regime each register of a meter records, for settlement."""

    flow_id: ClassVar[str] = "D0149"
    flow_name: ClassVar[str] = "Notification of Mapping Details"
    typical_direction: ClassVar[str] = "MOP → DC/SUP"

    meter_id: str = attrs.field(validator=check.meter_id)
    effective_from_date: date = attrs.field(validator=check.calendar_date)
    register_mappings: tuple[tuple[str, str], ...] = attrs.field(validator=check.register_mappings)


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0268(DFlow):
    """The technical details of a half-hourly meter: its outstation, channels and CT ratio.

    ``ct_ratio`` is ``None`` for a whole-current meter.
    """

    flow_id: ClassVar[str] = "D0268"
    flow_name: ClassVar[str] = "Half Hourly Meter Technical Details"
    typical_direction: ClassVar[str] = "MOP → MOP/DC/SUP"

    meter_id: str = attrs.field(validator=check.meter_id)
    outstation_id: str = attrs.field(validator=check.text(1, 10))
    effective_from_date: date = attrs.field(validator=check.calendar_date)
    channels: tuple[str, ...] = attrs.field(validator=check.measurement_quantities)
    ct_ratio: str | None = attrs.field(
        validator=check.optional(
            check.matching(r"\d{1,5}/\d{1,2}", "a current transformer ratio (e.g. '200/5')")
        )
    )


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0170(DFlow):
    """A new agent asks the old one (or the outgoing MHHS service) for what it needs.

    ``"MTD"``, from a meter operator, asks for the meter technical details,
    answered by D0150 and D0149 or by D0268; ``"READINGS"``, from a data
    collector, asks for the final meter reading, answered by D0010.
    """

    flow_id: ClassVar[str] = "D0170"
    flow_name: ClassVar[str] = "Request for Metering System Related Details"
    typical_direction: ClassVar[str] = "new MOP → old MOP"

    requested_item: str = attrs.field(validator=check.text(1, 20))
