"""IF-021: a Data Service's settlement-period consumption for one MPAN (brief c.2 T1, c.4 S1b).

SDS or ADS submits ``[ActivePower]`` for every day it is appointed; MDS is the
primary recipient and the DIP copies LSS, the LDSO and the supplier. In reverse
migration the outgoing DS keeps submitting (and correcting) days up to
``MHHSRegimeEndDate``; a day after it draws IF-014 with ECS1001. Composition
(B044, B067 and a repeating B900List of B045/B046/B047) is DOC: the v2.2.1
structure and Elexon's published IF-021 example; requiredness of each member is
DOC for ActivePower (all three required).
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from market.messages.dip.consumption import B044, B067, B900
from market.messages.dip.wire import wire_block, wire_block_list


@attrs.frozen(kw_only=True)
class ActivePower:
    """IF-021 ``[ActivePower]``: one or more settlement days of active consumption."""

    interface_id: ClassVar[str] = "IF-021"
    event_code: ClassVar[str] = "[ActivePower]"

    b044: B044 = attrs.field(validator=wire_block("B044", B044))
    b067: B067 = attrs.field(validator=wire_block("B067", B067))
    b900_list: tuple[B900, ...] = attrs.field(
        validator=wire_block_list("B900List", B900, min_items=1)
    )
