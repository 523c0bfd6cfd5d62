"""The cast of a GB-shaped market: GSP groups, supplier companies, service firms, agents.

Pure data with the shares a GB market has [EST]: the fourteen GSP groups (with
their LDSO and Registration Service, weighted by how many MPANs each holds),
supplier companies (a few large, a long tail; the smallest not MHHS-qualified),
data and metering services and legacy agents with market shares.
:mod:`actors.markets.gb_population` draws MPANs and switches over this cast, and
:mod:`actors.markets.gb` turns it into participants.

A qualified supplier company trades its migrated MPANs under an MHHS MPID (an
``MhhsSupplier``) and the MPANs it has not migrated yet under a second, legacy
MPID (a ``LegacySupplier``), because the built-in MHHS supplier plays only the
MHHS side of a change of supply. Real suppliers hold several MPIDs.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Mapping, Sequence
from typing import Final, Generic, TypeVar

import attrs

from actors.legacy.supplier import AgentPanel
from actors.markets.default_cast import MIGRATED_ON
from market.kernel.ids import GSP_GROUP_DISTRIBUTOR, GSP_GROUPS, Role
from market.load.spec import LoadSpec
from market.participant import ParticipantIdentity
from market.process.population import ServiceAppointment

T = TypeVar("T")

#: [EST] Metering points per GSP group, millions (DNO licence areas' customer numbers, rounded).
GSP_GROUP_MPANS_MILLIONS: Final = {
    "_A": 3.6,  # Eastern
    "_B": 2.6,  # East Midlands
    "_C": 2.4,  # London
    "_D": 1.5,  # Merseyside and North Wales
    "_E": 2.5,  # Midlands
    "_F": 1.6,  # Northern
    "_G": 2.4,  # North Western
    "_H": 3.0,  # Southern
    "_J": 2.3,  # South Eastern
    "_K": 1.1,  # South Wales
    "_L": 1.6,  # South Western
    "_M": 2.3,  # Yorkshire
    "_N": 2.0,  # South of Scotland
    "_P": 0.8,  # North of Scotland
}
#: A postcode in each GSP group's area, for the customers' addresses.
GSP_GROUP_POSTCODES: Final = {
    "_A": "CB2 1TN",
    "_B": "NG1 5FS",
    "_C": "EC1A 1BB",
    "_D": "L1 8JQ",
    "_E": "B1 1BB",
    "_F": "NE1 7RU",
    "_G": "M1 1AE",
    "_H": "SO14 7DU",
    "_J": "BN1 1UG",
    "_K": "CF10 1EP",
    "_L": "BS1 4DJ",
    "_M": "LS1 4AP",
    "_N": "EH1 1YZ",
    "_P": "AB10 1XG",
}
#: How many firms hold each service or agent role (EST), largest first.
FIRMS_PER_ROLE: Final = {
    Role.SMART_DATA_SERVICE: 5,
    Role.SMART_METERING_SERVICE: 5,
    Role.ADVANCED_DATA_SERVICE: 3,
    Role.ADVANCED_METERING_SERVICE: 3,
    Role.NHH_DATA_COLLECTOR: 6,
    Role.NHH_METER_OPERATOR: 6,
    Role.NHH_DATA_AGGREGATOR: 6,
    Role.HH_DATA_COLLECTOR: 3,
    Role.HH_METER_OPERATOR: 3,
    Role.HH_DATA_AGGREGATOR: 3,
}
#: Two-letter MPID stem and DIP ID prefix (None: not a DIP user) of each firm role.
_FIRM_CODES: Final = {
    Role.SMART_DATA_SERVICE: ("SD", "1401"),
    Role.SMART_METERING_SERVICE: ("SM", "1201"),
    Role.ADVANCED_DATA_SERVICE: ("AD", "1402"),
    Role.ADVANCED_METERING_SERVICE: ("AM", "1202"),
    Role.NHH_DATA_COLLECTOR: ("ND", None),
    Role.NHH_METER_OPERATOR: ("NM", None),
    Role.NHH_DATA_AGGREGATOR: ("NA", None),
    Role.HH_DATA_COLLECTOR: ("HD", None),
    Role.HH_METER_OPERATOR: ("HM", None),
    Role.HH_DATA_AGGREGATOR: ("HA", None),
}
_ROLE_NAMES: Final = {
    Role.SMART_DATA_SERVICE: "Smart Data Service",
    Role.SMART_METERING_SERVICE: "Smart Metering Service",
    Role.ADVANCED_DATA_SERVICE: "Advanced Data Service",
    Role.ADVANCED_METERING_SERVICE: "Advanced Metering Service",
    Role.NHH_DATA_COLLECTOR: "NHH Data Collector",
    Role.NHH_METER_OPERATOR: "NHH Meter Operator",
    Role.NHH_DATA_AGGREGATOR: "NHH Data Aggregator",
    Role.HH_DATA_COLLECTOR: "HH Data Collector",
    Role.HH_METER_OPERATOR: "HH Meter Operator",
    Role.HH_DATA_AGGREGATOR: "HH Data Aggregator",
}
#: How many suppliers are "large", what share of MPANs they hold, and how fast the tail thins.
LARGE_SUPPLIERS: Final = 6
LARGE_SUPPLIERS_SHARE: Final = 0.85
TAIL_RATIO: Final = 0.85
#: The legacy agent roles a supplier's panel covers: NHH (variants T, S) and HH (variant A).
NHH_AGENT_ROLES: Final = (
    Role.NHH_DATA_COLLECTOR,
    Role.NHH_METER_OPERATOR,
    Role.NHH_DATA_AGGREGATOR,
)
HH_AGENT_ROLES: Final = (Role.HH_DATA_COLLECTOR, Role.HH_METER_OPERATOR, Role.HH_DATA_AGGREGATOR)


class Picker(Generic[T]):
    """Weighted choice by bisection on cumulative weights: one ``random()`` call per pick.

    ``random.choices`` rebuilds the cumulative weights on every call; a
    population of a million MPANs needs a few million picks.
    """

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if len(items) != len(weights) or not items or sum(weights) <= 0:
            raise ValueError("Picker needs as many positive-sum weights as items")
        self.items = tuple(items)
        self._cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        """One item, with probability proportional to its weight."""
        index = bisect.bisect_right(self._cumulative, rng.random() * self._cumulative[-1])
        return self.items[min(index, len(self.items) - 1)]

    def pick_other(self, rng: random.Random, avoid: T) -> T | None:
        """An item other than ``avoid`` (weights renormalised), or ``None`` if there is none."""
        others = [item for item in self.items if item is not avoid]
        if not others:
            return None
        for _ in range(64):  # rejection sampling: cheap unless ``avoid`` holds most weight
            item = self.pick(rng)
            if item is not avoid:
                return item
        return others[0]


def long_tail_shares(count: int, offset: int) -> tuple[float, ...]:
    """Market shares falling off as 1/(rank + offset)²: a few large firms and a long tail."""
    weights = [1 / (rank + offset) ** 2 for rank in range(1, count + 1)]
    total = sum(weights)
    return tuple(w / total for w in weights)


def supplier_shares(count: int) -> tuple[float, ...]:
    """Portfolio shares of ``count`` suppliers, largest first [EST, after Ofgem's 2024 figures].

    The six largest hold 85 % between them, falling off as 1/(rank + 2) (the
    largest ≈ 23 %); the rest share 15 %, each 0.85 of the one before.
    """
    large = min(count, LARGE_SUPPLIERS)
    head = [1 / (rank + 2) for rank in range(1, large + 1)]
    tail = [TAIL_RATIO**rank for rank in range(count - large)]
    head_share = 1.0 if not tail else LARGE_SUPPLIERS_SHARE
    return tuple(
        [w / sum(head) * head_share for w in head]
        + [w / sum(tail) * (1 - head_share) for w in tail]
    )


def _code(index: int) -> str:
    """Two capital letters for the index-th firm of a kind: AA, AB, ... ZZ."""
    return chr(ord("A") + index // 26) + chr(ord("A") + index % 26)


@attrs.frozen(kw_only=True)
class GspArea:
    """One of the fourteen GSP groups, with its distributor and Registration Service."""

    gsp_group: str
    distributor_id: str
    ldso: ParticipantIdentity
    registration_service: ParticipantIdentity
    weight: float


@attrs.frozen(kw_only=True)
class Firm:
    """A service provider or legacy agent with its market share (the weight of its picks)."""

    identity: ParticipantIdentity
    share: float
    #: Backup firms accept every appointment, so a D6 rejection always finds an agent.
    backup: bool = False

    def appointment(self) -> ServiceAppointment:
        """This firm appointed as an MPAN's MHHS data or metering service since migration."""
        assert self.identity.dip_id is not None and self.identity.mpid is not None
        return ServiceAppointment(
            role=self.identity.role,
            dip_id=self.identity.dip_id,
            mpid=self.identity.mpid,
            effective_from=MIGRATED_ON,
        )


@attrs.frozen(kw_only=True)
class SupplierCompany:
    """A supplier company: portfolio share, MHHS qualification, and the MPIDs it trades under.

    ``mhhs`` is the MHHS MPID of a qualified company (``None`` otherwise);
    ``legacy`` the MPID it trades unmigrated MPANs under (see the module
    docstring). ``panels`` are the legacy agents its legacy side appoints (NHH,
    HH); ``services`` the data and metering service its MHHS side appoints on a
    gain, per market segment (S, A).
    """

    rank: int
    portfolio_share: float
    qualified: bool
    mhhs: ParticipantIdentity | None
    legacy: ParticipantIdentity
    panels: tuple[AgentPanel, AgentPanel]
    services: Mapping[str, tuple[ServiceAppointment, ServiceAppointment]]


def gsp_areas() -> tuple[GspArea, ...]:
    """The fourteen GSP groups, each with its LDSO and Registration Service."""
    areas = []
    for group in GSP_GROUPS:
        distributor = GSP_GROUP_DISTRIBUTOR[group]
        letter = group[1]
        areas.append(
            GspArea(
                gsp_group=group,
                distributor_id=distributor,
                ldso=ParticipantIdentity(
                    participant_id=f"LDSO-{distributor}",
                    role=Role.LDSO,
                    dip_id=f"25000000{distributor}",
                    mpid=f"DNO{letter}",
                    name=f"Distribution network operator, GSP group {group}",
                ),
                registration_service=ParticipantIdentity(
                    participant_id=f"REGS-{distributor}",
                    role=Role.REGISTRATION_SERVICE,
                    dip_id=f"22000000{distributor}",
                    mpid=f"RGS{letter}",
                    name=f"Registration Service, GSP group {group}",
                ),
                weight=GSP_GROUP_MPANS_MILLIONS[group],
            )
        )
    return tuple(areas)


def service_firms() -> dict[Role, tuple[Firm, ...]]:
    """The service providers and legacy agents of every role, largest first."""
    firms: dict[Role, tuple[Firm, ...]] = {}
    for role, count in FIRMS_PER_ROLE.items():
        stem, dip_prefix = _FIRM_CODES[role]
        shares = long_tail_shares(count, offset=1)
        firms[role] = tuple(
            Firm(
                identity=ParticipantIdentity(
                    participant_id=f"{role.value}-{stem}{_code(index)}",
                    role=role,
                    dip_id=None if dip_prefix is None else f"{dip_prefix}{index + 1:06d}",
                    mpid=f"{stem}{_code(index)}",
                    name=f"{_ROLE_NAMES[role]} {_code(index)}"
                    + (" (backup)" if dip_prefix is None and index == count - 1 else ""),
                ),
                share=share,
                backup=dip_prefix is None and index == count - 1,
            )
            for index, share in enumerate(shares)
        )
    return firms


def _panel(
    rng: random.Random, firms: Mapping[Role, tuple[Firm, ...]], roles: Sequence[Role]
) -> AgentPanel:
    """First choice by market share, then the role's backup firm (which never rejects)."""
    chosen: list[tuple[str, ...]] = []
    for role in roles:
        candidates = firms[role]
        first = Picker(candidates, [f.share for f in candidates]).pick(rng)
        backup = next(f for f in candidates if f.backup)
        order = (first,) if first is backup else (first, backup)
        chosen.append(tuple(str(f.identity.mpid) for f in order))
    return AgentPanel(
        data_collector_mpids=chosen[0],
        meter_operator_mpids=chosen[1],
        data_aggregator_mpids=chosen[2],
    )


def supplier_companies(
    spec: LoadSpec, rng: random.Random, firms: Mapping[Role, tuple[Firm, ...]]
) -> tuple[SupplierCompany, ...]:
    """The supplier companies of ``spec``, largest first, with their panels and services."""
    shares = supplier_shares(spec.suppliers)
    qualified_count = spec.suppliers - spec.unqualified_suppliers
    pickers = {role: Picker(firms[role], [f.share for f in firms[role]]) for role in firms}
    companies = []
    for index, share in enumerate(shares):
        rank = index + 1
        qualified = index < qualified_count
        code = _code(index)
        mhhs = (
            ParticipantIdentity(
                participant_id=f"SUP-SQ{code}",
                role=Role.SUPPLIER,
                dip_id=f"2300{rank:06d}",
                mpid=f"SQ{code}",
                name=f"Supplier {rank:02d} (MHHS-qualified; its MHHS MPID)",
            )
            if qualified
            else None
        )
        legacy = ParticipantIdentity(
            participant_id=f"SUP-SL{code}",
            role=Role.SUPPLIER,
            mpid=f"SL{code}",
            name=f"Supplier {rank:02d} ("
            + ("its legacy MPID, unmigrated MPANs)" if qualified else "not MHHS-qualified)"),
        )
        services = {
            segment: (
                pickers[data_role].pick(rng).appointment(),
                pickers[metering_role].pick(rng).appointment(),
            )
            for segment, data_role, metering_role in (
                ("S", Role.SMART_DATA_SERVICE, Role.SMART_METERING_SERVICE),
                ("A", Role.ADVANCED_DATA_SERVICE, Role.ADVANCED_METERING_SERVICE),
            )
        }
        companies.append(
            SupplierCompany(
                rank=rank,
                portfolio_share=share,
                qualified=qualified,
                mhhs=mhhs,
                legacy=legacy,
                panels=(_panel(rng, firms, NHH_AGENT_ROLES), _panel(rng, firms, HH_AGENT_ROLES)),
                services=services if qualified else {},
            )
        )
    return tuple(companies)
