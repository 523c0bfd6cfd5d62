"""IF-001: REGS tells the gaining supplier, MDS and the LDSO of a Change of Supplier.

Path COS-M (message-flows B1): when the gaining supplier is MHHS-qualified, REGS
publishes ``[ChangeOfSupplier]`` once CSS has secured the switch. The CustomBlock
members and their requiredness follow the v2.2.1 Swagger as reconciled in the
public DES138 republication (DOC): B013, B002, B003, B004, B022, B023, B024,
B025 and B026 are required. The optional members (B005, B006, B027, B029–B032,
B035List, B037List) are not modelled: a message carrying them is refused as
having an unknown key. Field rules are the v2.2.1 technical definitions (DOC).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Final

import attrs

from market.messages.dip.fields import wire_datetime, wire_flag, wire_text
from market.messages.dip.formats import dip_id_text, mpid_text
from market.messages.dip.if003 import B002, B013
from market.messages.dip.wire import wire_block

#: DI-015 connection types: Whole current, LV/HV/EHV with CT, Unmetered.
CONNECTION_TYPES: Final = ("W", "L", "H", "E", "U")

#: DI-035 energy directions: Import, Export.
ENERGY_DIRECTIONS: Final = ("I", "E")

#: DI-033 energisation statuses in v2.2.1 schema order (the catalogue names only D and E).
ENERGISATION_STATUSES: Final = ("D", "E", "U")

#: DI-050 market segments in v2.2.1 schema order: Unmetered, Smart/traditional, Advanced.
MARKET_SEGMENTS: Final = ("U", "S", "A")

#: DT-001N: an address line is at most 40 characters, or null.
ADDRESS_LINE_LENGTH: Final = 40


@attrs.frozen(kw_only=True)
class B003:
    """The outgoing (losing) supplier and the last settlement date it is registered for."""

    outgoing_supplier_dip_id: str = attrs.field(validator=dip_id_text("outgoingSupplierDIPID"))
    outgoing_supplier_mpid: str = attrs.field(validator=mpid_text("outgoingSupplierMPID"))
    supplier_effective_to_date: datetime = attrs.field(
        validator=wire_datetime("supplierEffectiveToDate")
    )


@attrs.frozen(kw_only=True)
class B004:
    """Whether the premises are domestic, as CSS holds it (a JSON boolean in v2.2.1)."""

    domestic_premise_indicator: bool = attrs.field(validator=wire_flag("domesticPremiseIndicator"))
    domestic_premise_indicator_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("domesticPremiseIndicatorEffectiveFromDate")
    )


@attrs.frozen(kw_only=True)
class B022:
    """The metering point address: postcode and nine lines, each nullable but always sent."""

    metering_point_postcode: str | None = attrs.field(
        validator=wire_text("meteringPointPostcode", min_length=1, max_length=10, nullable=True)
    )
    address_line_1: str | None = attrs.field(
        validator=wire_text("addressLine1", max_length=ADDRESS_LINE_LENGTH, nullable=True)
    )
    address_line_2: str | None = attrs.field(
        validator=wire_text("addressLine2", max_length=ADDRESS_LINE_LENGTH, nullable=True)
    )
    address_line_3: str | None = attrs.field(
        validator=wire_text("addressLine3", max_length=ADDRESS_LINE_LENGTH, nullable=True)
    )
    address_line_4: str | None = attrs.field(
        validator=wire_text("addressLine4", max_length=ADDRESS_LINE_LENGTH, nullable=True)
    )
    address_line_5: str | None = attrs.field(
        validator=wire_text("addressLine5", max_length=ADDRESS_LINE_LENGTH, nullable=True)
    )
    address_line_6: str | None = attrs.field(
        validator=wire_text("addressLine6", max_length=ADDRESS_LINE_LENGTH, nullable=True)
    )
    address_line_7: str | None = attrs.field(
        validator=wire_text("addressLine7", max_length=ADDRESS_LINE_LENGTH, nullable=True)
    )
    address_line_8: str | None = attrs.field(
        validator=wire_text("addressLine8", max_length=ADDRESS_LINE_LENGTH, nullable=True)
    )
    address_line_9: str | None = attrs.field(
        validator=wire_text("addressLine9", max_length=ADDRESS_LINE_LENGTH, nullable=True)
    )


@attrs.frozen(kw_only=True)
class B023:
    """How the MPAN is connected: connection type, energy direction, metered or not."""

    connection_type_indicator: str = attrs.field(
        validator=wire_text("connectionTypeIndicator", choices=CONNECTION_TYPES)
    )
    connection_type_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("connectionTypeEffectiveFromDate")
    )
    energy_direction: str = attrs.field(
        validator=wire_text("energyDirection", choices=ENERGY_DIRECTIONS)
    )
    metered_indicator: bool = attrs.field(validator=wire_flag("meteredIndicator"))


@attrs.frozen(kw_only=True)
class B024:
    """The DUoS tariff the LDSO has assigned to the MPAN."""

    duos_tariff_id: str = attrs.field(
        validator=wire_text("DUOSTariffID", min_length=1, max_length=3)
    )
    duos_tariff_id_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("DUOSTariffIDEffectiveFromDate")
    )


@attrs.frozen(kw_only=True)
class B025:
    """The energisation status REGS holds for the MPAN."""

    energisation_status: str = attrs.field(
        validator=wire_text("energisationStatus", choices=ENERGISATION_STATUSES)
    )
    energisation_status_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("energisationStatusEffectiveFromDate")
    )


@attrs.frozen(kw_only=True)
class B026:
    """The market segment (Smart, Advanced or Unmetered), which decides the kind of DS and MS."""

    market_segment_indicator: str = attrs.field(
        validator=wire_text("marketSegmentIndicator", choices=MARKET_SEGMENTS)
    )
    market_segment_indicator_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("marketSegmentIndicatorEffectiveFromDate")
    )


@attrs.frozen(kw_only=True)
class ChangeOfSupplier:
    """IF-001 ``[ChangeOfSupplier]``: the switch is secured; here is the MPAN as REGS holds it.

    ``b002`` names the gaining supplier and its supply start date, ``b003`` the
    losing one and its last day.
    """

    interface_id: ClassVar[str] = "IF-001"
    event_code: ClassVar[str] = "[ChangeOfSupplier]"

    b013: B013 = attrs.field(validator=wire_block("B013", B013))
    b002: B002 = attrs.field(validator=wire_block("B002", B002))
    b003: B003 = attrs.field(validator=wire_block("B003", B003))
    b004: B004 = attrs.field(validator=wire_block("B004", B004))
    b022: B022 = attrs.field(validator=wire_block("B022", B022))
    b023: B023 = attrs.field(validator=wire_block("B023", B023))
    b024: B024 = attrs.field(validator=wire_block("B024", B024))
    b025: B025 = attrs.field(validator=wire_block("B025", B025))
    b026: B026 = attrs.field(validator=wire_block("B026", B026))
