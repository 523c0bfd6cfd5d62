"""Market builders: one distribution area (GSP group _J) with every role BPM-003 involves.

:func:`build_market` turns a :class:`~market.process.scenario_spec.ScenarioSpec` into a
runnable :class:`~market.process.scenario.MarketSetup`: the cast of participants
(:mod:`actors.markets.default_cast`), a
population of MPANs drawn from the spec's variant mix and decision rates, and
the customers' stimuli. :func:`default_market` is the small market of
``market run`` with no options: every customer switches to ``LGSB``, a supplier
that is not MHHS-qualified, so every switch is a variant-T reverse migration.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

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
from actors.markets.default_cast import (
    ADVANCED_DATA_SERVICE,
    ADVANCED_METERING_SERVICE,
    CSS,
    DISAGREEING_READ_OFFSET_KWH,
    DISTRIBUTOR,
    DISTRIBUTOR_DIP_IDS,
    EES,
    GSP_GROUP,
    HH_DA,
    HH_DA_BACKUP,
    HH_DC,
    HH_DC_BACKUP,
    HH_MOP,
    HH_MOP_BACKUP,
    HH_PANEL,
    INCOMING_SUPPLIER,
    LDSO,
    LDSO_MPIDS,
    LSS,
    MDR,
    MDS,
    NHH_DA,
    NHH_DA_BACKUP,
    NHH_DC,
    NHH_DC_BACKUP,
    NHH_MOP,
    NHH_MOP_BACKUP,
    NHH_PANEL,
    OLD_AGENTS,
    OLD_DA,
    OLD_DC,
    OLD_MOP,
    OUTGOING_SUPPLIER,
    QUALIFIED_SUPPLIER,
    REGS,
    SMART_DATA_SERVICE,
    SMART_METERING_SERVICE,
    SUPPLIER_DIP_IDS,
    service_appointments,
)
from actors.mhhs.advanced_services import AdvancedDataService, AdvancedMeteringService
from actors.mhhs.smart_services import SmartDataService, SmartMeteringService
from actors.mhhs.supplier import MhhsSupplier
from market.kernel.ids import generate_mpan_core
from market.kernel.local_time import local_instant
from market.kernel.settlement_calendar import SettlementCalendar
from market.participant import Participant, ParticipantIdentity
from market.process.options import ProcessOptions
from market.process.population import MeteringPoint, MpanRelationship, format_reading
from market.process.scenario import MarketSetup, Stimulus
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.process.stimuli import CustomerReading, CustomerSigned


@attrs.frozen(kw_only=True)
class _Switch:
    """One customer's switch as the generator drew it."""

    point: MeteringPoint
    gainer: ParticipantIdentity
    gives_reading: bool
    #: D15: the DIP's MPAN register learns this MPAN late.
    register_lags: bool = False
    #: D16: the DIP's role map still lists a former supplier for this MPAN.
    stale_routing: bool = False


def _draw_switches(spec: ScenarioSpec, rng: random.Random) -> list[_Switch]:
    """Each MPAN's facts of the world, drawn in MPAN order.

    The DIP's facts (D15, D16) come from their own stream, drawn for every MPAN
    whatever the rates: a run with both at 0 draws the population exactly as
    before they existed, and one rate never moves the other's MPANs.
    """
    rates: DecisionRates = spec.decisions
    dip_rng = random.Random(f"{spec.seed}/dip-tables")
    variants = sorted(spec.variants)
    weights = [spec.variants[v] for v in variants]
    cores: set[str] = set()
    while len(cores) < spec.mpans:
        cores.add(generate_mpan_core(rng, DISTRIBUTOR))
    switches = []
    for index, core in enumerate(sorted(cores)):
        variant = rng.choices(variants, weights)[0]
        legacy = rng.random() < rates.legacy_mpan
        qualified_gainer = not legacy and rng.random() < rates.qualified_gainer
        disagree = rng.random() < rates.reads_disagree
        gives_reading = rng.random() >= rates.no_customer_read
        # Drawn only when asked for, so runs without D12/D13 draw as they always did.
        forward = legacy and rates.forward_migration > 0 and rng.random() < rates.forward_migration
        related = qualified_gainer and rates.related_mpan > 0 and rng.random() < rates.related_mpan
        relationship: MpanRelationship | None = None
        if related:
            relationship = "LINKED_EXPORT" if rng.random() < 0.5 else "RELATED_SECONDARY"
        if legacy:
            variant = "T"  # an unmigrated MPAN in this market is a traditional NHH site
        if variant == "S":
            gives_reading = True  # D9 is the customer's missing read: DCC reads do not fail here
        data, metering = service_appointments(variant)
        point = MeteringPoint(
            mpan_core=core,
            gsp_group_id=GSP_GROUP,
            variant=variant,  # type: ignore[arg-type]  # drawn from the spec's T/A/S keys
            migrated=not legacy,
            supplier_mpid="MHSA",
            supplier_effective_from=date(2024, 4, 1),
            data_service=None if legacy else data,
            metering_service=None if legacy else metering,
            meter_id=f"{'K' if variant == 'A' else 'E'}21Z{index + 1:06d}",
            register_id="01",
            last_read=Decimal(rng.randrange(10_000_000, 60_000_000)) / 1000,
            last_read_on=date(2026, 2, 10),
            daily_kwh=Decimal(rng.randrange(6_000, 14_000)) / 1000,
            legacy_agents=OLD_AGENTS if legacy else None,
            supplier_read_offset_kwh=DISAGREEING_READ_OFFSET_KWH if disagree else Decimal(0),
            relationship=relationship,
        )
        gainer = QUALIFIED_SUPPLIER if qualified_gainer or forward else INCOMING_SUPPLIER
        register_lags = dip_rng.random() < rates.dip_register_lag
        stale_routing = dip_rng.random() < rates.stale_dip_routing
        switches.append(
            _Switch(
                point=point,
                gainer=gainer,
                gives_reading=gives_reading,
                register_lags=register_lags and not legacy,
                stale_routing=stale_routing and not legacy,
            )
        )
    return switches


def _dip_register_lags(spec: ScenarioSpec, switches: Sequence[_Switch]) -> dict[str, timedelta]:
    """D15: the MPANs the DIP's register learns late, each with the scenario's lag."""
    lag = timedelta(minutes=spec.options.dip_register_lag_minutes)
    return {s.point.mpan_core: lag for s in switches if s.register_lags}


def _stale_supplier_dip_ids(switches: Sequence[_Switch]) -> dict[str, str]:
    """D16: the former supplier the DIP's role map still lists, per MPAN drawn stale.

    It is the MHHS supplier that neither holds nor gains the MPAN (in this market,
    the qualified supplier); an MPAN it gains (D2) has none, so keeps a fresh map.
    """
    former = QUALIFIED_SUPPLIER
    assert former.dip_id is not None  # an MHHS supplier is a DIP user
    return {
        s.point.mpan_core: former.dip_id
        for s in switches
        if s.stale_routing and s.gainer is not former
    }


def _participants(spec: ScenarioSpec, points: Sequence[MeteringPoint]) -> list[Participant]:
    by_mpan = {p.mpan_core: p for p in points}
    return [
        *_central(spec, points, by_mpan),
        *_suppliers(spec, by_mpan),
        *_services(spec, by_mpan),
        *_nhh_agents(spec, {m: p for m, p in by_mpan.items() if not p.migrated}),
        *_hh_agents(spec),
        MarketwideDataService(MDS),
        LoadShapingService(LSS),
        MeterDataRetriever(MDR),
        Ldso(LDSO),
        ElectricityEnquiryService(EES),
    ]


def _central(
    spec: ScenarioSpec, points: Sequence[MeteringPoint], by_mpan: dict[str, MeteringPoint]
) -> list[Participant]:
    return [
        CentralSwitchingService(
            CSS,
            registered_supplier={p.mpan_core: p.supplier_mpid for p in points},
            registration_service_by_distributor={DISTRIBUTOR: "RGSJ"},
            options=spec.options,
        ),
        RegistrationService(
            REGS,
            points=by_mpan,
            qualified_suppliers=SUPPLIER_DIP_IDS,
            mds_dip_id=str(MDS.dip_id),
            ldso_dip_id=str(LDSO.dip_id),
            options=spec.options,
            agents_unknown_probability=spec.decisions.legacy_agents_unknown,
        ),
    ]


def _suppliers(spec: ScenarioSpec, by_mpan: dict[str, MeteringPoint]) -> list[Participant]:
    options, rates = spec.options, spec.decisions
    return [
        MhhsSupplier(
            OUTGOING_SUPPLIER,
            portfolio=by_mpan,
            distributor_dip_ids=DISTRIBUTOR_DIP_IDS,
            objection_probability=rates.objection,
            options=options,
            data_update_probability=rates.supplier_data_update,
        ),
        MhhsSupplier(
            QUALIFIED_SUPPLIER,
            portfolio={},
            distributor_dip_ids=DISTRIBUTOR_DIP_IDS,
            objection_probability=0.0,
            options=options,
            preferred_services={"S": service_appointments("S"), "A": service_appointments("A")},
            registration_service_dip_ids={DISTRIBUTOR: str(REGS.dip_id)},
        ),
        LegacySupplier(
            INCOMING_SUPPLIER,
            nhh_agents=NHH_PANEL,
            hh_agents=HH_PANEL,
            options=options,
            dispute_rejection_probability=spec.decisions.dispute_rejected,
            withdrawal_probability=spec.decisions.withdrawal,
        ),
    ]


def _services(spec: ScenarioSpec, by_mpan: dict[str, MeteringPoint]) -> list[Participant]:
    """The outgoing MHHS services, each with the migrated MPANs it serves."""
    smart = {m: p for m, p in by_mpan.items() if p.migrated and p.variant != "A"}
    advanced = {m: p for m, p in by_mpan.items() if p.migrated and p.variant == "A"}
    late = spec.decisions.late_consumption
    return [
        SmartDataService(
            SMART_DATA_SERVICE,
            appointments=smart,
            supplier_dip_ids=SUPPLIER_DIP_IDS,
            distributor_dip_ids=DISTRIBUTOR_DIP_IDS,
            mds_dip_id=str(MDS.dip_id),
            meter_data_retriever=(str(MDR.dip_id), str(MDR.mpid)),
            options=spec.options,
            late_consumption_probability=late,
        ),
        SmartMeteringService(SMART_METERING_SERVICE, appointments=smart),
        AdvancedDataService(
            ADVANCED_DATA_SERVICE,
            appointments=advanced,
            mds_dip_id=str(MDS.dip_id),
            distributor_dip_ids=DISTRIBUTOR_DIP_IDS,
            late_consumption_probability=late,
        ),
        AdvancedMeteringService(ADVANCED_METERING_SERVICE, appointments=advanced),
    ]


def _nhh_agents(spec: ScenarioSpec, legacy: dict[str, MeteringPoint]) -> list[Participant]:
    """The incoming supplier's NHH agents (first choice may reject), then the old ones."""
    cutoff = spec.options.cos_read_cutoff_working_days
    rejecting = spec.decisions.agent_rejection
    return [
        NhhDataCollector(NHH_DC, cutoff_working_days=cutoff, rejection_probability=rejecting),
        NhhDataCollector(NHH_DC_BACKUP, cutoff_working_days=cutoff),
        NhhMeterOperator(
            NHH_MOP, ldso_mpid_by_distributor=LDSO_MPIDS, rejection_probability=rejecting
        ),
        NhhMeterOperator(NHH_MOP_BACKUP, ldso_mpid_by_distributor=LDSO_MPIDS),
        NhhDataAggregator(NHH_DA, rejection_probability=rejecting),
        NhhDataAggregator(NHH_DA_BACKUP),
        NhhDataCollector(OLD_DC, cutoff_working_days=cutoff, collected=legacy),
        NhhMeterOperator(OLD_MOP, ldso_mpid_by_distributor=LDSO_MPIDS, operated=legacy),
        NhhDataAggregator(OLD_DA),
    ]


def _hh_agents(spec: ScenarioSpec) -> list[Participant]:
    """The incoming supplier's HH agents for advanced (variant A) meters."""
    rejecting = spec.decisions.agent_rejection
    return [
        HhDataCollector(HH_DC, rejection_probability=rejecting),
        HhDataCollector(HH_DC_BACKUP),
        HhMeterOperator(
            HH_MOP, ldso_mpid_by_distributor=LDSO_MPIDS, rejection_probability=rejecting
        ),
        HhMeterOperator(HH_MOP_BACKUP, ldso_mpid_by_distributor=LDSO_MPIDS),
        HhDataAggregator(HH_DA, rejection_probability=rejecting),
        HhDataAggregator(HH_DA_BACKUP),
    ]


def _stimuli(
    spec: ScenarioSpec, switches: Sequence[_Switch], calendar: SettlementCalendar
) -> list[Stimulus]:
    stimuli = []
    days = max(1, spec.switch_days)
    per_day = max(1, -(-len(switches) // days))
    minutes_apart = max(1, 480 // per_day)
    for index, switch in enumerate(switches):
        point = switch.point
        day = calendar.add_working_days(spec.start_day, index // per_day)
        signed_at = local_instant(day, 9) + timedelta(minutes=minutes_apart * (index % per_day))
        stimuli.append(
            signed_stimulus(
                point,
                at=signed_at,
                recipient=switch.gainer.participant_id,
                customer_name=f"Customer {index + 1}",
                site_postcode="BS1 4DJ",
            )
        )
        if (
            switch.gainer is not INCOMING_SUPPLIER
            or point.variant == "A"
            or not switch.gives_reading
        ):
            continue
        ssd = calendar.add_working_days(day, spec.options.supply_start_lead_working_days)
        source = "DCC" if point.variant == "S" and point.migrated else "customer"
        stimuli.append(
            reading_stimulus(
                point,
                at=local_instant(ssd, 6 if source == "DCC" else 10)
                + timedelta(minutes=minutes_apart * (index % per_day) // 4),
                recipient=switch.gainer.participant_id,
                supply_start_date=ssd,
                source=source,
            )
        )
    return stimuli


def signed_stimulus(
    point: MeteringPoint, *, at: datetime, recipient: str, customer_name: str, site_postcode: str
) -> Stimulus:
    """The customer at ``point`` signs with ``recipient`` at ``at``: the start of every switch."""
    return Stimulus(
        at=at,
        recipient=recipient,
        mpan_core=point.mpan_core,
        payload=CustomerSigned(
            mpan_core=point.mpan_core,
            customer_name=customer_name,
            site_postcode=site_postcode,
            meter_id=point.meter_id,
            gsp_group_id=point.gsp_group_id,
            meter_variant=point.variant,
        ),
    )


def reading_stimulus(
    point: MeteringPoint, *, at: datetime, recipient: str, supply_start_date: date, source: str
) -> Stimulus:
    """The meter's true reading on the supply start date reaches the gaining ``recipient``.

    ``source`` is ``customer`` (the customer reads the meter, T5) or ``DCC`` (the
    gaining supplier reads a smart meter remotely, S2).
    """
    return Stimulus(
        at=at,
        recipient=recipient,
        mpan_core=point.mpan_core,
        payload=CustomerReading(
            mpan_core=point.mpan_core,
            meter_id=point.meter_id,
            register_id=point.register_id,
            reading=format_reading(point.register_on(supply_start_date)),
            read_on=supply_start_date,
            source=source,
        ),
    )


def build_market(spec: ScenarioSpec) -> MarketSetup:
    """A runnable market for ``spec``: participants, drawn population and stimuli."""
    rng = random.Random(f"{spec.seed}/population")
    calendar = SettlementCalendar()
    switches = _draw_switches(spec, rng)
    points = [s.point for s in switches]
    return MarketSetup(
        seed=spec.seed,
        start_at=local_instant(spec.start_day, 9),
        participants=_participants(spec, points),
        population=points,
        stimuli=_stimuli(spec, switches, calendar),
        switching_mpans=[p.mpan_core for p in points],
        options=spec.options,
        dip_register_lags=_dip_register_lags(spec, switches),
        stale_supplier_dip_ids=_stale_supplier_dip_ids(switches),
        faults=spec.faults,
    )


def default_market(
    *, seed: int = 1, mpans: int = 3, options: ProcessOptions | None = None
) -> MarketSetup:
    """The small built-in market of ``market run``: ``mpans`` customers switch to ``LGSB``."""
    return build_market(ScenarioSpec(seed=seed, mpans=mpans, options=options or ProcessOptions()))
