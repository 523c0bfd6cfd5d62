"""Seed sweeps and shrinking: run one scenario under many seeds, then make a failure small.

:func:`sweep` runs a :class:`SweepTarget` (scenario, fault plan, market) under
each seed and says which pass. :func:`shrink` takes a failing seed and, by
delta debugging, finds a smaller run that still fails: it drops faults one at
a time while the run keeps failing, then lowers each remaining probability,
then halves the number of MPANs, and repeats the three until a round changes
nothing. :func:`write_repro` writes the result as a
runnable experiment script with its TOML plan, which exits non-zero while the
failure persists. Nothing here prints: progress goes to a callback, so the
command line, tests and notebooks each show it their own way.

The sharded sweep is :mod:`market.experiments.sweep_shards`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

import attrs

from market.cli.run import MARKET_BUILDER
from market.experiments.experiment import (
    Experiment,
    ExperimentReport,
    MarketBuilder,
    counted,
    passes_every_check,
    run_experiment,
)
from market.faults import (
    Corrupt,
    Delay,
    Duplicate,
    Fault,
    FaultPlan,
    Loss,
    Reorder,
    WindowAnchor,
    load_fault_plan,
)
from market.faults.plan_toml import fault_plan_to_toml
from market.process.scenario_spec import ScenarioSpec
from market.shards.work import ShardTask

#: The built-in mixed fault plan: a little of every fault the market is designed to survive.
MIXED_PLAN: Final = Path(__file__).parents[1] / "faults" / "mixed.toml"
#: What every sweep run is judged by.
SWEEP_HYPOTHESIS: Final = "Every MPAN completes and every check passes."
#: Probabilities are halved while the run still fails, down to this.
SMALLEST_PROBABILITY: Final = 0.001

Progress = Callable[[str], None]
#: The faults that strike with a probability (the ones shrinking can make rarer).
_Probable = Loss | Delay | Duplicate | Reorder | Corrupt


def quiet(_line: str) -> None:
    """A progress callback that shows nothing."""


def load_mixed_plan(anchor: WindowAnchor) -> FaultPlan:
    """The built-in mixed fault plan, its windows anchored on the swept scenario."""
    return load_fault_plan(MIXED_PLAN, anchor)


@attrs.frozen(kw_only=True)
class SweepTarget:
    """What a sweep runs: a scenario, a fault plan and the market builder.

    ``scenario_file`` is where ``spec`` came from, if anywhere: a repro copies
    it so that it runs on its own.
    """

    spec: ScenarioSpec
    plan: FaultPlan
    market: str | MarketBuilder
    scenario_file: Path | None = None

    def run(
        self, seed: int, *, plan: FaultPlan | None = None, mpans: int | None = None
    ) -> ExperimentReport:
        """One run under ``seed``, with a smaller ``plan`` or fewer ``mpans`` if given."""
        experiment = Experiment(
            name=f"sweep, seed {seed}",
            hypothesis=SWEEP_HYPOTHESIS,
            holds=passes_every_check,
            faults=self.plan if plan is None else plan,
            scenario=self.spec,
            seed=seed,
            mpans=self.spec.mpans if mpans is None else mpans,
            market=self.market,
        )
        return run_experiment(experiment)


@attrs.frozen(kw_only=True)
class SeedOutcome:
    """Whether one seed passed, and if not, the first problem its report names.

    In a sharded sweep ``shard`` is the seed's first failing shard (the one to shrink).
    """

    seed: int
    passed: bool
    first_problem: str | None = None
    shard: ShardTask | None = None

    def describe(self) -> str:
        """``seed 3: ok``, ``seed 3: FAILED: <problem>`` or ``seed 3: FAILED in shard 1 of 2 …``."""
        if self.passed:
            return f"seed {self.seed}: ok"
        if self.shard is not None:
            return (
                f"seed {self.seed}: FAILED in shard {self.shard.index} of {self.shard.shards} "
                f"(shard seed {self.shard.spec.seed}): {self.first_problem}"
            )
        return f"seed {self.seed}: FAILED: {self.first_problem}"


def _first_problem(report: ExperimentReport) -> str:
    return next(iter(report.problems), "the checkers' verdict is FAILED")


def sweep(
    target: SweepTarget, seeds: Iterable[int], *, progress: Progress = quiet
) -> tuple[SeedOutcome, ...]:
    """Run ``target`` under each seed; ``progress`` gets one line per seed as it finishes."""
    outcomes = []
    for seed in seeds:
        report = target.run(seed)
        outcome = SeedOutcome(
            seed=seed,
            passed=report.passed,
            first_problem=None if report.passed else _first_problem(report),
        )
        progress(outcome.describe())
        outcomes.append(outcome)
    return tuple(outcomes)


@attrs.frozen(kw_only=True)
class Shrunk:
    """The smallest failing run shrinking found for one seed, and where it started from."""

    seed: int
    plan: FaultPlan
    mpans: int
    first_problem: str
    original_faults: int
    original_mpans: int
    runs: int

    def describe(self) -> str:
        """``seed 3: 9 faults, 10 MPANs → 1 fault, 2 MPANs (14 runs)``."""
        return (
            f"seed {self.seed}: {counted(self.original_faults, 'fault')}, "
            f"{counted(self.original_mpans, 'MPAN')} → {counted(len(self.plan.faults), 'fault')}, "
            f"{counted(self.mpans, 'MPAN')} ({counted(self.runs, 'run')})"
        )


def _label(fault: Fault) -> str:
    participant = getattr(fault, "participant", None)
    return f"{fault.kind} {participant}" if participant else fault.kind


class _Shrinker:
    """The state of one shrink: the smallest failing run so far, and how many runs it took."""

    def __init__(self, target: SweepTarget, seed: int, progress: Progress) -> None:
        self.target = target
        self.seed = seed
        self.progress = progress
        self.plan = target.plan
        self.mpans = target.spec.mpans
        self.runs = 0
        self.problem = ""
        self.passing: set[tuple[FaultPlan, int]] = set()

    def fails(self, plan: FaultPlan, mpans: int, change: str) -> bool:
        """Run the candidate (once: a later round asks again); keep it when it still fails."""
        if (plan, mpans) in self.passing:
            return False
        self.runs += 1
        report = self.target.run(self.seed, plan=plan, mpans=mpans)
        if report.passed:
            self.passing.add((plan, mpans))
            self.progress(f"  {change}: passes, so not that")
            return False
        self.plan, self.mpans, self.problem = plan, mpans, _first_problem(report)
        self.progress(f"  {change}: still fails")
        return True

    def drop_faults(self) -> None:
        """Drop faults one at a time while the run still fails, until none can go."""
        dropped = True
        while dropped:
            dropped = False
            for index, fault in enumerate(self.plan.faults):
                rest = self.plan.faults[:index] + self.plan.faults[index + 1 :]
                candidate = attrs.evolve(self.plan, faults=rest)
                if self.fails(
                    candidate, self.mpans, f"without fault {index + 1} ({_label(fault)})"
                ):
                    dropped = True
                    break
        if self.plan.bug_restart is not None:
            self.fails(attrs.evolve(self.plan, bug_restart=None), self.mpans, "without bug_restart")

    def lower_probabilities(self) -> None:
        """Halve each remaining fault's probability (and cut extra copies) while it still fails."""
        for index in range(len(self.plan.faults)):
            fault = self.plan.faults[index]
            if isinstance(fault, Duplicate) and fault.copies > 1:
                self._replace(index, attrs.evolve(fault, copies=1), f"{_label(fault)} copies 1")
            while isinstance(fault := self.plan.faults[index], _Probable) and self._halve(
                index, fault
            ):
                pass

    def _halve(self, index: int, fault: _Probable) -> bool:
        lower = round(fault.probability / 2, 4)
        if lower < SMALLEST_PROBABILITY:
            return False
        change = f"{_label(fault)} probability {fault.probability:g} → {lower:g}"
        return self._replace(index, attrs.evolve(fault, probability=lower), change)

    def _replace(self, index: int, fault: Fault, change: str) -> bool:
        faults = (*self.plan.faults[:index], fault, *self.plan.faults[index + 1 :])
        return self.fails(attrs.evolve(self.plan, faults=faults), self.mpans, change)

    def halve_mpans(self) -> None:
        """Halve the number of MPANs while the run still fails."""
        while self.mpans > 1:
            fewer = self.mpans // 2
            if not self.fails(self.plan, fewer, counted(fewer, "MPAN")):
                return


def shrink(target: SweepTarget, seed: int, *, progress: Progress = quiet) -> Shrunk:
    """A smaller run of ``target`` under ``seed`` that still fails (delta debugging).

    Rounds of: drop faults one at a time, lower probabilities, halve the MPANs,
    each change kept only while the run still fails, until a round changes nothing.

    Raises :class:`ValueError` if ``seed`` does not fail to begin with: there is
    nothing to shrink, so sweep first and shrink a seed it reports as failing.
    """
    shrinker = _Shrinker(target, seed, progress)
    first = target.run(seed)
    shrinker.runs = 1
    if first.passed:
        raise ValueError(f"seed {seed} passes: shrink only a seed the sweep reports as failing")
    shrinker.problem = _first_problem(first)
    progress(
        f"shrinking seed {seed}: {counted(len(target.plan.faults), 'fault')}, "
        f"{counted(target.spec.mpans, 'MPAN')}"
    )
    while True:
        before = (shrinker.plan, shrinker.mpans)
        shrinker.drop_faults()
        shrinker.lower_probabilities()
        shrinker.halve_mpans()
        if (shrinker.plan, shrinker.mpans) == before:
            break
    return Shrunk(
        seed=seed,
        plan=shrinker.plan,
        mpans=shrinker.mpans,
        first_problem=shrinker.problem,
        original_faults=len(target.plan.faults),
        original_mpans=target.spec.mpans,
        runs=shrinker.runs,
    )


def _market_reference(market: str | MarketBuilder) -> str:
    if isinstance(market, str):
        return market
    reference = f"{market.__module__}:{market.__qualname__}"
    if "<" in reference:
        raise ValueError(
            f"market builder {reference} cannot be imported by a repro script: "
            "define it at module level, or pass it as 'module:function'"
        )
    return reference


_SCRIPT: Final = '''\
"""Sweep repro: {what} still fails with {faults} and {mpans}.
{shard_note}
Written by `market sweep`, which shrank a failing run ({original})
while it kept failing. First problem: {problem}

Exits 1 while the failure persists and 0 once it is fixed. Run it: python {script}
"""

import sys
from pathlib import Path

from market.experiments.experiment import Experiment, passes_every_check, run_and_report

HERE = Path(__file__).resolve().parent

EXPERIMENT = Experiment(
    name="sweep repro, {what}",
    hypothesis={hypothesis},
    holds=passes_every_check,
    faults=HERE / {plan_file},
    scenario={scenario},
    seed={seed},
    mpans={mpan_count},{market}
)

if __name__ == "__main__":
    sys.exit(run_and_report(EXPERIMENT, root=HERE))
'''


def write_repro(
    target: SweepTarget, shrunk: Shrunk, output: Path, *, origin: SeedOutcome | None = None
) -> Path:
    """Write ``sweep_seed<N>.py`` and its TOML plan (and scenario) into ``output``; the script.

    ``origin`` is the sharded sweep's outcome the shrunk run is a shard of
    (``target`` then being :func:`shard_target`'s): the files are named
    ``sweep_seed<N>_shard<I>`` after the swept seed and the shard, and the script
    says it runs that shard alone, under the shard's own seed.

    Raises :class:`OSError` when ``output`` cannot be written.
    """
    output.mkdir(parents=True, exist_ok=True)
    stem, what, shard_note = f"sweep_seed{shrunk.seed}", f"seed {shrunk.seed}", ""
    if origin is not None and origin.shard is not None:
        shard = origin.shard
        stem = f"sweep_seed{origin.seed}_shard{shard.index}"
        what = f"seed {origin.seed}, shard {shard.index} of {shard.shards}"
        shard_note = (
            f"\n`market sweep --shards {shard.shards}` found it. A shard is a whole market: this "
            f"runs shard {shard.index}\nalone, in one process, under its own seed {shrunk.seed}.\n"
        )
    plan_file = f"{stem}_faults.toml"
    (output / plan_file).write_text(
        fault_plan_to_toml(
            shrunk.plan,
            comment=f"Shrunk by `market sweep`: {shrunk.describe()}",
        ),
        encoding="utf-8",
    )
    scenario = "None"
    if target.scenario_file is not None:
        scenario_file = f"{stem}_scenario.toml"
        shutil.copyfile(target.scenario_file, output / scenario_file)
        scenario = f"HERE / {json.dumps(scenario_file)}"
    market = _market_reference(target.market)
    script = output / f"{stem}.py"
    script.write_text(
        _SCRIPT.format(
            what=what,
            shard_note=shard_note,
            seed=shrunk.seed,
            mpan_count=shrunk.mpans,
            faults=counted(len(shrunk.plan.faults), "fault"),
            mpans=counted(shrunk.mpans, "MPAN"),
            original=(
                f"{counted(shrunk.original_faults, 'fault')}, "
                f"{counted(shrunk.original_mpans, 'MPAN')}"
            ),
            problem=shrunk.first_problem.replace('"""', "'''").replace("\\", "/"),
            script=script.name,
            hypothesis=json.dumps(SWEEP_HYPOTHESIS),
            plan_file=json.dumps(plan_file),
            scenario=scenario,
            market="" if market == MARKET_BUILDER else f"\n    market={json.dumps(market)},",
        ),
        encoding="utf-8",
    )
    return script
