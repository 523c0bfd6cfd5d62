"""Variant-A participants, each driven alone through the real broker and runtime.

Every test builds a tiny market: the participant under test plus recording
fakes for its peers. A fake peer sends the D-flows injected into it as if it
had written them (so they travel the DTN with its MPID and role), and the fake
Registration Service submits the IF-003 de-appointments injected into it, so
they reach the service under test as PUB-003 through the DIP's real routing.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from actors.legacy.hh_agents import HhDataAggregator, HhDataCollector, HhMeterOperator
from actors.mhhs.advanced_services import AdvancedDataService, AdvancedMeteringService
from market.byo.testing import RecordingParticipant
from market.kernel.broker import Broker
from market.kernel.directory import Directory
from market.kernel.ids import Role
from market.kernel.journal import Journal
from market.kernel.local_time import local_instant, local_midnight
from market.kernel.queue import VirtualClock
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.dip import B002, B008, B009, B013, B095, B096, M0, DSDeAppRM, MSDeAppRM
from market.messages.dtn import (
    D0010,
    D0011,
    D0036,
    D0148,
    D0153,
    D0155,
    D0170,
    D0261,
    D0268,
    D0275,
    DFlow,
    FlowHeader,
)
from market.messages.rendering import render_payload
from market.networks.dip_routing import MpanRoleMap, default_routes
from market.participant import Context, Participant, ParticipantIdentity
from market.process.population import MeteringPoint, ServiceAppointment
from market.runtime.runtime import Runtime

MPAN = "1900012345670"
#: The Sunday the clocks go back: a 25-hour settlement day of 50 periods.
AUTUMN_SSD = date(2026, 10, 25)

REGS = ParticipantIdentity(
    participant_id="REGS-19", role=Role.REGISTRATION_SERVICE, dip_id="2200000019", mpid="RGSJ"
)
MSA = ParticipantIdentity(
    participant_id="MSA-MSAD",
    role=Role.ADVANCED_METERING_SERVICE,
    dip_id="1200000401",
    mpid="MSAD",
)
ADS = ParticipantIdentity(
    participant_id="ADS-ADSC", role=Role.ADVANCED_DATA_SERVICE, dip_id="1400000401", mpid="ADSC"
)
HHMOA = ParticipantIdentity(participant_id="HHMOA-HMOF", role=Role.HH_METER_OPERATOR, mpid="HMOF")
HHDC = ParticipantIdentity(participant_id="HHDC-HDCE", role=Role.HH_DATA_COLLECTOR, mpid="HDCE")
HHDA = ParticipantIdentity(participant_id="HHDA-HDAG", role=Role.HH_DATA_AGGREGATOR, mpid="HDAG")
SUPPLIER = ParticipantIdentity(participant_id="SUP-LGSB", role=Role.SUPPLIER, mpid="LGSB")
OUTGOING_SUPPLIER = ParticipantIdentity(
    participant_id="SUP-MHSA", role=Role.SUPPLIER, mpid="MHSA", dip_id="1400000200"
)
LDSO = ParticipantIdentity(
    participant_id="LDSO-19", role=Role.LDSO, dip_id="2500000019", mpid="DNOJ"
)

POINT = MeteringPoint(
    mpan_core=MPAN,
    gsp_group_id="_J",
    variant="A",
    migrated=True,
    supplier_mpid="MHSA",
    supplier_effective_from=date(2024, 4, 1),
    data_service=ServiceAppointment(
        role=Role.ADVANCED_DATA_SERVICE,
        dip_id="1400000401",
        mpid="ADSC",
        effective_from=date(2025, 11, 10),
    ),
    metering_service=ServiceAppointment(
        role=Role.ADVANCED_METERING_SERVICE,
        dip_id="1200000401",
        mpid="MSAD",
        effective_from=date(2025, 11, 10),
    ),
    meter_id="E10BG01234",
    register_id="01",
    last_read=Decimal("123456.789"),
    last_read_on=date(2026, 2, 10),
    daily_kwh=Decimal("41.5"),
)

_Flow = TypeVar("_Flow", bound=DFlow)


def _act_as_peer(ctx: Context, message: object) -> None:
    """A fake peer sends what was injected into it: its own D-flows, or IF-003 as REGS."""
    if isinstance(message, DFlow) and message.from_mpid == ctx.identity.mpid:
        ctx.send(message)
    elif isinstance(message, MSDeAppRM | DSDeAppRM):
        service = MSA if isinstance(message, MSDeAppRM) else ADS
        assert service.dip_id is not None
        ctx.submit(
            message,
            primary_recipients=(service.dip_id,),
            m0=M0(mpan_core=MPAN, distributor_dip_id="2500000019", gsp_group_id="_J"),
        )


def _fake(identity: ParticipantIdentity) -> RecordingParticipant:
    return RecordingParticipant(identity, _act_as_peer)


class Market:
    """The participant under test and its fake peers, around one broker and runtime."""

    def __init__(self, *participants: Participant, start_at: datetime) -> None:
        self.participants = {p.participant_id: p for p in participants}
        self.broker = Broker(
            directory=Directory(p.identity for p in participants),
            journal=Journal(render_payload),
            clock=VirtualClock(start_at),
            routes=default_routes(ees_always_on_if003=False),
            mpan_roles=MpanRoleMap(),
        )
        self.runtime = Runtime(
            broker=self.broker,
            participants=participants,
            calendar=SettlementCalendar(),
            seed=1,
        )

    def inject(self, at: datetime, recipient: ParticipantIdentity, payload: object) -> None:
        """Hand ``payload`` to ``recipient`` at ``at`` (a fake peer then sends it on)."""
        self.broker.inject(
            at, recipient.participant_id, payload, mpan=MPAN, label=type(payload).__name__
        )

    async def run(self) -> None:
        """Run until nothing is left to deliver."""
        await self.runtime.run()

    def received(self, identity: ParticipantIdentity, kind: type[_Flow]) -> list[_Flow]:
        """The ``kind`` flows the fake ``identity`` received, in order."""
        fake = self.participants[identity.participant_id]
        assert isinstance(fake, RecordingParticipant)
        return [message for _, message in fake.received if isinstance(message, kind)]

    def delivered_at(self, identity: ParticipantIdentity, kind: type[DFlow]) -> list[datetime]:
        """When each ``kind`` flow reached ``identity``, from the journal."""
        return [
            event.at
            for event in self.broker.journal
            if event.kind == "delivered"
            and event.recipient == identity.participant_id
            and event.message == kind.flow_id
        ]

    def state_changes(self, identity: ParticipantIdentity) -> list[dict[str, Any]]:
        """What ``identity`` recorded, in order, as ``{"event": ..., "mpan": ..., **facts}``."""
        return [
            {"mpan": event.mpan, **(event.detail or {})}
            for event in self.broker.journal
            if event.kind == "state_changed" and event.sender == identity.participant_id
        ]

    def events(self, identity: ParticipantIdentity) -> list[str]:
        """The names of the state changes ``identity`` recorded, in order."""
        return [change["event"] for change in self.state_changes(identity)]


def _header(sender: ParticipantIdentity, recipient: ParticipantIdentity) -> FlowHeader:
    assert sender.mpid is not None and recipient.mpid is not None
    return FlowHeader(
        from_mpid=sender.mpid,
        from_role=sender.role,
        to_mpid=recipient.mpid,
        to_role=recipient.role,
        mpan_core=MPAN,
    )


def _b002(ssd: date) -> B002:
    return B002(
        incoming_supplier_dip_id="0000000000",
        incoming_supplier_mpid="LGSB",
        supplier_effective_from_date=local_midnight(ssd),
    )


def _ms_deappointment(ssd: date, *, names_incoming_mop: bool) -> MSDeAppRM:
    return MSDeAppRM(
        b013=B013(css_registration_id="3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10"),
        b008=B008(
            de_appointed_metering_service_dip_id="1200000401",
            de_appointed_metering_service_mpid="MSAD",
            metering_service_effective_from_date=local_midnight(date(2025, 11, 10)),
            metering_service_effective_to_date=local_midnight(ssd - timedelta(days=1)),
            de_appointment_reason_code="CSUPP",
        ),
        b002=_b002(ssd),
        b095=B095(
            reverse_migration_incoming_mop_mpid="HMOF",
            reverse_migration_incoming_mop_effective_from_date=local_midnight(ssd),
        )
        if names_incoming_mop
        else None,
    )


def _ds_deappointment(ssd: date, *, names_incoming_dc: bool) -> DSDeAppRM:
    return DSDeAppRM(
        b013=B013(css_registration_id="3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10"),
        b009=B009(
            de_appointed_data_service_dip_id="1400000401",
            de_appointed_data_service_mpid="ADSC",
            data_service_effective_from_date=local_midnight(date(2025, 11, 10)),
            data_service_effective_to_date=local_midnight(ssd - timedelta(days=1)),
            de_appointment_reason_code="CSUPP",
        ),
        b002=_b002(ssd),
        b096=B096(
            reverse_migration_incoming_dc_mpid="HDCE",
            reverse_migration_incoming_dc_effective_from_date=local_midnight(ssd),
        )
        if names_incoming_dc
        else None,
    )


def _request(sender: ParticipantIdentity, recipient: ParticipantIdentity, item: str) -> D0170:
    return D0170(_header(sender, recipient), requested_item=item)


def _appointment(agent: ParticipantIdentity, ssd: date) -> D0155:
    return D0155(
        _header(SUPPLIER, agent),
        appointed_role=agent.role,
        effective_from_date=ssd,
        supplier_mpid="LGSB",
        smart_cos_indicator=False,
        measurement_class="C",
        gsp_group_id="_J",
        contract_reference="C00000001",
    )


def _parties(
    agent: ParticipantIdentity,
    ssd: date,
    *,
    outgoing_meter_operator: ParticipantIdentity | None = None,
    outgoing_data_collector: ParticipantIdentity | None = None,
) -> D0148:
    return D0148(
        _header(SUPPLIER, agent),
        effective_from_date=ssd,
        supplier_mpid="LGSB",
        data_collector_mpid="HDCE",
        meter_operator_mpid="HMOF",
        data_aggregator_mpid="HDAG",
        outgoing_supplier_mpid="MHSA",
        outgoing_meter_operator_mpid=outgoing_meter_operator.mpid
        if outgoing_meter_operator
        else None,
        outgoing_meter_operator_role=outgoing_meter_operator.role
        if outgoing_meter_operator
        else None,
        outgoing_data_collector_mpid=outgoing_data_collector.mpid
        if outgoing_data_collector
        else None,
        outgoing_data_collector_role=outgoing_data_collector.role
        if outgoing_data_collector
        else None,
    )


def _meter_details(sender: ParticipantIdentity, recipient: ParticipantIdentity, ssd: date) -> D0268:
    return D0268(
        _header(sender, recipient),
        meter_id="E10BG01234",
        outstation_id="OS12345670",
        effective_from_date=ssd,
        channels=("AI", "RI"),
        ct_ratio="200/5",
    )


def _reading(on: date, value: str) -> D0010:
    return D0010(
        _header(ADS, HHDC),
        meter_id="E10BG01234",
        register_id="01",
        reading_date=on,
        reading=value,
        reading_type="F",
        reading_method=None,
    )


def _at(day: date, hour: int) -> datetime:
    return local_instant(day, hour)


def _thursday_before(ssd: date) -> date:
    return ssd - timedelta(days=(ssd.weekday() - 3) % 7 or 7)


# ------------------------------------------------------------------ Advanced Metering Service


async def test_msa_sends_d0268_to_the_incoming_hhmoa_named_in_b095() -> None:
    """On [MSDeAppRM] with B095 the MSA ends its appointment and sends the HHMOA the MTDs (A3)."""
    ssd = date(2026, 3, 2)
    market = Market(
        AdvancedMeteringService(MSA, appointments={MPAN: POINT}),
        _fake(REGS),
        _fake(HHMOA),
        start_at=_at(date(2026, 2, 27), 9),
    )
    market.inject(_at(date(2026, 2, 27), 16), REGS, _ms_deappointment(ssd, names_incoming_mop=True))
    await market.run()

    [details] = market.received(HHMOA, D0268)
    assert (details.from_mpid, details.from_role) == ("MSAD", Role.ADVANCED_METERING_SERVICE)
    assert (details.meter_id, details.effective_from_date) == ("E10BG01234", ssd)
    assert (details.channels, details.ct_ratio) == (("AI", "RI"), "200/5")
    assert market.state_changes(MSA) == [
        {"event": "appointment_ended", "mpan": MPAN, "effective_to": "2026-03-01"}
    ]


async def test_msa_without_b095_answers_a_later_d0170_from_the_hhmoa() -> None:
    """Without B095 the MSA waits; the HHMOA's D0170 for MTDs gets the D0268 (A3q → A3)."""
    ssd = date(2026, 3, 2)
    market = Market(
        AdvancedMeteringService(MSA, appointments={MPAN: POINT}),
        _fake(REGS),
        _fake(HHMOA),
        start_at=_at(date(2026, 2, 27), 9),
    )
    market.inject(
        _at(date(2026, 2, 27), 16), REGS, _ms_deappointment(ssd, names_incoming_mop=False)
    )
    market.inject(_at(date(2026, 2, 27), 18), HHMOA, _request(HHMOA, MSA, "MTD"))
    await market.run()

    assert market.events(MSA) == ["appointment_ended", "incoming_meter_operator_unknown"]
    [details] = market.received(HHMOA, D0268)
    assert details.effective_from_date == ssd
    assert market.delivered_at(HHMOA, D0268) == [_at(date(2026, 2, 27), 18) + timedelta(minutes=2)]


async def test_msa_holds_a_d0170_that_comes_before_its_deappointment() -> None:
    """A D0170 before PUB-003 is held, then answered once the MSA learns the supply start date."""
    ssd = date(2026, 3, 2)
    market = Market(
        AdvancedMeteringService(MSA, appointments={MPAN: POINT}),
        _fake(REGS),
        _fake(HHMOA),
        start_at=_at(date(2026, 2, 27), 9),
    )
    market.inject(_at(date(2026, 2, 27), 10), HHMOA, _request(HHMOA, MSA, "MTD"))
    market.inject(
        _at(date(2026, 2, 27), 16), REGS, _ms_deappointment(ssd, names_incoming_mop=False)
    )
    await market.run()

    assert market.events(MSA) == [
        "mtd_request_held",
        "appointment_ended",
        "incoming_meter_operator_unknown",
    ]
    assert [d.effective_from_date for d in market.received(HHMOA, D0268)] == [ssd]


async def test_msa_refuses_a_request_for_readings() -> None:
    """A metering service gives MTDs only: a D0170 for READINGS is refused and journalled."""
    market = Market(
        AdvancedMeteringService(MSA, appointments={MPAN: POINT}),
        _fake(HHMOA),
        start_at=_at(date(2026, 2, 27), 9),
    )
    market.inject(_at(date(2026, 2, 27), 10), HHMOA, _request(HHMOA, MSA, "READINGS"))
    await market.run()

    assert market.received(HHMOA, D0268) == []
    [refusal] = market.state_changes(MSA)
    assert refusal["event"] == "mtd_request_refused"
    assert refusal["requested_item"] == "READINGS"


# --------------------------------------------------------------------- Advanced Data Service


async def test_ads_sends_the_final_reading_to_the_hhdc_in_b096_at_eight_on_the_ssd() -> None:
    """On [DSDeAppRM] with B096 the ADS sends the HHDC the SSD's register as a final read (A2)."""
    ssd = date(2026, 3, 2)
    market = Market(
        AdvancedDataService(
            ADS,
            appointments={MPAN: POINT},
            mds_dip_id="1800000001",
            distributor_dip_ids={"19": "2500000019"},
        ),
        _fake(REGS),
        _fake(HHDC),
        start_at=_at(date(2026, 2, 27), 9),
    )
    market.inject(_at(date(2026, 2, 27), 16), REGS, _ds_deappointment(ssd, names_incoming_dc=True))
    await market.run()

    [reading] = market.received(HHDC, D0010)
    assert (reading.reading_type, reading.reading_date) == ("F", ssd)
    assert reading.reading == "124286.789"  # 123456.789 + 41.5 kWh × 20 days
    assert (reading.meter_id, reading.register_id) == ("E10BG01234", "01")
    assert market.delivered_at(HHDC, D0010) == [_at(ssd, 8) + timedelta(minutes=1)]
    assert market.events(ADS) == ["appointment_ended"]


async def test_ads_without_b096_answers_the_hhdcs_d0170_on_the_ssd() -> None:
    """Without B096 the ADS waits for the HHDC's D0170 and answers it at 08:00 on the SSD (A2q)."""
    ssd = date(2026, 3, 2)
    market = Market(
        AdvancedDataService(
            ADS,
            appointments={MPAN: POINT},
            mds_dip_id="1800000001",
            distributor_dip_ids={"19": "2500000019"},
        ),
        _fake(REGS),
        _fake(HHDC),
        start_at=_at(date(2026, 2, 27), 9),
    )
    market.inject(_at(date(2026, 2, 27), 16), REGS, _ds_deappointment(ssd, names_incoming_dc=False))
    market.inject(_at(date(2026, 2, 27), 17), HHDC, _request(HHDC, ADS, "READINGS"))
    await market.run()

    assert market.events(ADS) == ["appointment_ended", "incoming_data_collector_unknown"]
    [reading] = market.received(HHDC, D0010)
    assert (reading.reading_type, reading.reading_date) == ("F", ssd)
    assert market.delivered_at(HHDC, D0010) == [_at(ssd, 8) + timedelta(minutes=1)]


# ------------------------------------------------------------------------ HH Meter Operator


def _meter_operator_market(start: date) -> Market:
    return Market(
        HhMeterOperator(HHMOA, ldso_mpid_by_distributor={"19": "DNOJ"}),
        _fake(SUPPLIER),
        _fake(MSA),
        _fake(HHDC),
        _fake(LDSO),
        start_at=_at(start, 9),
    )


async def test_hhmoa_forwards_d0268_to_dc_supplier_and_ldso_only_after_d0148() -> None:
    """MTDs that come before the D0148 wait for it, then go to the HHDC, supplier and LDSO (A4)."""
    ssd, day = date(2026, 3, 2), date(2026, 2, 27)
    market = _meter_operator_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHMOA, ssd))
    market.inject(_at(day, 11), MSA, _meter_details(MSA, HHMOA, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHMOA, ssd))
    await market.run()

    [accepted] = market.received(SUPPLIER, D0011)
    assert accepted.appointed_role == Role.HH_METER_OPERATOR
    forwarded_at = _at(day, 12) + timedelta(minutes=2)  # D0148 delivered, then one DTN hop
    for peer in (HHDC, SUPPLIER, LDSO):
        [details] = market.received(peer, D0268)
        assert (details.from_mpid, details.from_role) == ("HMOF", Role.HH_METER_OPERATOR)
        assert (details.to_mpid, details.to_role) == (peer.mpid, peer.role)
        assert details.outstation_id == "OS12345670"
        assert market.delivered_at(peer, D0268) == [forwarded_at]
    assert market.received(MSA, D0170) == []


async def test_hhmoa_asks_the_outgoing_meter_operator_named_in_d0148_once() -> None:
    """A D0148 naming the outgoing MSA, with no MTDs yet, brings one D0170 for MTD (A3q)."""
    ssd, day = date(2026, 3, 2), date(2026, 2, 27)
    market = _meter_operator_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHMOA, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHMOA, ssd, outgoing_meter_operator=MSA))
    market.inject(_at(day, 13), SUPPLIER, _parties(HHMOA, ssd, outgoing_meter_operator=MSA))
    await market.run()

    [request] = market.received(MSA, D0170)
    assert request.requested_item == "MTD"
    assert (request.from_mpid, request.from_role) == ("HMOF", Role.HH_METER_OPERATOR)
    assert "meter_technical_details_requested" in market.events(HHMOA)


async def test_hhmoa_does_not_ask_when_the_mtds_already_came() -> None:
    """MTDs that came before the D0148 make a D0170 needless, even if the D0148 names the MSA."""
    ssd, day = date(2026, 3, 2), date(2026, 2, 27)
    market = _meter_operator_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHMOA, ssd))
    market.inject(_at(day, 11), MSA, _meter_details(MSA, HHMOA, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHMOA, ssd, outgoing_meter_operator=MSA))
    await market.run()

    assert market.received(MSA, D0170) == []
    assert len(market.received(HHDC, D0268)) == 1


# ----------------------------------------------------------------------- HH Data Collector


def _data_collector_market(start: date) -> Market:
    return Market(
        HhDataCollector(HHDC),
        _fake(SUPPLIER),
        _fake(OUTGOING_SUPPLIER),
        _fake(HHMOA),
        _fake(ADS),
        _fake(HHDA),
        start_at=_at(start, 9),
    )


@pytest.mark.parametrize(
    ("ssd", "periods"),
    [(AUTUMN_SSD, 50), (date(2026, 3, 29), 46), (date(2026, 3, 2), 48)],
    ids=["clocks-back-50", "clocks-forward-46", "ordinary-48"],
)
async def test_hhdc_reports_the_ssds_advances_to_hhda_and_supplier(ssd: date, periods: int) -> None:
    """The morning after the SSD the HHDC sends D0036 and D0275 with one value per period (A5)."""
    day = _thursday_before(ssd)
    market = _data_collector_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd))
    market.inject(_at(day, 13), HHMOA, _meter_details(HHMOA, HHDC, ssd))
    market.inject(_at(ssd, 8), ADS, _reading(ssd, "1400.000"))
    await market.run()

    [advances] = market.received(HHDA, D0036)
    [for_supplier] = market.received(SUPPLIER, D0275)
    for flow in (advances, for_supplier):
        assert (flow.settlement_date, flow.measurement_quantity) == (ssd, "AI")
        assert flow.supplier_mpid == "LGSB"
        assert [period for period, _ in flow.period_values] == list(range(1, periods + 1))
        assert {kwh for _, kwh in flow.period_values} == {"0.625"}  # 30 kWh a day / 48
    collected_at = SettlementCalendar().working_instant(ssd + timedelta(days=1), 6)
    assert market.delivered_at(HHDA, D0036) == [collected_at + timedelta(minutes=1)]
    assert market.delivered_at(SUPPLIER, D0275) == [collected_at + timedelta(minutes=1)]
    assert market.events(HHDC)[-1] == "hh_advances_reported"


async def test_hhdc_derives_the_daily_advance_from_two_readings() -> None:
    """Two reads ten days and 400 kWh apart give 40 kWh a day, so 0.833 kWh each half hour."""
    ssd = AUTUMN_SSD
    day = _thursday_before(ssd)
    market = _data_collector_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd))
    market.inject(_at(day, 13), HHMOA, _meter_details(HHMOA, HHDC, ssd))
    market.inject(_at(day, 14), ADS, _reading(ssd - timedelta(days=10), "1000.000"))
    market.inject(_at(ssd, 8), ADS, _reading(ssd, "1400.000"))
    await market.run()

    [advances] = market.received(HHDA, D0036)
    assert {kwh for _, kwh in advances.period_values} == {"0.833"}
    assert len(advances.period_values) == 50


async def test_hhdc_retries_the_next_working_day_while_mtds_are_missing() -> None:
    """Without MTDs by the morning after the SSD the HHDC waits a working day, then reports."""
    ssd = AUTUMN_SSD  # Sunday; first collection Monday 26 Oct 06:00 GMT
    day = _thursday_before(ssd)
    market = _data_collector_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd))
    market.inject(_at(date(2026, 10, 26), 15), HHMOA, _meter_details(HHMOA, HHDC, ssd))
    market.inject(_at(ssd, 8), ADS, _reading(ssd, "1400.000"))
    await market.run()

    awaiting = [
        c for c in market.state_changes(HHDC) if c["event"] == "hh_data_awaiting_meter_details"
    ]
    assert awaiting == [
        {
            "event": "hh_data_awaiting_meter_details",
            "mpan": MPAN,
            "retry_at": "2026-10-27T06:00:00+00:00",
        }
    ]
    assert market.delivered_at(HHDA, D0036) == [_at(date(2026, 10, 27), 6) + timedelta(minutes=1)]
    assert len(market.received(SUPPLIER, D0275)) == 1


async def test_hhdc_sends_the_ssd_register_read_to_both_suppliers() -> None:
    """A5b: with the advances, the ADS's SSD read goes to both suppliers as an actual CoS read."""
    ssd = date(2026, 3, 2)
    day = _thursday_before(ssd)
    market = _data_collector_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd))
    market.inject(_at(day, 13), HHMOA, _meter_details(HHMOA, HHDC, ssd))
    market.inject(_at(ssd, 8), ADS, _reading(ssd, "1400.000"))
    await market.run()

    for supplier in (SUPPLIER, OUTGOING_SUPPLIER):
        [read] = market.received(supplier, D0010)
        assert (read.reading_date, read.reading, read.reading_type) == (ssd, "1400.000", "A")
        assert (read.meter_id, read.register_id) == ("E10BG01234", "01")
    assert market.delivered_at(OUTGOING_SUPPLIER, D0010) == market.delivered_at(HHDA, D0036)


async def test_hhdc_waits_for_the_final_reading_before_reporting() -> None:
    """No SSD read from the ADS by the collection morning: the HHDC retries the next working day."""
    ssd = date(2026, 3, 2)
    day = _thursday_before(ssd)
    market = _data_collector_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd))
    market.inject(_at(day, 13), HHMOA, _meter_details(HHMOA, HHDC, ssd))
    market.inject(_at(date(2026, 3, 3), 12), ADS, _reading(ssd, "1400.000"))
    await market.run()

    assert "hh_data_awaiting_final_reading" in market.events(HHDC)
    collected = _at(date(2026, 3, 4), 6) + timedelta(minutes=1)
    assert market.delivered_at(HHDA, D0036) == [collected]
    assert market.delivered_at(OUTGOING_SUPPLIER, D0010) == [collected]


async def test_hhdc_that_rejects_its_appointment_collects_nothing() -> None:
    """An HHDC that declines (D6) answers D0261, sets no collection timer and sends no data."""
    ssd = AUTUMN_SSD
    day = _thursday_before(ssd)
    market = Market(
        HhDataCollector(HHDC, rejection_probability=1.0),
        _fake(SUPPLIER),
        _fake(HHMOA),
        _fake(HHDA),
        start_at=_at(day, 9),
    )
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd))
    market.inject(_at(day, 13), HHMOA, _meter_details(HHMOA, HHDC, ssd))
    await market.run()

    [rejection] = market.received(SUPPLIER, D0261)
    assert rejection.appointed_role == Role.HH_DATA_COLLECTOR
    assert market.received(SUPPLIER, D0011) == []
    assert market.events(HHDC) == [
        "appointment_declined",
        "flow_without_appointment",
        "flow_without_appointment",
    ]
    assert not [e for e in market.broker.journal if e.kind == "timer_set"]
    assert market.received(HHDA, D0036) == []


async def test_hhdc_gives_up_after_its_retries_and_says_why() -> None:
    """MTDs that never come: after its retries the HHDC journals that it abandoned collection."""
    ssd = AUTUMN_SSD
    day = _thursday_before(ssd)
    market = Market(
        HhDataCollector(HHDC, collection_retries=2),
        _fake(SUPPLIER),
        _fake(HHDA),
        start_at=_at(day, 9),
    )
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd))
    await market.run()

    assert market.events(HHDC)[-3:] == [
        "hh_data_awaiting_meter_details",
        "hh_data_awaiting_meter_details",
        "hh_data_collection_abandoned",
    ]
    assert market.state_changes(HHDC)[-1]["reason"] == "hh_data_awaiting_meter_details"
    assert market.received(HHDA, D0036) == []


async def test_hhdc_journals_a_flow_for_an_mpan_it_was_never_appointed_to() -> None:
    """MTDs for an MPAN without a D0155 are journalled as unexpected and otherwise left alone."""
    day = date(2026, 2, 27)
    market = _data_collector_market(day)
    market.inject(_at(day, 13), HHMOA, _meter_details(HHMOA, HHDC, date(2026, 3, 2)))
    await market.run()

    assert market.state_changes(HHDC) == [
        {"event": "flow_without_appointment", "mpan": MPAN, "flow": "D0268", "sender": "HMOF"}
    ]


async def test_hhdc_asks_the_outgoing_data_collector_once_when_no_reading_came() -> None:
    """A D0148 naming the outgoing ADS, with no reading yet, brings one D0170 for READINGS (A2q)."""
    ssd = AUTUMN_SSD
    day = _thursday_before(ssd)
    market = _data_collector_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd, outgoing_data_collector=ADS))
    market.inject(_at(day, 13), SUPPLIER, _parties(HHDC, ssd, outgoing_data_collector=ADS))
    await market.run()

    [request] = market.received(ADS, D0170)
    assert request.requested_item == "READINGS"
    assert (request.from_mpid, request.from_role) == ("HDCE", Role.HH_DATA_COLLECTOR)
    assert market.events(HHDC).count("readings_requested") == 1


async def test_hhdc_does_not_ask_when_the_d0148_names_no_outgoing_collector() -> None:
    """With B096 given, the supplier names no outgoing DC, so the HHDC sends no D0170."""
    ssd = AUTUMN_SSD
    day = _thursday_before(ssd)
    market = _data_collector_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd))
    await market.run()

    assert market.received(ADS, D0170) == []


async def test_hhdc_journal_renders_every_line_as_json() -> None:
    """Timers and D0036 / D0275 payloads render into journal lines that are valid JSON."""
    ssd = AUTUMN_SSD
    day = _thursday_before(ssd)
    market = _data_collector_market(day)
    market.inject(_at(day, 10), SUPPLIER, _appointment(HHDC, ssd))
    market.inject(_at(day, 12), SUPPLIER, _parties(HHDC, ssd))
    market.inject(_at(day, 13), HHMOA, _meter_details(HHMOA, HHDC, ssd))
    market.inject(_at(ssd, 8), ADS, _reading(ssd, "1400.000"))
    await market.run()

    lines = [json.loads(line) for line in market.broker.journal.lines()]
    d0036 = [line for line in lines if line["kind"] == "delivered" and line["message"] == "D0036"]
    assert d0036[0]["flow"]["items"]["period_values"][49] == [50, "0.625"]


# ---------------------------------------------------------------------- HH Data Aggregator


async def test_hhda_accepts_its_appointment_and_keeps_the_advances() -> None:
    """The HHDA accepts D0153 with D0011 and records and keeps the HHDC's D0036 (A5)."""
    ssd = AUTUMN_SSD
    day = _thursday_before(ssd)
    aggregator = HhDataAggregator(HHDA)
    market = Market(aggregator, _fake(SUPPLIER), _fake(HHDC), start_at=_at(day, 9))
    appointment = D0153(
        _header(SUPPLIER, HHDA),
        appointed_role=Role.HH_DATA_AGGREGATOR,
        effective_from_date=ssd,
        supplier_mpid="LGSB",
        gsp_group_id="_J",
        contract_reference="C00000002",
    )
    advances = D0036(
        _header(HHDC, HHDA),
        settlement_date=ssd,
        measurement_quantity="AI",
        supplier_mpid="LGSB",
        period_values=tuple((period, "0.625") for period in range(1, 51)),
    )
    market.inject(_at(day, 10), SUPPLIER, appointment)
    market.inject(_at(date(2026, 10, 26), 6), HHDC, advances)
    await market.run()

    [accepted] = market.received(SUPPLIER, D0011)
    assert accepted.appointed_role == Role.HH_DATA_AGGREGATOR
    assert market.state_changes(HHDA)[-1] == {
        "event": "hh_advances_received",
        "mpan": MPAN,
        "settlement_date": "2026-10-25",
        "measurement_quantity": "AI",
        "periods": 50,
        "total_kwh": "31.250",
    }
    assert aggregator.advances == {(MPAN, ssd, "AI"): advances}
