"""Flows between a supplier, the legacy registration service and the NHH data aggregator.

The Registration Service confirms the registration to the legacy incoming
supplier (D0217) and tells it about the old supplier (D0311); the supplier
registers its agents and settlement details (D0205); the registration service
confirms them to the supplier (D0172) and instructs the data aggregator (D0209).
Domain brief c.1, steps C6, C12 and C13.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import attrs

from market.kernel.ids import Role
from market.messages.dtn import _checks as check
from market.messages.dtn._base import DFlow, flow_type


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0205(DFlow):
    """A supplier registers its legacy agents and settlement details from a date.

    This is what lets the Registration Service name the incoming MOP and DC on
    the IF-003 de-appointments it sends the outgoing MHHS services.
    """

    flow_id: ClassVar[str] = "D0205"
    flow_name: ClassVar[str] = "Update Registration Details"
    typical_direction: ClassVar[str] = "SUP → Registration"

    effective_from_date: date = attrs.field(validator=check.calendar_date)
    data_collector_mpid: str = attrs.field(validator=check.mpid)
    data_collector_role: Role = attrs.field(
        validator=check.role_in(check.LEGACY_DATA_COLLECTORS, "a legacy data collector role")
    )
    meter_operator_mpid: str = attrs.field(validator=check.mpid)
    meter_operator_role: Role = attrs.field(
        validator=check.role_in(check.LEGACY_METER_OPERATORS, "a legacy meter operator role")
    )
    data_aggregator_mpid: str = attrs.field(validator=check.mpid)
    data_aggregator_role: Role = attrs.field(
        validator=check.role_in(check.LEGACY_DATA_AGGREGATORS, "a legacy data aggregator role")
    )
    measurement_class: str = attrs.field(validator=check.measurement_class)
    profile_class: int = attrs.field(validator=check.profile_class)
    standard_settlement_configuration: str = attrs.field(
        validator=check.standard_settlement_configuration
    )


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0217(DFlow):
    """The Registration Service confirms a legacy supplier's registration from the supply start.

    The MHHS catalogue calls IF-002 "equivalent to the D0217/D0260"; a legacy
    gaining supplier is not on the DIP, so it gets the D0217.
    """

    flow_id: ClassVar[str] = "D0217"
    flow_name: ClassVar[str] = "Confirmation of the Registration of a Metering Point"
    typical_direction: ClassVar[str] = "Registration → SUP"

    supply_start_date: date = attrs.field(validator=check.calendar_date)
    supplier_mpid: str = attrs.field(validator=check.mpid)
    gsp_group_id: str = attrs.field(validator=check.gsp_group)
    css_registration_id: str = attrs.field(validator=check.text(1, 36))


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0172(DFlow):
    """The Registration Service confirms the changes a supplier's D0205 made (C13).

    The brief asks for a legacy "confirmation" to the incoming supplier without
    naming the flow; D0172 is the DTC's confirmation of registration changes.
    """

    flow_id: ClassVar[str] = "D0172"
    flow_name: ClassVar[str] = "Confirmation of Changes"
    typical_direction: ClassVar[str] = "Registration → SUP"

    effective_from_date: date = attrs.field(validator=check.calendar_date)
    supplier_mpid: str = attrs.field(validator=check.mpid)
    data_collector_mpid: str = attrs.field(validator=check.mpid)
    meter_operator_mpid: str = attrs.field(validator=check.mpid)
    data_aggregator_mpid: str = attrs.field(validator=check.mpid)


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0209(DFlow):
    """The Registration Service tells the NHH data aggregator to start or change aggregating."""

    flow_id: ClassVar[str] = "D0209"
    flow_name: ClassVar[str] = "Instructions to NHH Data Aggregator"
    typical_direction: ClassVar[str] = "Registration → NHHDA"

    supply_start_date: date = attrs.field(validator=check.calendar_date)
    supplier_mpid: str = attrs.field(validator=check.mpid)
    data_collector_mpid: str = attrs.field(validator=check.mpid)
    profile_class: int = attrs.field(validator=check.profile_class)
    standard_settlement_configuration: str = attrs.field(
        validator=check.standard_settlement_configuration
    )
    instruction: str = attrs.field(
        validator=check.matching("[A-Z]{1,10}", "1–10 upper-case letters (e.g. 'NEW', 'CHANGE')")
    )


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0311(DFlow):
    """The Registration Service tells the incoming supplier who the old supplier was.

    In a reverse migration the old supplier is an MHHS supplier and so has a
    DIP ID; ``None`` where it has none.

    Where the Registration Service knows them, it also names the old meter
    operator and data collector (for a reverse migration, the outgoing MHHS
    Metering and Data Services), so the supplier can pass them on in D0148 to
    incoming agents that must ask them for data with D0170 (RECON). Each MPID
    and its role are given together or not at all; ``None`` where not known.
    """

    flow_id: ClassVar[str] = "D0311"
    flow_name: ClassVar[str] = "Notification of Old Supplier Information"
    typical_direction: ClassVar[str] = "Registration → SUP (RECON direction)"

    old_supplier_mpid: str = attrs.field(validator=check.mpid)
    old_supplier_dip_id: str | None = attrs.field(validator=check.optional(check.dip_id))
    supply_start_date: date = attrs.field(validator=check.calendar_date)
    old_meter_operator_mpid: str | None = attrs.field(
        default=None, validator=check.optional(check.mpid)
    )
    old_meter_operator_role: Role | None = attrs.field(
        default=None, validator=check.meter_operating_role("old_meter_operator_mpid")
    )
    old_data_collector_mpid: str | None = attrs.field(
        default=None, validator=check.optional(check.mpid)
    )
    old_data_collector_role: Role | None = attrs.field(
        default=None, validator=check.data_collecting_role("old_data_collector_mpid")
    )
