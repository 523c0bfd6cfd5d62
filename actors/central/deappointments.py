"""The Registration Service's IF-003 de-appointments of a reverse migration (C14, C15).

Each ends the outgoing service's appointment at the MHHS regime end date and,
once the incoming supplier has registered its legacy agents (D0205), names the
incoming agent who takes over from the supply start date: the meter operator
for ``[MSDeAppRM]`` (B095), the data collector for ``[DSDeAppRM]`` (B096).
Pure functions: REGS decides when to send them.
"""

from __future__ import annotations

from actors.central.registration_records import ChangeOfSupply
from market.kernel.local_time import local_midnight
from market.messages.dip.if003 import B002, B008, B009, B013, B095, B096, DSDeAppRM, MSDeAppRM
from market.process.population import ServiceAppointment

#: B008/B009 de-appointment reason: a change of supplier.
CHANGE_OF_SUPPLIER = "CSUPP"


def metering_service_deappointment(
    change: ChangeOfSupply, metering: ServiceAppointment, b002: B002
) -> MSDeAppRM:
    """C14: ``[MSDeAppRM]`` for the outgoing Metering Service."""
    assert change.regime_end_date is not None  # set when the reverse migration was decided
    incoming = change.meter_operator_mpid
    return MSDeAppRM(
        b013=B013(css_registration_id=change.css_registration_id),
        b008=B008(
            de_appointed_metering_service_dip_id=metering.dip_id,
            de_appointed_metering_service_mpid=metering.mpid,
            metering_service_effective_from_date=local_midnight(metering.effective_from),
            metering_service_effective_to_date=local_midnight(change.regime_end_date),
            de_appointment_reason_code=CHANGE_OF_SUPPLIER,
        ),
        b002=b002,
        b095=None
        if incoming is None
        else B095(
            reverse_migration_incoming_mop_mpid=incoming,
            reverse_migration_incoming_mop_effective_from_date=local_midnight(
                change.supply_start_date
            ),
        ),
    )


def data_service_deappointment(
    change: ChangeOfSupply, data: ServiceAppointment, b002: B002
) -> DSDeAppRM:
    """C15: ``[DSDeAppRM]`` for the outgoing Data Service."""
    assert change.regime_end_date is not None  # set when the reverse migration was decided
    incoming = change.data_collector_mpid
    return DSDeAppRM(
        b013=B013(css_registration_id=change.css_registration_id),
        b009=B009(
            de_appointed_data_service_dip_id=data.dip_id,
            de_appointed_data_service_mpid=data.mpid,
            data_service_effective_from_date=local_midnight(data.effective_from),
            data_service_effective_to_date=local_midnight(change.regime_end_date),
            de_appointment_reason_code=CHANGE_OF_SUPPLIER,
        ),
        b002=b002,
        b096=None
        if incoming is None
        else B096(
            reverse_migration_incoming_dc_mpid=incoming,
            reverse_migration_incoming_dc_effective_from_date=local_midnight(
                change.supply_start_date
            ),
        ),
    )
