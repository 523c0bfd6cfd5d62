"""Building blocks of the MHHS change of supply (path COS-M): IF-001 and IF-031..IF-036.

Functions that turn one message's content into the next one's, shared by the
Registration Service, MHHS suppliers and the data and metering services; the
last two send REGS's answers through the context they are given. This module
is not a participant: it keeps no state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from market.messages.dip import (
    B002,
    B003,
    B004,
    B012,
    B013,
    B014,
    B015,
    B022,
    B023,
    B024,
    B025,
    B026,
    B070,
    B071,
    M0,
    R0,
    ChangeOfSupplier,
    CustomBlock,
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
from market.messages.dip.codes import (
    ALREADY_MIGRATED,
    LINKED_EXPORT_MPAN,
    MHHS_SCENARIO_ON_UNMIGRATED_MPAN,
    NON_QUALIFIED_SUPPLIER,
    RELATED_SECONDARY_MPAN,
    ResponseCode,
)
from market.participant import Context
from market.process.population import MeteringPoint, MpanRelationship, ServiceAppointment

#: Appointment scenario DI-800 for a change of supply.
CHANGE_OF_SUPPLY = "COS"
#: Appointment scenario DI-800 for a Migration Change of Supplier (forward migration, D12).
MIGRATION_CHANGE_OF_SUPPLIER = "MCS"
#: The DI-800 scenarios that migrate an MPAN into MHHS.
MIGRATION_SCENARIOS: Final = frozenset({"MCA", MIGRATION_CHANGE_OF_SUPPLIER})


def change_of_supplier_notice(
    point: MeteringPoint,
    *,
    css_registration_id: str,
    incoming: tuple[str, str],
    outgoing: tuple[str, str],
    supply_start: datetime,
    supply_end: datetime,
) -> ChangeOfSupplier:
    """B1: IF-001 [ChangeOfSupplier]; ``incoming`` / ``outgoing`` are (DIP ID, MPID)."""
    since = supply_start
    return ChangeOfSupplier(
        b013=B013(css_registration_id=css_registration_id),
        b002=B002(
            incoming_supplier_dip_id=incoming[0],
            incoming_supplier_mpid=incoming[1],
            supplier_effective_from_date=supply_start,
        ),
        b003=B003(
            outgoing_supplier_dip_id=outgoing[0],
            outgoing_supplier_mpid=outgoing[1],
            supplier_effective_to_date=supply_end,
        ),
        b004=B004(
            domestic_premise_indicator=True, domestic_premise_indicator_effective_from_date=since
        ),
        b022=B022(
            metering_point_postcode="BS1 4DJ",
            address_line_1=None,
            address_line_2=None,
            address_line_3=None,
            address_line_4=None,
            address_line_5=None,
            address_line_6=None,
            address_line_7=None,
            address_line_8=None,
            address_line_9=None,
        ),
        b023=B023(
            connection_type_indicator="W",
            connection_type_effective_from_date=since,
            energy_direction="I",
            metered_indicator=True,
        ),
        b024=B024(duos_tariff_id="501", duos_tariff_id_effective_from_date=since),
        b025=B025(energisation_status="E", energisation_status_effective_from_date=since),
        b026=B026(
            market_segment_indicator="A" if point.variant == "A" else "S",
            market_segment_indicator_effective_from_date=since,
        ),
    )


def appointment_requests(
    *,
    css_registration_id: str,
    data_service: ServiceAppointment,
    metering_service: ServiceAppointment,
    effective_from: datetime,
    scenario: str = CHANGE_OF_SUPPLY,
) -> tuple[DSApp, MSApp]:
    """B31d / B31m: the gaining supplier asks REGS to appoint its data and metering services.

    ``scenario`` is DI-800: ``COS`` for an MHHS change of supply, ``MCS`` when the
    MPAN has not migrated yet (a forward migration, D12).
    """
    b013 = B013(css_registration_id=css_registration_id)
    return (
        DSApp(
            b013=b013,
            b071=B071(
                proposed_data_service_dip_id=data_service.dip_id,
                proposed_data_service_mpid=data_service.mpid,
                proposed_data_service_effective_from_date=effective_from,
                contract_reference_data_service=None,
                appointment_scenario=scenario,
                supplier_nominated_mdr_dip_id=None,
                supplier_nominated_mdr_mpid=None,
                supplier_nominated_mdr_effective_from_date=None,
                supplier_proposed_consent_granularity="D",
                supplier_proposed_domestic_indicator=True,
                traditional_fall_back_read_frequency=None,
            ),
        ),
        MSApp(
            b013=b013,
            b070=B070(
                proposed_metering_service_dip_id=metering_service.dip_id,
                proposed_metering_service_mpid=metering_service.mpid,
                proposed_metering_service_effective_from_date=effective_from,
                contract_reference_metering_service=None,
                appointment_scenario=scenario,
            ),
        ),
    )


def initial_response(request: DSApp | MSApp) -> DSAppInitialResp | MSAppInitialResp:
    """B32: REGS's answer to the supplier (its outcome travels in R0)."""
    if isinstance(request, DSApp):
        return DSAppInitialResp(b013=request.b013, b071=request.b071)
    return MSAppInitialResp(b013=request.b013, b070=request.b070)


def provider_request(
    request: DSApp | MSApp, *, supplier: tuple[str, str]
) -> DSAppSPRequest | MSAppSPRequest:
    """B33: REGS asks the proposed provider; ``supplier`` is the requester's (DIP ID, MPID)."""
    b012 = B012(
        service_provider_appointment_requesting_supplier_dip_id=supplier[0],
        service_provider_appointment_requesting_supplier_mpid=supplier[1],
    )
    if isinstance(request, DSApp):
        return DSAppSPRequest(b012=b012, b013=request.b013, b071=request.b071)
    return MSAppSPRequest(b012=b012, b013=request.b013, b070=request.b070)


def provider_of(request: CustomBlock) -> str:
    """The DIP ID of the provider an IF-031..IF-035 block proposes."""
    if isinstance(request, DSApp | DSAppSPRequest | DSAppSPResponse | DSAppInitialResp):
        return request.b071.proposed_data_service_dip_id
    if isinstance(request, MSApp | MSAppSPRequest | MSAppSPResponse | MSAppInitialResp):
        return request.b070.proposed_metering_service_dip_id
    raise TypeError(f"{type(request).__name__} proposes no service provider")


def accepted_notice(response: DSAppSPResponse | MSAppSPResponse) -> DSAppAccepted | MSAppAccepted:
    """B35: REGS relays the provider's acceptance to the supplier and provider."""
    if isinstance(response, DSAppSPResponse):
        return DSAppAccepted(
            b007=response.b007, b012=response.b012, b013=response.b013, b071=response.b071
        )
    return MSAppAccepted(
        b007=response.b007, b012=response.b012, b013=response.b013, b070=response.b070
    )


def active_notice(response: DSAppSPResponse | MSAppSPResponse) -> DSAppActive | MSAppActive:
    """B36: REGS confirms the appointment to everyone the catalogue lists."""
    if isinstance(response, DSAppSPResponse):
        proposed = response.b071
        return DSAppActive(
            b012=response.b012,
            b013=response.b013,
            b015=B015(
                incoming_data_service_dip_id=proposed.proposed_data_service_dip_id,
                incoming_data_service_mpid=proposed.proposed_data_service_mpid,
                incoming_data_service_effective_from_date=(
                    proposed.proposed_data_service_effective_from_date
                ),
                contract_reference_data_service=proposed.contract_reference_data_service,
                appointment_scenario=proposed.appointment_scenario,
                traditional_fall_back_read_frequency=proposed.traditional_fall_back_read_frequency,
            ),
        )
    metering = response.b070
    return MSAppActive(
        b012=response.b012,
        b013=response.b013,
        b014=B014(
            incoming_metering_service_dip_id=metering.proposed_metering_service_dip_id,
            incoming_metering_service_mpid=metering.proposed_metering_service_mpid,
            incoming_metering_service_effective_from_date=(
                metering.proposed_metering_service_effective_from_date
            ),
            contract_reference_metering_service=metering.contract_reference_metering_service,
            appointment_scenario=metering.appointment_scenario,
        ),
    )


def is_accepted(response: DSAppSPResponse | MSAppSPResponse) -> bool:
    """Whether the provider accepted (B007 response code ``A``)."""
    return response.b007.response_code == "A"


def appointment_scenario(request: DSApp | MSApp) -> str:
    """The DI-800 appointment scenario an IF-031 asks for."""
    if isinstance(request, DSApp):
        return request.b071.appointment_scenario
    return request.b070.appointment_scenario


def appointment_refusal(
    scenario: str,
    *,
    migrated: bool,
    requester_qualified: bool,
    relationship: MpanRelationship | None,
) -> ResponseCode | None:
    """The REG code that refuses an IF-031, or ``None`` when REGS may accept it.

    A related MPAN takes its appointments from its site's primary MPAN (REG1038,
    REG1039, D13); the migration scenarios MCS/MCA are for qualified suppliers
    (REG9008) and unmigrated MPANs (REG9007); an unmigrated MPAN takes no other
    scenario (REG9009, D12).
    """
    if relationship == "LINKED_EXPORT":
        return LINKED_EXPORT_MPAN
    if relationship == "RELATED_SECONDARY":
        return RELATED_SECONDARY_MPAN
    if scenario in MIGRATION_SCENARIOS:
        if not requester_qualified:
            return NON_QUALIFIED_SUPPLIER
        return ALREADY_MIGRATED if migrated else None
    return None if migrated else MHHS_SCENARIO_ON_UNMIGRATED_MPAN


def answer_appointment_request(
    ctx: Context,
    envelope: DipEnvelope,
    *,
    supplier_mpid: str,
    m0: M0,
    refusal: ResponseCode | None = None,
) -> None:
    """REGS's B32 and B33: accept the IF-031 (R0 ``A``), then ask the proposed provider (IF-033).

    With a ``refusal`` the B32 answer is R0 ``R`` with that code, and no provider is asked.
    """
    custom = envelope.custom
    assert isinstance(custom, DSApp | MSApp)
    ctx.submit(
        initial_response(custom),
        primary_recipients=(envelope.sender_dip_id,),
        m0=m0,
        r0=R0.accepted() if refusal is None else R0.rejected(refusal),
    )
    if refusal is not None:
        ctx.record(
            "appointment_request_refused",
            mpan=envelope.mpan_core,
            supplier=envelope.sender_dip_id,
            scenario=appointment_scenario(custom),
            response=refusal.message,
        )
        return
    ctx.submit(
        provider_request(custom, supplier=(envelope.sender_dip_id, supplier_mpid)),
        primary_recipients=(provider_of(custom),),
        m0=m0,
    )


def relay_provider_response(
    ctx: Context, envelope: DipEnvelope, *, m0: M0, also_confirm_to: tuple[str, ...]
) -> bool:
    """REGS's B35 and B36: relay the IF-034 answer (IF-035); if accepted, confirm it (IF-036).

    Returns whether the provider accepted.
    """
    custom = envelope.custom
    assert isinstance(custom, DSAppSPResponse | MSAppSPResponse)
    supplier_dip_id = custom.b012.service_provider_appointment_requesting_supplier_dip_id
    provider = envelope.sender_dip_id
    ctx.submit(accepted_notice(custom), primary_recipients=(supplier_dip_id, provider), m0=m0)
    if not is_accepted(custom):
        ctx.record("service_appointment_refused", mpan=envelope.mpan_core, provider=provider)
        return False
    ctx.record(
        "service_appointed",
        mpan=envelope.mpan_core,
        provider=provider,
        event_code=envelope.event_code,
    )
    ctx.submit(
        active_notice(custom),
        primary_recipients=(supplier_dip_id, provider, *also_confirm_to),
        m0=m0,
    )
    return True
