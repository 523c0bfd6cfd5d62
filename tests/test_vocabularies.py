"""The typed vocabularies name everything the journal and the process model use, and no more."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path as FilePath

import attrs
import msgspec
import pytest

from actors.markets.default import build_market, default_market
from market.checks.progress import path_of
from market.cli.run import window_anchor
from market.faults import Corrupt, Crash, FaultPlan, Loss, RestartPolicy, Scope, load_fault_plan
from market.kernel.event_kinds import EventKind
from market.kernel.exceptions import ParticipantCrashedError
from market.process.model import PATH_STEPS, PATHS, TERMINAL_STEPS, VARIANT_PATHS
from market.process.scenario_spec import VARIANT_MIXES, ScenarioSpec
from market.process.vocabulary import Path, Regime, SwitchPath
from market.runtime.simulation import Simulation, journal_dicts
from market.teaching.journey import PATH_DESCRIPTIONS

ROOT = FilePath(__file__).resolve().parents[1]
#: The default market's switch is secured on Fri 27 Feb 2026 at 16:00.
SECURED = datetime(2026, 2, 27, 16, 0, tzinfo=UTC)


def _kinds(simulation: Simulation) -> Counter[str]:
    return Counter(str(line["kind"]) for line in journal_dicts(simulation.journal))


def _mixed_plan_run() -> Simulation:
    spec = attrs.evolve(ScenarioSpec(), mpans=12, variants=VARIANT_MIXES["mixed"])
    plan = load_fault_plan(ROOT / "market" / "faults" / "mixed.toml", window_anchor(spec))
    simulation = Simulation(attrs.evolve(build_market(spec), faults=plan))
    simulation.run_sync()
    return simulation


def _run_with(*faults: Crash | Loss | Corrupt) -> Simulation:
    setup = attrs.evolve(default_market(seed=5, mpans=2), faults=FaultPlan(faults=faults))
    simulation = Simulation(setup)
    simulation.run_sync()
    return simulation


def _bug_run() -> Simulation:
    """A participant whose handler always raises, under a restart policy, until it gives up."""
    setup = default_market(seed=5, mpans=1)
    broken = next(p for p in setup.participants if p.participant_id == "NHHDA-NDAG")

    def explode(ctx: object, message: object) -> None:
        raise RuntimeError("boom")

    broken.on_message = explode  # type: ignore[method-assign]
    policy = RestartPolicy(
        mode="keep", max_restarts=2, within=timedelta(days=7), delay=timedelta(minutes=1)
    )
    simulation = Simulation(attrs.evolve(setup, faults=FaultPlan(bug_restart=policy)))
    with pytest.raises(ParticipantCrashedError):
        simulation.run_sync()
    return simulation


@pytest.fixture(scope="module")
def journals() -> dict[str, Simulation]:
    """Runs whose journals between them show every kind: plain, faulted, crashed, given up."""
    return {
        "default": _run_with(),
        "mixed plan": _mixed_plan_run(),
        "crash, state kept": _run_with(
            Crash(participant="SUP-LGSB", at=SECURED - timedelta(minutes=1))
        ),
        "crash, state lost": _run_with(
            Crash(
                participant="REGS-19",
                at=SECURED + timedelta(minutes=2),
                restart=RestartPolicy(mode="lose"),
            )
        ),
        "crash, no restart": _run_with(
            Crash(participant="NHHDA-NDAG", at=SECURED, restart=RestartPolicy(mode="none"))
        ),
        "lossy DTN": _run_with(Loss(probability=0.3, scope=Scope(network="DTN"))),
        "garbling DIP": _run_with(Corrupt(probability=0.3)),
        "bug, supervisor gives up": _bug_run(),
    }


def test_members_are_their_journal_strings() -> None:
    """Each member equals its lower-case name, so it is the very string journals carry."""
    for kind in EventKind:
        assert kind == kind.name.lower()
        assert str(kind) == f"{kind}" == kind.value


def test_members_render_to_json_as_their_strings() -> None:
    """json and msgspec render a member exactly as the plain string: journals are unchanged."""
    line = {"kind": EventKind.TIMER_SET, "path": Path.RM_T, "regime": Regime.MHHS}
    plain = {"kind": "timer_set", "path": "RM-T", "regime": "MHHS"}
    assert json.dumps(line, separators=(",", ":")) == json.dumps(plain, separators=(",", ":"))
    assert msgspec.json.encode(line) == msgspec.json.encode(plain)


@pytest.mark.parametrize(
    "name",
    [
        "default",
        "mixed plan",
        "crash, state kept",
        "crash, state lost",
        "crash, no restart",
        "lossy DTN",
        "bug, supervisor gives up",
    ],
)
def test_every_journalled_kind_is_named(journals: dict[str, Simulation], name: str) -> None:
    """A run's journal holds no kind that EventKind does not name."""
    unnamed = set(_kinds(journals[name])) - set(EventKind)
    assert not unnamed, f"{name}: journal kinds missing from EventKind: {sorted(unnamed)}"


def test_every_named_kind_is_journalled_somewhere(journals: dict[str, Simulation]) -> None:
    """No member is dead: between them the runs journal every kind EventKind names."""
    seen: Counter[str] = Counter()
    for simulation in journals.values():
        seen.update(_kinds(simulation))
    assert set(EventKind) - set(seen) == set()


def test_the_process_model_knows_exactly_the_path_vocabulary() -> None:
    """Step tables, terminal steps, report order and descriptions cover every Path, no other."""
    assert tuple(PATHS) == tuple(Path)
    assert set(PATH_STEPS) == set(TERMINAL_STEPS) == set(PATH_DESCRIPTIONS) == set(Path)
    assert set(VARIANT_PATHS.values()) == {Path.RM_T, Path.RM_A, Path.RM_S}


def test_journals_show_only_vocabulary_paths(journals: dict[str, Simulation]) -> None:
    """What REGS decides and the path each MPAN's journal shows are vocabulary members."""
    decided: set[str] = set()
    shown: set[object] = set()
    for simulation in journals.values():
        lines = journal_dicts(simulation.journal)
        decided |= {
            str(line["detail"]["path"])
            for line in lines
            if line["kind"] == EventKind.STATE_CHANGED and "path" in line["detail"]
        }
        for mpan in {line["mpan"] for line in lines if line["mpan"] is not None}:
            shown.add(path_of(line for line in lines if line["mpan"] == mpan))
    assert decided and decided <= set(SwitchPath)
    assert shown - {None} and shown - {None} <= set(Path)
