"""GB-shaped markets for load tests: fourteen GSP groups, tens of suppliers, switches by the day.

:func:`build_gb_market` turns a :class:`~market.load.spec.LoadSpec` (usually a
preset of :mod:`market.load.profiles`) into a runnable
:class:`~market.process.scenario.MarketSetup`. The population comes from
:func:`actors.markets.gb_population.draw_gb_population`; this module casts the built-in
participants around it, each with only its own slice of the population (a
Registration Service its GSP group's MPANs, a supplier its portfolio, a
service its appointments, an old legacy agent the MPANs it serves), so the
:class:`~market.process.population.MeteringPoint` objects exist once however many
participants know them. The stimuli are the customers signing (and, for a
gaining supplier that is not MHHS-qualified, their meter reading around the
supply start date), exactly as in :mod:`actors.markets.default`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Final

import attrs

from actors.central.parties import (
    ElectricityEnquiryService,
    Ldso,
    LoadShapingService,
    MarketwideDataService,
    MeterDataRetriever,
)
from actors.central.registration import RegistrationService
from actors.central.switching import CentralSwitchingService
from actors.legacy.hh_agents import HhDataAggregator, HhDataCollector, HhMeterOperator
from actors.legacy.nhh_agents import NhhDataAggregator, NhhDataCollector, NhhMeterOperator
from actors.legacy.supplier import LegacySupplier
from actors.markets.default import reading_stimulus, signed_stimulus
from actors.markets.default_cast import CSS, EES, LSS, MDR, MDS
from actors.markets.gb_cast import GSP_GROUP_POSTCODES
from actors.markets.gb_population import GbPopulation, GbSwitch, draw_gb_population
from actors.mhhs.advanced_services import AdvancedDataService, AdvancedMeteringService
from actors.mhhs.smart_services import SmartDataService, SmartMeteringService
from actors.mhhs.supplier import MhhsSupplier
from market.faults import DipOutage, FaultPlan, Window
from market.kernel.ids import Role
from market.kernel.local_time import local_instant, settlement_date_of
from market.kernel.settlement_calendar import SettlementCalendar
from market.load.spec import LoadSpec
from market.participant import Participant, ParticipantIdentity
from market.process.population import MeteringPoint
from market.process.scenario import MarketSetup, Stimulus


def _slices(points: Iterable[MeteringPoint]) -> dict[str, dict[str, MeteringPoint]]:
    """Each participant's slice of the population, keyed by who knows it.

    ``regs:`` + GSP group, ``sup:`` + supplier MPID, ``svc:`` + service MPID,
    ``dc:`` / ``mop:`` + old legacy agent MPID.
    """
    slices: dict[str, dict[str, MeteringPoint]] = {}
    for point in points:
        mpan = point.mpan_core
        keys = [f"regs:{point.gsp_group_id}", f"sup:{point.supplier_mpid}"]
        for service in (point.data_service, point.metering_service):
            if service is not None:
                keys.append(f"svc:{service.mpid}")
        if point.legacy_agents is not None:
            keys.append(f"dc:{point.legacy_agents.data_collector_mpid}")
            keys.append(f"mop:{point.legacy_agents.meter_operator_mpid}")
        for key in keys:
            slices.setdefault(key, {})[mpan] = point
    return slices


def _participants(population: GbPopulation) -> list[Participant]:
    spec = population.spec
    options = spec.options
    behaviours = spec.behaviours
    slices = _slices(population.points)
    empty: dict[str, MeteringPoint] = {}
    distributor_dip_ids = {a.distributor_id: str(a.ldso.dip_id) for a in population.areas}
    ldso_mpids = {a.distributor_id: str(a.ldso.mpid) for a in population.areas}
    registration_service_dip_ids = {
        a.distributor_id: str(a.registration_service.dip_id) for a in population.areas
    }
    qualified = {
        str(c.mhhs.mpid): str(c.mhhs.dip_id) for c in population.companies if c.mhhs is not None
    }
    mds_dip_id = str(MDS.dip_id)
    cast: list[Participant] = [
        CentralSwitchingService(
            CSS,
            registered_supplier={p.mpan_core: p.supplier_mpid for p in population.points},
            registration_service_by_distributor={
                a.distributor_id: str(a.registration_service.mpid) for a in population.areas
            },
            options=options,
        ),
        MarketwideDataService(MDS),
        LoadShapingService(LSS),
        MeterDataRetriever(MDR),
        ElectricityEnquiryService(EES),
    ]
    for area in population.areas:
        cast.append(Ldso(area.ldso))
        cast.append(
            RegistrationService(
                area.registration_service,
                points=slices.get(f"regs:{area.gsp_group}", empty),
                qualified_suppliers=qualified,
                mds_dip_id=mds_dip_id,
                ldso_dip_id=str(area.ldso.dip_id),
                options=options,
            )
        )
    for company in population.companies:
        if company.mhhs is not None:
            cast.append(
                MhhsSupplier(
                    company.mhhs,
                    portfolio=slices.get(f"sup:{company.mhhs.mpid}", empty),
                    distributor_dip_ids=distributor_dip_ids,
                    objection_probability=behaviours.objection,
                    options=options,
                    preferred_services=company.services,
                    data_update_probability=behaviours.supplier_data_update,
                    registration_service_dip_ids=registration_service_dip_ids,
                )
            )
        nhh, hh = company.panels
        cast.append(LegacySupplier(company.legacy, nhh_agents=nhh, hh_agents=hh, options=options))
    cast.extend(_firm_participants(population, slices, distributor_dip_ids, ldso_mpids, qualified))
    return cast


@attrs.frozen(kw_only=True)
class _Wiring:
    """What a firm's participant is built with: its slice of the population, the DIP ids."""

    population: GbPopulation
    slices: Mapping[str, Mapping[str, MeteringPoint]]
    distributor_dip_ids: Mapping[str, str]
    ldso_mpids: Mapping[str, str]
    supplier_dip_ids: Mapping[str, str]

    def served(self, key: str) -> Mapping[str, MeteringPoint]:
        """The MPANs under ``key`` (``svc:MPID``, ``dc:MPID``...), none if it has none."""
        return self.slices.get(key, {})


def _firm_participants(
    population: GbPopulation,
    slices: Mapping[str, Mapping[str, MeteringPoint]],
    distributor_dip_ids: Mapping[str, str],
    ldso_mpids: Mapping[str, str],
    supplier_dip_ids: Mapping[str, str],
) -> list[Participant]:
    """The services and legacy agents, each with the MPANs it serves."""
    wiring = _Wiring(
        population=population,
        slices=slices,
        distributor_dip_ids=distributor_dip_ids,
        ldso_mpids=ldso_mpids,
        supplier_dip_ids=supplier_dip_ids,
    )
    return [
        _service(role, firm.identity, wiring)
        if role in _SERVICE_ROLES
        else _legacy_agent(role, firm.identity, firm.backup, wiring)
        for role, firms in population.firms.items()
        for firm in firms
    ]


_SERVICE_ROLES: Final = frozenset(
    {
        Role.SMART_DATA_SERVICE,
        Role.SMART_METERING_SERVICE,
        Role.ADVANCED_DATA_SERVICE,
        Role.ADVANCED_METERING_SERVICE,
    }
)


def _service(role: Role, who: ParticipantIdentity, wiring: _Wiring) -> Participant:
    """An MHHS data or metering service with the MPANs appointed to it."""
    spec = wiring.population.spec
    served = wiring.served(f"svc:{who.mpid}")
    late = spec.behaviours.late_consumption
    if role == Role.SMART_DATA_SERVICE:
        return SmartDataService(
            who,
            appointments=served,
            supplier_dip_ids=wiring.supplier_dip_ids,
            distributor_dip_ids=wiring.distributor_dip_ids,
            mds_dip_id=str(MDS.dip_id),
            meter_data_retriever=(str(MDR.dip_id), str(MDR.mpid)),
            options=spec.options,
            late_consumption_probability=late,
        )
    if role == Role.ADVANCED_DATA_SERVICE:
        return AdvancedDataService(
            who,
            appointments=served,
            mds_dip_id=str(MDS.dip_id),
            distributor_dip_ids=wiring.distributor_dip_ids,
            late_consumption_probability=late,
        )
    if role == Role.SMART_METERING_SERVICE:
        return SmartMeteringService(who, appointments=served)
    return AdvancedMeteringService(who, appointments=served)


def _legacy_agent(
    role: Role, who: ParticipantIdentity, backup: bool, wiring: _Wiring
) -> Participant:
    """A legacy agent: a first choice may reject appointments, a backup never does."""
    spec = wiring.population.spec
    rejecting = 0.0 if backup else spec.behaviours.agent_rejection
    ldso_mpids = wiring.ldso_mpids
    if role == Role.NHH_DATA_COLLECTOR:
        return NhhDataCollector(
            who,
            cutoff_working_days=spec.options.cos_read_cutoff_working_days,
            rejection_probability=rejecting,
            collected=wiring.served(f"dc:{who.mpid}"),
        )
    if role == Role.NHH_METER_OPERATOR:
        return NhhMeterOperator(
            who,
            ldso_mpid_by_distributor=ldso_mpids,
            rejection_probability=rejecting,
            operated=wiring.served(f"mop:{who.mpid}"),
        )
    if role == Role.NHH_DATA_AGGREGATOR:
        return NhhDataAggregator(who, rejection_probability=rejecting)
    if role == Role.HH_DATA_COLLECTOR:
        return HhDataCollector(who, rejection_probability=rejecting)
    if role == Role.HH_METER_OPERATOR:
        return HhMeterOperator(
            who, ldso_mpid_by_distributor=ldso_mpids, rejection_probability=rejecting
        )
    return HhDataAggregator(who, rejection_probability=rejecting)


def _stimuli(population: GbPopulation, calendar: SettlementCalendar) -> list[Stimulus]:
    spec = population.spec
    legacy_gainers = {c.legacy.participant_id for c in population.companies}
    stimuli: list[Stimulus] = []
    for number, switch in enumerate(population.switches, start=1):
        point = switch.point
        stimuli.append(
            signed_stimulus(
                point,
                at=switch.signed_at,
                recipient=switch.gainer.participant_id,
                customer_name=f"Customer {number}",
                site_postcode=GSP_GROUP_POSTCODES[point.gsp_group_id],
            )
        )
        if _reads_meter(switch, legacy_gainers):
            ssd = calendar.add_working_days(
                settlement_date_of(switch.signed_at), spec.options.supply_start_lead_working_days
            )
            source = "DCC" if point.variant == "S" and point.migrated else "customer"
            stimuli.append(
                reading_stimulus(
                    point,
                    at=local_instant(ssd, 6 if source == "DCC" else 10)
                    + timedelta(minutes=switch.reading_delay_minutes),
                    recipient=switch.gainer.participant_id,
                    supply_start_date=ssd,
                    source=source,
                )
            )
    return stimuli


def _reads_meter(switch: GbSwitch, legacy_gainers: set[str]) -> bool:
    """Whether a reading reaches the gainer: only legacy gainers take one (T5 / S2), not for
    half-hourly (variant A) sites, and not when the customer gives none (D9)."""
    return (
        switch.gainer.participant_id in legacy_gainers
        and switch.point.variant != "A"
        and switch.gives_reading
    )


def _fault_plan(population: GbPopulation, calendar: SettlementCalendar) -> FaultPlan:
    outage = population.spec.dip_outage
    if outage is None:
        return FaultPlan()
    first = population.working_days[0]
    day = calendar.add_working_days(first, outage.start_working_day)
    start = local_instant(day, outage.start_hour)
    text = f"{outage.hours:g} h from {day.isoformat()} {outage.start_hour:02d}:00"
    return FaultPlan(
        faults=(
            DipOutage(
                window=Window(start=start, end=start + timedelta(hours=outage.hours), text=text)
            ),
        )
    )


def build_gb_market(spec: LoadSpec) -> MarketSetup:
    """A runnable GB-shaped market for ``spec``: participants, population, switches, faults."""
    calendar = SettlementCalendar()
    population = draw_gb_population(spec, calendar)
    return setup_from_population(population, calendar)


def setup_from_population(
    population: GbPopulation, calendar: SettlementCalendar | None = None
) -> MarketSetup:
    """The market of an already drawn population (tests inspect the population first)."""
    calendar = calendar or SettlementCalendar()
    spec = population.spec
    return MarketSetup(
        seed=spec.seed,
        start_at=local_instant(population.working_days[0], 0),
        participants=_participants(population),
        population=population.points,
        stimuli=_stimuli(population, calendar),
        switching_mpans=[s.point.mpan_core for s in population.switches],
        options=spec.options,
        faults=_fault_plan(population, calendar),
    )
