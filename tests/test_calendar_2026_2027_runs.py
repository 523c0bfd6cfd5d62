"""Market runs whose supply start dates fall on the 2026-2027 clock changes and bank holidays.

Each window signs one customer per working day, so the supply start dates
(SSDs), the last MHHS settlement days (SSD − 1) and the deadlines counted from
the SSD land on the days that are hard for a calendar: the clock-change
Sundays, Good Friday and Easter Monday, Christmas and its substitute days,
New Year. Every expected date is counted by hand (:data:`WINDOWS`), so a
calendar that is wrong makes these runs differ from it. Every variant runs
(T, A, S, and S with the outgoing SDS's lane, so that a smart meter's last
IF-021 is judged too).
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final

import attrs
import pytest

from actors.central.parties import MarketwideDataService
from actors.markets.default import build_market
from actors.markets.default_cast import MDS
from market.byo.participant_testing import bare_context
from market.checks.deliveries import check_deliveries
from market.checks.verdict import check_journal, format_verdict
from market.kernel.local_time import parse_dip_datetime
from market.messages.dip.envelope import parse_envelope
from market.outbox import Record
from market.process.options import ProcessOptions
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.runtime.simulation import Simulation, journal_dicts
from tests.calendar_facts import CLOCK_CHANGES, local_midnight_text, periods_on

Event = Mapping[str, Any]


@attrs.frozen
class Switch:
    """One customer's switch, every date counted by hand on the E&W calendar."""

    signed: date
    #: The supply start date: two working days after signing.
    ssd: date
    #: The CSS objection window closes a working day after signing (C4 at 16:00).
    secured: date
    #: The first working day after the SSD: the HHDC's first collection (A5), and when a
    #: data service that submits too late sends the SSD's own consumption (D11).
    after_ssd: date
    #: SSD + 5 working days: the legacy DC's CoS read cut-off (T6 deemed at 17:00).
    cutoff: date


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _switches(*rows: str) -> tuple[Switch, ...]:
    """``"signed ssd secured after_ssd cutoff"`` rows as :class:`Switch` values."""
    return tuple(Switch(*map(_d, row.split())) for row in rows)


#: Each window's first signing day, and its switches (one signed per working day).
WINDOWS: Final[Mapping[str, tuple[date, tuple[Switch, ...]]]] = {
    # Spring forward on Sunday 29 March (46 periods), then Easter (3 and 6 April).
    "spring-easter-2026": (
        _d("2026-03-25"),
        _switches(
            "2026-03-25 2026-03-27 2026-03-26 2026-03-30 2026-04-07",
            "2026-03-26 2026-03-30 2026-03-27 2026-03-31 2026-04-08",  # last MHHS day 29 March
            "2026-03-27 2026-03-31 2026-03-30 2026-04-01 2026-04-09",
            "2026-03-30 2026-04-01 2026-03-31 2026-04-02 2026-04-10",
            "2026-03-31 2026-04-02 2026-04-01 2026-04-07 2026-04-13",
            "2026-04-01 2026-04-07 2026-04-02 2026-04-08 2026-04-14",  # last day Easter Monday
            "2026-04-02 2026-04-08 2026-04-07 2026-04-09 2026-04-15",
        ),
    ),
    # Fall back on Sunday 25 October (50 periods).
    "autumn-2026": (
        _d("2026-10-21"),
        _switches(
            "2026-10-21 2026-10-23 2026-10-22 2026-10-26 2026-10-30",
            "2026-10-22 2026-10-26 2026-10-23 2026-10-27 2026-11-02",  # last MHHS day 25 Oct
            "2026-10-23 2026-10-27 2026-10-26 2026-10-28 2026-11-03",
        ),
    ),
    # Christmas Friday 25 December, Boxing Day's substitute Monday 28, New Year Friday 1 Jan.
    "christmas-2026": (
        _d("2026-12-21"),
        _switches(
            "2026-12-21 2026-12-23 2026-12-22 2026-12-24 2027-01-04",
            "2026-12-22 2026-12-24 2026-12-23 2026-12-29 2027-01-05",
            "2026-12-23 2026-12-29 2026-12-24 2026-12-30 2027-01-06",  # last day the substitute
            "2026-12-24 2026-12-30 2026-12-29 2026-12-31 2027-01-07",
            "2026-12-29 2026-12-31 2026-12-30 2027-01-04 2027-01-08",
        ),
    ),
    # Good Friday 26 March, Easter Sunday the spring-forward day, Easter Monday 29 March.
    "easter-2027": (
        _d("2027-03-24"),
        _switches(
            "2027-03-24 2027-03-30 2027-03-25 2027-03-31 2027-04-06",  # last day Easter Monday
            "2027-03-25 2027-03-31 2027-03-30 2027-04-01 2027-04-07",
            "2027-03-30 2027-04-01 2027-03-31 2027-04-02 2027-04-08",
        ),
    ),
    # Both Christmas substitutes (27 and 28 December), then New Year 2028's (3 January).
    "christmas-2027": (
        _d("2027-12-22"),
        _switches(
            "2027-12-22 2027-12-24 2027-12-23 2027-12-29 2028-01-05",
            "2027-12-23 2027-12-29 2027-12-24 2027-12-30 2028-01-06",  # last day a substitute
            "2027-12-24 2027-12-30 2027-12-29 2027-12-31 2028-01-07",
        ),
    ),
}

#: ``S+lane``: variant S with the outgoing SDS's lane on, so it submits a last IF-021 too.
SMART_WITH_LANE: Final = "S+lane"
#: Windows run in every variant in the quick loop: the two 2026 clock changes (issue 13).
QUICK: Final = ("spring-easter-2026", "autumn-2026")
VARIANTS: Final = ("T", "A", "S", SMART_WITH_LANE)


def _runs(*variants: str) -> list[Any]:
    """Every window in each of ``variants`` as test parameters; all but :data:`QUICK` slow."""
    return [
        pytest.param(
            window,
            variant,
            id=f"{window}-{variant}",
            marks=() if window in QUICK else (pytest.mark.slow,),
        )
        for window in WINDOWS
        for variant in variants
        if variant != SMART_WITH_LANE or window in QUICK
    ]


RUNS: Final = _runs(*VARIANTS)
#: The runs whose outgoing data service submits IF-021 (not variant S without the lane).
CONSUMPTION_RUNS: Final = _runs("T", "A", SMART_WITH_LANE)
_ISO_INSTANT: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T")
#: Journal detail keys that hold a settlement day or an appointment boundary.
_DAY_KEY: Final = re.compile(r"(_date|effective_to|effective_from)$")


@attrs.frozen
class Run:
    """One window's run in one variant: its spec, the journal as lines, the run's verdict."""

    spec: ScenarioSpec
    switches: tuple[Switch, ...]
    events: tuple[Event, ...]
    verdict_ok: bool
    verdict_text: str

    def by_mpan(self) -> dict[str, Switch]:
        """Each switching MPAN's :class:`Switch`, matched by the day its customer signed."""
        by_day = {switch.signed: switch for switch in self.switches}
        return {
            str(e["mpan"]): by_day[_day(e["at"])]
            for e in self.events
            if e["kind"] == "delivered" and e["message"] == "CustomerSigned"
        }


@functools.cache
def _run(window: str, variant: str) -> Run:
    """Run ``window`` with one MPAN a signing day, every consumption late too, no customer read."""
    start, switches = WINDOWS[window]
    spec = ScenarioSpec(
        seed=7,
        mpans=len(switches),
        start_day=start,
        switch_days=len(switches),
        variants=variant.removesuffix("+lane"),
        decisions=DecisionRates(late_consumption=1.0, no_customer_read=1.0),
        options=ProcessOptions(smart_outgoing_ds_lane=variant == SMART_WITH_LANE),
    )
    simulation = Simulation(build_market(spec))
    result = simulation.run_sync()
    return Run(
        spec=spec,
        switches=switches,
        events=tuple(journal_dicts(simulation.journal)),
        verdict_ok=result.verdict.ok,
        verdict_text="\n".join(format_verdict(result.verdict)),
    )


def _day(at: str) -> date:
    """The UK local day of a journal instant (journal lines carry the local offset)."""
    return date.fromisoformat(at[:10])


def _at(event: Event) -> datetime:
    return datetime.fromisoformat(str(event["at"]))


def _consumption_days(events: tuple[Event, ...]) -> Iterator[tuple[Event, dict[str, Any]]]:
    """(event, B900 day block) of every IF-021 and IF-014 the DIP delivered."""
    for event in events:
        if event["kind"] == "delivered" and event["message"] in ("PUB-021", "PUB-014"):
            custom = event["envelope"]["CustomBlock"]
            for block in custom.get("B900List") or [custom["B900"]]:
                yield event, block


def _day_instants(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    """Every ``(key, value)`` of an envelope whose key names a date and holds an instant."""
    if isinstance(value, Mapping):
        for name, inner in value.items():
            yield from _day_instants(inner, str(name))
    elif isinstance(value, list):
        for inner in value:
            yield from _day_instants(inner, key)
    elif isinstance(value, str) and key.endswith("Date") and _ISO_INSTANT.match(value):
        yield key, value


@pytest.mark.parametrize(("window", "variant"), RUNS)
def test_the_run_and_market_check_both_say_ok(window: str, variant: str) -> None:
    """The run's own verdict and a `market check` of its journal pass on these dates."""
    run = _run(window, variant)
    assert run.verdict_ok, run.verdict_text
    checked = check_journal(run.events, options=run.spec.options)
    assert checked.ok, "\n".join(format_verdict(checked))


@pytest.mark.parametrize(("window", "variant"), RUNS)
def test_supply_starts_two_working_days_after_signing(window: str, variant: str) -> None:
    """Each SSD (PUB-003 B002) and each securing (C4) is the hand-counted working day."""
    run = _run(window, variant)
    switches = run.by_mpan()
    assert len(switches) == len(run.switches)
    ssds = {
        str(e["mpan"]): e["envelope"]["CustomBlock"]["B002"]["supplierEffectiveFromDate"]
        for e in run.events
        if e["kind"] == "delivered"
        and e["event_code"] == "[ReverseMigNotification]"
        and e["recipient"] == "MDS"
    }
    assert ssds == {mpan: local_midnight_text(s.ssd) for mpan, s in switches.items()}
    secured = {
        str(e["mpan"]): (_day(e["at"]), _at(e).hour)
        for e in run.events
        if e["kind"] == "sent" and e["step"] == "C4"
    }
    assert secured == {mpan: (s.secured, 16) for mpan, s in switches.items()}


@pytest.mark.parametrize(("window", "variant"), RUNS)
def test_every_settlement_day_instant_is_uk_local_midnight(window: str, variant: str) -> None:
    """Every envelope ...Date and every journalled day boundary is local midnight, +01:00 in BST."""
    run = _run(window, variant)
    wrong = []
    seen = 0
    for event in run.events:
        for key, value in _day_instants(event.get("envelope")):
            seen += 1
            if value != local_midnight_text(_day(value)):
                wrong.append((event["message"], key, value))
        if event["kind"] == "state_changed":
            for key, value in event["detail"].items():
                if _DAY_KEY.search(key) and isinstance(value, str) and _ISO_INSTANT.match(value):
                    seen += 1
                    if value != local_midnight_text(_day(value)):
                        wrong.append((event["detail"]["event"], key, value))
    assert seen
    assert wrong == []


@pytest.mark.parametrize(("window", "variant"), CONSUMPTION_RUNS)
def test_every_if021_and_if014_day_has_the_calendar_s_periods(window: str, variant: str) -> None:
    """Each submitted day runs in half-hours from local midnight to the next: 46, 48 or 50."""
    run = _run(window, variant)
    days = set()
    for event, block in _consumption_days(run.events):
        text = block["B046"]["settlementDayDate"]
        day = _day(text)
        days.add(day)
        assert text == local_midnight_text(day), event["message"]
        assert event["envelope"]["CustomBlock"]["B067"]["connectionTypeEffectiveFromDate"] == text
        start = parse_dip_datetime(text)
        ends = [datetime.fromisoformat(period["sp"]) for period in block["B047List"]]
        expected = [start + timedelta(minutes=30) * n for n in range(1, periods_on(day) + 1)]
        assert ends == expected, (event["message"], day)
    last_mhhs_days = {s.ssd - timedelta(days=1) for s in run.switches}
    assert last_mhhs_days | {s.ssd for s in run.switches} <= days
    if window in QUICK:
        assert set(CLOCK_CHANGES) & days  # the clock-change Sunday itself was submitted


@pytest.mark.parametrize(("window", "variant"), CONSUMPTION_RUNS)
def test_the_mds_accepts_up_to_the_regime_end_and_nothing_after(window: str, variant: str) -> None:
    """The MDS accepts the last MHHS day (periods ending by SSD midnight), rejects the SSD."""
    run = _run(window, variant)
    switches = run.by_mpan()
    judged = {
        (str(e["mpan"]), e["detail"]["settlement_date"]): e["detail"]["event"]
        for e in run.events
        if e["kind"] == "state_changed"
        and e["sender"] == "MDS"
        and e["detail"]["event"] in ("consumption_accepted", "consumption_rejected")
    }
    assert judged == {
        key: verdict
        for mpan, s in switches.items()
        for key, verdict in (
            ((mpan, (s.ssd - timedelta(days=1)).isoformat()), "consumption_accepted"),
            ((mpan, s.ssd.isoformat()), "consumption_rejected"),
        )
    }
    for event, block in _consumption_days(run.events):
        if event["message"] == "PUB-021":
            regime_end = parse_dip_datetime(local_midnight_text(switches[event["mpan"]].ssd))
            if _day(block["B046"]["settlementDayDate"]) < switches[event["mpan"]].ssd:
                assert all(datetime.fromisoformat(p["sp"]) <= regime_end for p in block["B047List"])
    rejected = {
        (str(e["mpan"]), _day(b["B046"]["settlementDayDate"]))
        for e, b in _consumption_days(run.events)
        if e["message"] == "PUB-014"
    }
    assert rejected == {(mpan, s.ssd) for mpan, s in switches.items()}


@pytest.mark.parametrize(("window", "variant"), CONSUMPTION_RUNS)
def test_consumption_submitted_too_late_goes_on_the_next_working_day(
    window: str, variant: str
) -> None:
    """A data service's late IF-021 for the SSD itself is sent the first working day after it."""
    run = _run(window, variant)
    switches = run.by_mpan()
    late = {
        str(e["mpan"]): _day(e["at"])
        for e, block in _consumption_days(run.events)
        if e["message"] == "PUB-021"
        and _day(block["B046"]["settlementDayDate"]) == switches[e["mpan"]].ssd
    }
    assert late == {mpan: s.after_ssd for mpan, s in switches.items()}


def _steps(run: Run, step: str, message: str) -> dict[str, list[datetime]]:
    found: dict[str, list[datetime]] = {}
    for e in run.events:
        if e["kind"] == "sent" and e["step"] == step and e["message"] == message:
            found.setdefault(str(e["mpan"]), []).append(_at(e))
    return found


@pytest.mark.parametrize(("window", "variant"), _runs("T"))
def test_variant_t_deems_the_cos_read_at_the_cutoff_five_working_days_after_ssd(
    window: str, variant: str
) -> None:
    """With no customer read, the NHHDC deems the read (T6) at 17:00 on SSD + 5 WD."""
    run = _run(window, variant)
    sent = _steps(run, "T6", "D0086")
    expected = {mpan: s.cutoff for mpan, s in run.by_mpan().items()}
    assert {mpan: {_day(at.isoformat()) for at in ats} for mpan, ats in sent.items()} == {
        mpan: {day} for mpan, day in expected.items()
    }
    assert {at.hour for ats in sent.values() for at in ats} == {17}


@pytest.mark.parametrize(("window", "variant"), _runs("A"))
def test_variant_a_collects_half_hourly_data_from_the_first_working_day_after_ssd(
    window: str, variant: str
) -> None:
    """The HHDC's first D0036 (A5) goes on the first working day after the SSD."""
    run = _run(window, variant)
    first = {mpan: min(ats).date() for mpan, ats in _steps(run, "A5", "D0036").items()}
    assert first == {mpan: s.after_ssd for mpan, s in run.by_mpan().items()}


@pytest.mark.parametrize(("window", "variant"), _runs("S", SMART_WITH_LANE))
def test_variant_s_confirms_the_dcc_read_by_the_cutoff(window: str, variant: str) -> None:
    """The NHHDC confirms the SSD's DCC read (S4) from the SSD and by SSD + 5 WD."""
    run = _run(window, variant)
    switches = run.by_mpan()
    sent = _steps(run, "S4", "D0086")
    assert set(sent) == set(switches)
    for mpan, ats in sent.items():
        assert all(switches[mpan].ssd <= at.date() <= switches[mpan].cutoff for at in ats)


def test_the_checker_counts_the_cutoff_over_christmas_in_working_days() -> None:
    """A T6 moved one working day past SSD + 5 WD (4 Jan 2027) is late by exactly one."""
    run = _run("christmas-2026", "T")
    (mpan,) = [m for m, s in run.by_mpan().items() if s.ssd == date(2026, 12, 23)]
    assert not [p for p in check_deliveries(run.events) if p.kind == "late"]

    def moved(event: Event) -> Event:
        if event["mpan"] != mpan or event["step"] != "T6":
            return event
        return {**event, "at": event["at"].replace("2027-01-04", "2027-01-05")}

    late = [p for p in check_deliveries(map(moved, run.events)) if p.kind == "late"]
    assert [(p.step_id, p.text.split(" (")[0]) for p in late] == [
        ("T6", "T6 D0086 late by 1 working day")
    ]
    assert "due by 2027-01-04" in late[0].text


def test_the_mds_refuses_a_last_day_whose_periods_end_after_the_regime_end() -> None:
    """The last MHHS day's IF-021 with its periods an hour late (UTC-built, in BST) is refused."""
    run = _run("autumn-2026", "T")
    (mpan,) = [m for m, s in run.by_mpan().items() if s.ssd == date(2026, 10, 23)]
    to_mds = [e for e in run.events if e["kind"] == "delivered" and e["recipient"] == "MDS"]
    notice = next(
        e["envelope"]
        for e in to_mds
        if e["mpan"] == mpan and e["event_code"] == "[ReverseMigNotification]"
    )
    (consumption,) = [
        e["envelope"]
        for e, block in _consumption_days(run.events)
        if e in to_mds
        and e["mpan"] == mpan
        and block["B046"]["settlementDayDate"] == "2026-10-22T00:00:00+01:00"
    ]
    late = copy.deepcopy(consumption)
    for period in late["CustomBlock"]["B900List"][0]["B047List"]:
        period["sp"] = (datetime.fromisoformat(period["sp"]) + timedelta(hours=1)).isoformat()
    mds = MarketwideDataService(MDS)
    ctx = bare_context(mds, at=datetime.fromisoformat("2026-10-23T10:00:00+01:00"))
    for envelope in (notice, consumption, late):
        mds.on_message(ctx, parse_envelope(envelope))
    judged = [
        entry.event
        for entry in ctx.outbox
        if isinstance(entry, Record) and entry.event.startswith("consumption_")
    ]
    assert judged == ["consumption_accepted", "consumption_rejected"]
