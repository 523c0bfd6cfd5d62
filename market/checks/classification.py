"""Which step each journal event is, decided by the checker from the journal's facts alone.

The broker stamps every event with a ``step`` as it journals it; a checker that
read that label would partly confirm the simulation with its own words. So the
checks ignore it: :func:`restamp` gives every event the step the process model
says it is, from what the journal states as fact — the network, the message
(interface or flow) and DIP event code, the sender's and recipient's roles
(:func:`~market.checks.parties.participant_roles`, which never reads a step),
and the MPAN's meter variant (:func:`mpan_variants`). A journal with every
``step`` removed or scrambled is judged exactly as the original.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from market.checks.facts import Event, events_by_mpan
from market.checks.parties import participant_roles, publication_key
from market.checks.progress import flow_items
from market.kernel.event_kinds import EventKind
from market.kernel.ids import Role
from market.kernel.vocabulary import StepClassifier
from market.process.model import step_classifier

#: Kinds whose ``recipient`` is the submitter (the DIP answers it), not the party addressed.
_ANSWERS_TO_SUBMITTER: Final = frozenset({EventKind.ACCEPTED, EventKind.REJECTED})
#: Messages that show a reverse migration (the MPAN leaves MHHS), whose variant picks the path.
_REVERSE_MIGRATION: Final = frozenset({"IF-003", "PUB-003"})
_OBSERVING: Final = frozenset({EventKind.DELIVERED, EventKind.ACCEPTED})
_HH_ROLES: Final = frozenset(
    {
        Role.HH_DATA_COLLECTOR,
        Role.HH_METER_OPERATOR,
        Role.HH_DATA_AGGREGATOR,
        Role.ADVANCED_DATA_SERVICE,
        Role.ADVANCED_METERING_SERVICE,
    }
)


def mpan_variants(
    grouped: Mapping[str, list[Event]], roles: Mapping[str, Role]
) -> dict[str, str | None]:
    """Each MPAN's meter variant for classifying its steps; ``None`` if it never left MHHS.

    An MPAN that left MHHS (an IF-003 or PUB-003 was accepted or delivered for
    it) has the variant its customer's sign-up names (``CustomerSigned``
    ``meter_variant``); failing that, ``A`` if a half-hourly agent or service
    took part, ``S`` if the smart path's IF-063 or a smart change-of-supply
    appointment shows, else ``T``.
    """
    variants: dict[str, str | None] = {}
    for mpan, events in grouped.items():
        messages = {e.get("message") for e in events if e.get("kind") in _OBSERVING}
        variants[mpan] = _variant(events, roles) if messages & _REVERSE_MIGRATION else None
    return variants


def _variant(events: list[Event], roles: Mapping[str, Role]) -> str:
    for event in events:
        if event.get("message") == "CustomerSigned":
            data = event.get("data")
            stated = data.get("meter_variant") if isinstance(data, Mapping) else None
            if stated in ("T", "A", "S"):
                return str(stated)
    taking_part = {roles.get(str(e.get(side))) for e in events for side in ("sender", "recipient")}
    if taking_part & _HH_ROLES:
        return "A"
    for event in events:
        if event.get("message") in ("IF-063", "PUB-063"):
            return "S"
        if event.get("message") == "D0155" and flow_items(event).get("smart_cos_indicator"):
            return "S"
    return "T"


def restamp(events: Iterable[Event], *, roles: Mapping[str, Role] | None = None) -> list[Event]:
    """``events`` with every ``step`` replaced by the one the facts show (``None``: no step).

    Events whose stamp already agrees are passed on as they are; the others are
    copied with the checker's own step, so the caller's journal is never changed.
    ``roles``: the journal's participant roles, if the caller has them already.
    """
    events = list(events)
    roles = participant_roles(events) if roles is None else roles
    submitters = {
        publication_key(e): e.get("recipient")
        for e in events
        if e.get("kind") == EventKind.ACCEPTED
    }
    variants = mpan_variants(events_by_mpan(events), roles)
    classify = step_classifier(variants.get)
    restamped: list[Event] = []
    for event in events:
        step = _step_of(event, roles, submitters, classify)
        restamped.append(event if event.get("step") == step else {**event, "step": step})
    return restamped


def _step_of(
    event: Event,
    roles: Mapping[str, Role],
    submitters: Mapping[tuple[object, ...], object],
    classify: StepClassifier,
) -> str | None:
    network, message = event.get("network"), event.get("message")
    if not isinstance(network, str) or not isinstance(message, str) or network == "OUTSIDE":
        return None
    sender: object = event.get("sender")
    if event.get("kind") in _ANSWERS_TO_SUBMITTER:
        sender = event.get("recipient")
    elif sender == "DIP":
        sender = submitters.get(publication_key(event))
    sender_role = roles.get(sender) if isinstance(sender, str) else None
    recipient = event.get("recipient")
    mpan = event.get("mpan")
    return classify(
        network=network,
        message=message,
        event_code=event.get("event_code"),
        sender_role=sender_role,
        recipient_role=roles.get(recipient) if isinstance(recipient, str) else None,
        mpan=mpan if isinstance(mpan, str) else None,
        resolution=flow_items(event).get("resolution"),
    )
