"""Which CustomBlock class each ``(interfaceID, eventCode)`` pair carries.

An explicit table rather than registration on import: reading this module
shows every event the simulator can put on the DIP, and no import order can
leave the table half filled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Final, Protocol

import attrs

from market.messages.dip.if001 import ChangeOfSupplier
from market.messages.dip.if003 import DSDeAppRM, MSDeAppRM, ReverseMigNotification
from market.messages.dip.if014 import ActivePowerRejected
from market.messages.dip.if021 import ActivePower, ReactivePower
from market.messages.dip.if025 import SSCandProfileClassNotification, SSCandProfileClassRequest
from market.messages.dip.if031_036 import APPOINTMENT_EVENTS
from market.messages.dip.if041 import IF041_EVENTS
from market.messages.dip.if063 import MDRStop


class CustomBlock(attrs.AttrsInstance, Protocol):
    """A wire class that is the CustomBlock of one DIP event.

    The class says which event it is, so ``S0`` can be derived from it and a
    parsed ``S0`` can pick the class that reads the CustomBlock.
    """

    interface_id: ClassVar[str]
    event_code: ClassVar[str]


#: Every modelled event, keyed by ``(interfaceID, eventCode)`` as S0 spells them.
CUSTOM_BLOCKS: Final[Mapping[tuple[str, str], type[CustomBlock]]] = {
    (block.interface_id, block.event_code): block
    for block in (
        ChangeOfSupplier,
        ReverseMigNotification,
        MSDeAppRM,
        DSDeAppRM,
        ActivePowerRejected,
        ActivePower,
        ReactivePower,
        SSCandProfileClassRequest,
        SSCandProfileClassNotification,
        *APPOINTMENT_EVENTS,
        *IF041_EVENTS,
        MDRStop,
    )
}


def event_codes_of(interface_id: str) -> tuple[str, ...]:
    """The modelled event codes of ``interface_id``, sorted (empty if it is not modelled)."""
    return tuple(sorted(event for interface, event in CUSTOM_BLOCKS if interface == interface_id))
