"""GB-shaped markets and load profiles: population shape, arrivals, calibration, runs."""

from __future__ import annotations

import random
from collections import Counter

import attrs
import pytest

from actors.central.registration import RegistrationService
from actors.markets.gb import build_gb_market, setup_from_population
from actors.markets.gb_population import (
    GbPopulation,
    arrival_times,
    draw_gb_population,
    run_working_days,
)
from market.faults import DipOutage
from market.kernel.exceptions import ScenarioError
from market.kernel.ids import GSP_GROUP_DISTRIBUTOR, GSP_GROUPS
from market.kernel.local_time import to_local
from market.kernel.settlement_calendar import SettlementCalendar
from market.load.profiles import PROFILES, load_profile
from market.load.spec import LoadSpec
from market.runtime.simulation import Simulation

#: A large population drawn once (no run) for the statistical shape tests.
SHAPE_MPANS = 20_000


@pytest.fixture(scope="module")
def large_bau() -> GbPopulation:
    """A bau-2024 population of 20,000 MPANs, every one of them switching."""
    return draw_gb_population(load_profile("bau-2024", mpans=SHAPE_MPANS))


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_each_profile_builds_and_a_short_run_completes(name: str) -> None:
    """Every preset builds a GB market whose small run completes with a clean verdict."""
    setup = build_gb_market(load_profile(name, mpans=80))
    setup = attrs.evolve(setup, dip_defences=attrs.evolve(setup.dip_defences, signing="off"))
    result = Simulation(setup).run_sync()
    assert len(result.outcomes) == 80
    assert result.all_completed
    assert result.verdict.ok, result.verdict.problems


def test_the_population_covers_all_14_gsp_groups_with_their_own_ldso_and_regs(
    large_bau: GbPopulation,
) -> None:
    """Every GSP group has MPANs, its LDSO and REGS with distinct DIP IDs and MPIDs."""
    population = large_bau
    assert {p.gsp_group_id for p in population.points} == set(GSP_GROUPS)
    assert all(p.mpan_core[:2] == GSP_GROUP_DISTRIBUTOR[p.gsp_group_id] for p in population.points)
    identities = [i for a in population.areas for i in (a.ldso, a.registration_service)]
    assert len({i.dip_id for i in identities}) == len({i.mpid for i in identities}) == 28
    assert len({p.mpan_core for p in population.points}) == SHAPE_MPANS


def test_supplier_qualification_and_portfolio_shares_follow_the_spec(
    large_bau: GbPopulation,
) -> None:
    """30 suppliers, the smallest 20 % unqualified; a few large ones hold most MPANs."""
    population = large_bau
    companies = population.companies
    assert len(companies) == 30
    assert [c.qualified for c in companies] == [True] * 24 + [False] * 6
    assert sum(c.portfolio_share for c in companies[:6]) > 0.8
    unqualified = {c.legacy.mpid for c in companies if not c.qualified}
    held = Counter(p.supplier_mpid in unqualified for p in population.points)
    assert held[True] / SHAPE_MPANS == pytest.approx(
        sum(c.portfolio_share for c in companies if not c.qualified), abs=0.01
    )
    assert not any(p.migrated for p in population.points if p.supplier_mpid in unqualified)


def test_migrated_share_and_meter_variant_mix_are_met_within_tolerance(
    large_bau: GbPopulation,
) -> None:
    """Half the MPANs migrated; migrated meters follow the segment-weighted T/A/S mix."""
    population = large_bau
    spec = population.spec
    migrated = [p for p in population.points if p.migrated]
    assert len(migrated) / SHAPE_MPANS == pytest.approx(spec.migrated_share, abs=0.02)
    expected = Counter[str]()
    for segment, weight in spec.segments.items():
        mix = spec.variants_by_segment[segment]
        for variant, share in mix.items():
            expected[variant] += weight * share / sum(mix.values())
    counts = Counter(p.variant for p in migrated)
    for variant in ("T", "A", "S"):
        assert counts[variant] / len(migrated) == pytest.approx(expected[variant], abs=0.02)
    assert {p.variant for p in population.points if not p.migrated} == {"T"}
    segments = Counter(population.segments)
    assert segments["domestic"] / SHAPE_MPANS == pytest.approx(0.875, abs=0.02)


def test_the_reverse_migration_share_is_calibrated_on_average(large_bau: GbPopulation) -> None:
    """Migrated MPANs won by unqualified suppliers make RM share / (1 - objection) of switches."""
    population = large_bau
    spec = population.spec
    unqualified = {c.legacy.participant_id for c in population.companies if not c.qualified}
    reverse = sum(
        s.point.migrated and s.gainer.participant_id in unqualified for s in population.switches
    )
    expected = spec.reverse_migration_share / (1 - spec.behaviours.objection)
    assert reverse / len(population.switches) == pytest.approx(expected, abs=0.006)
    assert all(s.gainer.mpid != s.point.supplier_mpid for s in population.switches), (
        "nobody switches to the supplier it already has"
    )


def test_full_rate_arrivals_are_a_poisson_count_over_the_working_day() -> None:
    """Without --mpans, one bau-2024 working day brings about 10.7k switches (±4σ)."""
    spec = load_profile("bau-2024")
    days = run_working_days(spec, SettlementCalendar())
    times = arrival_times(spec, days, random.Random(3))
    assert abs(len(times) - 10_700) < 4 * 10_700**0.5
    assert {to_local(t).date() for t in times} == set(days)
    assert times == sorted(times)


def test_the_pre_crisis_evening_burst_doubles_the_rate_from_17_to_19() -> None:
    """pre-crisis-peak: 17:00 and 18:00 get twice what the BAU shape gives the hour beside each."""
    spec = load_profile("pre-crisis-peak", mpans=40_000, working_days=1)
    days = run_working_days(spec, SettlementCalendar())
    hours = Counter(to_local(t).hour for t in arrival_times(spec, days, random.Random(5)))
    # In the BAU shape 16:00 weighs as 17:00, and 19:00 as 18:00.
    assert (hours[17] + hours[18]) / (hours[16] + hours[19]) == pytest.approx(2.0, rel=0.08)


def test_mpans_below_the_expected_load_scales_it_so_every_mpan_switches_once() -> None:
    """--mpans 500 over 5 days: 500 MPANs, 500 switches spread over the 5 working days."""
    population = draw_gb_population(load_profile("bau-2024", mpans=500, working_days=5))
    assert len(population.points) == len(population.switches) == 500
    assert population.spec.scale == pytest.approx(500 / (10_700 * 5))
    assert {to_local(s.signed_at).date() for s in population.switches} == set(
        population.working_days
    )


def test_mpans_above_the_expected_load_adds_mpans_that_do_not_switch() -> None:
    """A market larger than the day's switches keeps the full rate; the rest stay put."""
    spec = attrs.evolve(load_profile("bau-2024", mpans=2_000), switches_per_working_day=300)
    population = draw_gb_population(spec)
    assert len(population.points) == 2_000
    assert abs(len(population.switches) - 300) < 4 * 300**0.5
    setup = setup_from_population(population)
    assert len(setup.switching_mpans) == len(population.switches)


def test_each_participant_holds_only_its_slice_of_shared_metering_points() -> None:
    """REGS know only their GSP group's MPANs, and every MeteringPoint exists once."""
    population = draw_gb_population(load_profile("bau-2024", mpans=400))
    setup = setup_from_population(population)
    by_core = {p.mpan_core: p for p in population.points}
    registration_services = [p for p in setup.participants if isinstance(p, RegistrationService)]
    assert len(registration_services) == 14
    held = 0
    for regs in registration_services:
        group = {by_core[m].gsp_group_id for m in regs.registrations}
        assert len(group) <= 1
        assert all(r.point is by_core[m] for m, r in regs.registrations.items())
        held += len(regs.registrations)
    assert held == 400


def test_the_dip_outage_profile_plans_a_72_hour_outage_from_the_second_working_day() -> None:
    """dip-outage-drain: one DipOutage, 08:00 on working day 2, lasting 72 hours."""
    setup = build_gb_market(load_profile("dip-outage-drain", mpans=10))
    (outage,) = setup.faults.faults
    assert isinstance(outage, DipOutage)
    assert (outage.window.end - outage.window.start).total_seconds() == 72 * 3600
    assert to_local(outage.window.start).hour == 8
    assert to_local(outage.window.start).date() == SettlementCalendar().next_working_day(
        to_local(setup.start_at).date()
    )


@pytest.mark.slow
def test_the_same_seed_gives_the_same_gb_journal_digest() -> None:
    """Determinism: a GB market run twice with one seed writes byte-identical journals."""

    def digest(seed: int) -> str:
        setup = build_gb_market(load_profile("pre-crisis-peak", mpans=60, seed=seed))
        setup = attrs.evolve(setup, dip_defences=attrs.evolve(setup.dip_defences, signing="off"))
        return Simulation(setup).run_sync().journal.digest()

    assert digest(4) == digest(4)
    assert digest(4) != digest(5)


def test_an_unknown_profile_names_the_known_ones() -> None:
    """A misspelt profile is refused with the list of presets."""
    with pytest.raises(ScenarioError, match="bau-2024, pre-crisis-peak"):
        load_profile("bau")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reverse_migration_share": 0.6}, r"reverse_migration_share = 0.6 is more than"),
        ({"unqualified_supplier_share": 0.0}, r"needs a supplier that is not qualified"),
        ({"hourly_shape": (1.0,) * 23}, r"hourly_shape: need 24"),
        ({"working_days": 0}, r"working_days = 0"),
        ({"segments": {"homes": 1.0}}, r"segments: unknown key\(s\) \['homes'\]"),
    ],
)
def test_a_broken_load_spec_names_the_field_and_the_rule(
    changes: dict[str, object], message: str
) -> None:
    """LoadSpec refuses contradictions with the field, the rule and what to do."""
    with pytest.raises(ScenarioError, match=message):
        attrs.evolve(PROFILES["bau-2024"], **changes)


def test_a_migrated_share_the_qualified_suppliers_cannot_hold_is_refused() -> None:
    """Migrated MPANs need a qualified holder: more than they hold is a clear error."""
    spec = LoadSpec(
        name="t",
        switches_per_working_day=10,
        migrated_share=0.9,
        reverse_migration_share=0.0,
        suppliers=2,
        unqualified_supplier_share=0.5,
    )
    with pytest.raises(ScenarioError, match="qualified suppliers hold only"):
        draw_gb_population(spec)


def test_no_outgoing_agent_is_one_the_gaining_supplier_appoints(large_bau: GbPopulation) -> None:
    """A change of supply changes agents: never the same collector, MOP or aggregator."""
    gaining = {company.legacy.participant_id: company for company in large_bau.companies}
    checked = 0
    for switch in large_bau.switches:
        agents = switch.point.legacy_agents
        if agents is None:
            continue
        nhh = gaining[switch.gainer.participant_id].panels[0]
        assert agents.data_collector_mpid not in nhh.data_collector_mpids
        assert agents.meter_operator_mpid not in nhh.meter_operator_mpids
        assert agents.data_aggregator_mpid not in nhh.data_aggregator_mpids
        checked += 1
    assert checked > SHAPE_MPANS // 5  # the never-migrated MPANs that switch


def test_a_gb_run_sends_no_flow_to_its_own_sender() -> None:
    """No D0170 (or any flow) goes from an agent to itself; before the fix 217 of 1,004 did."""
    result = Simulation(build_gb_market(load_profile("bau-2024", mpans=300))).run_sync()
    flows = [e for e in result.journal.events if e.kind == "delivered" and e.network == "DTN"]
    assert len([e for e in flows if e.message == "D0170"]) > 50
    assert not [e for e in flows if e.sender == e.recipient]
    assert result.verdict.ok
