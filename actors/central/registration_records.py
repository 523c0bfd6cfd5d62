"""What the Registration Service holds: a record per MPAN, one per change of supply in flight."""

from __future__ import annotations

from datetime import date

import attrs

from market.process.population import MeteringPoint, ServiceAppointment
from market.process.vocabulary import Regime, SwitchPath

REVERSE_MIGRATION = SwitchPath.REVERSE_MIGRATION
LEGACY_CHANGE_OF_SUPPLY = SwitchPath.LEGACY_CHANGE_OF_SUPPLY
MHHS_CHANGE_OF_SUPPLY = SwitchPath.MHHS_CHANGE_OF_SUPPLY
FORWARD_MIGRATION = SwitchPath.FORWARD_MIGRATION


@attrs.define(kw_only=True)
class ChangeOfSupply:
    """REGS's record of one change of supply in progress, on one of the four paths."""

    path: SwitchPath
    css_registration_id: str
    incoming_supplier_mpid: str
    supply_start_date: date
    outgoing_supplier_mpid: str
    regime_end_date: date | None = None
    data_collector_mpid: str | None = None
    meter_operator_mpid: str | None = None
    data_aggregator_mpid: str | None = None
    deappointed: bool = False
    #: D5: REGS waits for the gaining supplier's D0205 (the legacy agents known) before it
    #: de-appoints, so B095/B096 name them; ``False`` de-appoints on securing, without them.
    waits_for_legacy_agents: bool = True


@attrs.define(kw_only=True)
class Registration:
    """What REGS holds for one MPAN: regime, registrant and appointed services."""

    point: MeteringPoint
    regime: Regime
    supplier_mpid: str
    data_service: ServiceAppointment | None
    metering_service: ServiceAppointment | None
    change: ChangeOfSupply | None = None
