"""Variant A's outgoing ADS submits reactive power too (A1r), judged by MDS as active power is."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from actors.markets.default import build_market
from actors.support import REACTIVE_PER_ACTIVE
from market.checks import check_journal
from market.kernel.local_time import format_dip_datetime, local_midnight, parse_dip_datetime
from market.kernel.settlement_calendar import settlement_periods
from market.messages.dip.schema import PUBLICATION_FILE, event_schema_file, shipped_schemas
from market.process.options import ProcessOptions
from market.process.population import MeteringPoint, format_reading
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.runtime.simulation import Simulation, journal_dicts

#: The Sunday the clocks go back (50 periods): the regime end of a switch signed on Thursday.
LONG_DAY = date(2026, 10, 25)
#: The supply start date, which the late submission wrongly covers (48 periods).
SSD = date(2026, 10, 26)


class Run:
    """One finished run: its market, verdict and journal."""

    def __init__(self, spec: ScenarioSpec) -> None:
        self.simulation = Simulation(build_market(spec))
        self.ok = self.simulation.run_sync().verdict.ok
        self.events: list[Mapping[str, Any]] = list(journal_dicts(self.simulation.journal))
        self.options = spec.options
        self.points: dict[str, MeteringPoint] = {
            p.mpan_core: p for p in self.simulation.setup.population
        }

    def publications(
        self, event_code: str, *, to: str, message: str = "PUB-021"
    ) -> list[Mapping[str, Any]]:
        """The ``message`` publications of ``event_code`` delivered to ``to``."""
        return [
            e
            for e in self.events
            if e.get("kind") == "delivered"
            and e.get("message") == message
            and e.get("event_code") == event_code
            and e.get("recipient") == to
        ]

    def days(self, event_code: str, *, to: str) -> dict[tuple[str, date], Mapping[str, Any]]:
        """Each delivered PUB-021 day block of ``event_code``, by MPAN and settlement day."""
        return {
            (e["mpan"], date.fromisoformat(block["B046"]["settlementDayDate"][:10])): block
            for e in self.publications(event_code, to=to)
            for block in e["envelope"]["CustomBlock"]["B900List"]
        }

    def mds_judgements(self) -> list[tuple[str, str, str, str]]:
        """``(MPAN, settlement day, quantity, accepted/rejected)`` as MDS journalled them."""
        return [
            (
                e["mpan"],
                e["detail"]["settlement_date"],
                e["detail"]["quantity"],
                e["detail"]["event"],
            )
            for e in self.events
            if e.get("sender") == "MDS"
            and (e.get("detail") or {}).get("event")
            in ("consumption_accepted", "consumption_rejected")
        ]


@pytest.fixture(scope="module")
def autumn_run() -> Run:
    """Four advanced-meter MPANs signed on Thu 22 Oct 2026 (SSD Mon 26 Oct); every ADS late."""
    return Run(
        ScenarioSpec(
            seed=2,
            mpans=4,
            start_day=date(2026, 10, 22),
            switch_days=1,
            variants={"A": 1.0},
            decisions=DecisionRates(late_consumption=1.0),
        )
    )


@pytest.fixture(scope="module")
def mixed_run() -> Run:
    """Every variant, with the smart variant's outgoing SDS submitting IF-021 too (S1b)."""
    return Run(
        ScenarioSpec(
            seed=5,
            mpans=12,
            variants="mixed",
            options=ProcessOptions(smart_outgoing_ds_lane=True),
        )
    )


def test_the_dip_accepts_the_reactive_power_of_every_advanced_meter(autumn_run: Run) -> None:
    """Each MPAN's IF-021 [ReactivePower] is accepted by the DIP as step A1r."""
    accepted = {
        e["mpan"]
        for e in autumn_run.events
        if e.get("kind") == "accepted"
        and e.get("message") == "IF-021"
        and e.get("event_code") == "[ReactivePower]"
        and e.get("step") == "A1r"
    }
    assert accepted == set(autumn_run.points)


def test_mds_gets_reactive_import_for_the_same_days_as_active_power(autumn_run: Run) -> None:
    """PUB-021 [ReactivePower] reaches MDS with B045 RI for exactly the active-power days."""
    reactive = autumn_run.days("[ReactivePower]", to="MDS")
    active = autumn_run.days("[ActivePower]", to="MDS")
    assert reactive.keys() == active.keys()
    assert {day for _, day in reactive} == {LONG_DAY, SSD}
    assert {block["B045"]["measurementQuantityID"] for block in reactive.values()} == {"RI"}
    assert {block["B045"]["measurementQuantityID"] for block in active.values()} == {"AI"}


def test_reactive_days_have_the_period_count_of_the_local_day(autumn_run: Run) -> None:
    """The long day has 50 periods, the next 48, from local midnight to local midnight."""
    for (mpan, day), block in autumn_run.days("[ReactivePower]", to="MDS").items():
        assert block["B046"]["settlementDayDate"] == format_dip_datetime(local_midnight(day))
        ends = [parse_dip_datetime(period["sp"]) for period in block["B047List"]]
        assert len(ends) == settlement_periods(day) == (50 if day == LONG_DAY else 48)
        assert ends[-1] == local_midnight(day + timedelta(days=1))
        per_period = autumn_run.points[mpan].daily_kwh * REACTIVE_PER_ACTIVE / len(ends)
        assert {period["v"] for period in block["B047List"]} == {format_reading(per_period)}


def test_mds_accepts_reactive_power_inside_the_regime_and_rejects_it_after(
    autumn_run: Run,
) -> None:
    """The long day (the regime end) is accepted; the SSD, after it, is rejected like AI."""
    judged = autumn_run.mds_judgements()
    for mpan in autumn_run.points:
        for quantity in ("AI", "RI"):
            assert (mpan, LONG_DAY.isoformat(), quantity, "consumption_accepted") in judged
            assert (mpan, SSD.isoformat(), quantity, "consumption_rejected") in judged
    assert len(judged) == 4 * len(autumn_run.points)


def test_a_late_reactive_day_draws_an_ecs1001_rejection_to_the_ads(autumn_run: Run) -> None:
    """IF-014 [ActivePowerRejected] (there is no reactive event) repeats B045 RI for the SSD."""
    rejections = autumn_run.publications("[ActivePowerRejected]", to="ADS-ADSE", message="PUB-014")
    reactive = [
        e
        for e in rejections
        if e["envelope"]["CustomBlock"]["B900"]["B045"]["measurementQuantityID"] == "RI"
    ]
    assert {e["mpan"] for e in reactive} == set(autumn_run.points)
    for event in reactive:
        envelope = event["envelope"]
        assert envelope["CustomBlock"]["B900"]["B046"]["settlementDayDate"].startswith("2026-10-26")
        assert envelope["CommonBlock"]["R0"]["responseMessages"][0].startswith("ECS1001")
        assert event["step"] == "D11"


def test_the_autumn_run_is_judged_ok(autumn_run: Run) -> None:
    """The run's verdict and ``market check``'s verdict on its journal are both OK."""
    assert autumn_run.ok
    assert check_journal(autumn_run.events, options=autumn_run.options).ok


def test_only_advanced_meters_report_reactive_power(mixed_run: Run) -> None:
    """Variant T and S data services submit active power only; every variant A one both."""
    assert mixed_run.ok
    reactive = {mpan for mpan, _ in mixed_run.days("[ReactivePower]", to="MDS")}
    active = {mpan for mpan, _ in mixed_run.days("[ActivePower]", to="MDS")}
    variants = {mpan: mixed_run.points[mpan].variant for mpan in active}
    assert set(variants.values()) == {"T", "A", "S"}
    assert reactive == {mpan for mpan, variant in variants.items() if variant == "A"}
    for event in mixed_run.events:
        if event.get("event_code") == "[ReactivePower]":
            assert mixed_run.points[str(event["mpan"])].variant == "A"


def test_the_journalled_reactive_power_validates_against_its_schema(autumn_run: Run) -> None:
    """A delivered PUB-021 [ReactivePower] is valid against the shipped publication schemas."""
    schemas = shipped_schemas()
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    envelope = autumn_run.publications("[ReactivePower]", to="MDS")[0]["envelope"]
    body = [{"payload": envelope}]
    publication = Draft202012Validator(schemas[PUBLICATION_FILE], registry=registry)
    assert [error.message for error in publication.iter_errors(body)] == []
    custom = Draft202012Validator(
        schemas[event_schema_file("IF-021", "[ReactivePower]")], registry=registry
    )
    assert [error.message for error in custom.iter_errors(envelope["CustomBlock"])] == []
