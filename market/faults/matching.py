"""A fault plan against a market: every rule must be able to match something.

A rule naming a participant or a message the market does not have
(``recipient = "NHHDC-NDCX"``, ``message = "PUB-3"``) would do nothing and the
run would look like a run without faults; :func:`refuse_unmatched` refuses it
instead, naming the fault, the key and what the market has.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from market.faults.plan import (
    ClockSkew,
    Crash,
    FaultPlan,
    Partition,
    Scope,
    Slow,
    WebhookDown,
)
from market.kernel.exceptions import ScenarioError
from market.kernel.vocabulary import CSS, DIP, DIP_RESPONSE, DIP_STATUS, DTN
from market.messages.css import CssMessage
from market.messages.dip.catalogue import CUSTOM_BLOCKS
from market.messages.dtn import FLOW_TYPES

#: Who sends what the DIP publishes, besides the participants.
_SENDERS_BESIDES_PARTICIPANTS = frozenset({DIP})
_NETWORKS = (DIP, DTN, CSS)


@cache
def message_names() -> frozenset[str]:
    """Every message a fault can name: D-flows, CSS messages, DIP interfaces and publications."""
    css: set[str] = set()
    pending: list[type[CssMessage]] = [CssMessage]
    while pending:
        for sub in pending.pop().__subclasses__():
            css.add(sub.message_name)
            pending.append(sub)
    interfaces = {interface for interface, _ in CUSTOM_BLOCKS}
    publications = {"PUB-" + interface.removeprefix("IF-") for interface in interfaces}
    return frozenset(FLOW_TYPES) | css | interfaces | publications | {DIP_RESPONSE, DIP_STATUS}


def refuse_unmatched(plan: FaultPlan, participant_ids: Iterable[str]) -> None:
    """Raise :class:`ScenarioError` listing every rule of ``plan`` that names nothing real."""
    ids = frozenset(participant_ids)
    problems = [
        f"fault {number} ({fault.kind}): {problem}"
        for number, fault in enumerate(plan.faults, start=1)
        for problem in _unmatched(fault, ids)
    ]
    if problems:
        raise ScenarioError(
            "the fault plan names what this market does not have, so it would do nothing: "
            + "; ".join(problems)
            + f". Participants: {_listed(sorted(ids))}"
        )


def _listed(ids: list[str], most: int = 60) -> str:
    shown = ", ".join(ids[:most])
    return shown if len(ids) <= most else f"{shown} and {len(ids) - most} more"


def _unmatched(fault: object, ids: frozenset[str]) -> Iterator[str]:
    scope = getattr(fault, "scope", None)
    if isinstance(scope, Scope):
        if scope.network is not None and scope.network not in _NETWORKS:
            yield f"network = {scope.network!r} is none of {', '.join(_NETWORKS)}"
        for key in ("sender", "recipient", "participant"):
            value = getattr(scope, key)
            allowed = ids | _SENDERS_BESIDES_PARTICIPANTS if key == "sender" else ids
            if value is not None and value not in allowed:
                yield f"{key} = {value!r} is no participant"
        if scope.message is not None and scope.message not in message_names():
            yield (
                f"message = {scope.message!r} is no message of the market "
                "(a D-flow such as D0010, a CSS message such as SecuredActive, IF-003 or PUB-003)"
            )
    if isinstance(fault, WebhookDown | Slow | ClockSkew | Crash) and fault.participant not in ids:
        yield f"participant = {fault.participant!r} is no participant"
    if isinstance(fault, Partition):
        for side in (fault.side_a, fault.side_b):
            for participant in sorted(side - ids):
                yield f"{participant!r} in the partition is no participant"
