"""Experiment reports: what one run under a fault plan showed, as values, from the journal alone.

:func:`build_report` is a pure function of journal lines (as written by
``market run --journal`` or :func:`market.runtime.simulation.journal_dicts`): which
faults the journal shows, counted by kind; what the participants and the DIP did
to recover; each MPAN's outcome (*completed* untouched, *recovered* although a
fault touched its messages, or *stuck* with the step it waits for and who owes
it); the checkers' violations. :func:`format_report` renders it for people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal

import attrs

from market.checks import Verdict, check_journal, format_conformance
from market.checks.progress import observed_step
from market.kernel.event_kinds import EventKind
from market.kernel.settlement_calendar import SettlementCalendar
from market.process.vocabulary import Path

#: Journal kinds that show a fault acting on a message or a participant.
FAULT_KINDS: Final = (
    EventKind.DROPPED,
    EventKind.DELAYED,
    EventKind.DUPLICATED,
    EventKind.REORDERED,
    EventKind.CORRUPTED,
    EventKind.REFUSED,
    EventKind.RETRYING,
    EventKind.RETRIES_EXHAUSTED,
    EventKind.DEAD_LETTERED,
    EventKind.CRASHED,
)
#: Journal kinds that show recovery at work (the DIP replaying what a participant missed).
RECOVERY_KINDS: Final = (EventKind.REPLAY_REQUESTED, EventKind.REPLAYED)
#: Participants' state changes that show recovery (or its end: a resubmission abandoned).
RECOVERY_EVENTS: Final = (
    "restarted",
    "duplicate_ignored",
    "dip_submission_resubmitted",
    "dip_submission_abandoned",
)
#: A DIP-RESPONSE with this code answers a submission the DIP refused during an outage.
_UNAVAILABLE_CODE: Final = "MSG5003"

#: How an MPAN's switch ended under the fault plan.
Outcome = Literal["completed", "recovered", "stuck"]
#: Violation lines for crashes start with this, so reports can put them first.
CRASH: Final = "crash: "


@attrs.frozen(kw_only=True)
class MpanReport:
    """How one MPAN fared: completed untouched, recovered from faults, or stuck (and why).

    ``touched_by`` are the fault kinds the journal shows on this MPAN's messages;
    for a stuck MPAN ``waiting_for`` and ``owed_by`` are the checkers' account
    of the next step and the participants who owe it. ``last_step_on`` is the UK
    date of the last step the MPAN showed, so late completions are visible.
    """

    mpan: str
    path: Path | None
    outcome: Outcome
    touched_by: tuple[str, ...] = ()
    last_step: str | None = None
    waiting_for: tuple[str, ...] = ()
    owed_by: tuple[str, ...] = ()
    last_step_on: str | None = None

    def describe(self) -> str:
        """One line: ``<mpan> <path> recovered from retrying, last step <date>`` or ``stuck …``."""
        head = f"{self.mpan} {self.path or 'undecided'}"
        if self.outcome == "stuck":
            waiting = " and ".join(self.waiting_for) or "nothing the process model can name"
            return f"{head} stuck after {self.last_step or '(no step)'}: waiting for {waiting}"
        if self.outcome == "recovered":
            faults = ", ".join(self.touched_by)
            return f"{head} recovered from {faults}, last step {self.last_step_on}"
        return f"{head} completed, last step {self.last_step_on}"


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
        crashes = tuple(v for v in self.violations if v.startswith(CRASH))
        stuck = tuple(mpan.describe() for mpan in self.with_outcome("stuck"))
        rest = tuple(v for v in self.violations if not v.startswith(CRASH))
        return crashes + stuck + rest


def passes_every_check(report: ExperimentReport) -> bool:
    """The hypothesis of a sweep's repro: every MPAN completes and every checker is satisfied."""
    return report.passed


# ----------------------------------------------------------------- judging


def _refused_mpan(event: Mapping[str, Any]) -> str | None:
    """The MPAN of a submission the DIP refused, from its DIP-RESPONSE (``refused`` has none)."""
    if event.get("kind") != EventKind.DELIVERED or event.get("message") != "DIP-RESPONSE":
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
            touched.setdefault(refused, set()).add(EventKind.REFUSED)
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
        elif kind == EventKind.STATE_CHANGED:
            name = str((event.get("detail") or {}).get("event", ""))
            if name in RECOVERY_EVENTS or name.endswith("_chased"):
                counts[name] += 1
    return tuple(sorted(counts.items()))


def last_step_dates(events: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Per MPAN, the UK date (``YYYY-MM-DD``) of the last journal event that shows a step."""
    dates: dict[str, str] = {}
    for event in events:
        mpan = event.get("mpan")
        if isinstance(mpan, str) and observed_step(event) is not None:
            dates[mpan] = str(event.get("at", ""))[:10]  # ``at`` is written in UK local time
    return dates


def unplanned_crashes(events: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """One line per crash the fault plan did not ask for (a bug), and per supervisor giving up."""
    lines = []
    for event in events:
        detail = event.get("detail") or {}
        if event.get("kind") == EventKind.CRASHED and detail.get("planned") is not True:
            handling = f" handling {event['message']}" if event.get("message") else ""
            mpan = f" (MPAN {event['mpan']})" if event.get("mpan") else ""
            lines.append(
                f"{CRASH}{event.get('sender')} raised {detail.get('error', '?')}{handling}{mpan}"
            )
        elif event.get("kind") == EventKind.GAVE_UP:
            lines.append(
                f"{CRASH}the supervisor gave up on {event.get('sender')} after "
                f"{detail.get('restarts', '?')} restarts"
            )
    return tuple(lines)


def verdict_violations(verdict: Verdict) -> tuple[str, ...]:
    """The checkers' problems, except the stuck MPANs (their outcome line says it)."""
    lines: list[str] = []
    for report in verdict.conformance:
        if report.completed and not report.conforms:
            lines.extend(format_conformance(report))
    lines += [f"{problem.kind}: {problem.describe()}" for problem in verdict.deliveries]
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
    last_step_on = last_step_dates(events)
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
                last_step_on=last_step_on.get(conformance.mpan),
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
