"""Fault experiments: a scenario, a fault plan and a hypothesis, judged from the journal.

An :class:`Experiment` names a scenario (a TOML file, a :class:`ScenarioSpec`
or the built-in market), a fault plan (a TOML file or a :class:`FaultPlan`)
and a hypothesis: a sentence for people and a predicate over the report.
:func:`run_experiment` runs it once and returns an :class:`ExperimentReport`
(see :mod:`market.experiments.report`, re-exported here so that experiment
scripts need one import): faults by kind, recovery, each MPAN's outcome,
violations, the seed, and the ``market run`` command that replays the run.
Same experiment and seed, same report: the run is a deterministic function of
both.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from market.byo.loading import load_object
from market.byo.replace import play_participants
from market.checks import Verdict
from market.cli.run import MARKET_BUILDER, window_anchor
from market.experiments.report import (
    FAULT_KINDS,
    RECOVERY_EVENTS,
    RECOVERY_KINDS,
    ExperimentReport,
    MpanReport,
    Outcome,
    build_report,
    count_faults,
    count_recovery,
    counted,
    format_report,
    passes_every_check,
    touched_mpans,
    unplanned_crashes,
    verdict_violations,
)
from market.faults import FaultPlan, load_fault_plan
from market.kernel.exceptions import ParticipantCrashedError
from market.process.scenario import MarketSetup
from market.process.scenario_spec import VARIANT_MIXES, ScenarioSpec, load_scenario
from market.runtime.simulation import Simulation, journal_dicts, partial_result

#: The report's names are re-exported so that an experiment script needs one import.
__all__ = [
    "FAULT_KINDS",
    "RECOVERY_EVENTS",
    "RECOVERY_KINDS",
    "Experiment",
    "ExperimentReport",
    "HypothesisTest",
    "MarketBuilder",
    "MarketRun",
    "MpanReport",
    "Outcome",
    "build_report",
    "count_faults",
    "count_recovery",
    "counted",
    "format_report",
    "passes_every_check",
    "replay_command",
    "run_and_report",
    "run_experiment",
    "run_market",
    "touched_mpans",
    "unplanned_crashes",
    "verdict_violations",
]

#: Turns a scenario into a runnable market (``actors.markets.default:build_market`` by default).
MarketBuilder = Callable[[ScenarioSpec], MarketSetup]

#: The hypothesis as code: judges a report (``True``: the hypothesis holds).
HypothesisTest = Callable[[ExperimentReport], bool]


@attrs.frozen(kw_only=True)
class Experiment:
    """One experiment: scenario + fault plan + hypothesis, reproducible from the seed.

    ``scenario`` and ``faults`` are TOML files (so the report can name the
    command that replays the run) or values; ``None`` is the built-in market.
    ``seed`` and ``mpans`` override the scenario's. ``market`` is the builder
    (``module:function`` or a callable) that turns the scenario into participants:
    tests pass a market with a deliberately broken participant.
    """

    name: str
    hypothesis: str
    holds: HypothesisTest
    faults: Path | FaultPlan
    scenario: Path | ScenarioSpec | None = None
    seed: int | None = None
    mpans: int | None = None
    market: str | MarketBuilder = MARKET_BUILDER

    def spec(self) -> ScenarioSpec:
        """The scenario with the experiment's seed and MPAN count applied."""
        if isinstance(self.scenario, Path):
            spec = load_scenario(self.scenario)
        else:
            spec = self.scenario or ScenarioSpec()
        overrides: dict[str, Any] = {}
        if self.seed is not None:
            overrides["seed"] = self.seed
        if self.mpans is not None:
            overrides["mpans"] = self.mpans
        return attrs.evolve(spec, **overrides)

    def plan(self, spec: ScenarioSpec) -> FaultPlan:
        """The fault plan, its calendar windows anchored on ``spec``'s start day and first SSD."""
        if isinstance(self.faults, FaultPlan):
            return self.faults
        return load_fault_plan(self.faults, window_anchor(spec))

    def builder(self) -> MarketBuilder:
        """The market builder, imported by name when given as ``module:function``."""
        if isinstance(self.market, str):
            builder: MarketBuilder = load_object(self.market)
            return builder
        return self.market


# ----------------------------------------------------------------- running


@attrs.frozen(kw_only=True)
class MarketRun:
    """A finished run as a report needs it: journal lines, digest, switching MPANs, verdict."""

    events: tuple[Mapping[str, Any], ...]
    digest: str
    switching_mpans: tuple[str, ...]
    verdict: Verdict


def run_market(setup: MarketSetup) -> MarketRun:
    """Run ``setup`` to the end, or to an unsupervised crash, which the journal then records."""
    simulation = Simulation(setup)
    try:
        result = simulation.run_sync()
    except ParticipantCrashedError as crash:
        result = partial_result(crash)  # judged as far as it got; the verdict names the crash
    events = tuple(journal_dicts(simulation.journal))
    mpans = tuple(setup.switching_mpans)
    verdict = result.verdict
    return MarketRun(
        events=events,
        digest=simulation.journal.digest(),
        switching_mpans=mpans,
        verdict=verdict,
    )


def run_experiment(
    experiment: Experiment, *, seed: int | None = None, root: Path | None = None
) -> ExperimentReport:
    """Run ``experiment`` (under ``seed`` if given) and judge its hypothesis.

    ``root`` is the folder the replay command is run from (default: the current
    one); the command names the scenario and plan files relative to it.
    """
    if seed is not None:
        experiment = attrs.evolve(experiment, seed=seed)
    spec = experiment.spec()
    setup = attrs.evolve(experiment.builder()(spec), faults=experiment.plan(spec))
    setup = play_participants(setup, spec.participants)
    run = run_market(setup)
    report = build_report(
        run.events,
        name=experiment.name,
        hypothesis=experiment.hypothesis,
        seed=spec.seed,
        mpans=run.switching_mpans,
        verdict=run.verdict,
        digest=run.digest,
        replay_command=replay_command(experiment, spec, root=root),
    )
    return attrs.evolve(report, hypothesis_holds=bool(experiment.holds(report)))


def run_and_report(experiment: Experiment, *, root: Path | None = None) -> int:
    """For experiment scripts: run, print the report; exit status 1 if the hypothesis fails."""
    report = run_experiment(experiment, root=root)
    for line in format_report(report):
        print(line)
    return 0 if report.hypothesis_holds else 1


# ----------------------------------------------------------------- replaying


def _shown(path: Path, root: Path | None) -> str:
    """``path`` as the replay command writes it: relative to ``root``, never absolute there."""
    return os.path.relpath(path.resolve(), (root or Path.cwd()).resolve())


def replay_command(experiment: Experiment, spec: ScenarioSpec, *, root: Path | None) -> str | None:
    """The ``market run`` command that replays the run, or ``None`` when no command can.

    It needs the fault plan (and any scenario other than the built-in market
    with a named variant mix) as files, and the built-in market builder.
    """
    if not isinstance(experiment.faults, Path) or experiment.market != MARKET_BUILDER:
        return None
    words = ["market", "run"]
    if isinstance(experiment.scenario, Path):
        words += ["--scenario", _shown(experiment.scenario, root)]
        if experiment.mpans is not None:
            words += ["--mpans", str(spec.mpans)]
    else:
        variant = next((k for k, mix in VARIANT_MIXES.items() if mix == spec.variants), None)
        plain = attrs.evolve(ScenarioSpec(), seed=spec.seed, mpans=spec.mpans)
        if variant is None or attrs.evolve(spec, variants=plain.variants) != plain:
            return None
        words += ["--mpans", str(spec.mpans)]
        if variant != "T":
            words += ["--variant", variant]
    words += ["--faults", _shown(experiment.faults, root), "--seed", str(spec.seed)]
    return shlex.join(words)
