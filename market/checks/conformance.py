"""Does each MPAN's journal follow its path of ``docs/message-flows.md``?

Per MPAN: which path it took (:func:`market.process.model.path_of`), which
required steps are missing, which observed steps its path does not have
(*unexpected*), which came before a step they must follow (*out of order*),
and, when it did not complete, the last step it reached, what it waits for and
which participant owes each of those steps (:func:`market.checks.parties.owed_by`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from market.checks.blame import fate_of
from market.checks.facts import Event, events_by_mpan
from market.checks.parties import owed_by, participant_roles
from market.checks.progress import observed_steps, path_of, performed_at, progress_of
from market.kernel.ids import Role
from market.process.model import STEPS_BY_ID, Step, path_steps, step_by_id
from market.process.options import DEFAULT_OPTIONS, ProcessOptions
from market.process.vocabulary import Path


@attrs.frozen(kw_only=True, slots=True)
class PendingStep:
    """A required step an unfinished MPAN waits for, and the participants who owe it."""

    step: Step
    owed_by: tuple[str, ...]
    fate: str = ""

    def describe(self) -> str:
        """``T3 D0150 from MSS (owed by MSS-MSSD)``, or what the network did to it.

        ``fate`` is :func:`market.checks.blame.fate_of`'s phrase (empty: owed by ``owed_by``).
        """
        owners = " or ".join(self.owed_by) or f"an unidentified {self.step.party}"
        return f"{self.step.label} from {self.step.party} ({self.fate or 'owed by ' + owners})"


@attrs.frozen(kw_only=True, slots=True)
class OutOfOrderStep:
    """A step observed before ``prerequisite``, which its path says must come first."""

    step_id: str
    prerequisite: str


@attrs.frozen(kw_only=True, slots=True)
class MpanConformance:
    """How one MPAN's journal measures up to its path.

    ``path`` is ``None`` while the journal shows no decision (only the common
    start). ``missing`` lists every required step not observed (for an
    unfinished MPAN that includes the steps still to come); ``waiting_for``
    only those due now.
    """

    mpan: str
    path: Path | None
    observed: tuple[str, ...]
    completed: bool
    last_step: str | None
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]
    out_of_order: tuple[OutOfOrderStep, ...]
    waiting_for: tuple[PendingStep, ...]

    @property
    def conforms(self) -> bool:
        """Completed, with every required step, no unexpected step and nothing out of order."""
        return self.completed and not (self.missing or self.unexpected or self.out_of_order)


def check_conformance(
    events: Iterable[Event],
    mpans: Iterable[str] | None = None,
    *,
    roles: Mapping[str, Role] | None = None,
    options: ProcessOptions | None = None,
) -> tuple[MpanConformance, ...]:
    """One report per MPAN (sorted) whose journal shows a step, plus every MPAN of ``mpans``.

    ``roles`` are the journal's :func:`~market.checks.parties.participant_roles`, when the
    caller has them already (deducing them reads every event). Under ``options`` (the
    run's RECON choices) a step whose ``if=`` option is off is unexpected.
    """
    events = list(events)
    options = options or DEFAULT_OPTIONS
    roles = participant_roles(events) if roles is None else roles
    expected = frozenset(mpans or ())
    grouped = events_by_mpan(events)
    reports = []
    for mpan in sorted(expected | grouped.keys()):
        mpan_events = grouped.get(mpan, [])
        observed = observed_steps(mpan_events)
        if observed or mpan in expected:
            reports.append(_judge(mpan, mpan_events, observed, roles, options))
    return tuple(reports)


def _judge(
    mpan: str,
    events: list[Event],
    observed: tuple[str, ...],
    roles: Mapping[str, Role],
    options: ProcessOptions,
) -> MpanConformance:
    path = path_of(events)
    progress = progress_of(path, observed, options)
    unexpected: tuple[str, ...] = ()
    out_of_order: list[OutOfOrderStep] = []
    if path is not None:
        # Order is judged by when each step was performed; steps sent at the same instant
        # (one batch of one participant) are not out of order, whatever the network did.
        position = performed_at(events)
        known = {step.step_id for step in path_steps(path, options)}
        unexpected = tuple(step_id for step_id in observed if step_id not in known)
        for step_id in observed:
            if step_id in unexpected:
                continue
            out_of_order.extend(
                OutOfOrderStep(step_id=step_id, prerequisite=before)
                for before in step_by_id(step_id, path).after
                if position.get(before, "") > position[step_id]
            )
    return MpanConformance(
        mpan=mpan,
        path=path,
        observed=observed,
        completed=progress.completed,
        last_step=progress.last_step,
        missing=tuple(step.step_id for step in progress.missing),
        unexpected=unexpected,
        out_of_order=tuple(out_of_order),
        waiting_for=tuple(_pending(step, events, roles) for step in progress.waiting_for),
    )


def _pending(step: Step, events: list[Event], roles: Mapping[str, Role]) -> PendingStep:
    owners = owed_by(step, events, roles)
    return PendingStep(step=step, owed_by=owners, fate=fate_of(step, events, owners, roles))


def format_conformance(report: MpanConformance) -> list[str]:
    """Readable lines: one for a conforming MPAN, one per problem otherwise.

    ``1935657896617 RM-T stuck after C15: waiting for T3 D0150 from MSS (owed by MSS-MSSD)``
    """
    head = f"{report.mpan} {report.path or 'undecided'}"
    if report.conforms:
        return [f"{head} completed ({len(report.observed)} steps)"]
    lines = []
    if not report.completed:
        waiting = " and ".join(pending.describe() for pending in report.waiting_for)
        lines.append(f"{head} stuck after {report.last_step or '(no step)'}: waiting for {waiting}")
    else:
        lines.extend(
            f"{head} completed without {_describe(step_id, report.path)}"
            for step_id in report.missing
        )
    lines.extend(
        f"{head} unexpected step {STEPS_BY_ID[step_id].label}" for step_id in report.unexpected
    )
    lines.extend(
        f"{head} out of order: {step_by_id(wrong.step_id, report.path).label} came before "
        f"{step_by_id(wrong.prerequisite, report.path).label}"
        for wrong in report.out_of_order
    )
    return lines


def _describe(step_id: str, path: str | None) -> str:
    step = step_by_id(step_id, path)
    return f"{step.label} from {step.party}"
