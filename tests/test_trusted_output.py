"""Messages are validated once: built-in participants' output unchecked, everything else checked.

The built-in participants build their messages without re-running the field
rules (:mod:`market.messages.trust`). These tests are what makes that safe: the
same markets run with every rule checked give the same journals, and whatever
does not come from the built-in code (a user's participant, a parsed body) is
still checked, inside trusted code too.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from actors.markets.default import build_market
from market.cli.run import fault_plan_of, with_fault_plan
from market.context import Context
from market.kernel.exceptions import EnvelopeError
from market.messages.dip import parse_body
from market.messages.trust import trusted_construction, validated
from market.participant import Participant
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec, load_scenario
from market.runtime.cell import is_built_in
from market.runtime.simulation import Simulation

ROOT = Path(__file__).resolve().parents[1]


def _market(name: str) -> MarketSetup:
    """A fresh market (participants keep state, so every run needs its own)."""
    if name == "default":
        return build_market(ScenarioSpec(seed=1, mpans=3))
    if name == "mixed variants under the mixed fault plan":
        mixed = ScenarioSpec(seed=1, mpans=12, variants="mixed")
        plan = fault_plan_of(mixed, ROOT / "market/faults/mixed.toml")
        return with_fault_plan(build_market(mixed), plan)
    decisions = load_scenario(ROOT / "examples/scenarios/all-decisions.toml")
    return with_fault_plan(build_market(decisions), fault_plan_of(decisions, None))


MARKETS = ("default", "mixed variants under the mixed fault plan", "all decisions")


@pytest.mark.slow
@pytest.mark.parametrize("name", MARKETS)
def test_checking_every_message_gives_the_same_journal(name: str) -> None:
    """Were any built-in message invalid, the checked run would crash or differ: it does not."""
    trusted = Simulation(_market(name)).run_sync()
    checked = Simulation(attrs.evolve(_market(name), trust_built_in=False)).run_sync()
    assert checked.journal.digest() == trusted.journal.digest()
    assert len(checked.journal) > 100


def test_only_the_projects_own_participants_are_trusted() -> None:
    """``actors.*`` classes are trusted; a user's class, even a subclass of one, is not."""
    setup = build_market(ScenarioSpec(seed=1, mpans=1))
    assert all(is_built_in(p) for p in setup.participants)
    supplier = next(p for p in setup.participants if p.participant_id == "SUP-MHSA")
    mine = type("Mine", (type(supplier),), {"__module__": __name__})
    assert not is_built_in(object.__new__(mine))


def test_a_users_participant_is_checked_as_it_builds() -> None:
    """Validators are on while a user's code runs, so a bad value fails where it is built."""
    setup = build_market(ScenarioSpec(seed=1, mpans=1))
    seen: list[bool] = []

    class Probe(Participant):
        def on_start(self, ctx: Context) -> None:
            seen.append(attrs.validators.get_disabled())

        def on_message(self, ctx: Context, message: object) -> None:
            seen.append(attrs.validators.get_disabled())

    built_in = next(p for p in setup.participants if p.participant_id == "MDS")
    others = [p for p in setup.participants if p is not built_in]
    Simulation(attrs.evolve(setup, participants=[*others, Probe(built_in.identity)])).run_sync()
    assert len(seen) > 1
    assert not any(seen)


def test_a_parser_checks_every_rule_even_inside_trusted_code() -> None:
    """A body parsed while validators are off (trusted code) is still refused at its path."""
    body = b'[{"payload":{"CommonBlock":{"S0":{"interfaceID":"IF-003","eventCode":"X"}}}}]'
    with trusted_construction(), pytest.raises(EnvelopeError):
        parse_body(body)
    assert not attrs.validators.get_disabled()


def test_trust_is_restored_on_the_way_out() -> None:
    """Nested, and after an error, each block leaves validators as it found them."""
    with trusted_construction():
        assert attrs.validators.get_disabled()
        with validated():
            assert not attrs.validators.get_disabled()
        assert attrs.validators.get_disabled()
        with pytest.raises(ZeroDivisionError), validated():
            _ = 1 / 0
        assert attrs.validators.get_disabled()
    assert not attrs.validators.get_disabled()
