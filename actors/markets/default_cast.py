"""The cast of the built-in market: GSP group _J, with every role BPM-003 involves.

Identifiers are the brief's fictional ones (section e.4) where it has them. The
participants' behaviours live in :mod:`actors.central`, :mod:`actors.mhhs` and
:mod:`actors.legacy`; :mod:`actors.markets.default` puts this cast to work.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from actors.legacy.supplier import AgentPanel
from market.kernel.ids import GSP_GROUP_DISTRIBUTOR, Role
from market.participant import ParticipantIdentity
from market.process.population import LegacyAppointments, ServiceAppointment

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
LSS = _identity("LSS", Role.LOAD_SHAPING_SERVICE, "Load Shaping Service", dip_id="1700000001")
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

#: The incoming supplier's legacy agents (first choice, then backup per role).
NHH_DC = _identity("NHHDC-NDCE", Role.NHH_DATA_COLLECTOR, "NHH Data Collector E", mpid="NDCE")
NHH_DC_BACKUP = _identity(
    "NHHDC-NDCH", Role.NHH_DATA_COLLECTOR, "NHH Data Collector H (backup)", mpid="NDCH"
)
NHH_MOP = _identity("NHHMOA-NMOF", Role.NHH_METER_OPERATOR, "NHH Meter Operator F", mpid="NMOF")
NHH_MOP_BACKUP = _identity(
    "NHHMOA-NMOI", Role.NHH_METER_OPERATOR, "NHH Meter Operator I (backup)", mpid="NMOI"
)
NHH_DA = _identity("NHHDA-NDAG", Role.NHH_DATA_AGGREGATOR, "NHH Data Aggregator G", mpid="NDAG")
NHH_DA_BACKUP = _identity(
    "NHHDA-NDAK", Role.NHH_DATA_AGGREGATOR, "NHH Data Aggregator K (backup)", mpid="NDAK"
)
HH_DC = _identity("HHDC-HDCJ", Role.HH_DATA_COLLECTOR, "HH Data Collector J", mpid="HDCJ")
HH_DC_BACKUP = _identity(
    "HHDC-HDCM", Role.HH_DATA_COLLECTOR, "HH Data Collector M (backup)", mpid="HDCM"
)
HH_MOP = _identity("HHMOA-HMOK", Role.HH_METER_OPERATOR, "HH Meter Operator K", mpid="HMOK")
HH_MOP_BACKUP = _identity(
    "HHMOA-HMON", Role.HH_METER_OPERATOR, "HH Meter Operator N (backup)", mpid="HMON"
)
HH_DA = _identity("HHDA-HDAL", Role.HH_DATA_AGGREGATOR, "HH Data Aggregator L", mpid="HDAL")
HH_DA_BACKUP = _identity(
    "HHDA-HDAP", Role.HH_DATA_AGGREGATOR, "HH Data Aggregator P (backup)", mpid="HDAP"
)
#: The old legacy agents of the MPANs that never migrated (MHSA's legacy portfolio).
OLD_DC = _identity(
    "NHHDC-ODCP",
    Role.NHH_DATA_COLLECTOR,
    "NHH Data Collector P (old, legacy portfolio)",
    mpid="ODCP",
)
OLD_MOP = _identity(
    "NHHMOA-OMOQ",
    Role.NHH_METER_OPERATOR,
    "NHH Meter Operator Q (old, legacy portfolio)",
    mpid="OMOQ",
)
OLD_DA = _identity(
    "NHHDA-ODAR",
    Role.NHH_DATA_AGGREGATOR,
    "NHH Data Aggregator R (old, legacy portfolio)",
    mpid="ODAR",
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


def service_appointments(variant: str) -> tuple[ServiceAppointment, ServiceAppointment]:
    """The data and metering service appointments of a migrated MPAN of ``variant``."""
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


#: DIP ids of the MHHS-qualified suppliers, by MPID (REGS and the services address them).
SUPPLIER_DIP_IDS = {"MHSA": str(OUTGOING_SUPPLIER.dip_id), "MHSB": str(QUALIFIED_SUPPLIER.dip_id)}
#: The distributor's DIP id and legacy MPID, by distributor id.
DISTRIBUTOR_DIP_IDS = {DISTRIBUTOR: str(LDSO.dip_id)}
LDSO_MPIDS = {DISTRIBUTOR: str(LDSO.mpid)}
