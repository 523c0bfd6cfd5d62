"""Seed sweeps catch a deliberately broken participant and shrink its failure to a repro."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from actors.legacy.nhh_agents import NhhDataCollector
from actors.markets.default import build_market
from market.cli.main import main
from market.cli.run import window_anchor
from market.experiments.experiment import Experiment, passes_every_check, run_experiment
from market.experiments.sweep import (
    SeedOutcome,
    Shrunk,
    SweepTarget,
    load_mixed_plan,
    shrink,
    sweep,
    write_repro,
)
from market.faults import Duplicate, FaultPlan, Partition, Scope, Window
from market.faults.plan_toml import fault_plan_to_toml
from market.messages.dtn import D0010
from market.participant import Context
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec

TESTS = Path(__file__).resolve().parent
COLLECTOR = "NHHDC-NDCE"


class CollectorThatCrashesOnRepeats(NhhDataCollector):
    """A buggy collector: it opts out of deduplication, then trusts the DTN never to repeat."""

    deduplicate: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.readings_seen: set[D0010] = set()

    def on_message(self, ctx: Context, message: object) -> None:
        """Crash on a D0010 it has seen before; otherwise behave like the built-in collector."""
        if isinstance(message, D0010):
            if message in self.readings_seen:
                raise RuntimeError(f"reading for {message.mpan_core} received twice")
            self.readings_seen.add(message)
        super().on_message(ctx, message)


def broken_market(spec: ScenarioSpec) -> MarketSetup:
    """The built-in market with the incoming NHH data collector replaced by the buggy one."""
    setup = build_market(spec)
    participants = [
        CollectorThatCrashesOnRepeats(
            p.identity, cutoff_working_days=spec.options.cos_read_cutoff_working_days
        )
        if p.participant_id == COLLECTOR
        else p
        for p in setup.participants
    ]
    return attrs.evolve(setup, participants=participants)


def _target(mpans: int, market: Any = broken_market) -> SweepTarget:
    spec = ScenarioSpec(mpans=mpans)
    return SweepTarget(spec=spec, plan=load_mixed_plan(window_anchor(spec)), market=market)


def test_the_checkers_catch_the_broken_collector() -> None:
    """Under duplicated D-flows the buggy collector crashes; the report names it and fails."""
    plan = FaultPlan(faults=(Duplicate(probability=1.0, scope=Scope(network="DTN")),))
    experiment = Experiment(
        name="broken collector",
        hypothesis="every MPAN completes",
        holds=passes_every_check,
        faults=plan,
        mpans=2,
        market=broken_market,
    )
    report = run_experiment(experiment)
    assert report.hypothesis_holds is False
    assert not report.verdict_ok
    assert report.problems[0].startswith(f"crash: {COLLECTOR} raised RuntimeError: reading for")
    assert report.with_outcome("stuck")
    assert report.replay_command is None  # `market run` cannot load a test's market


def test_the_same_plan_passes_with_the_built_in_collector() -> None:
    """The built-in collector's inbox drops the repeats, so the market copes (control run)."""
    plan = FaultPlan(faults=(Duplicate(probability=1.0, scope=Scope(network="DTN")),))
    experiment = Experiment(
        name="control",
        hypothesis="every MPAN completes",
        holds=passes_every_check,
        faults=plan,
        mpans=2,
    )
    assert run_experiment(experiment).passed


@attrs.frozen(kw_only=True)
class _SweptFailure:
    """One sweep of the broken market and the shrink of its first failing seed."""

    target: SweepTarget
    outcomes: tuple[SeedOutcome, ...]
    shrunk: Shrunk
    progress: tuple[str, ...]


@pytest.fixture(scope="module")
def swept_failure() -> _SweptFailure:
    """Seeds 5..7 of the broken market under the mixed plan, and the first failure shrunk."""
    target = _target(mpans=6)
    progress: list[str] = []
    outcomes = sweep(target, range(5, 8), progress=progress.append)
    failing = next(o.seed for o in outcomes if not o.passed)
    shrunk = shrink(target, failing, progress=progress.append)
    return _SweptFailure(target=target, outcomes=outcomes, shrunk=shrunk, progress=tuple(progress))


@pytest.mark.slow
def test_the_sweep_finds_failing_seeds_and_shrinks_to_the_duplicate_fault(
    swept_failure: _SweptFailure,
) -> None:
    """Seeds fail under the mixed plan; shrinking keeps the duplicates, and still fails.

    Which other fault a seed's minimal plan still needs depends on the fault draws
    (removing one shifts the random stream the duplicates are drawn from), so only
    the duplicate fault, the cause, is pinned; most of the nine faults go.
    """
    target, outcomes, shrunk = swept_failure.target, swept_failure.outcomes, swept_failure.shrunk
    assert [o.seed for o in outcomes] == [5, 6, 7]
    assert list(swept_failure.progress[:3]) == [o.describe() for o in outcomes]
    failing = [o for o in outcomes if not o.passed]
    assert all(f"crash: {COLLECTOR}" in str(o.first_problem) for o in failing)
    kinds = [fault.kind for fault in shrunk.plan.faults]
    assert "duplicate" in kinds
    assert len(kinds) <= 2
    assert shrunk.mpans <= target.spec.mpans
    assert shrunk.first_problem.startswith(f"crash: {COLLECTOR}")
    assert not target.run(shrunk.seed, plan=shrunk.plan, mpans=shrunk.mpans).passed
    assert shrunk.describe().startswith(f"seed {shrunk.seed}: 9 faults, 6 MPANs → ")


def test_the_written_repro_runs_and_fails_while_the_bug_persists(
    swept_failure: _SweptFailure, tmp_path: Path
) -> None:
    """The repro script (with its TOML plan) exits 1 and names the crash, from any folder."""
    seed = swept_failure.shrunk.seed
    script = write_repro(swept_failure.target, swept_failure.shrunk, tmp_path)
    assert script.name == f"sweep_seed{seed}.py"
    assert (tmp_path / f"sweep_seed{seed}_faults.toml").is_file()
    assert 'market="test_sweep:broken_market"' in script.read_text(encoding="utf-8")
    paths = [str(TESTS), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, check=False
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Hypothesis FAILS" in run.stdout
    assert f"crash: {COLLECTOR} raised RuntimeError" in run.stdout


def test_the_built_in_market_passes_the_mixed_plan_and_there_is_nothing_to_shrink() -> None:
    """The healthy market survives the built-in mixed plan; shrinking a passing seed is refused."""
    target = _target(mpans=4, market="actors.markets.default:build_market")
    assert all(outcome.passed for outcome in sweep(target, [1, 2]))
    with pytest.raises(ValueError, match="seed 1 passes"):
        shrink(target, 1)


def test_market_sweep_exits_0_when_every_seed_passes(capsys: pytest.CaptureFixture[str]) -> None:
    """``market sweep`` with the defaults prints one line per seed and a summary."""
    assert main(["sweep", "--seeds", "2", "--mpans", "3"]) == 0
    out = capsys.readouterr().out
    assert "seed 1: ok\nseed 2: ok\n" in out
    assert "All 2 seeds passed." in out


def test_market_sweep_shrinks_a_failure_and_writes_the_repro(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan that strands the collector fails every seed; the command writes a smaller repro."""
    spec = ScenarioSpec()
    anchor = window_anchor(spec)
    partition = Partition(
        side_a=frozenset({COLLECTOR}),
        side_b=frozenset(p.participant_id for p in build_market(spec).participants) - {COLLECTOR},
        window=Window.parse("from SSD for 12 hours", anchor),
    )
    plan = tmp_path / "partition.toml"
    plan.write_text(fault_plan_to_toml(FaultPlan(faults=(partition,))), encoding="utf-8")
    output = tmp_path / "repro"
    status = main(
        ["sweep", "--seeds", "2", "--mpans", "4", "--faults", str(plan), "--output", str(output)]
    )
    out = capsys.readouterr().out
    assert status == 1, out
    assert "seed 1: FAILED: " in out and "owed by NHHDC-NDCE" in out
    assert "Failing seeds: 1, 2" in out
    assert "Shrunk seed 1: 1 fault, 4 MPANs → 1 fault, 1 MPAN" in out
    assert (output / "sweep_seed1.py").is_file()
    assert (output / "sweep_seed1_faults.toml").is_file()
