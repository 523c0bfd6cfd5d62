"""Typed values of the IF-001, IF-014, IF-021, IF-025/026 and IF-063 events, for the DIP tests."""

from __future__ import annotations

from market.messages.dip import (
    B002,
    B003,
    B004,
    B022,
    B023,
    B024,
    B025,
    B026,
    B032,
    B044,
    B060,
    B067,
    B083,
    B900,
    DATA_SERVICE_NOT_APPOINTED,
    R0,
    SUPPLIER_DATA_ITEMS_UNMIGRATED,
    ActivePower,
    ActivePowerRejected,
    ChangeOfSupplier,
    DipEnvelope,
    MDRStop,
    ReactivePower,
    SSCandProfileClassNotification,
    SSCandProfileClassRequest,
)

from .appointment_builders import appointment_envelopes
from .builders import (
    LDSO,
    MDS,
    OUTGOING_SDS,
    OUTGOING_SUPPLIER,
    REGS,
    at,
)
from .envelope_builders import (
    INCOMING_SUPPLIER,
    MDR,
    REGISTRATION,
    SSD,
    b013,
    envelope,
)


def change_of_supplier() -> ChangeOfSupplier:
    """IF-001 ``[ChangeOfSupplier]`` from MHSA to MHSB at SSD 2026-03-02."""
    return ChangeOfSupplier(
        b013=b013(),
        b002=B002(
            incoming_supplier_dip_id=INCOMING_SUPPLIER,
            incoming_supplier_mpid="MHSB",
            supplier_effective_from_date=at(SSD),
        ),
        b003=B003(
            outgoing_supplier_dip_id=OUTGOING_SUPPLIER,
            outgoing_supplier_mpid="MHSA",
            supplier_effective_to_date=at("2026-03-01T00:00:00"),
        ),
        b004=B004(
            domestic_premise_indicator=True,
            domestic_premise_indicator_effective_from_date=at("2019-06-01T00:00:00"),
        ),
        b022=B022(
            metering_point_postcode="CF1 1AA",
            address_line_1="Yellow Door",
            address_line_2=None,
            address_line_3=None,
            address_line_4="Short Lane",
            address_line_5=None,
            address_line_6=None,
            address_line_7=None,
            address_line_8="CARDIFF",
            address_line_9=None,
        ),
        b023=B023(
            connection_type_indicator="W",
            connection_type_effective_from_date=at("2019-06-01T00:00:00"),
            energy_direction="I",
            metered_indicator=True,
        ),
        b024=B024(
            duos_tariff_id="999",
            duos_tariff_id_effective_from_date=at("2019-06-01T00:00:00"),
        ),
        b025=B025(
            energisation_status="E",
            energisation_status_effective_from_date=at("2019-06-01T00:00:00"),
        ),
        b026=B026(
            market_segment_indicator="S",
            market_segment_indicator_effective_from_date=at("2025-11-10T00:00:00"),
        ),
    )


def b067() -> B067:
    """A whole-current connection."""
    return B067(
        connection_type_indicator="W",
        connection_type_effective_from_date=at("2019-06-01T00:00:00"),
    )


def day_of_consumption(
    day: str = "2026-03-01T00:00:00", periods: int = 48, quantity: str = "AI"
) -> B900:
    """``periods`` actual values of 0.250 of ``quantity`` (kWh, kVArh) for the UTC day ``day``."""
    return B900.for_day(
        measurement_quantity_id=quantity,
        settlement_day_date=at(day),
        values=["0.250"] * periods,
    )


def active_power() -> ActivePower:
    """IF-021 ``[ActivePower]`` from the outgoing SDS for the last MHHS day."""
    return ActivePower(
        b044=B044(issuing_data_service_dip_id=OUTGOING_SDS),
        b067=b067(),
        b900_list=(day_of_consumption(),),
    )


def reactive_power() -> ReactivePower:
    """IF-021 ``[ReactivePower]`` (reactive import, ``RI``) for the last MHHS day."""
    return ReactivePower(
        b044=B044(issuing_data_service_dip_id=OUTGOING_SDS),
        b067=b067(),
        b900_list=(day_of_consumption(quantity="RI"),),
    )


def active_power_rejected() -> ActivePowerRejected:
    """IF-014 ``[ActivePowerRejected]`` for a day after the MHHS regime ended."""
    return ActivePowerRejected(
        b044=B044(issuing_data_service_dip_id=OUTGOING_SDS),
        b067=b067(),
        b900=day_of_consumption("2026-03-02T00:00:00"),
    )


def b032() -> B032:
    """SSC 0393 with Profile Class 01, both from 2026-03-02."""
    return B032(
        profile_class="01",
        profile_class_effective_from_date=at(SSD),
        ssc="0393",
        ssc_effective_from_date=at(SSD),
    )


def all_new_envelopes() -> list[tuple[str, DipEnvelope, tuple[str, str]]]:
    """Every newly modelled event as submitted, with its sender, named by event."""
    sds = (OUTGOING_SDS, "SDS")
    mds = (MDS, "MDS")
    outgoing_supplier = (OUTGOING_SUPPLIER, "SUP")
    rejected = R0.rejected(SUPPLIER_DATA_ITEMS_UNMIGRATED)
    envelopes: list[tuple[str, DipEnvelope, tuple[str, str]]] = [
        (
            "ChangeOfSupplier",
            envelope(change_of_supplier(), (INCOMING_SUPPLIER, MDS, LDSO), REGISTRATION),
            REGISTRATION,
        ),
        ("ActivePower", envelope(active_power(), (MDS,), sds), sds),
        ("ReactivePower", envelope(reactive_power(), (MDS,), sds), sds),
        (
            "ActivePowerRejected",
            envelope(
                active_power_rejected(),
                (OUTGOING_SDS,),
                mds,
                R0.rejected(DATA_SERVICE_NOT_APPOINTED),
            ),
            mds,
        ),
        (
            "SSCandProfileClassRequest",
            envelope(SSCandProfileClassRequest(b032=b032()), (REGS,), outgoing_supplier),
            outgoing_supplier,
        ),
        (
            "SSCandProfileClassNotification",
            envelope(
                SSCandProfileClassNotification(b032=b032()),
                (OUTGOING_SUPPLIER,),
                REGISTRATION,
                rejected,
            ),
            REGISTRATION,
        ),
        (
            "MDRStop",
            envelope(
                MDRStop(
                    b083=B083(
                        assigned_mdr_dip_id=MDR,
                        assigned_mdr_mpid="MDRA",
                        assigned_mdr_effective_to_date=at("2026-03-01T00:00:00"),
                    )
                ),
                (MDR,),
                sds,
            ),
            sds,
        ),
    ]
    for name, built in appointment_envelopes():
        sender = (built.sender_dip_id, built.common.s1.sender_role_id)
        envelopes.append((name, built, sender))
    return envelopes


def mdr_stop_with_note() -> MDRStop:
    """IF-063 ``[MDRStop]`` with the optional B060 note."""
    return MDRStop(
        b083=B083(
            assigned_mdr_dip_id=MDR,
            assigned_mdr_mpid="MDRA",
            assigned_mdr_effective_to_date=at("2026-03-01T00:00:00"),
        ),
        b060=B060(additional_information="Reverse migration: MPAN leaves MHHS on 2026-03-02"),
    )
