"""The population of a GB-shaped market: who trades, who serves each MPAN, who switches when.

:func:`draw_gb_population` turns a :class:`~market.load_spec.LoadSpec` into plain
data, drawn from one ``random.Random`` seeded from the spec: the fourteen GSP
groups with their LDSO and Registration Service; supplier companies with
portfolio shares and MHHS qualification; data services, metering services and
legacy agents with market shares; the MPANs (GSP group, customer segment, meter
variant, migrated or not, who serves them); and the switches (which MPAN, which
gaining supplier, when the customer signs). :mod:`actors.gb_market` casts the
participants from it. Every number marked EST is an estimate, not a statistic.

Two modelling choices the built-in participants impose, stated once:

* A qualified supplier company trades its migrated MPANs under an MHHS MPID
  (an ``MhhsSupplier``) and the MPANs it has not migrated yet under a second,
  legacy MPID (a ``LegacySupplier``), because the built-in MHHS supplier plays
  only the MHHS side of a change of supply. Real suppliers hold several MPIDs.
* An MPAN that never migrated is a traditional NHH site (variant T) served by
  legacy agents, as in the built-in market.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final, Generic, TypeVar

import attrs

from actors.legacy_supplier import AgentPanel
from actors.markets import DISAGREEING_READ_OFFSET_KWH, MIGRATED_ON
from market.exceptions import ScenarioError
from market.ids import GSP_GROUP_DISTRIBUTOR, GSP_GROUPS, Role, mpan_check_digit
from market.load_spec import HOURS_PER_DAY, LoadSpec
from market.local_time import local_instant
from market.participant import ParticipantIdentity
from market.population import LegacyAppointments, MeteringPoint, ServiceAppointment
from market.settlement_calendar import SettlementCalendar

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
#: The last minute of a day has no sign-ups, so every registration request (CSS latency
#: 1 s) reaches CSS on the day the customer signed and the supply start date holds.
_LAST_HOUR_SECONDS: Final = 3540
_SECONDS_PER_HOUR: Final = 3600
_MPAN_SERIALS: Final = 10**10


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


@attrs.frozen(kw_only=True, slots=True)
class GbSwitch:
    """One customer's switch: the MPAN, the gaining supplier's participant, when they sign."""

    point: MeteringPoint
    gainer: ParticipantIdentity
    signed_at: datetime
    gives_reading: bool
    #: Minutes after 10:00 (06:00 for a DCC read) on the supply start date the reading comes.
    reading_delay_minutes: int


@attrs.frozen(kw_only=True)
class GbPopulation:
    """Everything drawn for one GB-shaped market (see :func:`draw_gb_population`).

    ``segments[i]`` is the customer segment of ``points[i]``; the first
    ``len(switches)`` points are the ones that switch, in the order they do.
    """

    spec: LoadSpec
    areas: tuple[GspArea, ...]
    companies: tuple[SupplierCompany, ...]
    firms: Mapping[Role, tuple[Firm, ...]]
    points: tuple[MeteringPoint, ...]
    segments: tuple[str, ...]
    switches: tuple[GbSwitch, ...]
    working_days: tuple[date, ...]


def _areas() -> tuple[GspArea, ...]:
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


def _firms() -> dict[Role, tuple[Firm, ...]]:
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


def _companies(
    spec: LoadSpec, rng: random.Random, firms: Mapping[Role, tuple[Firm, ...]]
) -> tuple[SupplierCompany, ...]:
    shares = long_tail_shares(spec.suppliers, offset=2)
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
                panels=(
                    _panel(
                        rng,
                        firms,
                        (
                            Role.NHH_DATA_COLLECTOR,
                            Role.NHH_METER_OPERATOR,
                            Role.NHH_DATA_AGGREGATOR,
                        ),
                    ),
                    _panel(
                        rng,
                        firms,
                        (Role.HH_DATA_COLLECTOR, Role.HH_METER_OPERATOR, Role.HH_DATA_AGGREGATOR),
                    ),
                ),
                services=services if qualified else {},
            )
        )
    return tuple(companies)


def run_working_days(spec: LoadSpec, calendar: SettlementCalendar) -> tuple[date, ...]:
    """The working days customers sign on: ``spec.working_days`` of them from ``start_day``."""
    first = (
        spec.start_day
        if calendar.is_working_day(spec.start_day)
        else calendar.next_working_day(spec.start_day)
    )
    return tuple(calendar.add_working_days(first, n) for n in range(spec.working_days))


def _hour_seconds(hour: int) -> int:
    return _LAST_HOUR_SECONDS if hour == HOURS_PER_DAY - 1 else _SECONDS_PER_HOUR


def arrival_times(spec: LoadSpec, days: Sequence[date], rng: random.Random) -> list[datetime]:
    """When customers sign: a Poisson process over ``days`` whose rate follows the intraday shape.

    At full scale, each hour's arrivals are drawn with exponential gaps at that
    hour's rate (so their count is Poisson). When ``spec.mpans`` caps the load,
    exactly ``mpans`` arrivals are drawn independently from the same shape: the
    Poisson process at the scaled-down rate, conditioned on its count.
    """
    shape = spec.hourly_shape
    total = sum(shape)
    times: list[datetime] = []
    if spec.scale < 1:
        assert spec.mpans is not None  # scale < 1 only when mpans caps the load
        hours = Picker(range(HOURS_PER_DAY), shape)
        for _ in range(spec.mpans):
            day = days[rng.randrange(len(days))]
            hour = hours.pick(rng)
            second = rng.randrange(_hour_seconds(hour))
            times.append(local_instant(day, hour) + timedelta(seconds=second))
        return sorted(times)
    for day in days:
        for hour, weight in enumerate(shape):
            if weight <= 0:
                continue
            span = _hour_seconds(hour)
            rate = spec.switches_per_working_day * weight / total / span
            start = local_instant(day, hour)
            offset = rng.expovariate(rate)
            while offset < span:
                times.append(start + timedelta(seconds=int(offset)))
                offset += rng.expovariate(rate)
    times.sort()
    if spec.mpans is not None:
        del times[spec.mpans :]  # more arrivals than MPANs: the market has no one left to switch
    return times


@attrs.define
class _Draw:
    """The generator's state while it draws MPANs (pickers, the cores already taken)."""

    spec: LoadSpec
    rng: random.Random
    areas: Picker[GspArea]
    companies: Picker[SupplierCompany]
    qualified: Picker[SupplierCompany] | None
    unqualified: Picker[SupplierCompany] | None
    segments: Picker[str]
    variants: Mapping[str, Picker[str]]
    firms: Mapping[Role, Picker[Firm]]
    migrated_if_qualified: float
    last_read_on: date
    taken: set[str] = attrs.field(factory=set)

    def core(self, distributor_id: str) -> str:
        while True:
            body = f"{distributor_id}{self.rng.randrange(_MPAN_SERIALS):010d}"
            core = body + str(mpan_check_digit(body))
            if core not in self.taken:
                self.taken.add(core)
                return core

    def point(self, index: int) -> tuple[MeteringPoint, str, SupplierCompany]:
        rng = self.rng
        area = self.areas.pick(rng)
        company = self.companies.pick(rng)
        segment = self.segments.pick(rng)
        migrated = company.qualified and rng.random() < self.migrated_if_qualified
        variant = self.variants[segment].pick(rng) if migrated else "T"
        registrant = company.mhhs if migrated and company.mhhs is not None else company.legacy
        data = metering = None
        agents = None
        if migrated:
            kind = "A" if variant == "A" else "S"
            data_role = Role.ADVANCED_DATA_SERVICE if kind == "A" else Role.SMART_DATA_SERVICE
            metering_role = (
                Role.ADVANCED_METERING_SERVICE if kind == "A" else Role.SMART_METERING_SERVICE
            )
            data = self.firms[data_role].pick(rng).appointment()
            metering = self.firms[metering_role].pick(rng).appointment()
        else:
            agents = LegacyAppointments(
                data_collector_mpid=str(
                    self.firms[Role.NHH_DATA_COLLECTOR].pick(rng).identity.mpid
                ),
                meter_operator_mpid=str(
                    self.firms[Role.NHH_METER_OPERATOR].pick(rng).identity.mpid
                ),
                data_aggregator_mpid=str(
                    self.firms[Role.NHH_DATA_AGGREGATOR].pick(rng).identity.mpid
                ),
            )
        disagree = rng.random() < self.spec.behaviours.reads_disagree
        point = MeteringPoint(
            mpan_core=self.core(area.distributor_id),
            gsp_group_id=area.gsp_group,
            variant=variant,  # type: ignore[arg-type]  # drawn from the spec's T/A/S keys
            migrated=migrated,
            supplier_mpid=str(registrant.mpid),
            supplier_effective_from=date(2024, 4, 1),
            data_service=data,
            metering_service=metering,
            meter_id=f"{'K' if variant == 'A' else 'E'}{index + 1:09d}",
            register_id="01",
            last_read=Decimal(rng.randrange(10_000_000, 60_000_000)) / 1000,
            last_read_on=self.last_read_on,
            daily_kwh=Decimal(rng.randrange(6_000, 14_000)) / 1000,
            legacy_agents=agents,
            supplier_read_offset_kwh=DISAGREEING_READ_OFFSET_KWH if disagree else Decimal(0),
        )
        return point, segment, company

    def gainer(self, point: MeteringPoint, company: SupplierCompany) -> ParticipantIdentity:
        """The gaining supplier: calibrated so the RM share is met on average (see LoadSpec)."""
        rng = self.rng
        if point.migrated:
            wants_unqualified = rng.random() < self.spec.unqualified_gain_share
            group = self.unqualified if wants_unqualified else self.qualified
            chosen = group.pick_other(rng, company) if group is not None else None
            if chosen is None:  # the only company of that kind is the loser itself
                other = self.qualified if wants_unqualified else self.unqualified
                chosen = other.pick_other(rng, company) if other is not None else None
            if chosen is not None:
                return (
                    chosen.mhhs if chosen.qualified and chosen.mhhs is not None else chosen.legacy
                )
        chosen = self.companies.pick_other(rng, company)
        if chosen is None:
            raise ScenarioError("load.suppliers: a change of supply needs another supplier to gain")
        return chosen.legacy


def _migrated_if_qualified(spec: LoadSpec, companies: Sequence[SupplierCompany]) -> float:
    qualified_share = sum(c.portfolio_share for c in companies if c.qualified)
    if spec.migrated_share > qualified_share + 1e-12:
        raise ScenarioError(
            f"load.migrated_share = {spec.migrated_share}: the qualified suppliers hold only "
            f"{qualified_share:.3f} of MPANs (unqualified suppliers cannot hold migrated MPANs); "
            "lower migrated_share or unqualified_supplier_share"
        )
    return 0.0 if qualified_share == 0 else spec.migrated_share / qualified_share


def draw_gb_population(spec: LoadSpec, calendar: SettlementCalendar | None = None) -> GbPopulation:
    """Draw the GB-shaped market of ``spec`` (same spec and seed, same population)."""
    calendar = calendar or SettlementCalendar()
    rng = random.Random(f"{spec.seed}/gb-population")
    areas = _areas()
    firms = _firms()
    companies = _companies(spec, rng, firms)
    days = run_working_days(spec, calendar)
    times = arrival_times(spec, days, rng)
    size = max(spec.mpans or 0, len(times))

    def picker(items: Sequence[SupplierCompany]) -> Picker[SupplierCompany] | None:
        return Picker(items, [c.portfolio_share for c in items]) if items else None

    draw = _Draw(
        spec=spec,
        rng=rng,
        areas=Picker(areas, [a.weight for a in areas]),
        companies=Picker(companies, [c.portfolio_share for c in companies]),
        qualified=picker([c for c in companies if c.qualified]),
        unqualified=picker([c for c in companies if not c.qualified]),
        segments=Picker(list(spec.segments), list(spec.segments.values())),
        variants={
            segment: Picker(list(mix), list(mix.values()))
            for segment, mix in spec.variants_by_segment.items()
        },
        firms={role: Picker(group, [f.share for f in group]) for role, group in firms.items()},
        migrated_if_qualified=_migrated_if_qualified(spec, companies),
        last_read_on=days[0] - timedelta(days=20),
    )
    points: list[MeteringPoint] = []
    segments: list[str] = []
    switches: list[GbSwitch] = []
    no_read = spec.behaviours.no_customer_read
    for index in range(size):
        point, segment, company = draw.point(index)
        points.append(point)
        segments.append(segment)
        if index < len(times):
            switches.append(
                GbSwitch(
                    point=point,
                    gainer=draw.gainer(point, company),
                    signed_at=times[index],
                    # D9 is the customer's missing read: a DCC read of a smart meter does not fail.
                    gives_reading=(point.migrated and point.variant == "S")
                    or rng.random() >= no_read,
                    reading_delay_minutes=rng.randrange(480),
                )
            )
    return GbPopulation(
        spec=spec,
        areas=areas,
        companies=companies,
        firms=firms,
        points=tuple(points),
        segments=tuple(segments),
        switches=tuple(switches),
        working_days=days,
    )
