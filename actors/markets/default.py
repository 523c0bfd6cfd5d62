"""Market builders: one distribution area (GSP group _J) with every role BPM-003 involves.

:func:`build_market` turns a :class:`~market.process.scenario_spec.ScenarioSpec` into a
runnable :class:`~market.process.scenario.MarketSetup`: the cast of participants, a
population of MPANs drawn from the spec's variant mix and decision rates, and
the customers' stimuli. :func:`default_market` is the small market of
``market run`` with no options: every customer switches to ``LGSB``, a supplier
that is not MHHS-qualified, so every switch is a variant-T reverse migration.

Identifiers are the brief's fictional ones (section e.4) where it has them.
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
    MarketwideDataService,
    MeterDataRetriever,
)
from actors.central.registration import RegistrationService
from actors.central.switching import CentralSwitchingService
from actors.legacy.hh_agents import HhDataAggregator, HhDataCollector, HhMeterOperator
from actors.legacy.nhh_agents import NhhDataAggregator, NhhDataCollector, NhhMeterOperator
from actors.legacy.supplier import AgentPanel, LegacySupplier
from actors.mhhs.advanced_services import AdvancedDataService, AdvancedMeteringService
from actors.mhhs.smart_services import SmartDataService, SmartMeteringService
from actors.mhhs.supplier import MhhsSupplier
from market.kernel.ids import GSP_GROUP_DISTRIBUTOR, Role, generate_mpan_core
from market.kernel.local_time import local_instant
from market.kernel.settlement_calendar import SettlementCalendar
from market.participant import Participant, ParticipantIdentity
from market.process.options import ProcessOptions
from market.process.population import (
    LegacyAppointments,
    MeteringPoint,
    ServiceAppointment,
    format_reading,
)
from market.process.scenario import MarketSetup, Stimulus
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.process.stimuli import CustomerReading, CustomerSigned

GSP_GROUP = "_J"
DISTRIBUTOR = GSP_GROUP_DISTRIBUTOR[GSP_GROUP]
#: Services were appointed when the MPANs migrated to MHHS.
MIGRATED_ON = date(2025, 11, 10)
#: How far off the outgoing supplier's closing read is when a scenario makes reads disagree (D8).
DISAGREEING_READ_OFFSET_KWH = Decimal("400")


def _identity(
    pid: str, role: Role, name: str, *, dip_id: str | None = None, mpid: str | None = None
) -> ParticipantIdentity:
    return ParticipantIdentity(participant_id=pid, role=role, dip_id=dip_id, mpid=mpid, name=name)


REGS = _identity(
    "REGS-19",
    Role.REGISTRATION_SERVICE,
    "Registration Service, GSP group _J",
    dip_id="2200000019",
    mpid="RGSJ",
)
LDSO = _identity(
    "LDSO-19",
    Role.LDSO,
    "Distribution network operator, GSP group _J",
    dip_id="2500000019",
    mpid="DNOJ",
)
MDS = _identity(
    "MDS", Role.MARKETWIDE_DATA_SERVICE, "Market-wide Data Service", dip_id="1800000001"
)
MDR = _identity(
    "MDR-MDRA",
    Role.METER_DATA_RETRIEVER,
    "Meter Data Retriever A",
    dip_id="1600000001",
    mpid="MDRA",
)
EES = _identity(
    "EES", Role.ELECTRICITY_ENQUIRY_SERVICE, "Electricity Enquiry Service", dip_id="2700000001"
)
CSS = _identity("CSS", Role.CENTRAL_SWITCHING_SERVICE, "Central Switching Service")
OUTGOING_SUPPLIER = _identity(
    "SUP-MHSA",
    Role.SUPPLIER,
    "MHHS-qualified supplier A (outgoing)",
    dip_id="2300000101",
    mpid="MHSA",
)
QUALIFIED_SUPPLIER = _identity(
    "SUP-MHSB", Role.SUPPLIER, "MHHS-qualified supplier B", dip_id="2300000102", mpid="MHSB"
)
INCOMING_SUPPLIER = _identity(
    "SUP-LGSB", Role.SUPPLIER, "Legacy supplier B (not MHHS-qualified, incoming)", mpid="LGSB"
)
SMART_DATA_SERVICE = _identity(
    "SDS-SDSC", Role.SMART_DATA_SERVICE, "Smart Data Service C", dip_id="1400000201", mpid="SDSC"
)
SMART_METERING_SERVICE = _identity(
    "MSS-MSSD",
    Role.SMART_METERING_SERVICE,
    "Smart Metering Service D",
    dip_id="1200000301",
    mpid="MSSD",
)
ADVANCED_DATA_SERVICE = _identity(
    "ADS-ADSE",
    Role.ADVANCED_DATA_SERVICE,
    "Advanced Data Service E",
    dip_id="1400000202",
    mpid="ADSE",
)
ADVANCED_METERING_SERVICE = _identity(
    "MSA-MSAF",
    Role.ADVANCED_METERING_SERVICE,
    "Advanced Metering Service F",
    dip_id="1200000302",
    mpid="MSAF",
)

#: Incoming legacy agents of LGSB, first choice then backup per role.
NHH_PANEL = AgentPanel(
    data_collector_mpids=("NDCE", "NDCH"),
    meter_operator_mpids=("NMOF", "NMOI"),
    data_aggregator_mpids=("NDAG", "NDAK"),
)
HH_PANEL = AgentPanel(
    data_collector_mpids=("HDCJ", "HDCM"),
    meter_operator_mpids=("HMOK", "HMON"),
    data_aggregator_mpids=("HDAL", "HDAP"),
)
#: The legacy agents of MPANs that never migrated (they serve MHSA's legacy portfolio).
OLD_AGENTS = LegacyAppointments(
    data_collector_mpid="ODCP", meter_operator_mpid="OMOQ", data_aggregator_mpid="ODAR"
)


def _services(variant: str) -> tuple[ServiceAppointment, ServiceAppointment]:
    if variant == "A":
        data, metering = ADVANCED_DATA_SERVICE, ADVANCED_METERING_SERVICE
    else:
        data, metering = SMART_DATA_SERVICE, SMART_METERING_SERVICE
    return (
        ServiceAppointment(
            role=data.role, dip_id=str(data.dip_id), mpid=str(data.mpid), effective_from=MIGRATED_ON
        ),
        ServiceAppointment(
            role=metering.role,
            dip_id=str(metering.dip_id),
            mpid=str(metering.mpid),
            effective_from=MIGRATED_ON,
        ),
    )


@attrs.frozen(kw_only=True)
class _Switch:
    """One customer's switch as the generator drew it."""

    point: MeteringPoint
    gainer: ParticipantIdentity
    gives_reading: bool


def _draw_switches(spec: ScenarioSpec, rng: random.Random) -> list[_Switch]:
    rates: DecisionRates = spec.decisions
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
        if legacy:
            variant = "T"  # an unmigrated MPAN in this market is a traditional NHH site
        if variant == "S":
            gives_reading = True  # D9 is the customer's missing read: DCC reads do not fail here
        data, metering = _services(variant)
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
        )
        gainer = QUALIFIED_SUPPLIER if qualified_gainer else INCOMING_SUPPLIER
        switches.append(_Switch(point=point, gainer=gainer, gives_reading=gives_reading))
    return switches


def _participants(spec: ScenarioSpec, points: Sequence[MeteringPoint]) -> list[Participant]:
    options = spec.options
    rates = spec.decisions
    by_mpan = {p.mpan_core: p for p in points}
    smart = {m: p for m, p in by_mpan.items() if p.migrated and p.variant != "A"}
    advanced = {m: p for m, p in by_mpan.items() if p.migrated and p.variant == "A"}
    legacy = {m: p for m, p in by_mpan.items() if not p.migrated}
    supplier_dip_ids = {"MHSA": "2300000101", "MHSB": "2300000102"}
    distributor_dip_ids = {DISTRIBUTOR: "2500000019"}
    ldso_mpids = {DISTRIBUTOR: "DNOJ"}
    cutoff = options.cos_read_cutoff_working_days
    rejecting = rates.agent_rejection
    return [
        CentralSwitchingService(
            CSS,
            registered_supplier={p.mpan_core: p.supplier_mpid for p in points},
            registration_service_by_distributor={DISTRIBUTOR: "RGSJ"},
            options=options,
        ),
        RegistrationService(
            REGS,
            points=by_mpan,
            qualified_suppliers=supplier_dip_ids,
            mds_dip_id="1800000001",
            ldso_dip_id="2500000019",
            options=options,
        ),
        MhhsSupplier(
            OUTGOING_SUPPLIER,
            portfolio=by_mpan,
            distributor_dip_ids=distributor_dip_ids,
            objection_probability=rates.objection,
            options=options,
            data_update_probability=rates.supplier_data_update,
        ),
        MhhsSupplier(
            QUALIFIED_SUPPLIER,
            portfolio={},
            distributor_dip_ids=distributor_dip_ids,
            objection_probability=0.0,
            options=options,
            preferred_services={"S": _services("S"), "A": _services("A")},
        ),
        LegacySupplier(
            INCOMING_SUPPLIER, nhh_agents=NHH_PANEL, hh_agents=HH_PANEL, options=options
        ),
        SmartDataService(
            SMART_DATA_SERVICE,
            appointments=smart,
            supplier_dip_ids=supplier_dip_ids,
            distributor_dip_ids=distributor_dip_ids,
            mds_dip_id="1800000001",
            meter_data_retriever=("1600000001", "MDRA"),
            options=options,
            late_consumption_probability=rates.late_consumption,
        ),
        SmartMeteringService(SMART_METERING_SERVICE, appointments=smart),
        AdvancedDataService(
            ADVANCED_DATA_SERVICE,
            appointments=advanced,
            mds_dip_id="1800000001",
            distributor_dip_ids=distributor_dip_ids,
            late_consumption_probability=rates.late_consumption,
        ),
        AdvancedMeteringService(ADVANCED_METERING_SERVICE, appointments=advanced),
        NhhDataCollector(
            _identity("NHHDC-NDCE", Role.NHH_DATA_COLLECTOR, "NHH Data Collector E", mpid="NDCE"),
            cutoff_working_days=cutoff,
            rejection_probability=rejecting,
        ),
        NhhDataCollector(
            _identity(
                "NHHDC-NDCH", Role.NHH_DATA_COLLECTOR, "NHH Data Collector H (backup)", mpid="NDCH"
            ),
            cutoff_working_days=cutoff,
        ),
        NhhMeterOperator(
            _identity("NHHMOA-NMOF", Role.NHH_METER_OPERATOR, "NHH Meter Operator F", mpid="NMOF"),
            ldso_mpid_by_distributor=ldso_mpids,
            rejection_probability=rejecting,
        ),
        NhhMeterOperator(
            _identity(
                "NHHMOA-NMOI", Role.NHH_METER_OPERATOR, "NHH Meter Operator I (backup)", mpid="NMOI"
            ),
            ldso_mpid_by_distributor=ldso_mpids,
        ),
        NhhDataAggregator(
            _identity("NHHDA-NDAG", Role.NHH_DATA_AGGREGATOR, "NHH Data Aggregator G", mpid="NDAG"),
            rejection_probability=rejecting,
        ),
        NhhDataAggregator(
            _identity(
                "NHHDA-NDAK",
                Role.NHH_DATA_AGGREGATOR,
                "NHH Data Aggregator K (backup)",
                mpid="NDAK",
            )
        ),
        NhhDataCollector(
            _identity(
                "NHHDC-ODCP",
                Role.NHH_DATA_COLLECTOR,
                "NHH Data Collector P (old, legacy portfolio)",
                mpid="ODCP",
            ),
            cutoff_working_days=cutoff,
            collected=legacy,
        ),
        NhhMeterOperator(
            _identity(
                "NHHMOA-OMOQ",
                Role.NHH_METER_OPERATOR,
                "NHH Meter Operator Q (old, legacy portfolio)",
                mpid="OMOQ",
            ),
            ldso_mpid_by_distributor=ldso_mpids,
            operated=legacy,
        ),
        NhhDataAggregator(
            _identity(
                "NHHDA-ODAR",
                Role.NHH_DATA_AGGREGATOR,
                "NHH Data Aggregator R (old, legacy portfolio)",
                mpid="ODAR",
            )
        ),
        HhDataCollector(
            _identity("HHDC-HDCJ", Role.HH_DATA_COLLECTOR, "HH Data Collector J", mpid="HDCJ"),
            rejection_probability=rejecting,
        ),
        HhDataCollector(
            _identity(
                "HHDC-HDCM", Role.HH_DATA_COLLECTOR, "HH Data Collector M (backup)", mpid="HDCM"
            )
        ),
        HhMeterOperator(
            _identity("HHMOA-HMOK", Role.HH_METER_OPERATOR, "HH Meter Operator K", mpid="HMOK"),
            ldso_mpid_by_distributor=ldso_mpids,
            rejection_probability=rejecting,
        ),
        HhMeterOperator(
            _identity(
                "HHMOA-HMON", Role.HH_METER_OPERATOR, "HH Meter Operator N (backup)", mpid="HMON"
            ),
            ldso_mpid_by_distributor=ldso_mpids,
        ),
        HhDataAggregator(
            _identity("HHDA-HDAL", Role.HH_DATA_AGGREGATOR, "HH Data Aggregator L", mpid="HDAL"),
            rejection_probability=rejecting,
        ),
        HhDataAggregator(
            _identity(
                "HHDA-HDAP", Role.HH_DATA_AGGREGATOR, "HH Data Aggregator P (backup)", mpid="HDAP"
            )
        ),
        MarketwideDataService(MDS),
        MeterDataRetriever(MDR),
        Ldso(LDSO),
        ElectricityEnquiryService(EES),
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
    )


def default_market(
    *, seed: int = 1, mpans: int = 3, options: ProcessOptions | None = None
) -> MarketSetup:
    """The small built-in market of ``market run``: ``mpans`` customers switch to ``LGSB``."""
    return build_market(ScenarioSpec(seed=seed, mpans=mpans, options=options or ProcessOptions()))
