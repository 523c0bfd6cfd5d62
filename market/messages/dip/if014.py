"""IF-014: MDS rejects a Data Service's consumption submission (brief d, D11).

``[ActivePowerRejected]`` answers an IF-021 the MDS cannot accept, e.g. ECS1001
"Data Service Not Appointed for Date of SP Submission" for a settlement day
after ``MHHSRegimeEndDate``. The outcome travels in the CommonBlock's R0
(``responseCode`` ``"R"``, ``responseMessages`` ``["ECS1001 - ..."]``); the
CustomBlock repeats what was rejected: the issuing DS (B044), the connection
type (B067) and one B900 wrapper with the quantity, the settlement day and the
rejected periods. The v2.2.1 schema has a single ``B900`` here, not a list (DOC).

The composition has no field for the rejected IF-021's transaction id or sender
reference (DOC: none in DES138). The simulator ties the two messages together
the DIP way: the rejection's ``S1.senderCorrelationID`` carries the
``D0.initialCorrelationID`` of the rejected IF-021 (DI-985, "Previously Issued
Correlation ID, to which this message also relates"); MPAN, quantity and
settlement day identify it in business terms.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from market.messages.dip.consumption import B044, B067, B900
from market.messages.dip.wire import wire_block


@attrs.frozen(kw_only=True)
class ActivePowerRejected:
    """IF-014 ``[ActivePowerRejected]``: these periods of this day were not accepted."""

    interface_id: ClassVar[str] = "IF-014"
    event_code: ClassVar[str] = "[ActivePowerRejected]"

    b044: B044 = attrs.field(validator=wire_block("B044", B044))
    b067: B067 = attrs.field(validator=wire_block("B067", B067))
    b900: B900 = attrs.field(validator=wire_block("B900", B900))
