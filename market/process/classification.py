"""Which step a message is: the classifier the broker stamps every journal event's step with.

Built once from the step tables (:mod:`market.process.paths`): a key of network,
message, event code, sender role, recipient role and meter variant names one
step id, so classifying a message costs one or two dict look-ups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from market.kernel.ids import Role
from market.kernel.vocabulary import DIP, StepClassifier
from market.process.paths import PATH_STEPS, VARIANT_PATHS
from market.process.step import ProcessModelError, Step
from market.process.vocabulary import Path

_Key = tuple[str, str, str | None, str, str | None, str]


def _keys(step: Step, variant: str) -> Iterable[_Key]:
    # The DIP publishes to whoever its routing adds (EES, secondary recipients):
    # the publication is the step, whoever receives it.
    recipients: tuple[str | None, ...] = (None,) if step.network == DIP else step.recipients
    for message in step.messages:
        for sender in step.actor_roles:
            for recipient in recipients:
                yield (step.network, message, step.event_code, sender, recipient, variant)


def _classifier_table() -> dict[_Key, str]:
    """``(network, message, event code, sender role, recipient role, variant) → step id``.

    Per variant, the variant's reverse migration registers first, then COS-M,
    MCS, REL, OBJ, WDR and COS-L; a later path's step that would take a key already taken (the
    COS-L legacy tail of a variant-S MPAN looks like RM-S's M2/S2/S4/S5) yields
    to the earlier one. Two steps of one path on one key are a table bug.
    """
    table: dict[_Key, str] = {}
    for variant, reverse_migration in VARIANT_PATHS.items():
        owners: dict[_Key, str] = {}
        for path in (
            reverse_migration,
            Path.COS_M,
            Path.MCS,
            Path.REL,
            Path.OBJ,
            Path.WDR,
            Path.COS_L,
        ):
            for step in PATH_STEPS[path]:
                if step.answers is not None:
                    continue  # same message as the step it answers: told apart by observed_step
                for key in _keys(step, variant):
                    known = table.setdefault(key, step.step_id)
                    if known != step.step_id and owners.setdefault(key, path) == path:
                        raise ProcessModelError(f"{path}: {known} and {step.step_id} share {key}")
                    owners.setdefault(key, path)
    return table


_CLASSIFIER_TABLE: Final = _classifier_table()
#: Steps answered by a step with the same message (T8 → T8r), told apart by the answer's
#: resolution.
ANSWERED_BY: Final = {
    step.answers: step.step_id
    for steps in PATH_STEPS.values()
    for step in steps
    if step.answers is not None
}


def answering_step(step: str | None, resolution: object) -> str | None:
    """``step``, or the step that answers it when the message carries a ``resolution``."""
    if step is not None and resolution is not None:
        return ANSWERED_BY.get(step, step)
    return step


def step_classifier(variant_of: Callable[[str], str | None]) -> StepClassifier:
    """A step classifier for the broker that knows each MPAN's meter variant.

    ``variant_of(mpan)`` returns ``"T"``, ``"A"`` or ``"S"`` (from the
    population), or ``None`` when the MPAN has none, which counts as ``"T"``.
    Pass ``None`` for MPANs that never migrated: their legacy change of supply
    (COS-L) is written in variant-T step ids. Each call is one or two dict
    look-ups.
    """

    def classify(
        *,
        network: str,
        message: str,
        event_code: str | None,
        sender_role: Role | None,
        recipient_role: Role | None,
        mpan: str | None = None,
        resolution: object = None,
    ) -> str | None:
        if sender_role is None:
            return None
        variant = (variant_of(mpan) if mpan is not None else None) or "T"
        if variant not in VARIANT_PATHS:
            raise ValueError(f"meter variant {variant!r} of MPAN {mpan}: must be T, A, S or None")
        if network == DIP:
            recipient_role = None
        step = _CLASSIFIER_TABLE.get(
            (network, message, event_code, sender_role, recipient_role, variant)
        )
        if step is None and network == DIP and event_code is not None:
            step = _CLASSIFIER_TABLE.get((network, message, None, sender_role, None, variant))
        return answering_step(step, resolution)

    return classify


#: The classifier for markets whose every MPAN is variant T (what the broker used so far).
classify_step: Final = step_classifier(lambda _mpan: None)
