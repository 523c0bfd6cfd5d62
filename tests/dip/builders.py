"""The brief's fictional parties (section e.4) as typed values, for the DIP tests."""

from __future__ import annotations

from datetime import UTC, datetime

from market.messages.dip import (
    A0,
    B002,
    B008,
    B009,
    B013,
    B064,
    B065,
    B094,
    B095,
    B096,
    D0,
    M0,
    S0,
    S1,
    CommonBlock,
    CustomBlock,
    DipEnvelope,
    DSDeAppRM,
    MSDeAppRM,
    ReadingCOS,
    ReverseMigNotification,
)

MPAN = "1900012345670"
REGS = "2200000019"
LDSO = "2500000019"
MDS = "1800000001"
OUTGOING_SUPPLIER = "2300000101"
OUTGOING_SDS = "1400000201"
OUTGOING_MSS = "1200000301"
CSS_REGISTRATION = "3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10"


def at(text: str) -> datetime:
    """A UTC instant from ``YYYY-MM-DDThh:mm:ss`` (the brief's dates are all GMT)."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def regs_s1() -> S1:
    """REGS's S1 of the brief's IF-003 examples."""
    return S1(
        environment_tag="SIT",
        sub_text=None,
        sender_unique_reference="S-IF-003-2200000019-REGS-20260227-RM0000001",
        sender_timestamp=at("2026-02-27T18:05:12"),
        sender_dip_id=REGS,
        sender_role_id="REGS",
        sender_correlation_id=None,
        dip_connection_provider_id=None,
    )


def m0() -> M0:
    """The brief's MPAN in GSP group _J."""
    return M0(mpan_core=MPAN, distributor_dip_id=LDSO, gsp_group_id="_J")


def b002() -> B002:
    """The incoming legacy supplier LGSB from SSD 2026-03-02."""
    return B002(
        incoming_supplier_dip_id="0000000000",
        incoming_supplier_mpid="LGSB",
        supplier_effective_from_date=at("2026-03-02T00:00:00"),
    )


def reverse_mig_notification() -> ReverseMigNotification:
    """The CustomBlock of the brief's ``[ReverseMigNotification]``."""
    return ReverseMigNotification(
        b013=B013(css_registration_id=CSS_REGISTRATION),
        b094=B094(mhhs_regime_end_date=at("2026-03-01T00:00:00")),
        b002=b002(),
    )


def ms_de_app_rm(*, with_b095: bool = True) -> MSDeAppRM:
    """The CustomBlock of the brief's ``[MSDeAppRM]``, optionally without B095."""
    return MSDeAppRM(
        b013=B013(css_registration_id=CSS_REGISTRATION),
        b008=B008(
            de_appointed_metering_service_dip_id=OUTGOING_MSS,
            de_appointed_metering_service_mpid="MSSD",
            metering_service_effective_from_date=at("2025-11-10T00:00:00"),
            metering_service_effective_to_date=at("2026-03-01T00:00:00"),
            de_appointment_reason_code="CSUPP",
        ),
        b002=b002(),
        b095=B095(
            reverse_migration_incoming_mop_mpid="NMOF",
            reverse_migration_incoming_mop_effective_from_date=at("2026-03-02T00:00:00"),
        )
        if with_b095
        else None,
    )


def ds_de_app_rm(*, with_b096: bool = True) -> DSDeAppRM:
    """The CustomBlock of the brief's ``[DSDeAppRM]``, optionally without B096."""
    return DSDeAppRM(
        b013=B013(css_registration_id=CSS_REGISTRATION),
        b009=B009(
            de_appointed_data_service_dip_id=OUTGOING_SDS,
            de_appointed_data_service_mpid="SDSC",
            data_service_effective_from_date=at("2025-11-10T00:00:00"),
            data_service_effective_to_date=at("2026-03-01T00:00:00"),
            de_appointment_reason_code="CSUPP",
        ),
        b002=b002(),
        b096=B096(
            reverse_migration_incoming_dc_mpid="NDCE",
            reverse_migration_incoming_dc_effective_from_date=at("2026-03-02T00:00:00"),
        )
        if with_b096
        else None,
    )


def reading_cos() -> ReadingCOS:
    """The CustomBlock of the brief's IF-041 ``[ReadingCOS]``."""
    return ReadingCOS(
        b064_list=(
            B064(
                meter_id="E21Z012345",
                cumulative_register_reading="12345.678",
                cumulative_register_reading_date_time=at("2026-03-02T00:00:00"),
                reading_method="A",
                site_visit_check_code=None,
            ),
        ),
        b065_list=(
            B065(
                meter_id="E21Z012345",
                configurable_register_reading_date=at("2026-03-02T00:00:00"),
                configurable_register_id="01",
                configurable_register_reading="8123.400",
            ),
        ),
    )


def submitted(custom: CustomBlock, primary: tuple[str, ...], s1: S1 | None = None) -> DipEnvelope:
    """``custom`` as submitted: A0 with only primary recipients, no D0."""
    return DipEnvelope(
        common=CommonBlock(
            s0=S0.for_block(type(custom)),
            s1=s1 if s1 is not None else regs_s1(),
            a0=A0(primary_recipients=primary),
            m0=m0(),
        ),
        custom=custom,
    )


def d0() -> D0:
    """The D0 the DIP stamps on the brief's published ``[ReverseMigNotification]``."""
    return D0(
        transaction_id="T-IF-003-2200000019-REGS-20260227-0000A1B2C3D4E5F6",
        transaction_timestamp=at("2026-02-27T18:05:13"),
        publication_id="PUB-003",
        initial_correlation_id="CI-20260227-7F3A9C21D4E84B10",
        replay_indicator=False,
        service_ticket_url=None,
    )
