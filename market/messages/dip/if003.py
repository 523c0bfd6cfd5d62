"""IF-003: the Registration Service's reverse-migration notifications (brief c.1, e.4).

REGS sends three events when an MPAN reverse-migrates to a non-qualified
supplier: ``[ReverseMigNotification]`` to MDS and the LDSO (copied to the
outgoing supplier), ``[MSDeAppRM]`` to the outgoing Metering Service and
``[DSDeAppRM]`` to the outgoing Data Service. Every block field shown in the
brief is required within its block; B095 and B096 are the only optional blocks.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Final

import attrs

from market.messages.dip.fields import wire_datetime, wire_text
from market.messages.dip.formats import dip_id_text, mpid_text
from market.messages.dip.wire import wire_block

#: Reasons a Metering or Data Service can be de-appointed for (``deAppointmentReasonCode``).
DE_APPOINTMENT_REASON_CODES: Final = (
    "CSUPP",
    "CSERV",
    "DEREG",
    "CSEGM",
    "CCONN",
    "IMPEXP",
    "RELATED",
)


@attrs.frozen(kw_only=True)
class B013:
    """The CSS registration a switch (and so a reverse migration) belongs to.

    DI-849: at most 36 characters in the v2.2.1 schema (a CSS id is a UUID).
    """

    css_registration_id: str = attrs.field(
        validator=wire_text("CSSRegistrationID", min_length=1, max_length=36)
    )


@attrs.frozen(kw_only=True)
class B094:
    """When the MPAN leaves the MHHS regime: outgoing MHHS services stop after this date."""

    mhhs_regime_end_date: datetime = attrs.field(validator=wire_datetime("MHHSRegimeEndDate"))


@attrs.frozen(kw_only=True)
class B002:
    """The incoming (non-qualified) supplier and its supply start date.

    ``incomingSupplierDIPID`` is non-nullable although a legacy supplier may have
    no DIP ID; the value REGS sends is not public (the brief uses ``0000000000``).
    """

    incoming_supplier_dip_id: str = attrs.field(validator=dip_id_text("incomingSupplierDIPID"))
    incoming_supplier_mpid: str = attrs.field(validator=mpid_text("incomingSupplierMPID"))
    supplier_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("supplierEffectiveFromDate")
    )


@attrs.frozen(kw_only=True)
class B008:
    """The Metering Service being de-appointed, its appointment period and why."""

    de_appointed_metering_service_dip_id: str = attrs.field(
        validator=dip_id_text("deAppointedMeteringServiceDIPID")
    )
    de_appointed_metering_service_mpid: str = attrs.field(
        validator=mpid_text("deAppointedMeteringServiceMPID")
    )
    metering_service_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("meteringServiceEffectiveFromDate")
    )
    metering_service_effective_to_date: datetime = attrs.field(
        validator=wire_datetime("meteringServiceEffectiveToDate")
    )
    de_appointment_reason_code: str = attrs.field(
        validator=wire_text("deAppointmentReasonCode", choices=DE_APPOINTMENT_REASON_CODES)
    )


@attrs.frozen(kw_only=True)
class B009:
    """The Data Service being de-appointed, its appointment period and why."""

    de_appointed_data_service_dip_id: str = attrs.field(
        validator=dip_id_text("deAppointedDataServiceDIPID")
    )
    de_appointed_data_service_mpid: str = attrs.field(
        validator=mpid_text("deAppointedDataServiceMPID")
    )
    data_service_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("dataServiceEffectiveFromDate")
    )
    data_service_effective_to_date: datetime = attrs.field(
        validator=wire_datetime("dataServiceEffectiveToDate")
    )
    de_appointment_reason_code: str = attrs.field(
        validator=wire_text("deAppointmentReasonCode", choices=DE_APPOINTMENT_REASON_CODES)
    )


@attrs.frozen(kw_only=True)
class B095:
    """The legacy Meter Operator (MOP) the incoming supplier appointed, so the MS can hand over."""

    reverse_migration_incoming_mop_mpid: str = attrs.field(
        validator=mpid_text("ReverseMigrationIncomingMOPMPID")
    )
    reverse_migration_incoming_mop_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("ReverseMigrationIncomingMOPEffectiveFromDate")
    )


@attrs.frozen(kw_only=True)
class B096:
    """The legacy Data Collector (DC) the incoming supplier appointed, so the DS can hand over."""

    reverse_migration_incoming_dc_mpid: str = attrs.field(
        validator=mpid_text("ReverseMigrationIncomingDCMPID")
    )
    reverse_migration_incoming_dc_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("ReverseMigrationIncomingDCEffectiveFromDate")
    )


@attrs.frozen(kw_only=True)
class ReverseMigNotification:
    """IF-003 ``[ReverseMigNotification]``: REGS tells MDS and the LDSO the MPAN leaves MHHS."""

    interface_id: ClassVar[str] = "IF-003"
    event_code: ClassVar[str] = "[ReverseMigNotification]"

    b013: B013 = attrs.field(validator=wire_block("B013", B013))
    b094: B094 = attrs.field(validator=wire_block("B094", B094))
    b002: B002 = attrs.field(validator=wire_block("B002", B002))


@attrs.frozen(kw_only=True)
class MSDeAppRM:
    """IF-003 ``[MSDeAppRM]``: REGS de-appoints the outgoing Metering Service.

    ``b095`` (the incoming legacy MOP) is optional and left off the wire when ``None``.
    """

    interface_id: ClassVar[str] = "IF-003"
    event_code: ClassVar[str] = "[MSDeAppRM]"

    b013: B013 = attrs.field(validator=wire_block("B013", B013))
    b008: B008 = attrs.field(validator=wire_block("B008", B008))
    b002: B002 = attrs.field(validator=wire_block("B002", B002))
    b095: B095 | None = attrs.field(
        default=None, validator=wire_block("B095", B095, omittable=True)
    )


@attrs.frozen(kw_only=True)
class DSDeAppRM:
    """IF-003 ``[DSDeAppRM]``: REGS de-appoints the outgoing Data Service.

    ``b096`` (the incoming legacy DC) is optional and left off the wire when ``None``.
    """

    interface_id: ClassVar[str] = "IF-003"
    event_code: ClassVar[str] = "[DSDeAppRM]"

    b013: B013 = attrs.field(validator=wire_block("B013", B013))
    b009: B009 = attrs.field(validator=wire_block("B009", B009))
    b002: B002 = attrs.field(validator=wire_block("B002", B002))
    b096: B096 | None = attrs.field(
        default=None, validator=wire_block("B096", B096, omittable=True)
    )
