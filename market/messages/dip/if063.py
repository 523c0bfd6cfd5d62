"""IF-063: the Smart Data Service tells its Meter Data Retriever to stop (brief c.4, S1).

In reverse migration variant S the outgoing SDS, de-appointed by IF-003
``[DSDeAppRM]``, stops MDR retrieval with ``[MDRStop]``. Composition B083
(required) and B060 (optional) with their keys and field rules is DOC (DES138
as reconciled to v2.2.1); the requiredness of each is RECON from the block
titles ("B083 … (Mandatory)", "B060 … (Optional)").
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from market.messages.dip.fields import wire_datetime, wire_text
from market.messages.dip.formats import dip_id_text, mpid_text
from market.messages.dip.wire import wire_block


@attrs.frozen(kw_only=True)
class B083:
    """The MDR assigned to the MPAN and the date it stops collecting data."""

    assigned_mdr_dip_id: str = attrs.field(validator=dip_id_text("assignedMDRDIPID"))
    assigned_mdr_mpid: str = attrs.field(validator=mpid_text("assignedMDRMPID"))
    assigned_mdr_effective_to_date: datetime = attrs.field(
        validator=wire_datetime("assignedMDREffectiveToDate")
    )


@attrs.frozen(kw_only=True)
class B060:
    """Free text for the recipient (DI-120: 1 to 2000 characters, or null)."""

    additional_information: str | None = attrs.field(
        validator=wire_text("additionalInformation", min_length=1, max_length=2000, nullable=True)
    )


@attrs.frozen(kw_only=True)
class MDRStop:
    """IF-063 ``[MDRStop]``: stop retrieving data for this MPAN after the given date."""

    interface_id: ClassVar[str] = "IF-063"
    event_code: ClassVar[str] = "[MDRStop]"

    b083: B083 = attrs.field(validator=wire_block("B083", B083))
    b060: B060 | None = attrs.field(
        default=None, validator=wire_block("B060", B060, omittable=True)
    )
