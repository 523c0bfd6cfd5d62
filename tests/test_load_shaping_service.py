"""The Load Shaping Service gets every PUB-021 [ActivePower] of a run (T1, A1, S1b) and no more."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from actors.central.parties import LoadShapingService
from actors.markets.default import build_market
from actors.markets.default_cast import LSS
from market.byo.participant_testing import bare_context
from market.checks import check_journal
from market.kernel.ids import Role
from market.messages.dip import DipEnvelope
from market.networks.dip_routing import default_routes
from market.participant import Record
from market.process.model import PATH_STEPS
from market.process.options import ProcessOptions
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.process.vocabulary import Path
from market.runtime.simulation import Simulation, journal_dicts
from tests.dip.builders import MPAN
from tests.dip.event_builders import all_new_envelopes

#: The smart variant's outgoing SDS submits IF-021 (S1b) only with its lane switched on.
WITH_SDS_LANE = ProcessOptions(smart_outgoing_ds_lane=True)


def _run(options: ProcessOptions) -> tuple[Simulation, bool, list[Mapping[str, Any]]]:
    spec = ScenarioSpec(
        seed=5,
        mpans=12,
        variants="mixed",
        decisions=DecisionRates(late_consumption=0.5),
        options=options,
    )
    simulation = Simulation(build_market(spec))
    result = simulation.run_sync()
    return simulation, result.verdict.ok, list(journal_dicts(simulation.journal))


@pytest.fixture(scope="module")
def mixed_run() -> tuple[Simulation, bool, list[Mapping[str, Any]]]:
    """12 MPANs of every variant, half of whose data services also send a day too late."""
    return _run(WITH_SDS_LANE)


def _transaction(event: Mapping[str, Any]) -> str:
    return str(event["envelope"]["CommonBlock"]["D0"]["transactionID"])


def _deliveries(
    events: list[Mapping[str, Any]], event_code: str, recipient: str
) -> dict[str, Mapping[str, Any]]:
    """The PUB-021 ``event_code`` publications delivered to ``recipient``, by transaction id."""
    return {
        _transaction(e): e
        for e in events
        if e.get("kind") == "delivered"
        and e.get("message") == "PUB-021"
        and e.get("recipient") == recipient
        and e.get("event_code") == event_code
    }


def test_every_active_power_publication_reaches_the_lss_in_every_variant(
    mixed_run: tuple[Simulation, bool, list[Mapping[str, Any]]],
) -> None:
    """Each PUB-021 [ActivePower] that reached MDS reached the LSS too: T1, A1 and S1b alike."""
    _, _, events = mixed_run
    to_mds = _deliveries(events, "[ActivePower]", "MDS")
    to_lss = _deliveries(events, "[ActivePower]", "LSS")
    assert to_mds
    assert to_lss.keys() == to_mds.keys()
    assert {e["step"] for e in to_lss.values()} == {"T1", "A1", "S1b"}


def test_the_dip_names_the_lss_an_always_recipient(
    mixed_run: tuple[Simulation, bool, list[Mapping[str, Any]]],
) -> None:
    """The routing string of every IF-021 [ActivePower] ends ``Always:[LSS:<its DIP ID>]``."""
    _, _, events = mixed_run
    routed = [
        e
        for e in events
        if e.get("kind") == "routed"
        and e.get("message") == "PUB-021"
        and e.get("event_code") == "[ActivePower]"
    ]
    assert routed
    for event in routed:
        assert str(event["detail"]["routing"]).endswith(f"Always:[LSS:{LSS.dip_id}]")


def test_the_lss_keeps_the_periods_of_each_day_it_received(
    mixed_run: tuple[Simulation, bool, list[Mapping[str, Any]]],
) -> None:
    """Its state holds, per MPAN and settlement day, the periods of that day's delivery."""
    simulation, _, events = mixed_run
    lss = next(p for p in simulation.setup.participants if isinstance(p, LoadShapingService))
    received = {
        (e["mpan"], date.fromisoformat(block["B046"]["settlementDayDate"][:10])): len(
            block["B047List"]
        )
        for e in _deliveries(events, "[ActivePower]", "LSS").values()
        for block in e["envelope"]["CustomBlock"]["B900List"]
    }
    assert lss.periods_received == received


def test_reactive_power_is_not_copied_to_the_lss(
    mixed_run: tuple[Simulation, bool, list[Mapping[str, Any]]],
) -> None:
    """The LSS shapes active consumption: no PUB-021 [ReactivePower] reaches it."""
    _, _, events = mixed_run
    assert _deliveries(events, "[ReactivePower]", "MDS")
    assert not _deliveries(events, "[ReactivePower]", "LSS")


def test_the_run_with_the_lss_is_judged_ok(
    mixed_run: tuple[Simulation, bool, list[Mapping[str, Any]]],
) -> None:
    """The run's verdict and ``market check``'s verdict on its journal are both OK."""
    _, ok, events = mixed_run
    assert ok
    assert check_journal(events, options=WITH_SDS_LANE).ok


def test_with_the_option_off_the_lss_gets_nothing_and_the_run_is_ok() -> None:
    """``lss_always_on_if021 = false``: no PUB-021 to the LSS, and the checkers do not miss it."""
    options = ProcessOptions(smart_outgoing_ds_lane=True, lss_always_on_if021=False)
    _, ok, events = _run(options)
    assert ok
    assert not [e for e in events if e.get("recipient") == "LSS"]
    assert check_journal(events, options=options).ok


def test_the_routing_table_copies_active_power_only_to_the_lss() -> None:
    """IF-021 [ActivePower] has the LSS as its always recipient unless the option turns it off."""
    routes = default_routes()
    assert routes[("IF-021", "[ActivePower]")].always_roles == (Role.LOAD_SHAPING_SERVICE,)
    assert routes[("IF-021", "[ReactivePower]")].always_roles == ()
    assert default_routes(lss_always_on_if021=False)[("IF-021", "[ActivePower]")].always_roles == ()


@pytest.mark.parametrize(
    ("path", "step_id"), [(Path.RM_T, "T1"), (Path.RM_A, "A1"), (Path.RM_S, "S1b")]
)
def test_each_active_power_step_must_reach_the_lss_while_the_option_is_on(
    path: Path, step_id: str
) -> None:
    """T1, A1 and S1b list the LSS among the recipients they must reach, by the option."""
    step = next(s for s in PATH_STEPS[path] if s.step_id == step_id)
    assert step.requires("LSS", ProcessOptions())
    assert not step.requires("LSS", ProcessOptions(lss_always_on_if021=False))
    assert step.requires("MDS", ProcessOptions(lss_always_on_if021=False))


def test_the_lss_notes_every_other_message_without_failing() -> None:
    """Every modelled DIP event, a stray object and a DIP response: noted, none crashes it."""
    lss = LoadShapingService(LSS)
    ctx = bare_context(lss)
    envelopes: list[DipEnvelope] = [built for _, built, _ in all_new_envelopes()]
    for envelope in envelopes:
        lss.on_message(ctx, envelope)
    lss.on_message(ctx, object())
    records = [entry for entry in ctx.outbox if isinstance(entry, Record)]
    shaped = [r for r in records if r.event == "consumption_shaped"]
    assert [(r.mpan, r.data["periods"]) for r in shaped] == [(MPAN, 48)]
    noted = [r for r in records if r.event == "publication_noted"]
    assert len(noted) == len(envelopes) - 1
    assert records[-1].event == "message_ignored"
    assert lss.periods_received == {(MPAN, date(2026, 3, 1)): 48}
