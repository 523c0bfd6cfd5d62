"""Typed values of the IF-031 to IF-036 appointment events (path COS-M), for the DIP tests."""

from __future__ import annotations

from market.messages.dip import (
    B007,
    B012,
    B014,
    B015,
    B070,
    B071,
    B072,
    R0,
    SP_REJECTIONS,
    DipEnvelope,
    DSApp,
    DSAppAccepted,
    DSAppActive,
    DSAppInitialResp,
    DSAppSPRequest,
    DSAppSPResponse,
    MSApp,
    MSAppAccepted,
    MSAppActive,
    MSAppInitialResp,
    MSAppSPRequest,
    MSAppSPResponse,
)

from .builders import (
    LDSO,
    MDS,
    OUTGOING_MSS,
    REGS,
    at,
)
from .envelope_builders import (
    DATA_SERVICE,
    INCOMING_MSS,
    INCOMING_SDS,
    INCOMING_SUPPLIER,
    METERING_SERVICE,
    REGISTRATION,
    SSD,
    SUPPLIER,
    b013,
    envelope,
)


def b070(scenario: str = "COS") -> B070:
    """The gaining supplier's proposed Metering Service MSSE from SSD."""
    return B070(
        proposed_metering_service_dip_id=INCOMING_MSS,
        proposed_metering_service_mpid="MSSE",
        proposed_metering_service_effective_from_date=at(SSD),
        contract_reference_metering_service="MHSB-MSSE-01",
        appointment_scenario=scenario,
    )


def b071(scenario: str = "COS") -> B071:
    """The gaining supplier's proposed Data Service SDSD from SSD, no nominated MDR."""
    return B071(
        proposed_data_service_dip_id=INCOMING_SDS,
        proposed_data_service_mpid="SDSD",
        proposed_data_service_effective_from_date=at(SSD),
        contract_reference_data_service=None,
        appointment_scenario=scenario,
        supplier_nominated_mdr_dip_id=None,
        supplier_nominated_mdr_mpid=None,
        supplier_nominated_mdr_effective_from_date=None,
        supplier_proposed_consent_granularity="H",
        supplier_proposed_domestic_indicator=True,
        traditional_fall_back_read_frequency="M",
    )


def b012() -> B012:
    """The gaining supplier as requester."""
    return B012(
        service_provider_appointment_requesting_supplier_dip_id=INCOMING_SUPPLIER,
        service_provider_appointment_requesting_supplier_mpid="MHSB",
    )


def appointment_envelopes() -> list[tuple[str, DipEnvelope]]:
    """One submitted envelope per IF-031 to IF-036 event, each from its real sender."""
    incumbent = B072(
        incumbent_metering_service_dip_id=OUTGOING_MSS, incumbent_metering_service_mpid="MSSD"
    )
    return [
        ("DSApp", envelope(DSApp(b013=b013(), b071=b071()), (REGS,), SUPPLIER)),
        ("MSApp", envelope(MSApp(b013=b013(), b070=b070()), (REGS,), SUPPLIER)),
        (
            "DSAppInitialResp",
            envelope(
                DSAppInitialResp(b013=b013(), b071=b071()),
                (INCOMING_SUPPLIER,),
                REGISTRATION,
                R0.accepted(),
            ),
        ),
        (
            "MSAppInitialResp",
            envelope(
                MSAppInitialResp(b070=b070("CSP")),
                (INCOMING_SUPPLIER,),
                REGISTRATION,
                R0.accepted(),
            ),
        ),
        (
            "DSAppSPRequest",
            envelope(
                DSAppSPRequest(b012=b012(), b013=b013(), b071=b071()), (INCOMING_SDS,), REGISTRATION
            ),
        ),
        (
            "MSAppSPRequest",
            envelope(
                MSAppSPRequest(b012=b012(), b013=b013(), b070=b070(), b072=incumbent),
                (INCOMING_MSS,),
                REGISTRATION,
            ),
        ),
        (
            "DSAppSPResponse",
            envelope(
                DSAppSPResponse(b007=B007.accepted(), b012=b012(), b013=b013(), b071=b071()),
                (REGS,),
                DATA_SERVICE,
            ),
        ),
        (
            "MSAppSPResponse",
            envelope(
                MSAppSPResponse(
                    b007=B007.rejected(SP_REJECTIONS["SP007"]), b012=b012(), b070=b070()
                ),
                (REGS,),
                METERING_SERVICE,
            ),
        ),
        (
            "DSAppAccepted",
            envelope(
                DSAppAccepted(b007=B007.accepted(), b012=b012(), b013=b013(), b071=b071()),
                (INCOMING_SUPPLIER, INCOMING_SDS),
                REGISTRATION,
            ),
        ),
        (
            "MSAppAccepted",
            envelope(
                MSAppAccepted(b007=B007.accepted(), b012=b012(), b013=b013(), b070=b070()),
                (INCOMING_SUPPLIER, INCOMING_MSS),
                REGISTRATION,
            ),
        ),
        (
            "DSAppActive",
            envelope(
                DSAppActive(
                    b012=b012(),
                    b013=b013(),
                    b015=B015(
                        incoming_data_service_dip_id=INCOMING_SDS,
                        incoming_data_service_mpid="SDSD",
                        incoming_data_service_effective_from_date=at(SSD),
                        contract_reference_data_service=None,
                        appointment_scenario="COS",
                        traditional_fall_back_read_frequency="M",
                    ),
                ),
                (INCOMING_SUPPLIER, INCOMING_SDS, LDSO, MDS),
                REGISTRATION,
            ),
        ),
        (
            "MSAppActive",
            envelope(
                MSAppActive(
                    b012=b012(),
                    b013=b013(),
                    b014=B014(
                        incoming_metering_service_dip_id=INCOMING_MSS,
                        incoming_metering_service_mpid="MSSE",
                        incoming_metering_service_effective_from_date=at(SSD),
                        contract_reference_metering_service="MHSB-MSSE-01",
                        appointment_scenario="COS",
                    ),
                ),
                (INCOMING_SUPPLIER, INCOMING_MSS, LDSO, MDS),
                REGISTRATION,
            ),
        ),
    ]
