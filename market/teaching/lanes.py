"""Swim lanes for sequence diagrams: one per participant, grouped MHHS / central / legacy.

Which group a participant belongs to follows from its role, as the journal
pins it down (:func:`market.checks.parties.participant_roles`): the central
services (CSS, the Registration Service, the DIP itself, MDS, LSS, EES), the MHHS
participants (data and metering services, the MDR, the LDSO, and any supplier
the journal shows on the DIP) and the legacy ones (NHH/HH agents, and a
supplier that is not on the DIP). A participant whose role the journal does
not show goes to "Other" rather than being guessed from its id. The customer
stands outside every group.
"""

from __future__ import annotations

from typing import Final

import attrs

from market.kernel.ids import Role
from market.teaching.journey import CUSTOMER, DIP_PLATFORM, Journey

OUTSIDE: Final = "Outside"
MHHS: Final = "MHHS"
CENTRAL: Final = "Central"
LEGACY: Final = "Legacy"
OTHER: Final = "Other"
#: Groups in the order diagrams draw them, left to right: central services in the middle.
GROUP_ORDER: Final = (OUTSIDE, MHHS, CENTRAL, LEGACY, OTHER)

_CENTRAL_ROLES: Final = frozenset(
    {
        Role.CENTRAL_SWITCHING_SERVICE,
        Role.REGISTRATION_SERVICE,
        Role.MARKETWIDE_DATA_SERVICE,
        Role.ELECTRICITY_ENQUIRY_SERVICE,
        Role.INDUSTRY_STANDING_DATA,
        Role.LOAD_SHAPING_SERVICE,
    }
)
_MHHS_ROLES: Final = frozenset(
    {
        Role.SMART_DATA_SERVICE,
        Role.ADVANCED_DATA_SERVICE,
        Role.UNMETERED_DATA_SERVICE,
        Role.SMART_METERING_SERVICE,
        Role.ADVANCED_METERING_SERVICE,
        Role.UNMETERED_SUPPLIES_OPERATOR,
        Role.METER_DATA_RETRIEVER,
        Role.LDSO,
    }
)
_LEGACY_ROLES: Final = frozenset(
    {
        Role.NHH_DATA_COLLECTOR,
        Role.HH_DATA_COLLECTOR,
        Role.NHH_DATA_AGGREGATOR,
        Role.HH_DATA_AGGREGATOR,
        Role.NHH_METER_OPERATOR,
        Role.HH_METER_OPERATOR,
    }
)


@attrs.frozen(kw_only=True, slots=True)
class Lane:
    """One participant's lane: who, which role (if known) and which group it is drawn in."""

    participant: str
    role: str | None
    group: str


_GROUP_OF_ROLE: Final = {
    **dict.fromkeys(_CENTRAL_ROLES, CENTRAL),
    **dict.fromkeys(_MHHS_ROLES, MHHS),
    **dict.fromkeys(_LEGACY_ROLES, LEGACY),
}


def lane_group(participant: str, role: str | None, *, on_dip: bool) -> str:
    """The group a participant's lane belongs to (module docstring); suppliers by DIP use."""
    if participant in (CUSTOMER, DIP_PLATFORM):
        return OUTSIDE if participant == CUSTOMER else CENTRAL
    if role == Role.SUPPLIER:
        return MHHS if on_dip else LEGACY
    return _GROUP_OF_ROLE.get(Role(role), OTHER) if role in _ROLE_CODES else OTHER


_ROLE_CODES: Final = frozenset(Role)


def lanes_of(journey: Journey) -> tuple[Lane, ...]:
    """The journey's lanes, grouped in :data:`GROUP_ORDER`, each in order of first appearance."""
    lanes = [
        Lane(
            participant=participant,
            role=journey.roles.get(participant),
            group=lane_group(
                participant,
                journey.roles.get(participant),
                on_dip=participant in journey.dip_users,
            ),
        )
        for participant in journey.participants
    ]
    return tuple(sorted(lanes, key=lambda lane: GROUP_ORDER.index(lane.group)))
