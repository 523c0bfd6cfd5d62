"""One verdict over a whole journal: conformance per MPAN, liveness, invariants, open disputes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import attrs

from market.checks.classification import restamp
from market.checks.conformance import MpanConformance, check_conformance, format_conformance
from market.checks.conservation import ConservationViolation, check_conservation
from market.checks.crashes import Crash, check_crashes
from market.checks.deliveries import DeliveryProblem, check_deliveries
from market.checks.facts import Event
from market.checks.forgeries import Forgery, css_forgeries, summarise_refused
from market.checks.invariants import (
    InvariantViolation,
    ManualIntervention,
    OpenDispute,
    check_invariants,
    manual_interventions,
    open_disputes,
)
from market.checks.liveness import DEFAULT_WORKING_DAYS, LivenessViolation, check_liveness
from market.checks.parties import participant_roles
from market.checks.rejections import DipRejection, dip_rejections, format_rejections
from market.kernel.settlement_calendar import SettlementCalendar
from market.process.model import PATHS
from market.process.options import ProcessOptions
from market.process.vocabulary import Path


@attrs.frozen(kw_only=True, slots=True)
class PathCount:
    """How many MPANs took one path (``None``: still undecided), completed or stuck."""

    path: Path | None
    completed: int
    stuck: int


@attrs.frozen(kw_only=True, slots=True)
class Verdict:
    """Everything the checks found in one journal.

    ``ok`` is false when any MPAN is stuck, misses a required step, shows an
    unexpected step or a step out of order, or when a liveness or invariant
    rule is broken, when a routed DIP publication never reached a recipient
    (conservation), when a participant crashed and nobody restarted it
    (``crashes``), when a step missed a recipient, went to the wrong party,
    broke its timing rule or was sent twice (``deliveries``), or when a participant
    received a CSS message its sender was not entitled to send (a ``forgeries``
    entry not ``refused``). Open disputes, manual interventions (D4), the DIP's
    rejections after acceptance (``dip_rejections``: level 2 by the DIP, levels 3
    and 4 by recipients) and forged CSS messages the CSS refused are reported but
    do not make it false.
    """

    ok: bool
    conformance: tuple[MpanConformance, ...]
    liveness: tuple[LivenessViolation, ...]
    invariants: tuple[InvariantViolation, ...]
    conservation: tuple[ConservationViolation, ...]
    open_disputes: tuple[OpenDispute, ...]
    path_counts: tuple[PathCount, ...]
    crashes: tuple[Crash, ...] = ()
    deliveries: tuple[DeliveryProblem, ...] = ()
    manual_interventions: tuple[ManualIntervention, ...] = ()
    dip_rejections: tuple[DipRejection, ...] = ()
    forgeries: tuple[Forgery, ...] = ()

    @property
    def completed(self) -> int:
        """How many MPANs completed their path."""
        return sum(count.completed for count in self.path_counts)

    @property
    def stuck(self) -> int:
        """How many MPANs did not complete their path."""
        return sum(count.stuck for count in self.path_counts)

    @property
    def problems(self) -> int:
        """Non-conforming MPANs, broken rules, crashes, delivery problems, delivered forgeries."""
        failing = sum(not report.conforms for report in self.conformance)
        rules = len(self.liveness) + len(self.invariants) + len(self.conservation)
        return failing + rules + len(self.crashes) + len(self.deliveries) + len(self.forged)

    @property
    def forged(self) -> tuple[Forgery, ...]:
        """The forged CSS messages that reached a participant (the refused ones do not count)."""
        return tuple(forgery for forgery in self.forgeries if not forgery.refused)


def check_journal(
    events: Iterable[Event],
    *,
    mpans: Iterable[str] | None = None,
    liveness_working_days: int = DEFAULT_WORKING_DAYS,
    calendar: SettlementCalendar | None = None,
    options: ProcessOptions | None = None,
) -> Verdict:
    """Run every check on ``events`` (journal lines as dicts); ``mpans`` must all appear.

    Each event's step is the checker's own (:func:`~market.checks.classification.restamp`),
    never the ``step`` the journal carries. ``options`` are the run's RECON choices, for
    the timing rules that follow them (default: :class:`ProcessOptions`' defaults).
    """
    events = list(events)
    roles = participant_roles(events)  # read from headers and addresses, never from steps
    events = restamp(events, roles=roles)
    conformance = check_conformance(events, mpans, roles=roles, options=options)
    liveness = check_liveness(events, working_days=liveness_working_days, calendar=calendar)
    invariants = check_invariants(events)
    conservation = check_conservation(events)
    crashes = check_crashes(events)
    deliveries = check_deliveries(events, calendar=calendar, options=options, roles=roles)
    forgeries = css_forgeries(events, roles=roles)
    counts = [
        PathCount(
            path=path,
            completed=sum(r.completed for r in conformance if r.path == path),
            stuck=sum(not r.completed for r in conformance if r.path == path),
        )
        for path in (*PATHS, None)
        if any(report.path == path for report in conformance)
    ]
    return Verdict(
        ok=all(report.conforms for report in conformance)
        and not liveness
        and not invariants
        and not conservation
        and not crashes
        and not deliveries
        and all(forgery.refused for forgery in forgeries),
        conformance=conformance,
        liveness=liveness,
        invariants=invariants,
        conservation=conservation,
        open_disputes=open_disputes(events),
        path_counts=tuple(counts),
        crashes=crashes,
        deliveries=deliveries,
        manual_interventions=manual_interventions(events),
        dip_rejections=dip_rejections(events),
        forgeries=forgeries,
    )


def _unfinished(verdict: Verdict) -> str:
    """After a crash: which MPANs it left unfinished (the first ten)."""
    unfinished = [report.mpan for report in verdict.conformance if not report.completed]
    if not unfinished:
        return "crash: every MPAN had finished"
    more = f" and {len(unfinished) - 10} more" if len(unfinished) > 10 else ""
    return f"crash: left {len(unfinished)} MPANs unfinished: {', '.join(unfinished[:10])}{more}"


#: How many open disputes and manual interventions :func:`format_verdict` lists by default:
#: they are findings, not failures, and a large run has hundreds.
NOTED_LINES_SHOWN: Final = 10


def _noted(label: str, lines: Sequence[str], limit: int | None) -> list[str]:
    """``label: line`` for each, the first ``limit`` only, then how many more there are."""
    shown = lines if limit is None else lines[:limit]
    out = [f"{label}: {line}" for line in shown]
    if len(lines) > len(shown):
        out.append(f"{label}: ... and {len(lines) - len(shown)} more ({len(lines)} in all)")
    return out


def format_verdict(verdict: Verdict, *, noted_limit: int | None = NOTED_LINES_SHOWN) -> list[str]:
    """Console lines: one summary line per path, then each problem, open disputes, the verdict.

    Every problem is listed; open disputes and manual interventions, which do not fail
    the verdict, are listed up to ``noted_limit`` each (``None``: all of them).
    """
    lines = [f"crash: {crash.describe()}" for crash in verdict.crashes]
    if verdict.crashes:
        lines.append(_unfinished(verdict))
    lines += [
        f"{count.path or 'undecided'}: {count.completed} completed, {count.stuck} stuck"
        for count in verdict.path_counts
    ]
    for report in verdict.conformance:
        if not report.conforms:
            lines.extend(format_conformance(report))
    lines.extend(f"{problem.kind}: {problem.describe()}" for problem in verdict.deliveries)
    lines.extend(f"liveness: {violation.describe()}" for violation in verdict.liveness)
    lines.extend(f"invariant: {violation.describe()}" for violation in verdict.invariants)
    lines.extend(f"conservation: {violation.describe()}" for violation in verdict.conservation)
    lines.extend(f"forged CSS message delivered: {forged.describe()}" for forged in verdict.forged)
    disputes = [dispute.describe() for dispute in verdict.open_disputes]
    lines.extend(_noted("open dispute", disputes, noted_limit))
    cases = [case.describe() for case in verdict.manual_interventions]
    lines.extend(_noted("manual intervention", cases, noted_limit))
    lines.extend(format_rejections(verdict.dip_rejections))
    lines.extend(summarise_refused(verdict.forgeries))
    refused = [forgery.describe() for forgery in verdict.forgeries if forgery.refused]
    lines.extend(_noted("forged CSS message refused", refused, noted_limit))
    if verdict.ok:
        lines.append(f"verdict: OK (MPANs checked: {len(verdict.conformance)})")
    else:
        lines.append(f"verdict: FAILED (problems: {verdict.problems})")
    return lines
