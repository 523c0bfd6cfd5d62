"""Fault experiments: a scenario, a fault plan and a hypothesis, judged from the journal.

An :class:`Experiment` names a scenario (a TOML file, a :class:`ScenarioSpec`
or the built-in market), a fault plan (a TOML file or a :class:`FaultPlan`)
and a hypothesis: a sentence for people and a predicate over the report.
:func:`run_experiment` runs it once and returns an :class:`ExperimentReport`,
built by :func:`build_report`, a pure function of the journal lines: which
faults the journal shows (counts by kind), what the participants did to
recover, each MPAN's outcome (*completed* untouched, *recovered* although a
fault touched its messages, or *stuck* with the step it waits for and who owes
it), the checkers' violations, the seed, and the ``market run`` command that
replays the run. Same experiment and seed, same report: the run is a
deterministic function of both.
"""

from __future__ import annotations

import os
import shlex
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from market.checks import Verdict, check_journal, format_conformance
from market.commands.common import load_object
from market.commands.run import MARKET_BUILDER, window_anchor
from market.exceptions import ParticipantCrashedError
from market.faults import FaultPlan, load_fault_plan
from market.scenario import MarketSetup
from market.scenario_spec import VARIANT_MIXES, ScenarioSpec, load_scenario
from market.settlement_calendar import SettlementCalendar
from market.simulation import Simulation, journal_dicts

#: Turns a scenario into a runnable market (``actors.markets:build_market`` by default).
MarketBuilder = Callable[[ScenarioSpec], MarketSetup]

#: Journal kinds that show a fault acting on a message or a participant.
FAULT_KINDS: Final = (
    "dropped",
    "delayed",
    "duplicated",
    "reordered",
    "corrupted",
    "refused",
    "retrying",
    "retries_exhausted",
    "dead_lettered",
    "crashed",
)
#: Journal kinds (and participants' ``state_changed`` events) that show recovery at work.
RECOVERY_KINDS: Final = ("replay_requested", "replayed")
RECOVERY_EVENTS: Final = (
    "restarted",
    "duplicate_ignored",
    "dip_submission_resubmitted",
    "dip_submission_abandoned",
)
#: A DIP-RESPONSE with this code answers a submission the DIP refused during an outage.
_UNAVAILABLE_CODE: Final = "MSG5003"

Outcome = Literal["completed", "recovered", "stuck"]


@attrs.frozen(kw_only=True)
class MpanReport:
    """How one MPAN fared: completed untouched, recovered from faults, or stuck (and why).

    ``touched_by`` are the fault kinds the journal shows on this MPAN's messages;
    for a stuck MPAN ``waiting_for`` and ``owed_by`` are the checkers' account
    of the next step and the participants who owe it.
    """

    mpan: str
    path: str | None
    outcome: Outcome
    touched_by: tuple[str, ...] = ()
    last_step: str | None = None
    waiting_for: tuple[str, ...] = ()
    owed_by: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line: ``<mpan> <path> recovered (from retrying)`` or ``… stuck after …``."""
        head = f"{self.mpan} {self.path or 'undecided'}"
        if self.outcome == "stuck":
            waiting = " and ".join(self.waiting_for) or "nothing the process model can name"
            return f"{head} stuck after {self.last_step or '(no step)'}: waiting for {waiting}"
        if self.outcome == "recovered":
            return f"{head} recovered (from {', '.join(self.touched_by)})"
        return f"{head} completed"


@attrs.frozen(kw_only=True)
class ExperimentReport:
    """What one run of an experiment showed, as values: equal runs give equal reports.

    ``faults`` and ``recovery`` count journal kinds (and recovery state changes)
    as ``(kind, count)`` pairs sorted by kind. ``violations`` are the checkers'
    problems other than a stuck MPAN's own line (liveness, invariants,
    conservation, conformance of completed MPANs) plus every crash that was not
    planned. ``hypothesis_holds`` is ``None`` until the hypothesis is judged.
    """

    name: str
    hypothesis: str
    seed: int
    mpans: tuple[MpanReport, ...]
    faults: tuple[tuple[str, int], ...]
    recovery: tuple[tuple[str, int], ...]
    violations: tuple[str, ...]
    verdict_ok: bool
    journal_events: int
    journal_digest: str
    replay_command: str | None
    hypothesis_holds: bool | None = None

    def count(self, kind: str) -> int:
        """How often the journal shows ``kind`` (a fault kind or a recovery kind/event)."""
        return dict(self.faults).get(kind, 0) + dict(self.recovery).get(kind, 0)

    def with_outcome(self, outcome: Outcome) -> tuple[MpanReport, ...]:
        """The MPANs whose outcome is ``outcome``."""
        return tuple(mpan for mpan in self.mpans if mpan.outcome == outcome)

    @property
    def passed(self) -> bool:
        """No MPAN stuck, no violation: the market coped with everything the plan threw at it."""
        return self.verdict_ok and not self.violations and not self.with_outcome("stuck")

    @property
    def problems(self) -> tuple[str, ...]:
        """Every problem line, worst first: unplanned crashes, stuck MPANs, other violations."""
        crashes = tuple(v for v in self.violations if v.startswith("crash"))
        stuck = tuple(mpan.describe() for mpan in self.with_outcome("stuck"))
        rest = tuple(v for v in self.violations if not v.startswith("crash"))
        return crashes + stuck + rest


def passes_every_check(report: ExperimentReport) -> bool:
    """The hypothesis of a sweep's repro: every MPAN completes and every checker is satisfied."""
    return report.passed


Hypothesis = Callable[[ExperimentReport], bool]


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
    holds: Hypothesis
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
    """A finished run as the report needs it: journal lines, digest, calendar, who crashed."""

    events: tuple[Mapping[str, Any], ...]
    digest: str
    switching_mpans: tuple[str, ...]
    calendar: SettlementCalendar
    verdict: Verdict


def run_market(setup: MarketSetup) -> MarketRun:
    """Run ``setup`` to the end, or to an unsupervised crash, which the journal then records."""
    simulation = Simulation(setup)
    try:
        result = simulation.run_sync()
    except ParticipantCrashedError:
        verdict = None  # the crash is journalled; the checks below judge what happened before it
    else:
        verdict = result.verdict
    events = tuple(journal_dicts(simulation.journal))
    mpans = tuple(setup.switching_mpans)
    if verdict is None:
        verdict = check_journal(events, mpans=mpans, calendar=simulation.calendar)
    return MarketRun(
        events=events,
        digest=simulation.journal.digest(),
        switching_mpans=mpans,
        calendar=simulation.calendar,
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


# ----------------------------------------------------------------- judging


def _refused_mpan(event: Mapping[str, Any]) -> str | None:
    """The MPAN of a submission the DIP refused, from its DIP-RESPONSE (``refused`` has none)."""
    if event.get("kind") != "delivered" or event.get("message") != "DIP-RESPONSE":
        return None
    items = (event.get("response") or {}).get("messageArray") or ()
    refused = any(str(item.get("message", "")).startswith(_UNAVAILABLE_CODE) for item in items)
    mpan = event.get("mpan")
    return mpan if refused and isinstance(mpan, str) else None


def touched_mpans(events: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Per MPAN, the fault kinds the journal shows on its messages (sorted)."""
    touched: dict[str, set[str]] = {}
    for event in events:
        mpan = event.get("mpan")
        if event.get("kind") in FAULT_KINDS and isinstance(mpan, str):
            touched.setdefault(mpan, set()).add(str(event["kind"]))
        elif (refused := _refused_mpan(event)) is not None:
            touched.setdefault(refused, set()).add("refused")
    return {mpan: tuple(sorted(kinds)) for mpan, kinds in touched.items()}


def count_faults(events: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, int], ...]:
    """How many journal events of each fault kind, sorted by kind."""
    counts = Counter(str(e["kind"]) for e in events if e.get("kind") in FAULT_KINDS)
    return tuple(sorted(counts.items()))


def count_recovery(events: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, int], ...]:
    """How often participants and the DIP recovered: replays, restarts, ignored duplicates ...

    Participants' chases count too: any state change whose name ends ``_chased``.
    """
    counts: Counter[str] = Counter()
    for event in events:
        kind = event.get("kind")
        if kind in RECOVERY_KINDS:
            counts[str(kind)] += 1
        elif kind == "state_changed":
            name = str((event.get("detail") or {}).get("event", ""))
            if name in RECOVERY_EVENTS or name.endswith("_chased"):
                counts[name] += 1
    return tuple(sorted(counts.items()))


def unplanned_crashes(events: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """One line per crash the fault plan did not ask for (a bug), and per supervisor giving up."""
    lines = []
    for event in events:
        detail = event.get("detail") or {}
        if event.get("kind") == "crashed" and detail.get("planned") is not True:
            handling = f" handling {event['message']}" if event.get("message") else ""
            mpan = f" (MPAN {event['mpan']})" if event.get("mpan") else ""
            lines.append(
                f"crash: {event.get('sender')} raised {detail.get('error', '?')}{handling}{mpan}"
            )
        elif event.get("kind") == "gave_up":
            lines.append(
                f"crash: the supervisor gave up on {event.get('sender')} after "
                f"{detail.get('restarts', '?')} restarts"
            )
    return tuple(lines)


def verdict_violations(verdict: Verdict) -> tuple[str, ...]:
    """The checkers' problems, except the stuck MPANs (their outcome line says it)."""
    lines: list[str] = []
    for report in verdict.conformance:
        if report.completed and not report.conforms:
            lines.extend(format_conformance(report))
    lines += [f"liveness: {v.describe()}" for v in verdict.liveness]
    lines += [f"invariant: {v.describe()}" for v in verdict.invariants]
    lines += [f"conservation: {v.describe()}" for v in verdict.conservation]
    return tuple(lines)


def build_report(
    events: Sequence[Mapping[str, Any]],
    *,
    name: str,
    hypothesis: str,
    seed: int,
    mpans: Iterable[str],
    digest: str,
    replay_command: str | None,
    verdict: Verdict | None = None,
    calendar: SettlementCalendar | None = None,
) -> ExperimentReport:
    """The report of one run, from its journal lines alone (``verdict``: already computed)."""
    mpans = tuple(mpans)
    if verdict is None:
        verdict = check_journal(events, mpans=mpans, calendar=calendar)
    touched = touched_mpans(events)
    reports = []
    for conformance in verdict.conformance:
        faults = touched.get(conformance.mpan, ())
        outcome: Outcome = (
            "stuck" if not conformance.completed else "recovered" if faults else "completed"
        )
        owed = [owner for pending in conformance.waiting_for for owner in pending.owed_by]
        reports.append(
            MpanReport(
                mpan=conformance.mpan,
                path=conformance.path,
                outcome=outcome,
                touched_by=faults,
                last_step=None if conformance.completed else conformance.last_step,
                waiting_for=tuple(pending.describe() for pending in conformance.waiting_for),
                owed_by=tuple(dict.fromkeys(owed)),
            )
        )
    return ExperimentReport(
        name=name,
        hypothesis=hypothesis,
        seed=seed,
        mpans=tuple(reports),
        faults=count_faults(events),
        recovery=count_recovery(events),
        violations=unplanned_crashes(events) + verdict_violations(verdict),
        verdict_ok=verdict.ok,
        journal_events=len(events),
        journal_digest=digest,
        replay_command=replay_command,
    )


def counted(count: int, noun: str) -> str:
    """``1 MPAN``, ``2 MPANs``: report lines read as sentences."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _counts(pairs: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in pairs) or "none"


def format_report(report: ExperimentReport) -> list[str]:
    """Console lines: hypothesis, faults, recovery, one line per MPAN, violations, replay, result.

    Only simulated facts appear (no wall-clock time, no absolute path), so a
    script's output is the same on every machine and every run.
    """
    outcomes = Counter(mpan.outcome for mpan in report.mpans)
    lines = [
        f"Experiment: {report.name}",
        f"Hypothesis: {report.hypothesis}",
        f"Run: seed {report.seed}, {counted(len(report.mpans), 'MPAN')}, "
        f"{counted(report.journal_events, 'journal event')}, "
        f"journal digest {report.journal_digest[:16]}",
        f"Faults injected: {_counts(report.faults)}",
        f"Recovery: {_counts(report.recovery)}",
        f"Outcomes: {outcomes['completed']} completed, {outcomes['recovered']} recovered, "
        f"{outcomes['stuck']} stuck",
    ]
    lines += [f"  {mpan.describe()}" for mpan in report.mpans]
    lines.append(f"Violations: {len(report.violations) or 'none'}")
    lines += [f"  {violation}" for violation in report.violations]
    if report.replay_command is not None:
        lines.append(f"Replay: {report.replay_command}")
    else:
        lines.append("Replay: run this experiment again (its scenario or plan is not a file)")
    if report.hypothesis_holds is not None:
        lines.append(f"Hypothesis {'holds' if report.hypothesis_holds else 'FAILS'}")
    return lines
