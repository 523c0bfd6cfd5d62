"""The DIP's routing rules: who may send each interface, and who else receives it.

Primary recipients are chosen by the sender; the DIP adds *secondary*
recipients by looking up which DIP IDs currently hold given roles for the MPAN,
and *always* recipients fixed per interface (brief e.3). The role-level routing
is documented; the split into primary / secondary / always is a reconstruction
(RECON) and lives here as data so it can be changed in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Final

import attrs

from market.kernel.ids import Role


@attrs.frozen(kw_only=True, slots=True)
class Route:
    """How the DIP routes one interface and event code."""

    interface_id: str
    event_code: str
    sender_roles: frozenset[Role]
    secondary_roles: tuple[Role, ...] = ()
    always_roles: tuple[Role, ...] = ()

    @property
    def publication_id(self) -> str:
        """The PUB-nnn id the DIP publishes this interface under."""
        return "PUB-" + self.interface_id.removeprefix("IF-")


@attrs.frozen(kw_only=True, slots=True)
class RoutingDecision:
    """The recipients of one accepted submission, in the order the DIP delivers to them."""

    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    always: tuple[str, ...]

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every recipient DIP ID once, primary first."""
        seen: dict[str, None] = {}
        for dip_id in (*self.primary, *self.secondary, *self.always):
            seen.setdefault(dip_id, None)
        return tuple(seen)


def default_routes(
    *, ees_always_on_if003: bool = True, lss_always_on_if021: bool = True
) -> dict[tuple[str, str], Route]:
    """The routing table for the interfaces the simulator implements.

    ``ees_always_on_if003`` is the RECON answer to the brief's open question 4
    (how does EES learn of a reverse migration?): by default the DIP copies every
    IF-003 publication (and IF-036, which the catalogue sends to EES) to EES as an
    *always* recipient. ``lss_always_on_if021`` copies every IF-021
    ``[ActivePower]`` to the Load Shaping Service, which the catalogue names among
    IF-021's recipients (brief f.1; the e.3 table lists it with the secondary ones
    "per rules"): one central service, not a party the DIP's MPAN map holds, so an
    *always* recipient here. The split of each interface's catalogue recipients
    into primary (named by the sender), secondary and always is RECON.
    """
    ees = (Role.ELECTRICITY_ENQUIRY_SERVICE,) if ees_always_on_if003 else ()
    lss = (Role.LOAD_SHAPING_SERVICE,) if lss_always_on_if021 else ()
    routes = [
        *_registration_routes(ees),
        *_data_routes(lss),
        *_appointment_routes("DS", _DATA_SERVICES, ees),
        *_appointment_routes("MS", _METERING_SERVICES, ees),
    ]
    return {(r.interface_id, r.event_code): r for r in routes}


_REGS: Final = frozenset({Role.REGISTRATION_SERVICE})
_SUPPLIERS: Final = frozenset({Role.SUPPLIER})
_DATA_SERVICES: Final = frozenset({Role.SMART_DATA_SERVICE, Role.ADVANCED_DATA_SERVICE})
_METERING_SERVICES: Final = frozenset({Role.SMART_METERING_SERVICE, Role.ADVANCED_METERING_SERVICE})


def _registration_routes(ees: tuple[Role, ...]) -> list[Route]:
    """REGS's announcements (IF-003, IF-001) and the supplier data items (IF-025, IF-026)."""
    return [
        Route(
            interface_id="IF-003",
            event_code="[ReverseMigNotification]",
            sender_roles=_REGS,
            secondary_roles=(Role.SUPPLIER,),
            always_roles=ees,
        ),
        Route(
            interface_id="IF-003", event_code="[MSDeAppRM]", sender_roles=_REGS, always_roles=ees
        ),
        Route(
            interface_id="IF-003", event_code="[DSDeAppRM]", sender_roles=_REGS, always_roles=ees
        ),
        # IF-001: REGS names the incoming supplier, MDS and LDSO itself.
        Route(interface_id="IF-001", event_code="[ChangeOfSupplier]", sender_roles=_REGS),
        Route(interface_id="IF-025", event_code="[SSCandProfileClass]", sender_roles=_SUPPLIERS),
        Route(interface_id="IF-026", event_code="[SSCandProfileClass]", sender_roles=_REGS),
    ]


def _data_routes(lss: tuple[Role, ...]) -> list[Route]:
    """Consumption (IF-021, IF-014), the change-of-supply read (IF-041), MDR stop (IF-063).

    ``lss`` are the always recipients of ``[ActivePower]``: the Load Shaping Service
    shapes active consumption only, so ``[ReactivePower]`` does not go to it (RECON).
    """
    return [
        # IF-021: to MDS; the DIP copies the MPAN's supplier and LDSO.
        Route(
            interface_id="IF-021",
            event_code="[ActivePower]",
            sender_roles=_DATA_SERVICES,
            secondary_roles=(Role.SUPPLIER, Role.LDSO),
            always_roles=lss,
        ),
        Route(
            interface_id="IF-021",
            event_code="[ReactivePower]",
            sender_roles=_DATA_SERVICES,
            secondary_roles=(Role.SUPPLIER, Role.LDSO),
        ),
        Route(
            interface_id="IF-014",
            event_code="[ActivePowerRejected]",
            sender_roles=frozenset({Role.MARKETWIDE_DATA_SERVICE}),
            secondary_roles=(Role.SUPPLIER,),
        ),
        Route(
            interface_id="IF-041",
            event_code="[ReadingCOS]",
            sender_roles=_SUPPLIERS | _DATA_SERVICES,
            secondary_roles=(Role.LDSO,),
        ),
        Route(
            interface_id="IF-063",
            event_code="[MDRStop]",
            sender_roles=frozenset({Role.SMART_DATA_SERVICE}),
        ),
    ]


def _appointment_routes(
    service: str, providers: frozenset[Role], ees: tuple[Role, ...]
) -> list[Route]:
    """The appointment of a data (``DS``) or metering (``MS``) service: IF-031 to IF-036."""
    return [
        Route(interface_id="IF-031", event_code=f"[{service}App]", sender_roles=_SUPPLIERS),
        Route(interface_id="IF-032", event_code=f"[{service}AppInitialResp]", sender_roles=_REGS),
        Route(interface_id="IF-033", event_code=f"[{service}AppSPRequest]", sender_roles=_REGS),
        Route(
            interface_id="IF-034", event_code=f"[{service}AppSPResponse]", sender_roles=providers
        ),
        Route(interface_id="IF-035", event_code=f"[{service}AppAccepted]", sender_roles=_REGS),
        Route(
            interface_id="IF-036",
            event_code=f"[{service}AppActive]",
            sender_roles=_REGS,
            always_roles=ees,
        ),
    ]


class MpanRoleMap:
    """The DIP's own MPAN → (role → DIP ID) map, used to resolve secondary recipients.

    The real DIP feeds it from registration publications (journal stage
    ``MPANUpdateQueue``); the simulator seeds it from the scenario's population.
    A *stale* entry (decision D16) is a former holder of a role the map never
    forgot: the DIP copies it too, and that recipient refuses what is not its own.
    """

    def __init__(self, entries: Mapping[str, Mapping[Role, str]] | None = None) -> None:
        self._map: dict[str, dict[Role, str]] = {
            mpan: dict(roles) for mpan, roles in (entries or {}).items()
        }
        self._stale: dict[str, dict[Role, str]] = {}

    def set(self, mpan_core: str, role: Role, dip_id: str) -> None:
        """Record that ``dip_id`` now holds ``role`` for ``mpan_core``."""
        self._map.setdefault(mpan_core, {})[role] = dip_id

    def keep_stale(self, mpan_core: str, role: Role, dip_id: str) -> None:
        """Record that the map still lists ``dip_id``, a former holder of ``role``, too."""
        self._stale.setdefault(mpan_core, {})[role] = dip_id

    def holder(self, mpan_core: str, role: Role) -> str | None:
        """The DIP ID holding ``role`` for ``mpan_core``, if the DIP knows one."""
        return self._map.get(mpan_core, {}).get(role)

    def holders(self, mpan_core: str, role: Role) -> tuple[str, ...]:
        """Every DIP ID the map lists for ``role`` of ``mpan_core``: holder, then stale one."""
        holder = self.holder(mpan_core, role)
        stale = self._stale.get(mpan_core, {}).get(role) if self._stale else None
        found = () if holder is None else (holder,)
        return found if stale is None or stale == holder else (*found, stale)

    def __contains__(self, mpan_core: object) -> bool:
        return mpan_core in self._map


def decide_recipients(
    route: Route,
    *,
    primary: Iterable[str],
    mpan_core: str,
    distributor_dip_id: str,
    mpan_roles: MpanRoleMap,
    holders_of_role: Callable[[Role], Iterable[str]],
) -> RoutingDecision:
    """Resolve the full recipient list of one submission (a pure function of the tables).

    The LDSO of an MPAN is the distributor the message's M0 names; other
    secondary roles come from the DIP's MPAN map, stale entries included.
    """
    secondary = tuple(
        dip_id
        for role in route.secondary_roles
        for dip_id in (
            (distributor_dip_id,) if role == Role.LDSO else mpan_roles.holders(mpan_core, role)
        )
    )
    always = tuple(dip_id for role in route.always_roles for dip_id in holders_of_role(role))
    return RoutingDecision(primary=tuple(primary), secondary=secondary, always=always)


def routing_map_text(decision: RoutingDecision, role_of_dip_id: Callable[[str], str]) -> str:
    """The DIP journal's routing string, ``Primary:[SUP:2300000185];Secondary:[];Always:[]``."""

    def part(label: str, ids: tuple[str, ...]) -> str:
        return f"{label}:[" + ",".join(f"{role_of_dip_id(i)}:{i}" for i in ids) + "]"

    return ";".join(
        (
            part("Primary", decision.primary),
            part("Secondary", decision.secondary),
            part("Always", decision.always),
        )
    )
