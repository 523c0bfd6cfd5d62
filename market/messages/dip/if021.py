"""IF-021: a Data Service's settlement-period consumption of one MPAN (brief T1, A1, A1r, S1b).

SDS or ADS submits ``[ActivePower]`` for every day it is appointed; MDS is the
primary recipient and the DIP copies the supplier and the LDSO (secondary) and
the Load Shaping Service (always, RECON option ``lss_always_on_if021``). An
advanced meter also measures reactive power, which its ADS submits as
``[ReactivePower]`` (brief c.3 A1 "IF-021 ActivePower (+ReactivePower)"; the
catalogue lists both event codes on IF-021). In reverse migration the outgoing
DS keeps submitting (and correcting) days up to ``MHHSRegimeEndDate``; a day
after it draws IF-014 with ECS1001. Composition (B044, B067 and a repeating
B900List of B045/B046/B047) is DOC: the v2.2.1 structure and Elexon's
published IF-021 example; requiredness of each member is DOC for ActivePower
(all three required). ``[ReactivePower]`` carries the same blocks (RECON: the
brief gives no separate composition), its B045 ``measurementQuantityID``
naming a reactive quantity (``RI`` reactive import, ``RE`` reactive export).
Which quantity goes with which event code is the recipient's business check,
as the period alignment is (the wire rules allow any DI-052 quantity).
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


@attrs.frozen(kw_only=True)
class ReactivePower:
    """IF-021 ``[ReactivePower]``: settlement days of an advanced meter's reactive energy (kVArh).

    Half-hourly advanced meters record reactive import alongside active import
    (their D0268 channels ``AI`` and ``RI``); the ADS submits each day's
    reactive periods with B045 ``RI``, for the same days as its active power.
    """

    interface_id: ClassVar[str] = "IF-021"
    event_code: ClassVar[str] = "[ReactivePower]"

    b044: B044 = attrs.field(validator=wire_block("B044", B044))
    b067: B067 = attrs.field(validator=wire_block("B067", B067))
    b900_list: tuple[B900, ...] = attrs.field(
        validator=wire_block_list("B900List", B900, min_items=1)
    )
