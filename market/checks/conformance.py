"""Does each MPAN's journal follow its path of ``docs/message-flows.md``?

Per MPAN: which path it took (:func:`market.process.model.path_of`), which
required steps are missing, which observed steps its path does not have
(*unexpected*), which came before a step they must follow (*out of order*),
and, when it did not complete, the last step it reached, what it waits for and
which participant owes each of those steps (:func:`market.checks.parties.owed_by`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from market.checks.blame import fate_of
from market.checks.facts import Event, events_by_mpan
from market.checks.parties import owed_by, participant_roles, party_holder
from market.checks.progress import observed_steps, path_of, performed_at, progress_of
from market.kernel.event_kinds import EventKind
from market.kernel.ids import Role
from market.kernel.vocabulary import DIP
from market.process.model import (
    PATH_STEPS,
    STEPS_BY_ID,
    SUP_IN,
    SUP_OUT,
    Step,
    path_steps,
    step_by_id,
)
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
class WrongSender:
    """A message of the process whose sender, as the journal names it, may not have sent it.

    ``steps`` are the steps the message can show on the MPAN's path (else on any).
    ``problem`` says why the sender is wrong: its role performs no step with
    that message, it is the other supplier, the D-flow's header names another
    role, or another event of the same message names someone else.
    """

    seq: object
    steps: tuple[str, ...]
    message: str
    sender: str
    problem: str

    def describe(self) -> str:
        """``wrong sender at seq 48: C7 IF-003 [ReverseMigNotification] submitted by …``."""
        steps = " or ".join(self.steps)
        return f"wrong sender at seq {self.seq}: {steps} {self.message} {self.problem}"


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
    wrong_senders: tuple[WrongSender, ...] = ()

    @property
    def conforms(self) -> bool:
        """Completed, with every required step, nothing unexpected, out of order or wrongly sent."""
        return self.completed and not (
            self.missing or self.unexpected or self.out_of_order or self.wrong_senders
        )


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
        wrong_senders=wrong_senders(events, roles, path),
    )


def _pending(step: Step, events: list[Event], roles: Mapping[str, Role]) -> PendingStep:
    owners = owed_by(step, events, roles)
    return PendingStep(step=step, owed_by=owners, fate=fate_of(step, events, owners, roles))


#: Journal kinds that name who sent a message: the field that names them, and how to say it.
#: The DIP accepts a submission *from* its recipient; a publication it delivers names the DIP.
_SENDER_FIELDS: Final[Mapping[str, tuple[str, str]]] = {
    EventKind.SUBMITTED: ("sender", "submitted by"),
    EventKind.ACCEPTED: ("recipient", "accepted from"),
    EventKind.SENT: ("sender", "sent by"),
    EventKind.DELIVERED: ("sender", "delivered as from"),
}
_NOT_SENDERS: Final = frozenset({"DIP", "customer"})


@functools.lru_cache(maxsize=4096)
def _message_steps(
    network: object, message: object, event_code: object, path: Path | None
) -> tuple[Step, ...]:
    """The steps of ``path`` (``None``: of every path) a message can show.

    A step shows by its message id (or publication), and by its event code where it names one.
    """
    return tuple(
        step
        for each in ((path,) if path is not None else tuple(PATH_STEPS))
        for step in PATH_STEPS[each]
        if step.network == network
        and message in step.messages
        and step.event_code in (None, event_code)
    )


def wrong_senders(
    events: Iterable[Event], roles: Mapping[str, Role], path: Path | None = None
) -> tuple[WrongSender, ...]:
    """Every message of one MPAN's ``events`` that names a sender who may not have sent it.

    The sender of a message the process model knows must hold a role that
    performs one of its steps (as :func:`~market.checks.parties.participant_roles`
    pins roles; a participant of unknown role passes); a step only the gaining
    (losing) supplier performs must come from the MPAN's gaining (losing) supplier;
    and a message's send and its delivery, or a DIP submission and its
    acceptance, must name the same sender.
    """
    events = list(events)
    holders = {party: party_holder(party, events) for party in (SUP_IN, SUP_OUT)}
    sends = _sends(events)
    found: list[WrongSender] = []
    for event in events:
        kind = event.get("kind")
        field, action = _SENDER_FIELDS.get(kind, ("", "")) if isinstance(kind, str) else ("", "")
        sender = event.get(field)
        if not isinstance(sender, str) or sender in _NOT_SENDERS:
            continue
        network, message, code = event.get("network"), event.get("message"), event.get("event_code")
        anywhere = _message_steps(network, message, code, None)
        if not anywhere:
            continue
        # The role is judged against every path (a step its path lacks is *unexpected*, not
        # wrongly sent); who holds a supplier's part, against the MPAN's own path.
        steps = list(_message_steps(network, message, code, path) or anywhere)
        role = roles.get(sender)
        problem = (
            _role_problem(role, list(anywhere))
            or _party_problem(sender, role, steps, holders)
            or _header_problem(event, role)
            or _identity_problem(event, sender, sends)
        )
        if problem is not None:
            label = " ".join(str(part) for part in (message, code) if part)
            found.append(
                WrongSender(
                    seq=event.get("seq"),
                    steps=tuple(dict.fromkeys(step.step_id for step in steps)),
                    message=label,
                    sender=sender,
                    problem=f"{action} {sender}{problem}",
                )
            )
    return tuple(found)


def _sends(events: list[Event]) -> dict[tuple[object, ...], list[tuple[str, object]]]:
    """Who sent what, by the facts a later event of the same message repeats.

    A delivery repeats its send's network, message, MPAN, recipient and instant
    (``sent_at``); the DIP's acceptance its submission's message, event code,
    MPAN and instant.
    """
    sends: dict[tuple[object, ...], list[tuple[str, object]]] = {}
    for event in events:
        sender = event.get("sender")
        if not isinstance(sender, str):
            continue
        if event.get("kind") == EventKind.SENT:
            key = _send_key(event, event.get("at"))
        elif event.get("kind") == EventKind.SUBMITTED:
            key = _submission_key(event)
        else:
            continue
        sends.setdefault(key, []).append((sender, event.get("seq")))
    return sends


def _send_key(event: Event, at: object) -> tuple[object, ...]:
    keys = ("network", "message", "mpan", "recipient")
    return ("sent", *(event.get(key) for key in keys), at)


def _submission_key(event: Event) -> tuple[object, ...]:
    keys = ("message", "event_code", "mpan", "at")
    return ("submitted", *(event.get(key) for key in keys))


def _role_problem(role: Role | None, steps: list[Step]) -> str | None:
    """Why a sender of ``role`` cannot perform any of ``steps``, or ``None`` (unknown role too)."""
    performers = tuple(dict.fromkeys(r for step in steps for r in step.actor_roles))
    if role is None or role in performers:
        return None
    return f" ({role}): the process has {' or '.join(performers)} send it"


def _party_problem(
    sender: str, role: Role | None, steps: list[Step], holders: Mapping[str, str | None]
) -> str | None:
    """Why a supplier cannot perform ``steps`` that only the gaining (or losing) one performs."""
    parties = {step.actor_party for step in steps}
    if role is not Role.SUPPLIER or len(parties) != 1:
        return None
    (party,) = parties
    holder = holders.get(party)
    if holder is None or holder == sender:
        return None
    side = "gaining" if party == SUP_IN else "losing"
    return f" (SUP), but the MPAN's {side} supplier ({party}) is {holder}"


def _header_problem(event: Event, role: Role | None) -> str | None:
    """Why a delivered D-flow's sender of ``role`` is not the one its header names, or ``None``."""
    flow = event.get("flow") if event.get("kind") == EventKind.DELIVERED else None
    header = flow.get("from") if isinstance(flow, Mapping) else None
    stated = header.get("role") if isinstance(header, Mapping) else None
    if role is None or not isinstance(stated, str) or stated == role:
        return None
    return f" ({role}), but the flow's header says it is from {stated}"


def _identity_problem(
    event: Event, sender: str, sends: Mapping[tuple[object, ...], list[tuple[str, object]]]
) -> str | None:
    """Why a delivery or an acceptance names a sender its own send (submission) does not."""
    kind = event.get("kind")
    if kind == EventKind.DELIVERED and event.get("network") != DIP:
        key = _send_key(event, event.get("sent_at"))
    elif kind == EventKind.ACCEPTED:
        key = _submission_key(event)
    else:
        return None
    senders = sends.get(key, [])
    if not senders or sender in {name for name, _ in senders}:
        return None
    name, seq = senders[0]
    action = "submitted" if kind == EventKind.ACCEPTED else "sent"
    return f", but seq {seq} says {name} {action} it"


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
    lines.extend(f"{head} unexpected step {_label(step_id)}" for step_id in report.unexpected)
    lines.extend(
        f"{head} out of order: {step_by_id(wrong.step_id, report.path).label} came before "
        f"{step_by_id(wrong.prerequisite, report.path).label}"
        for wrong in report.out_of_order
    )
    lines.extend(f"{head} {wrong.describe()}" for wrong in report.wrong_senders)
    return lines


def _label(step_id: str) -> str:
    """A step's label; a step id the process model does not have, as the journal spelled it."""
    step = STEPS_BY_ID.get(step_id)
    return step.label if step is not None else f"{step_id} (no such step in the process model)"


def _describe(step_id: str, path: str | None) -> str:
    step = step_by_id(step_id, path)
    return f"{step.label} from {step.party}"
