"""The built-in default market: one distribution area, a handful of migrated MPANs, one switch each.

Every customer in it signs with ``LGSB``, a supplier that is not
MHHS-qualified, so every switch becomes a reverse migration (variant T). The
identifiers are the brief's fictional ones (section e.4) where it has them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from actors.central import ElectricityEnquiryService, Ldso, MarketwideDataService
from actors.legacy_agents import NhhDataAggregator, NhhDataCollector, NhhMeterOperator
from actors.registration import RegistrationService
from actors.services import SmartDataService, SmartMeteringService
from actors.suppliers import LegacyAgents, LegacySupplier, MhhsSupplier
from actors.switching import CentralSwitchingService
from market.ids import GSP_GROUP_DISTRIBUTOR, Role, generate_mpan_core
from market.local_time import local_instant
from market.options import ProcessOptions
from market.participant import Participant, ParticipantIdentity
from market.population import MeteringPoint, ServiceAppointment, format_reading
from market.scenario import MarketSetup, Stimulus
from market.settlement_calendar import SettlementCalendar
from market.stimuli import CustomerReading, CustomerSigned

#: The first customer signs at 09:00 on this day (a Thursday; SSD is then Monday 2 March 2026).
DEFAULT_START_DAY = date(2026, 2, 26)
GSP_GROUP = "_J"
DISTRIBUTOR = GSP_GROUP_DISTRIBUTOR[GSP_GROUP]
#: Services were appointed when the MPANs migrated to MHHS.
MIGRATED_ON = date(2025, 11, 10)

REGS = ParticipantIdentity(
    participant_id="REGS-19",
    role=Role.REGISTRATION_SERVICE,
    dip_id="2200000019",
    mpid="RGSJ",
    name="Registration Service, GSP group _J",
)
LDSO = ParticipantIdentity(
    participant_id="LDSO-19",
    role=Role.LDSO,
    dip_id="2500000019",
    mpid="DNOJ",
    name="Distribution network operator, GSP group _J",
)
MDS = ParticipantIdentity(
    participant_id="MDS",
    role=Role.MARKETWIDE_DATA_SERVICE,
    dip_id="1800000001",
    name="Market-wide Data Service",
)
EES = ParticipantIdentity(
    participant_id="EES",
    role=Role.ELECTRICITY_ENQUIRY_SERVICE,
    dip_id="2700000001",
    name="Electricity Enquiry Service",
)
CSS = ParticipantIdentity(
    participant_id="CSS", role=Role.CENTRAL_SWITCHING_SERVICE, name="Central Switching Service"
)
OUTGOING_SUPPLIER = ParticipantIdentity(
    participant_id="SUP-MHSA",
    role=Role.SUPPLIER,
    dip_id="2300000101",
    mpid="MHSA",
    name="MHHS-qualified supplier A (outgoing)",
)
OTHER_MHHS_SUPPLIER = ParticipantIdentity(
    participant_id="SUP-MHSB",
    role=Role.SUPPLIER,
    dip_id="2300000102",
    mpid="MHSB",
    name="MHHS-qualified supplier B",
)
INCOMING_SUPPLIER = ParticipantIdentity(
    participant_id="SUP-LGSB",
    role=Role.SUPPLIER,
    mpid="LGSB",
    name="Legacy supplier B (not MHHS-qualified, incoming)",
)
SMART_DATA_SERVICE = ParticipantIdentity(
    participant_id="SDS-SDSC",
    role=Role.SMART_DATA_SERVICE,
    dip_id="1400000201",
    mpid="SDSC",
    name="Smart Data Service C (outgoing)",
)
SMART_METERING_SERVICE = ParticipantIdentity(
    participant_id="MSS-MSSD",
    role=Role.SMART_METERING_SERVICE,
    dip_id="1200000301",
    mpid="MSSD",
    name="Smart Metering Service D (outgoing)",
)
DATA_COLLECTOR = ParticipantIdentity(
    participant_id="NHHDC-NDCE",
    role=Role.NHH_DATA_COLLECTOR,
    mpid="NDCE",
    name="NHH Data Collector E (incoming, legacy)",
)
METER_OPERATOR = ParticipantIdentity(
    participant_id="NHHMOA-NMOF",
    role=Role.NHH_METER_OPERATOR,
    mpid="NMOF",
    name="NHH Meter Operator F (incoming, legacy)",
)
DATA_AGGREGATOR = ParticipantIdentity(
    participant_id="NHHDA-NDAG",
    role=Role.NHH_DATA_AGGREGATOR,
    mpid="NDAG",
    name="NHH Data Aggregator G (incoming, legacy)",
)


def _population(rng: random.Random, mpans: int) -> list[MeteringPoint]:
    points = []
    cores: set[str] = set()
    while len(cores) < mpans:
        cores.add(generate_mpan_core(rng, DISTRIBUTOR))
    for index, core in enumerate(sorted(cores)):
        points.append(
            MeteringPoint(
                mpan_core=core,
                gsp_group_id=GSP_GROUP,
                variant="T",
                migrated=True,
                supplier_mpid="MHSA",
                supplier_effective_from=date(2024, 4, 1),
                data_service=ServiceAppointment(
                    role=Role.SMART_DATA_SERVICE,
                    dip_id="1400000201",
                    mpid="SDSC",
                    effective_from=MIGRATED_ON,
                ),
                metering_service=ServiceAppointment(
                    role=Role.SMART_METERING_SERVICE,
                    dip_id="1200000301",
                    mpid="MSSD",
                    effective_from=MIGRATED_ON,
                ),
                meter_id=f"E21Z{index + 1:06d}",
                register_id="01",
                last_read=Decimal(rng.randrange(10_000_000, 60_000_000)) / 1000,
                last_read_on=date(2026, 2, 10),
                daily_kwh=Decimal(rng.randrange(6_000, 14_000)) / 1000,
            )
        )
    return points


def default_market(
    *, seed: int = 1, mpans: int = 3, options: ProcessOptions | None = None
) -> MarketSetup:
    """The small built-in market of ``market run``: ``mpans`` customers switch to ``LGSB``."""
    options = options or ProcessOptions()
    rng = random.Random(f"{seed}/default-market")
    calendar = SettlementCalendar()
    points = _population(rng, mpans)
    by_mpan = {p.mpan_core: p for p in points}
    participants: Sequence[Participant] = (
        CentralSwitchingService(
            CSS,
            registered_supplier={p.mpan_core: p.supplier_mpid for p in points},
            registration_service_by_distributor={DISTRIBUTOR: "RGSJ"},
            options=options,
        ),
        RegistrationService(
            REGS,
            points=by_mpan,
            qualified_supplier_mpids=frozenset({"MHSA", "MHSB"}),
            mds_dip_id="1800000001",
            ldso_dip_id="2500000019",
            options=options,
        ),
        MhhsSupplier(
            OUTGOING_SUPPLIER, portfolio=by_mpan, objection_probability=0.0, options=options
        ),
        MhhsSupplier(OTHER_MHHS_SUPPLIER, portfolio={}, objection_probability=0.0, options=options),
        LegacySupplier(
            INCOMING_SUPPLIER,
            agents=LegacyAgents(
                data_collector_mpid="NDCE", meter_operator_mpid="NMOF", data_aggregator_mpid="NDAG"
            ),
            options=options,
        ),
        SmartDataService(SMART_DATA_SERVICE, appointments=by_mpan),
        SmartMeteringService(SMART_METERING_SERVICE, appointments=by_mpan),
        NhhDataCollector(DATA_COLLECTOR, cutoff_working_days=options.cos_read_cutoff_working_days),
        NhhMeterOperator(METER_OPERATOR, ldso_mpid_by_distributor={DISTRIBUTOR: "DNOJ"}),
        NhhDataAggregator(DATA_AGGREGATOR),
        MarketwideDataService(MDS),
        Ldso(LDSO),
        ElectricityEnquiryService(EES),
    )
    stimuli = []
    for index, point in enumerate(points):
        signed_at = local_instant(DEFAULT_START_DAY, 9) + timedelta(minutes=7 * index)
        ssd = calendar.add_working_days(DEFAULT_START_DAY, options.supply_start_lead_working_days)
        stimuli.append(
            Stimulus(
                at=signed_at,
                recipient=INCOMING_SUPPLIER.participant_id,
                mpan_core=point.mpan_core,
                payload=CustomerSigned(
                    mpan_core=point.mpan_core,
                    customer_name=f"Customer {index + 1}",
                    site_postcode="BS1 4DJ",
                    meter_id=point.meter_id,
                    gsp_group_id=point.gsp_group_id,
                ),
            )
        )
        stimuli.append(
            Stimulus(
                at=local_instant(ssd, 10) + timedelta(minutes=7 * index),
                recipient=INCOMING_SUPPLIER.participant_id,
                mpan_core=point.mpan_core,
                payload=CustomerReading(
                    mpan_core=point.mpan_core,
                    meter_id=point.meter_id,
                    register_id=point.register_id,
                    reading=format_reading(point.register_on(ssd)),
                    read_on=ssd,
                ),
            )
        )
    return MarketSetup(
        seed=seed,
        start_at=local_instant(DEFAULT_START_DAY, 9),
        participants=participants,
        population=points,
        stimuli=stimuli,
        switching_mpans=[p.mpan_core for p in points],
        options=options,
    )
