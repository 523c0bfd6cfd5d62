"""Flows by which an incoming supplier appoints, briefs and terminates its legacy agents.

In a reverse migration the gaining supplier is not MHHS-qualified, so it runs
its agents the legacy way (domain brief c.1, steps C9–C11): it appoints a meter
operator and data collector (D0155) and a data aggregator (D0153), each agent
accepts (D0011) or rejects (D0261), and the supplier then tells every agent
who the others are (D0148) and who the customer is (D0302).
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
class D0155(DFlow):
    """A supplier appoints a meter operator or data collector and states the terms.

    Since DTC CP3471 it carries the smart change-of-supplier indicator, which
    tells the agent the change-of-supplier read will come from the meter via DCC.
    """

    flow_id: ClassVar[str] = "D0155"
    flow_name: ClassVar[str] = (
        "Notification of Meter Operator or Data Collector Appointment and Terms"
    )
    typical_direction: ClassVar[str] = "SUP → MOP/DC"

    appointed_role: Role = attrs.field(
        validator=check.role_in(
            check.LEGACY_METER_OPERATORS | check.LEGACY_DATA_COLLECTORS,
            "a legacy meter operator or data collector role",
        )
    )
    effective_from_date: date = attrs.field(validator=check.calendar_date)
    supplier_mpid: str = attrs.field(validator=check.mpid)
    smart_cos_indicator: bool = attrs.field(validator=check.boolean)
    measurement_class: str = attrs.field(validator=check.measurement_class)
    gsp_group_id: str = attrs.field(validator=check.gsp_group)
    contract_reference: str = attrs.field(validator=check.contract_reference)


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0153(DFlow):
    """A supplier appoints a data aggregator and states the terms."""

    flow_id: ClassVar[str] = "D0153"
    flow_name: ClassVar[str] = "Notification of Data Aggregator Appointment and Terms"
    typical_direction: ClassVar[str] = "SUP → DA"

    appointed_role: Role = attrs.field(
        validator=check.role_in(check.LEGACY_DATA_AGGREGATORS, "a legacy data aggregator role")
    )
    effective_from_date: date = attrs.field(validator=check.calendar_date)
    supplier_mpid: str = attrs.field(validator=check.mpid)
    gsp_group_id: str = attrs.field(validator=check.gsp_group)
    contract_reference: str = attrs.field(validator=check.contract_reference)


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0011(DFlow):
    """An appointed agent accepts the appointment and the supplier's contract terms."""

    flow_id: ClassVar[str] = "D0011"
    flow_name: ClassVar[str] = "Agreement of Contractual Terms"
    typical_direction: ClassVar[str] = "agent → SUP"

    appointed_role: Role = attrs.field(
        validator=check.role_in(check.LEGACY_AGENTS, "a legacy agent role")
    )
    effective_from_date: date = attrs.field(validator=check.calendar_date)
    contract_reference: str = attrs.field(validator=check.contract_reference)


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0261(DFlow):
    """An agent refuses an appointment and says why, so the supplier can appoint another."""

    flow_id: ClassVar[str] = "D0261"
    flow_name: ClassVar[str] = "Rejection of Agent Appointment"
    typical_direction: ClassVar[str] = "agent → SUP"

    appointed_role: Role = attrs.field(
        validator=check.role_in(check.LEGACY_AGENTS, "a legacy agent role")
    )
    effective_from_date: date = attrs.field(validator=check.calendar_date)
    contract_reference: str = attrs.field(validator=check.contract_reference)
    rejection_reason: str = attrs.field(validator=check.reason)


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0151(DFlow):
    """A supplier ends an agent's appointment or contract from ``effective_to_date``."""

    flow_id: ClassVar[str] = "D0151"
    flow_name: ClassVar[str] = "Termination of Appointment or Contract by Supplier"
    typical_direction: ClassVar[str] = "SUP → agent"

    terminated_role: Role = attrs.field(
        validator=check.role_in(check.LEGACY_AGENTS, "a legacy agent role")
    )
    effective_to_date: date = attrs.field(validator=check.calendar_date)
    contract_reference: str = attrs.field(validator=check.contract_reference)


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0148(DFlow):
    """A supplier tells an agent which other agents serve the metering point.

    Each agent is ``None`` where the supplier has not appointed one yet, or
    where the recipient is that agent itself. On a change of supply the
    supplier also names the outgoing supplier (RECON: the legacy DC needs it to
    send D0086 to both suppliers, and no other flow tells it).

    Where the Registration Service's de-appointment did not name the incoming
    agents (no B095 / B096), the outgoing meter operator and data collector
    (legacy agents or MHHS services) do not know whom to hand over to; the
    supplier then names them here, by MPID and role, so the incoming agents can
    ask them with D0170 (RECON: steps A2q / A3q, T2q / T3q). Each MPID and its
    role are given together or not at all.
    """

    flow_id: ClassVar[str] = "D0148"
    flow_name: ClassVar[str] = "Notification of Change to Other Parties"
    typical_direction: ClassVar[str] = "SUP → agents"

    effective_from_date: date = attrs.field(validator=check.calendar_date)
    supplier_mpid: str = attrs.field(validator=check.mpid)
    data_collector_mpid: str | None = attrs.field(validator=check.optional(check.mpid))
    meter_operator_mpid: str | None = attrs.field(validator=check.optional(check.mpid))
    data_aggregator_mpid: str | None = attrs.field(validator=check.optional(check.mpid))
    outgoing_supplier_mpid: str | None = attrs.field(
        default=None, validator=check.optional(check.mpid)
    )
    outgoing_meter_operator_mpid: str | None = attrs.field(
        default=None, validator=check.optional(check.mpid)
    )
    outgoing_meter_operator_role: Role | None = attrs.field(
        default=None, validator=check.meter_operating_role("outgoing_meter_operator_mpid")
    )
    outgoing_data_collector_mpid: str | None = attrs.field(
        default=None, validator=check.optional(check.mpid)
    )
    outgoing_data_collector_role: Role | None = attrs.field(
        default=None, validator=check.data_collecting_role("outgoing_data_collector_mpid")
    )


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0302(DFlow):
    """A supplier gives its agents the customer's name, site postcode and PSR status.

    Meter operators need the Priority Services Register flag before a site visit.
    """

    flow_id: ClassVar[str] = "D0302"
    flow_name: ClassVar[str] = "Notification of Customer Details"
    typical_direction: ClassVar[str] = "SUP → agents"

    customer_name: str = attrs.field(validator=check.text(1, 40))
    site_postcode: str = attrs.field(validator=check.text(1, 8))
    priority_services_register: bool = attrs.field(validator=check.boolean)
