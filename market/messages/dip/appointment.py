"""Blocks of the service-provider appointment exchange, IF-031 to IF-036 (path COS-M).

A supplier proposes a Data Service (B071) or Metering Service (B070) to REGS;
REGS asks the provider on behalf of the requesting supplier (B012), naming the
incumbent MS (B072) for a metering appointment; the provider answers with
B007; once the switch is active REGS confirms the appointed provider (B015 /
B014). Block ids, item sets, keys and field rules are DOC (DES138 as reconciled
to the v2.2.1 schema; the B007/B012/B070 keys are also confirmed by a public
IF-035 ``[MSAppAccepted]`` payload). Nullable items are sent as ``null``.
Inferred rather than read (RECON): the proposed/incoming/incumbent MPIDs use the
DT-027 MPID rule of the other MPID items, ``supplierNominatedMDRMPID`` is
nullable like its DIP ID, ``contractReferenceDataService`` has the 1 to 50
rule of ``contractReferenceMeteringService``, and ``appointmentScenario`` is
the catalogue's DI-800 enum.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import attrs

from market.messages.dip.codes import PROPOSED_APPOINTMENT_ACCEPTED, ResponseCode, response_code_of
from market.messages.dip.fields import wire_datetime, wire_flag, wire_text
from market.messages.dip.formats import dip_id_text, mpid_text
from market.messages.dip.outcome import ACCEPTED, REJECTED, RESPONSE_CODES_R0

#: DI-800 appointment scenarios: Change of Supplier, Change of SP, Update existing SP
#: appointment, Change of Segment, Migration Change of Agent, Migration Change of
#: Supplier, Auto Alignment of MPAN Service Providers.
APPOINTMENT_SCENARIOS: Final = ("COS", "CSP", "USP", "SEG", "MCA", "MCS", "ALG")

#: DI-838 consent granularities: Half-hourly, Daily, Monthly reads only, No consent
#: (the v2.2.1 enum also lists a placeholder-like ``x``, not accepted here).
CONSENT_GRANULARITIES: Final = ("H", "D", "M", "N")

#: DI-126 traditional / fall-back read frequencies: Weekly, Fortnightly, Monthly,
#: Quarterly, Six-monthly, Annually (``x`` as for DI-838).
READ_FREQUENCIES: Final = ("W", "F", "M", "Q", "S", "A")


@attrs.frozen(kw_only=True)
class B007:
    """A service provider's answer to a proposed appointment.

    ``proposed_appointment_response_code`` is ``"<SPnnn> - <text>"``, e.g.
    ``"SP000 - Proposed Appointment ACCEPTED"``; it is nullable on the wire.
    """

    response_code: str = attrs.field(validator=wire_text("responseCode", choices=RESPONSE_CODES_R0))
    proposed_appointment_response_code: str | None = attrs.field(
        validator=wire_text(
            "proposedAppointmentResponseCode", min_length=1, max_length=200, nullable=True
        )
    )

    @classmethod
    def accepted(cls) -> B007:
        """The provider accepts: ``A`` with SP000."""
        return cls(
            response_code=ACCEPTED,
            proposed_appointment_response_code=PROPOSED_APPOINTMENT_ACCEPTED.message,
        )

    @classmethod
    def rejected(cls, reason: ResponseCode) -> B007:
        """The provider refuses for ``reason`` (one of the SP001–SP099 codes)."""
        return cls(response_code=REJECTED, proposed_appointment_response_code=reason.message)

    @property
    def reason(self) -> ResponseCode | None:
        """The registered SP code of the answer, if it names one."""
        message = self.proposed_appointment_response_code
        return response_code_of(message) if message is not None else None


@attrs.frozen(kw_only=True)
class B012:
    """The supplier that asked for the appointment."""

    service_provider_appointment_requesting_supplier_dip_id: str = attrs.field(
        validator=dip_id_text("serviceProviderAppointmentRequestingSupplierDIPID")
    )
    service_provider_appointment_requesting_supplier_mpid: str = attrs.field(
        validator=mpid_text("serviceProviderAppointmentRequestingSupplierMPID")
    )


@attrs.frozen(kw_only=True)
class B070:
    """The Metering Service a supplier proposes, from when, under which scenario."""

    proposed_metering_service_dip_id: str = attrs.field(
        validator=dip_id_text("proposedMeteringServiceDIPID")
    )
    proposed_metering_service_mpid: str = attrs.field(
        validator=mpid_text("proposedMeteringServiceMPID")
    )
    proposed_metering_service_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("proposedMeteringServiceDIPEffectiveFromDate")
    )
    contract_reference_metering_service: str | None = attrs.field(
        validator=wire_text(
            "contractReferenceMeteringService", min_length=1, max_length=50, nullable=True
        )
    )
    appointment_scenario: str = attrs.field(
        validator=wire_text("appointmentScenario", choices=APPOINTMENT_SCENARIOS)
    )


@attrs.frozen(kw_only=True)
class B071:
    """The Data Service a supplier proposes, with what the DS needs to take the MPAN on.

    Besides the provider and scenario: an optional supplier-nominated MDR (smart
    only), the consent granularity and domestic flag the supplier holds, and the
    read frequency it wants for traditional meters.
    """

    proposed_data_service_dip_id: str = attrs.field(
        validator=dip_id_text("proposedDataServiceDIPID")
    )
    proposed_data_service_mpid: str = attrs.field(validator=mpid_text("proposedDataServiceMPID"))
    proposed_data_service_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("proposedDataServiceDIPEffectiveFromDate")
    )
    contract_reference_data_service: str | None = attrs.field(
        validator=wire_text(
            "contractReferenceDataService", min_length=1, max_length=50, nullable=True
        )
    )
    appointment_scenario: str = attrs.field(
        validator=wire_text("appointmentScenario", choices=APPOINTMENT_SCENARIOS)
    )
    supplier_nominated_mdr_dip_id: str | None = attrs.field(
        validator=dip_id_text("supplierNominatedMDRDIPID", nullable=True)
    )
    supplier_nominated_mdr_mpid: str | None = attrs.field(
        validator=mpid_text("supplierNominatedMDRMPID", nullable=True)
    )
    supplier_nominated_mdr_effective_from_date: datetime | None = attrs.field(
        validator=wire_datetime("supplierNominatedMDREffectiveFromDate", nullable=True)
    )
    supplier_proposed_consent_granularity: str = attrs.field(
        validator=wire_text("supplierProposedConsentGranularity", choices=CONSENT_GRANULARITIES)
    )
    supplier_proposed_domestic_indicator: bool = attrs.field(
        validator=wire_flag("supplierProposedDomesticIndicator")
    )
    traditional_fall_back_read_frequency: str | None = attrs.field(
        validator=wire_text(
            "traditionalFallBackReadFrequency", choices=READ_FREQUENCIES, nullable=True
        )
    )


@attrs.frozen(kw_only=True)
class B072:
    """The Metering Service holding the MPAN now, which must send MTDs to a new MS."""

    incumbent_metering_service_dip_id: str = attrs.field(
        validator=dip_id_text("incumbentMeteringServiceDIPID")
    )
    incumbent_metering_service_mpid: str = attrs.field(
        validator=mpid_text("incumbentMeteringServiceMPID")
    )


@attrs.frozen(kw_only=True)
class B014:
    """The Metering Service now appointed, from when, under which scenario."""

    incoming_metering_service_dip_id: str = attrs.field(
        validator=dip_id_text("incomingMeteringServiceDIPID")
    )
    incoming_metering_service_mpid: str = attrs.field(
        validator=mpid_text("incomingMeteringServiceMPID")
    )
    incoming_metering_service_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("incomingMeteringServiceEffectiveFromDate")
    )
    contract_reference_metering_service: str | None = attrs.field(
        validator=wire_text(
            "contractReferenceMeteringService", min_length=1, max_length=50, nullable=True
        )
    )
    appointment_scenario: str = attrs.field(
        validator=wire_text("appointmentScenario", choices=APPOINTMENT_SCENARIOS)
    )


@attrs.frozen(kw_only=True)
class B015:
    """The Data Service now appointed, from when, under which scenario and read frequency."""

    incoming_data_service_dip_id: str = attrs.field(
        validator=dip_id_text("incomingDataServiceDIPID")
    )
    incoming_data_service_mpid: str = attrs.field(validator=mpid_text("incomingDataServiceMPID"))
    incoming_data_service_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("incomingDataServiceEffectiveFromDate")
    )
    contract_reference_data_service: str | None = attrs.field(
        validator=wire_text(
            "contractReferenceDataService", min_length=1, max_length=50, nullable=True
        )
    )
    appointment_scenario: str = attrs.field(
        validator=wire_text("appointmentScenario", choices=APPOINTMENT_SCENARIOS)
    )
    traditional_fall_back_read_frequency: str | None = attrs.field(
        validator=wire_text(
            "traditionalFallBackReadFrequency", choices=READ_FREQUENCIES, nullable=True
        )
    )
