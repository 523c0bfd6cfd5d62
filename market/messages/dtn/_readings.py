"""Readings on change of supplier: collection, confirmation, consumption and disputes.

After the supply start date the legacy data collector gathers readings
(D0010) from the outgoing data service and the incoming supplier, or reports
that it could not get one (D0004); it confirms the change-of-supplier reading
to both suppliers (D0086) and sends the aggregator its consumption estimate
(D0019). If the suppliers' readings disagree, they dispute them (D0300).
Domain brief c.2 T2, T5–T8 and c.4 S2–S6.

Readings are strings (``'01234.5'``), never floats, so that a value survives
the journal unchanged.
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import ClassVar, Final

import attrs

from market.messages.dtn import _checks as check
from market.messages.dtn._base import DFlow, flow_type

#: The reading type codes a D0010 may carry, and what each means.
READING_TYPES: Final = MappingProxyType(
    {
        "A": "actual change of supplier read",
        "C": "customer own read",
        "D": "deemed",
        "F": "final",
        "I": "initial",
        "R": "routine",
        "S": "special",
        "O": "old supplier's estimated change of supplier read",
    }
)

#: The reading types a D0086 may confirm: actual, deemed or customer.
CHANGE_OF_SUPPLIER_READING_TYPES: Final = MappingProxyType(
    {code: READING_TYPES[code] for code in ("A", "D", "C")}
)

#: The two answers to a D0300 dispute; ``resolution`` is ``None`` while it is open.
DISPUTE_RESOLUTIONS: Final = frozenset({"AGREED", "REJECTED"})


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0010(DFlow):
    """One register reading of a meter on a day, and how it was obtained.

    ``reading_method`` is ``None`` where the sender does not say.
    """

    flow_id: ClassVar[str] = "D0010"
    flow_name: ClassVar[str] = "Meter Readings"
    typical_direction: ClassVar[str] = "various (SUP/DC/MOP/outgoing DS)"

    meter_id: str = attrs.field(validator=check.meter_id)
    register_id: str = attrs.field(validator=check.register_id)
    reading_date: date = attrs.field(validator=check.calendar_date)
    reading: str = attrs.field(validator=check.reading)
    reading_type: str = attrs.field(validator=check.one_of(READING_TYPES, "a reading type"))
    reading_method: str | None = attrs.field(validator=check.optional(check.text(1, 10)))


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0086(DFlow):
    """The data collector's confirmed change-of-supplier reading for the supply start date.

    Both suppliers get it: the outgoing one closes its account on it, the
    incoming one opens on it.
    """

    flow_id: ClassVar[str] = "D0086"
    flow_name: ClassVar[str] = "Notification of Change of Supplier Readings"
    typical_direction: ClassVar[str] = "NHHDC → suppliers"

    meter_id: str = attrs.field(validator=check.meter_id)
    register_id: str = attrs.field(validator=check.register_id)
    supply_start_date: date = attrs.field(validator=check.calendar_date)
    reading: str = attrs.field(validator=check.reading)
    reading_type: str = attrs.field(
        validator=check.one_of(
            CHANGE_OF_SUPPLIER_READING_TYPES, "a change of supplier reading type"
        )
    )
    incoming_supplier_mpid: str = attrs.field(validator=check.mpid)
    outgoing_supplier_mpid: str = attrs.field(validator=check.mpid)


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0019(DFlow):
    """The estimated annual consumption, and annualised advance where known, for NHH settlement.

    ``annualised_advance_kwh`` is ``None`` until two readings span a period.
    """

    flow_id: ClassVar[str] = "D0019"
    flow_name: ClassVar[str] = "Metering System EAC/AA Data"
    typical_direction: ClassVar[str] = "NHHDC → NHHDA"

    effective_from_date: date = attrs.field(validator=check.calendar_date)
    estimated_annual_consumption_kwh: str = attrs.field(validator=check.reading)
    annualised_advance_kwh: str | None = attrs.field(validator=check.optional(check.reading))


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0300(DFlow):
    """One supplier disputes the other's change-of-supplier reading, or answers such a dispute.

    ``resolution`` is ``None`` when the dispute is raised and ``"AGREED"`` or
    ``"REJECTED"`` in the answer; ``dispute_reference`` ties the two together.
    """

    flow_id: ClassVar[str] = "D0300"
    flow_name: ClassVar[str] = "Disputed Readings or Missing Readings on Change of Supplier"
    typical_direction: ClassVar[str] = "SUP ↔ SUP"

    supply_start_date: date = attrs.field(validator=check.calendar_date)
    meter_id: str = attrs.field(validator=check.meter_id)
    register_id: str = attrs.field(validator=check.register_id)
    disputed_reading: str = attrs.field(validator=check.reading)
    proposed_reading: str = attrs.field(validator=check.reading)
    dispute_reason: str = attrs.field(validator=check.reason)
    dispute_reference: str = attrs.field(validator=check.text(1, 20))
    resolution: str | None = attrs.field(
        validator=check.optional(check.one_of(DISPUTE_RESOLUTIONS, "a dispute resolution"))
    )


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0004(DFlow):
    """A data collector tells the supplier it tried and failed to read a meter, and why."""

    flow_id: ClassVar[str] = "D0004"
    flow_name: ClassVar[str] = "Notification of Failure to Obtain Reading"
    typical_direction: ClassVar[str] = "DC → SUP"

    meter_id: str = attrs.field(validator=check.meter_id)
    attempted_date: date = attrs.field(validator=check.calendar_date)
    failure_reason: str = attrs.field(validator=check.reason)
