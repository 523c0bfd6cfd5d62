"""Who is who, from the journal alone: which role each participant id holds, who owes a step.

Journal lines name participants by id (``MSS-MSSD``), never by role, so the
checks infer roles from what the journal does say, most certain first:

1. a delivered D-flow's header names the sender's and the recipient's role;
2. a delivered publication's envelope names its submitter's role
   (``S1.senderRoleID``), and the DIP's ``accepted`` event names the submitter;
3. for participants the other rules leave unknown, a message (network and
   interface or flow) that only one role sends (or, off the DIP, only one
   role receives) in the process model pins the sender (or recipient) of its
   delivered or accepted events — a CSS ``RegistrationRequest`` comes from a
   supplier and goes to the CSS (last, because it trusts the addressing);
4. the DIP's ``routed`` event lists each publication's recipients by role
   (``Primary:[MSS:…];Always:[EES:…]``): a participant can only hold a role
   listed on every publication it received, and once all recipients of a
   publication but one are known, the role left over is the last one's.

A participant id is never guessed from its spelling.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Final, cast

from market.checks.facts import Event
from market.checks.progress import observed_step
from market.kernel.event_kinds import EventKind
from market.kernel.ids import Role
from market.kernel.vocabulary import DIP
from market.process.model import OLD_NHHDC, OLD_NHHMOA, PATH_STEPS, SUP_IN, SUP_OUT, Step

#: Parties found from the steps they take part in: ``(step id, "sender" | "recipient")``.
#: A DIP step's submitter is the recipient of its ``accepted`` event.
PARTY_EVIDENCE: Final = {
    SUP_IN: (
        ("C1", "sender"),
        ("C6", "recipient"),
        ("D3", "recipient"),
        ("B31d", "recipient"),
        ("D4", "sender"),
    ),
    SUP_OUT: (("C2", "recipient"), ("C4a", "recipient"), ("C3", "sender"), ("D4b", "recipient")),
    OLD_NHHMOA: (("L1", "recipient"), ("L2", "sender")),
    OLD_NHHDC: (("L3", "recipient"), ("L4", "sender")),
}
_NOT_PARTICIPANTS: Final = frozenset({None, "DIP", "customer"})
_ROUTED_ROLE = re.compile(r"([A-Z]+):[0-9A-Za-z]+")


_MessageKey = tuple[str, str]


def _roles_by_message() -> tuple[dict[_MessageKey, set[Role]], dict[_MessageKey, set[Role]]]:
    senders: dict[_MessageKey, set[Role]] = {}
    recipients: dict[_MessageKey, set[Role]] = {}
    for steps in PATH_STEPS.values():
        for step in steps:
            for message in step.messages:
                senders.setdefault((step.network, message), set()).update(step.actor_roles)
                if step.network != DIP:
                    recipients.setdefault((step.network, message), set()).update(step.recipients)
    return senders, recipients


_MESSAGE_SENDERS, _MESSAGE_RECIPIENTS = _roles_by_message()


def _role(value: object) -> Role | None:
    return Role(value) if isinstance(value, str) and value in _ROLE_CODES else None


_ROLE_CODES: Final = frozenset(Role)


def publication_key(event: Event) -> tuple[object, ...]:
    """Which DIP publication an accepted, routed or delivered event belongs to.

    The correlation id alone is not enough: an answer (IF-014) may carry the
    correlation id of the message it answers (IF-021).
    """
    message = str(event.get("message"))
    publication = "PUB-" + message.removeprefix("IF-").removeprefix("PUB-")
    return (event.get("correlation_id"), publication, event.get("event_code"))


def _stated_roles(events: list[Event]) -> dict[str, Role]:
    """Rules 1 and 2 of the module docstring: what headers and envelopes state."""
    known: dict[str, Role] = {}

    def unknown(participant: object) -> bool:
        return (
            isinstance(participant, str)
            and participant not in _NOT_PARTICIPANTS
            and participant not in known
        )

    def learn(participant: object, role: Role | None) -> None:
        if role and unknown(participant):
            known[cast(str, participant)] = role

    submitters = {
        publication_key(e): e.get("recipient")
        for e in events
        if e.get("kind") == EventKind.ACCEPTED
    }
    for event in events:
        # A message is only read when it could teach something new (``learn`` keeps the
        # first role found): reading it renders it, and a journal holds millions.
        sender, recipient = event.get("sender"), event.get("recipient")
        if event.get("kind") == EventKind.DELIVERED and (unknown(sender) or unknown(recipient)):
            flow = event.get("flow")
            if isinstance(flow, Mapping):
                learn(sender, _role((flow.get("from") or {}).get("role")))
                learn(recipient, _role((flow.get("to") or {}).get("role")))
        submitter = submitters.get(publication_key(event))
        if unknown(submitter):
            envelope = event.get("envelope")
            if isinstance(envelope, Mapping):
                sender_role = envelope.get("CommonBlock", {}).get("S1", {}).get("senderRoleID")
                learn(submitter, _role(sender_role))
    return known


def _learn_from_messages(events: list[Event], known: dict[str, Role]) -> None:
    """Rule 3, for participants rules 1, 2 and 4 left unknown: it trusts the sender's addressing."""
    for event in events:
        kind = event.get("kind")
        if kind not in (EventKind.ACCEPTED, EventKind.DELIVERED):
            continue
        key = (str(event.get("network")), str(event.get("message")))
        actor = event.get("recipient") if kind == EventKind.ACCEPTED else event.get("sender")
        recipient = event.get("recipient") if kind == EventKind.DELIVERED else None
        for participant, roles in (
            (actor, _MESSAGE_SENDERS.get(key, set())),
            (recipient, _MESSAGE_RECIPIENTS.get(key, set())),
        ):
            if (
                len(roles) == 1
                and isinstance(participant, str)
                and participant not in _NOT_PARTICIPANTS
                and participant not in known
            ):
                known[participant] = next(iter(roles))


def participant_roles(events: Iterable[Event]) -> dict[str, Role]:
    """The role of every participant the journal lets us pin down (module docstring rules)."""
    events = list(events)
    known = _stated_roles(events)
    routed = {
        publication_key(e): [
            Role(r)
            for r in _ROUTED_ROLE.findall(str((e.get("detail") or {}).get("routing", "")))
            if _role(r)
        ]
        for e in events
        if e.get("kind") == EventKind.ROUTED
    }
    publications: dict[tuple[object, ...], set[str]] = {}
    for event in events:
        recipient = event.get("recipient")
        if (
            event.get("kind") == EventKind.DELIVERED
            and str(event.get("message", "")).startswith("PUB-")
            and publication_key(event) in routed
            and isinstance(recipient, str)
            and recipient not in _NOT_PARTICIPANTS
        ):
            publications.setdefault(publication_key(event), set()).add(recipient)
    candidates: dict[str, set[Role]] = {}
    for correlation, recipients in publications.items():
        for recipient in recipients:
            candidates.setdefault(recipient, set(routed[correlation])).intersection_update(
                routed[correlation]
            )
    _deduce(known, candidates, publications, routed)
    _learn_from_messages(events, known)
    _deduce(known, candidates, publications, routed)
    return known


def _deduce(
    known: dict[str, Role],
    candidates: Mapping[str, set[Role]],
    publications: Mapping[tuple[object, ...], set[str]],
    routed: Mapping[tuple[object, ...], list[Role]],
) -> None:
    """Rule 4: a recipient's one possible role, or the one role left over on a publication."""
    changed = True
    while changed:
        changed = False
        for participant, roles in candidates.items():
            if participant not in known and len(roles) == 1:
                known[participant] = next(iter(roles))
                changed = True
        for correlation, recipients in publications.items():
            unknown = [p for p in recipients if p not in known]
            left = Counter(routed[correlation]) - Counter(
                known[p] for p in recipients if p in known
            )
            if len(unknown) == 1 and len(set(left.elements())) == 1:
                known[unknown[0]] = next(left.elements())
                changed = True


def party_holder(party: str, events: list[Event]) -> str | None:
    """Who holds ``party`` (``SUP(in)``, ``SUP(out)``, an old agent) in one MPAN's events."""
    for step_id, side in PARTY_EVIDENCE[party]:
        for event in events:
            if observed_step(event) == step_id:
                holder = event.get(side)
                return holder if isinstance(holder, str) else None
    return None


def owed_by(step: Step, events: Iterable[Event], roles: Mapping[str, Role]) -> tuple[str, ...]:
    """Who owes ``step`` for one MPAN: participant ids, or ``()`` when the journal cannot say.

    For each party that may perform the step: ``SUP(in)``, ``SUP(out)`` and the
    old legacy MOP are whoever took that part in the MPAN's earlier steps
    (:data:`PARTY_EVIDENCE`: the gaining supplier sent C1, the losing one
    received C2 …); any other party is the participant of that role (by
    :func:`participant_roles`) seen most recently in the MPAN's events, as
    sender or recipient, leaving out participants already bound to one of the
    special parties above.
    """
    events = list(events)
    special = {party: party_holder(party, events) for party in PARTY_EVIDENCE}
    owners: list[str] = []
    for party, role in ((step.actor_party, step.actor), *((str(r), r) for r in step.also_by)):
        holder = (
            special[party]
            if party in special
            else _latest_with_role(role, events, roles, set(special.values()))
        )
        if holder is not None and holder not in owners:
            owners.append(holder)
    return tuple(owners)


def _latest_with_role(
    role: Role, events: list[Event], roles: Mapping[str, Role], excluded: set[str | None]
) -> str | None:
    for event in reversed(events):
        for participant in (event.get("recipient"), event.get("sender")):
            if (
                isinstance(participant, str)
                and participant not in excluded
                and roles.get(participant) == role
            ):
                return participant
    return None
