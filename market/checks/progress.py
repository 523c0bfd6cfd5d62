"""Reading a journal against the process model: which steps an MPAN showed, its path, its progress.

Pure functions of journal lines (dicts): the steps stamped on delivered and
accepted events, the path those steps reveal, and how far along the path the
MPAN got. The conformance checker, liveness check, outcomes table and journeys
all read journals through these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from market.kernel.event_kinds import EventKind
from market.process.classification import answering_step
from market.process.model import (
    PATH_STEPS,
    TERMINAL_STEPS,
    UNDECIDED_STEPS,
    VARIANT_PATHS,
    Step,
    path_steps,
)
from market.process.options import DEFAULT_OPTIONS, ProcessOptions
from market.process.vocabulary import Path

#: Journal kinds that show a step happened: a delivery, or the DIP accepting a submission.
OBSERVING_KINDS: Final = frozenset({EventKind.DELIVERED, EventKind.ACCEPTED})


def observed_step(event: Mapping[str, Any]) -> str | None:
    """The step a journal event shows happened, or ``None``.

    Only ``delivered`` and ``accepted`` events show steps. A D0300 whose items
    carry a ``resolution`` answers the dispute its stamped step raised (T8 →
    T8r), as the flow's data items say; the journal labels it so too, but one written
    before it did says T8.
    """
    if event.get("kind") not in OBSERVING_KINDS:
        return None
    return answering_step(event.get("step"), flow_items(event).get("resolution"))


def flow_items(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The data items of the D-flow a journal event carries (empty when it carries none)."""
    flow = event.get("flow")
    items = flow.get("items") if isinstance(flow, Mapping) else None
    return items if isinstance(items, Mapping) else {}


def observed_steps(events: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The steps one MPAN's events show, each once, in the order they were first performed.

    A step is performed when its sender sent it (a delivery's ``sent_at``), which
    is not always when it arrived: a delayed or reordered network must not make
    a participant look as if it acted out of order.
    """
    first = _first_performed(events)
    return tuple(sorted(first, key=first.__getitem__))


def performed_at(events: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """When each observed step was first performed (ISO instant its sender sent it)."""
    return {step: at for step, (at, _) in _first_performed(events).items()}


def _first_performed(events: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, int]]:
    first: dict[str, tuple[str, int]] = {}
    for index, event in enumerate(events):
        step = observed_step(event)
        if step is not None and step not in first:
            first[step] = (str(event.get("sent_at") or event.get("at")), index)
    return first


#: Messages that show a reverse migration, whose meter variant then picks the path.
_REVERSE_MIGRATION_EVIDENCE: Final = frozenset({"IF-003", "PUB-003"})
#: Messages that show the switch was withdrawn after securing (D4), whatever came before.
_WITHDRAWAL_EVIDENCE: Final = frozenset(
    {"RegistrationWithdrawal", "RegistrationWithdrawn", "LossWithdrawn"}
)
#: The MHHS appointment messages IF-031 to IF-036 (and their publications).
_APPOINTMENT_EVIDENCE: Final = frozenset(
    f"{kind}-03{n}" for kind in ("IF", "PUB") for n in range(1, 7)
)
#: The REGS codes that refuse an appointment on a related MPAN (D13).
RELATED_MPAN_CODES: Final = ("REG1038", "REG1039")
#: Messages that decide the other paths (``docs/message-flows.md``), strongest first.
_PATH_EVIDENCE: Final = (
    (Path.COS_M, frozenset({"IF-001", "PUB-001"}) | _APPOINTMENT_EVIDENCE),
    (Path.OBJ, frozenset({"Objection", "RegistrationObjected"})),
    (Path.COS_L, frozenset({"D0217"})),
)
#: Every message whose name the path rules read (:func:`path_of`, :func:`meter_variant`).
OUTCOME_MESSAGES: Final = (
    _REVERSE_MIGRATION_EVIDENCE
    | _WITHDRAWAL_EVIDENCE
    | frozenset().union(*(evidence for _, evidence in _PATH_EVIDENCE))
    | {"PUB-032", "D0155", "D0153"}
)
#: The MHHS appointment messages, whose appointment scenario can decide the path (D12).
APPOINTMENT_MESSAGES: Final = _APPOINTMENT_EVIDENCE
_VARIANT_ONLY_STEPS: Final = {
    variant: frozenset(step.step_id for step in PATH_STEPS[path])
    - frozenset(
        step.step_id
        for other in VARIANT_PATHS.values()
        if other != path
        for step in PATH_STEPS[other]
    )
    for variant, path in VARIANT_PATHS.items()
}
_HH_AGENT_ROLES: Final = frozenset({"HHDC", "HHMOA", "HHDA"})


def path_of(events: Iterable[Mapping[str, Any]]) -> Path | None:
    """The path one MPAN's events show, or ``None`` while it is undecided.

    A CSS withdrawal → WDR (D4), even after an IF-003; else IF-003 → the
    reverse migration of the MPAN's :func:`meter_variant`; else a PUB-032
    refusing an appointment with REG1038/REG1039 → REL (D13); else an MHHS
    appointment with scenario MCS → MCS (D12); else
    IF-001 or any of the MHHS appointments IF-031 to IF-036 → COS-M; else an
    Objection or RegistrationObjected → OBJ; else D0217 → COS-L. Only
    delivered or accepted messages count.
    """
    events = list(events)
    messages = {e.get("message") for e in events if e.get("kind") in OBSERVING_KINDS}
    if messages & _WITHDRAWAL_EVIDENCE:
        return Path.WDR
    if messages & _REVERSE_MIGRATION_EVIDENCE:
        return VARIANT_PATHS[meter_variant(events)]
    if any(_refused_as_related(event) for event in events):
        return Path.REL
    if any(_migration_scenario(event) for event in events):
        return Path.MCS
    for path, evidence in _PATH_EVIDENCE:
        if messages & evidence:
            return path
    return None


def _refused_as_related(event: Mapping[str, Any]) -> bool:
    """A delivered PUB-032 whose R0 refuses the appointment as a related MPAN's (D13)."""
    if event.get("kind") != "delivered" or event.get("message") != "PUB-032":
        return False
    envelope = event.get("envelope")
    common = envelope.get("CommonBlock") if isinstance(envelope, Mapping) else None
    r0 = common.get("R0") if isinstance(common, Mapping) else None
    if not isinstance(r0, Mapping) or r0.get("responseCode") != "R":
        return False
    found = r0.get("responseMessages")
    return isinstance(found, list) and any(
        str(text).startswith(RELATED_MPAN_CODES) for text in found
    )


def _migration_scenario(event: Mapping[str, Any]) -> bool:
    """An accepted or delivered IF-031..IF-036 whose appointment scenario is MCS (D12)."""
    if event.get("kind") not in OBSERVING_KINDS or event.get("message") not in (
        _APPOINTMENT_EVIDENCE
    ):
        return False
    envelope = event.get("envelope")
    custom = envelope.get("CustomBlock") if isinstance(envelope, Mapping) else None
    if not isinstance(custom, Mapping):
        return False
    return any(
        isinstance(block, Mapping) and block.get("appointmentScenario") == "MCS"
        for block in custom.values()
    )


def meter_variant(events: Iterable[Mapping[str, Any]]) -> str:
    """The meter variant one MPAN's events show: ``"T"``, ``"A"`` or ``"S"``.

    First from the steps: the first step only one variant has decides. Else from
    what the incoming supplier appointed (a D0155/D0153 for an HH agent → A; a
    D0155 with ``smart_cos_indicator`` → S), else from the role the DIP routed an
    IF-003 de-appointment to (MSA or ADS → A). Otherwise T.
    """
    events = list(events)
    for step in observed_steps(events):
        for variant, only in _VARIANT_ONLY_STEPS.items():
            if step in only:
                return variant
    for event in events:
        if event.get("kind") == EventKind.DELIVERED and event.get("message") in ("D0155", "D0153"):
            items = flow_items(event)
            if items.get("appointed_role") in _HH_AGENT_ROLES:
                return "A"
            if items.get("smart_cos_indicator") is True:
                return "S"
        if event.get("kind") == EventKind.ROUTED and event.get("message") == "PUB-003":
            routing = str((event.get("detail") or {}).get("routing", ""))
            if "MSA:" in routing or "ADS:" in routing:
                return "A"
    return "T"


@attrs.frozen(kw_only=True, slots=True)
class Progress:
    """How far one MPAN got along its path: what it showed, what is missing, what is due next.

    ``waiting_for`` are the required steps not yet observed whose required
    predecessors all were: what the MPAN is waiting for now. ``last_step`` is
    the last required step observed (progress along the main line, not the
    optional reads and copies around it).
    """

    path: Path | None
    observed: tuple[str, ...]
    completed: bool
    last_step: str | None
    missing: tuple[Step, ...]
    waiting_for: tuple[Step, ...]


def progress_of(
    path: Path | None, observed: Iterable[str], options: ProcessOptions | None = None
) -> Progress:
    """Where an MPAN on ``path`` (``None``: undecided) stands, given the steps it showed.

    Under ``options`` (default: the defaults) a step whose ``if=`` option is off is not
    on the path, so it is never missing or waited for.
    """
    observed = tuple(observed)
    seen = frozenset(observed)
    steps = path_steps(path, options or DEFAULT_OPTIONS) if path is not None else UNDECIDED_STEPS
    required = [step for step in steps if step.required]
    required_ids = frozenset(step.step_id for step in required)
    missing = tuple(step for step in required if step.step_id not in seen)
    completed = path is not None and all(t in seen for t in TERMINAL_STEPS[path])
    main_line = [step for step in observed if step in required_ids] or list(observed)
    waiting = (
        ()
        if completed
        else tuple(
            step
            for step in missing
            if all(before in seen for before in step.after if before in required_ids)
        )
    )
    return Progress(
        path=path,
        observed=observed,
        completed=completed,
        last_step=main_line[-1] if main_line else None,
        missing=missing,
        waiting_for=waiting,
    )


@attrs.frozen(kw_only=True, slots=True)
class MpanOutcome:
    """How one MPAN's switch ended, read from the journal: completed, or where it stopped."""

    mpan: str
    completed: bool
    observed: tuple[str, ...]
    last_step: str | None = None
    waiting_for: str | None = None
    path: Path | None = None

    def describe(self) -> str:
        """One line for people: completed, or stuck after a step and waiting for others."""
        path = self.path or "undecided"
        if self.completed:
            return f"{self.mpan}  {path} completed ({len(self.observed)} steps)"
        return (
            f"{self.mpan}  {path} stuck after step {self.last_step or '(none)'}, "
            f"waiting for {self.waiting_for}"
        )


def mpan_outcomes(
    events: Iterable[Mapping[str, Any]],
    mpans: Iterable[str] | None = None,
    *,
    options: ProcessOptions | None = None,
) -> list[MpanOutcome]:
    """Per MPAN (sorted), whether its path completed; if not, where it stopped and what is due.

    ``events`` are journal lines as dicts (``event_to_dict`` or a journal file).
    Every MPAN whose journal shows a step is judged; ``mpans`` adds MPANs that
    should have switched even if the journal never mentions them.
    """
    expected = frozenset(mpans or ())
    by_mpan: dict[str, list[Mapping[str, Any]]] = {mpan: [] for mpan in expected}
    for event in events:
        mpan = event.get("mpan")
        if mpan is not None:
            by_mpan.setdefault(mpan, []).append(event)
    outcomes = []
    for mpan in sorted(by_mpan):
        observed = observed_steps(by_mpan[mpan])
        if not observed and mpan not in expected:
            continue
        progress = progress_of(path_of(by_mpan[mpan]), observed, options)
        waiting = " and ".join(f"{step.label} from {step.party}" for step in progress.waiting_for)
        outcomes.append(
            MpanOutcome(
                mpan=mpan,
                completed=progress.completed,
                observed=progress.observed,
                last_step=None if progress.completed else progress.last_step,
                waiting_for=waiting or None,
                path=progress.path,
            )
        )
    return outcomes
