"""The reverse-migration process as data: steps, who performs them, what they send, in what order.

The step tables of the brief (c.1 common part, c.2 variant T) become
:class:`Step` values. Two pure functions use them: :func:`classify_step` names
the step a message belongs to (the broker stamps it on journal events), and
:func:`mpan_outcomes` reads a journal and says, per MPAN, whether its reverse
migration completed or where it is stuck and what it waits for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from market.ids import Role


@attrs.frozen(kw_only=True, slots=True)
class Step:
    """One step of the process: a message from one role to others, with its timing rule.

    A step is *observed* when the journal shows its message ``delivered`` from
    ``actor`` to one of ``recipients`` (DIP submissions count when ``accepted``).
    ``required`` steps must all be observed for the reverse migration to count as
    complete; ``after`` lists the steps that must have been observed first.
    """

    step_id: str
    actor: Role
    network: str
    message: str
    event_code: str | None
    recipients: tuple[Role, ...]
    timing: str
    meaning: str
    required: bool = True
    after: tuple[str, ...] = ()


_SUP = Role.SUPPLIER
_REGS = Role.REGISTRATION_SERVICE
_CSS = Role.CENTRAL_SWITCHING_SERVICE
_NHHDC = Role.NHH_DATA_COLLECTOR
_NHHMOA = Role.NHH_METER_OPERATOR
_NHHDA = Role.NHH_DATA_AGGREGATOR

#: BPM-001 CoS-RM (brief c.1) followed by BPM-003 variant T (brief c.2).
VARIANT_T_STEPS: Final = (
    Step(
        step_id="C1",
        actor=_SUP,
        network="CSS",
        message="RegistrationRequest",
        event_code=None,
        recipients=(_CSS,),
        timing="any time; SSD up to 28 days ahead",
        meaning="Incoming supplier asks CSS to switch the MPAN to it",
    ),
    Step(
        step_id="C2",
        actor=_CSS,
        network="CSS",
        message="LossNotification",
        event_code=None,
        recipients=(_SUP,),
        timing="within the objection window",
        after=("C1",),
        meaning="CSS tells the outgoing supplier it is losing the MPAN",
    ),
    Step(
        step_id="C4",
        actor=_CSS,
        network="CSS",
        message="SecuredActive",
        event_code=None,
        recipients=(_REGS,),
        timing="objection window closed, before SSD",
        after=("C2",),
        meaning="CSS secures the switch and tells the Registration Service",
    ),
    Step(
        step_id="C4a",
        actor=_CSS,
        network="CSS",
        message="SecuredActive",
        event_code=None,
        recipients=(_SUP,),
        timing="on securing",
        after=("C2",),
        required=False,
        meaning="CSS confirms to the outgoing supplier that the loss is secured",
    ),
    Step(
        step_id="C6",
        actor=_REGS,
        network="DTN",
        message="D0217",
        event_code=None,
        recipients=(_SUP,),
        timing="on securing",
        after=("C4",),
        meaning="Registration Service confirms the registration to the legacy incoming supplier",
    ),
    Step(
        step_id="C6a",
        actor=_REGS,
        network="DTN",
        message="D0311",
        event_code=None,
        recipients=(_SUP,),
        timing="on securing",
        after=("C4",),
        required=False,
        meaning="Registration Service tells the incoming supplier who the old supplier is",
    ),
    Step(
        step_id="C7",
        actor=_REGS,
        network="DIP",
        message="IF-003",
        event_code="[ReverseMigNotification]",
        recipients=(),
        timing="on securing, at least 1 day before SSD",
        after=("C4",),
        meaning="Registration Service announces the MPAN leaves MHHS on MHHSRegimeEndDate",
    ),
    Step(
        step_id="C8",
        actor=_REGS,
        network="DIP",
        message="PUB-003",
        event_code="[ReverseMigNotification]",
        recipients=(Role.MARKETWIDE_DATA_SERVICE, Role.LDSO, _SUP),
        timing="seconds",
        after=("C7",),
        meaning="DIP publishes the notification to MDS, LDSO and the outgoing supplier",
    ),
    Step(
        step_id="C9",
        actor=_SUP,
        network="DTN",
        message="D0155",
        event_code=None,
        recipients=(_NHHDC, _NHHMOA),
        timing="before SSD",
        after=("C6",),
        meaning="Incoming supplier appoints the legacy data collector and meter operator",
    ),
    Step(
        step_id="C9a",
        actor=_SUP,
        network="DTN",
        message="D0153",
        event_code=None,
        recipients=(_NHHDA,),
        timing="before SSD",
        after=("C6",),
        meaning="Incoming supplier appoints the legacy data aggregator",
    ),
    Step(
        step_id="C10",
        actor=_NHHDC,
        network="DTN",
        message="D0011",
        event_code=None,
        recipients=(_SUP,),
        timing="typically within 5 WD",
        after=("C9",),
        meaning="Each legacy agent accepts its appointment",
    ),
    Step(
        step_id="C11",
        actor=_SUP,
        network="DTN",
        message="D0148",
        event_code=None,
        recipients=(_NHHDC, _NHHMOA, _NHHDA),
        timing="after acceptance",
        after=("C10",),
        meaning="Incoming supplier tells each agent who the other agents are",
    ),
    Step(
        step_id="C11a",
        actor=_SUP,
        network="DTN",
        message="D0302",
        event_code=None,
        recipients=(_NHHDC, _NHHMOA),
        timing="after acceptance",
        after=("C10",),
        required=False,
        meaning="Incoming supplier sends the customer's details to its agents",
    ),
    Step(
        step_id="C12",
        actor=_SUP,
        network="DTN",
        message="D0205",
        event_code=None,
        recipients=(_REGS,),
        timing="by SSD",
        after=("C10",),
        meaning="Incoming supplier registers its legacy agents with the Registration Service",
    ),
    Step(
        step_id="C13",
        actor=_REGS,
        network="DTN",
        message="D0209",
        event_code=None,
        recipients=(_NHHDA,),
        timing="on receipt of D0205",
        after=("C12",),
        meaning="Registration Service instructs the legacy data aggregator",
    ),
    Step(
        step_id="C14",
        actor=_REGS,
        network="DIP",
        message="PUB-003",
        event_code="[MSDeAppRM]",
        recipients=(Role.SMART_METERING_SERVICE,),
        timing="when the legacy MOP is known",
        after=("C7",),
        meaning="Registration Service de-appoints the outgoing Metering Service",
    ),
    Step(
        step_id="C15",
        actor=_REGS,
        network="DIP",
        message="PUB-003",
        event_code="[DSDeAppRM]",
        recipients=(Role.SMART_DATA_SERVICE,),
        timing="when the legacy DC is known",
        after=("C7",),
        meaning="Registration Service de-appoints the outgoing Data Service",
    ),
    Step(
        step_id="T2",
        actor=Role.SMART_DATA_SERVICE,
        network="DTN",
        message="D0010",
        event_code=None,
        recipients=(_NHHDC,),
        timing="within 5 WD after SSD",
        after=("C15",),
        required=False,
        meaning="Outgoing SDS gives the legacy DC its last validated reading",
    ),
    Step(
        step_id="T3",
        actor=Role.SMART_METERING_SERVICE,
        network="DTN",
        message="D0150",
        event_code=None,
        recipients=(_NHHMOA,),
        timing="on request or proactively",
        after=("C14",),
        meaning="Outgoing MSS releases the meter technical details to the legacy MOP",
    ),
    Step(
        step_id="T3a",
        actor=Role.SMART_METERING_SERVICE,
        network="DTN",
        message="D0149",
        event_code=None,
        recipients=(_NHHMOA,),
        timing="with D0150",
        after=("C14",),
        required=False,
        meaning="Outgoing MSS sends the register mapping details",
    ),
    Step(
        step_id="T4",
        actor=_NHHMOA,
        network="DTN",
        message="D0150",
        event_code=None,
        recipients=(_NHHDC, _SUP, Role.LDSO),
        timing="within 5 WD",
        after=("T3",),
        meaning="Legacy MOP forwards the meter technical details to DC, supplier and LDSO",
    ),
    Step(
        step_id="T4a",
        actor=_NHHMOA,
        network="DTN",
        message="D0149",
        event_code=None,
        recipients=(_NHHDC, _SUP),
        timing="with D0150",
        after=("T3a",),
        required=False,
        meaning="Legacy MOP forwards the register mapping details",
    ),
    Step(
        step_id="T5",
        actor=_SUP,
        network="DTN",
        message="D0010",
        event_code=None,
        recipients=(_NHHDC,),
        timing="SSD ± 5 WD",
        after=("C6",),
        required=False,
        meaning="Incoming supplier passes on the customer's own reading",
    ),
    Step(
        step_id="T6",
        actor=_NHHDC,
        network="DTN",
        message="D0086",
        event_code=None,
        recipients=(_SUP,),
        timing="after reads arrive; deemed at the cut-off",
        after=("T4",),
        meaning="Legacy DC settles the change-of-supply reading and tells both suppliers",
    ),
    Step(
        step_id="T7",
        actor=_NHHDC,
        network="DTN",
        message="D0019",
        event_code=None,
        recipients=(_NHHDA,),
        timing="before the first legacy SF run",
        after=("T6",),
        meaning="Legacy DC sends the annual consumption (EAC/AA) to the legacy aggregator",
    ),
    Step(
        step_id="T8",
        actor=_SUP,
        network="DTN",
        message="D0300",
        event_code=None,
        recipients=(_SUP,),
        timing="within 12 months after SSD",
        after=("T6",),
        required=False,
        meaning="A supplier disputes the change-of-supply reading",
    ),
)

#: Roles that may perform a step's message where the table names a role family.
_ROLE_FAMILIES: Final = {
    _NHHDC: frozenset({_NHHDC, _NHHMOA, _NHHDA}),  # C10: every legacy agent answers D0011
}

#: Steps whose DIP submission (``IF-003``) shares its id with the publication.
_SUBMISSION_STEPS: Final = {
    ("IF-003", "[ReverseMigNotification]"): "C7",
    ("IF-003", "[MSDeAppRM]"): "C14",
    ("IF-003", "[DSDeAppRM]"): "C15",
}


def _actor_matches(step: Step, role: Role | None) -> bool:
    return role is not None and (role == step.actor or role in _ROLE_FAMILIES.get(step.actor, ()))


def classify_step(
    *,
    network: str,
    message: str,
    event_code: str | None,
    sender_role: Role | None,
    recipient_role: Role | None,
    mpan: str | None = None,
) -> str | None:
    """The step id a message belongs to, or ``None`` when it is not a step of the process.

    DIP publications are sent by the DIP, so for ``PUB-nnn`` the step is found
    from the interface and event code alone.
    """
    if network == "DIP":
        submitted = _SUBMISSION_STEPS.get((message, event_code or ""))
        if submitted is not None:
            return submitted
        for step in VARIANT_T_STEPS:
            if step.message == message and step.event_code == event_code:
                return step.step_id
        return None
    for step in VARIANT_T_STEPS:
        if (
            step.network == network
            and step.message == message
            and _actor_matches(step, sender_role)
            and (recipient_role is None or recipient_role in step.recipients)
        ):
            return step.step_id
    return None


STEPS_BY_ID: Final = {step.step_id: step for step in VARIANT_T_STEPS}


@attrs.frozen(kw_only=True, slots=True)
class MpanOutcome:
    """How one MPAN's reverse migration ended, read from the journal."""

    mpan: str
    completed: bool
    observed: tuple[str, ...]
    last_step: str | None = None
    waiting_for: str | None = None

    def describe(self) -> str:
        """One line for people: completed, or stuck at a step and waiting for another."""
        if self.completed:
            return f"{self.mpan}  completed ({len(self.observed)} steps)"
        return (
            f"{self.mpan}  stuck after step {self.last_step or '(none)'}, "
            f"waiting for {self.waiting_for}"
        )


def _observed_steps(events: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    observed: dict[str, list[str]] = {}
    for event in events:
        step = event.get("step")
        mpan = event.get("mpan")
        if step is None or mpan is None or event.get("kind") not in ("delivered", "accepted"):
            continue
        steps = observed.setdefault(mpan, [])
        if step not in steps:
            steps.append(step)
    return observed


def mpan_outcomes(
    events: Iterable[Mapping[str, Any]], mpans: Iterable[str] | None = None
) -> list[MpanOutcome]:
    """Per MPAN (sorted), whether every required step was observed; if not, where it stopped.

    ``events`` are journal lines as dicts (``event_to_dict`` or a journal file);
    ``mpans`` adds MPANs that should have switched even if the journal never
    mentions them, so a switch that never started is reported too.
    """
    observed = _observed_steps(events)
    names = sorted(set(observed) | set(mpans or ()))
    required = [step for step in VARIANT_T_STEPS if step.required]
    outcomes = []
    for mpan in names:
        seen = observed.get(mpan, [])
        missing = [step for step in required if step.step_id not in seen]
        if not missing:
            outcomes.append(MpanOutcome(mpan=mpan, completed=True, observed=tuple(seen)))
            continue
        first = missing[0]
        wanted = f"{first.step_id} {first.message}"
        if first.event_code:
            wanted += f" {first.event_code}"
        wanted += f" from {first.actor}"
        outcomes.append(
            MpanOutcome(
                mpan=mpan,
                completed=False,
                observed=tuple(seen),
                last_step=seen[-1] if seen else None,
                waiting_for=wanted,
            )
        )
    return outcomes
