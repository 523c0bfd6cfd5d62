"""The population of a GB-shaped market: the MPANs, who serves each, who switches when.

:func:`draw_gb_population` turns a :class:`~market.load.spec.LoadSpec` into plain
data, drawn from one ``random.Random`` seeded from the spec: the cast
(:mod:`actors.markets.gb_cast`); the MPANs (GSP group, customer segment, meter variant,
migrated or not, who serves them); and the switches (which MPAN, which gaining
supplier, when the customer signs: a Poisson process over the working days with
the profile's intraday shape). :mod:`actors.markets.gb` casts the participants
from it. An MPAN that never migrated is a traditional NHH site (variant T)
served by legacy agents, as in the built-in market.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

import attrs

from actors.legacy.supplier import AgentPanel
from actors.markets.default_cast import DISAGREEING_READ_OFFSET_KWH
from actors.markets.gb_cast import (
    Firm,
    GspArea,
    Picker,
    SupplierCompany,
    gsp_areas,
    service_firms,
    supplier_companies,
)
from market.kernel.exceptions import ScenarioError
from market.kernel.ids import Role, mpan_check_digit
from market.kernel.local_time import local_instant
from market.kernel.settlement_calendar import SettlementCalendar
from market.load.spec import HOURS_PER_DAY, LoadSpec
from market.participant import ParticipantIdentity
from market.process.population import LegacyAppointments, MeteringPoint

#: The last minute of a day has no sign-ups, so every registration request (CSS latency
#: 1 s) reaches CSS on the day the customer signed and the supply start date holds.
_LAST_HOUR_SECONDS: Final = 3540
_SECONDS_PER_HOUR: Final = 3600
_MPAN_SERIALS: Final = 10**10


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


def run_working_days(spec: LoadSpec, calendar: SettlementCalendar) -> tuple[date, ...]:
    """The working days customers sign on: ``spec.working_days`` of them from ``start_day``."""
    first = spec.first_working_day(calendar)
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
    #: Draws an outgoing agent again when it is one the gaining supplier appoints.
    agent_rng: random.Random
    taken: set[str] = attrs.field(factory=set)

    def core(self, distributor_id: str) -> str:
        """A fresh MPAN core in the distributor's range (one random draw, not ten digits)."""
        while True:
            body = f"{distributor_id}{self.rng.randrange(_MPAN_SERIALS):010d}"
            core = body + str(mpan_check_digit(body))
            if core not in self.taken:
                self.taken.add(core)
                return core

    def point(self, index: int) -> tuple[MeteringPoint, str, SupplierCompany]:
        """The ``index``-th MPAN, its customer segment and the company that supplies it."""
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

    def agents_other_than(self, point: MeteringPoint, panel: AgentPanel) -> MeteringPoint:
        """``point`` with every legacy agent the gaining ``panel`` could appoint replaced.

        A change of supply changes agents: an MPAN's outgoing collector, MOP and
        aggregator are never the ones its gaining supplier appoints (first choice
        or backup), since the process map has no step for an agent that stays
        (it would send itself the D0170 history request).
        """
        agents = point.legacy_agents
        if agents is None:
            return point
        current = (
            (Role.NHH_DATA_COLLECTOR, agents.data_collector_mpid, panel.data_collector_mpids),
            (Role.NHH_METER_OPERATOR, agents.meter_operator_mpid, panel.meter_operator_mpids),
            (Role.NHH_DATA_AGGREGATOR, agents.data_aggregator_mpid, panel.data_aggregator_mpids),
        )
        if not any(mpid in appointable for _, mpid, appointable in current):
            return point
        kept = []
        for role, mpid, appointable in current:
            if mpid not in appointable:
                kept.append(mpid)
                continue
            others = [f for f in self.firms[role].items if f.identity.mpid not in appointable]
            if not others:
                raise ScenarioError(f"the GB market has no {role} outside a supplier's panel")
            # Drawn from a stream of its own, so that every other MPAN stays as it was.
            drawn = Picker(others, [f.share for f in others]).pick(self.agent_rng)
            kept.append(str(drawn.identity.mpid))
        replaced = LegacyAppointments(
            data_collector_mpid=kept[0], meter_operator_mpid=kept[1], data_aggregator_mpid=kept[2]
        )
        return attrs.evolve(point, legacy_agents=replaced)

    def gainer(
        self, point: MeteringPoint, company: SupplierCompany
    ) -> tuple[ParticipantIdentity, SupplierCompany]:
        """The gaining supplier (identity and company): calibrated so the RM share is met on
        average (see LoadSpec)."""
        rng = self.rng
        if point.migrated:
            wants_unqualified = rng.random() < self.spec.unqualified_gain_share
            group = self.unqualified if wants_unqualified else self.qualified
            chosen = group.pick_other(rng, company) if group is not None else None
            if chosen is None:  # the only company of that kind is the loser itself
                other = self.qualified if wants_unqualified else self.unqualified
                chosen = other.pick_other(rng, company) if other is not None else None
            if chosen is not None:
                mhhs = chosen.mhhs if chosen.qualified else None
                return (mhhs or chosen.legacy), chosen
        chosen = self.companies.pick_other(rng, company)
        if chosen is None:
            raise ScenarioError("load.suppliers: a change of supply needs another supplier to gain")
        return chosen.legacy, chosen


def _migrated_if_qualified(spec: LoadSpec, companies: Sequence[SupplierCompany]) -> float:
    qualified_share = sum(c.portfolio_share for c in companies if c.qualified)
    if spec.migrated_share > qualified_share + 1e-12:
        raise ScenarioError(
            f"load.migrated_share = {spec.migrated_share}: the qualified suppliers hold only "
            f"{qualified_share:.3f} of MPANs (unqualified suppliers cannot hold migrated MPANs); "
            "lower migrated_share or unqualified_supplier_share"
        )
    return 0.0 if qualified_share == 0 else spec.migrated_share / qualified_share


def _drawer(
    spec: LoadSpec,
    rng: random.Random,
    *,
    areas: Sequence[GspArea],
    firms: Mapping[Role, Sequence[Firm]],
    companies: Sequence[SupplierCompany],
    days: Sequence[date],
) -> _Draw:
    """What draws each MPAN: weighted pickers over areas, companies, segments, variants, firms."""

    def picker(items: Sequence[SupplierCompany]) -> Picker[SupplierCompany] | None:
        """Companies by portfolio share (``None`` when there are none of that kind)."""
        return Picker(items, [c.portfolio_share for c in items]) if items else None

    return _Draw(
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
        agent_rng=random.Random(f"{spec.seed}/gb-outgoing-agents"),
    )


def draw_gb_population(spec: LoadSpec, calendar: SettlementCalendar | None = None) -> GbPopulation:
    """Draw the GB-shaped market of ``spec`` (same spec and seed, same population)."""
    calendar = calendar or SettlementCalendar()
    rng = random.Random(f"{spec.seed}/gb-population")
    areas = gsp_areas()
    firms = service_firms()
    companies = supplier_companies(spec, rng, firms)
    days = run_working_days(spec, calendar)
    times = arrival_times(spec, days, rng)
    size = max(spec.mpans or 0, len(times))
    draw = _drawer(spec, rng, areas=areas, firms=firms, companies=companies, days=days)
    points: list[MeteringPoint] = []
    segments: list[str] = []
    switches: list[GbSwitch] = []
    no_read = spec.behaviours.no_customer_read
    for index in range(size):
        point, segment, company = draw.point(index)
        if index < len(times):
            gainer, gaining = draw.gainer(point, company)
            point = draw.agents_other_than(point, gaining.panels[0])  # NHH: never-migrated is T
            switches.append(
                GbSwitch(
                    point=point,
                    gainer=gainer,
                    signed_at=times[index],
                    # D9 is the customer's missing read: a DCC read of a smart meter does not fail.
                    gives_reading=(point.migrated and point.variant == "S")
                    or rng.random() >= no_read,
                    reading_delay_minutes=rng.randrange(480),
                )
            )
        points.append(point)
        segments.append(segment)
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
