"""Process options: every reconstructed (RECON) behaviour the brief leaves open, with its default.

The brief marks much of the reverse-migration timing and routing as a
reconstruction. Each such choice is one field here, named after the brief's
own option where it has one; the README lists them. Defaults follow the brief.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import attrs

#: Who sends IF-041 ``[ReadingCOS]`` in the smart variant (brief c.4, ``smart_if041_sender``).
If041Sender = Literal["OUTGOING_SUPPLIER", "OUTGOING_SDS"]


@attrs.frozen(kw_only=True)
class ProcessOptions:
    """The RECON choices of a run (see the README's table for the evidence behind each)."""

    #: c.1 / D5: REGS waits for D0205 (legacy agents known) before IF-003 [MSDeAppRM]/[DSDeAppRM],
    #: so B095/B096 name the incoming MOP and DC. ``False`` de-appoints on securing, without them.
    deappoint_waits_for_legacy_agents: bool = True
    #: c.0 / open question 6: ``MHHSRegimeEndDate = SSD − n days`` (local midnight).
    regime_end_days_before_ssd: int = 1
    #: open question 2: the B002 ``incomingSupplierDIPID`` REGS writes when the gaining
    #: supplier has no DIP ID (the schema makes it a non-nullable 10-character field).
    placeholder_incoming_supplier_dip_id: str = "0000000000"
    #: open question 4: EES learns of reverse migrations as an *always* recipient of PUB-003.
    ees_always_on_if003: bool = True
    #: C2 (RECON): the CSS objection window closes this many working days after the request,
    #: at 16:00.
    objection_window_working_days: int = 1
    #: C1: the gaining supplier asks for a supply start date this many working days ahead.
    supply_start_lead_working_days: int = 2
    #: D9 / open question 8: the legacy DC deems the CoS read if none is valid this many
    #: working days after SSD (legacy practice SSD ± 5 WD).
    cos_read_cutoff_working_days: int = 5
    #: D8: readings differing by more than this many kWh are disputed with D0300 (BSCP504).
    dispute_tolerance_kwh: Decimal = Decimal("250")
    #: c.4 S3 / open question 3: the outgoing MHHS supplier (default) or the outgoing SDS
    #: shares the smart change-of-supply read with IF-041 ``[ReadingCOS]``.
    smart_if041_sender: If041Sender = attrs.field(
        default="OUTGOING_SUPPLIER",
        validator=attrs.validators.in_(("OUTGOING_SUPPLIER", "OUTGOING_SDS")),
    )
