"""Forged CSS messages: who sent what only another party may send, and whether it got through.

The CSS interface carries a message only from a sender entitled to it
(:mod:`market.networks.css_senders`: only the CSS sends switching events; a
supplier sends its own requests, under its own MPID). It refuses any other and
dead-letters it with the rule broken, the reason ending in
:data:`~market.networks.css_senders.SENDER_REFUSED`.

* A **refused** forgery is the market defending itself, so the verdict reports
  it and stays OK (as for the DIP's rejections): that a participant tried is a
  finding about that participant, not a fault of the process.
* A forgery **delivered** fails the verdict: a participant acted on a message
  its sender had no right to send. The check applies the same table to every
  delivered CSS message, reading who the sender is off the journal: the CSS is
  whoever received what parties addressed to it (the network resolved that
  address), else whom :func:`~market.checks.parties.participant_roles` names;
  a sender's MPID is what a D-flow header the DTN carried says. A sender the
  journal does not identify is never called a forger.

So a journal whose refusals were deleted does not pass for a clean one when
the forged messages' deliveries, or their effects, are still in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from market.checks.facts import Event, css_items
from market.checks.parties import participant_roles
from market.kernel.event_kinds import EventKind
from market.kernel.ids import Role
from market.kernel.vocabulary import CSS, DTN
from market.networks.css_senders import CSS_SENDERS, SENDER_REFUSED, sender_refusal

_THE_CSS: Final = Role.CENTRAL_SWITCHING_SERVICE
_REFUSAL_END: Final = f"; {SENDER_REFUSED}"


@attrs.frozen(kw_only=True, slots=True)
class Forgery:
    """One CSS message sent by a participant not entitled to it: refused, or delivered."""

    sender: str
    message: str
    mpan: str | None
    #: The rule broken, in words (``only the CSS sends SecuredActive``).
    rule: str
    #: Whether the network refused it (else it reached ``recipient``).
    refused: bool
    recipient: str | None = None

    def describe(self) -> str:
        """``SUP-MHSB sent SecuredActive for 1952499358227: only the CSS sends SecuredActive``."""
        if self.refused:
            return f"{self.sender} sent {self.message} for {self.mpan}: {self.rule}"
        return (
            f"{self.sender} sent {self.message} for {self.mpan} and {self.recipient} "
            f"received it: {self.rule}"
        )


def css_forgeries(
    events: Iterable[Event], *, roles: Mapping[str, Role] | None = None
) -> tuple[Forgery, ...]:
    """Every forged CSS message in the journal, refused or delivered, in journal order.

    ``roles``: the journal's participant roles, if the caller has them already.
    """
    events = list(events)
    css_events = [e for e in events if e.get("network") == CSS]
    if not css_events:
        return ()
    roles = participant_roles(events) if roles is None else roles
    the_css = _the_css(css_events, roles)
    mpids = _mpids(events, _senders_naming_themselves(css_events))
    found = []
    for event in css_events:
        kind = event.get("kind")
        if kind == EventKind.DEAD_LETTERED:
            reason = str((event.get("detail") or {}).get("reason", ""))
            if reason.endswith(_REFUSAL_END):
                found.append(_forgery(event, reason.removesuffix(_REFUSAL_END), refused=True))
        elif kind == EventKind.DELIVERED:
            rule = _broken_rule(event, the_css, roles, mpids)
            if rule is not None:
                found.append(_forgery(event, rule, refused=False))
    return tuple(found)


def _forgery(event: Event, rule: str, *, refused: bool) -> Forgery:
    return Forgery(
        sender=str(event.get("sender")),
        message=str(event.get("message")),
        mpan=event.get("mpan"),
        rule=rule,
        refused=refused,
        recipient=None if refused else event.get("recipient"),
    )


def _the_css(css_events: list[Event], roles: Mapping[str, Role]) -> frozenset[str]:
    """Who is the CSS: the recipients of parties' requests (never one of another known role)."""
    addressed = {
        recipient
        for e in css_events
        if e.get("kind") == EventKind.DELIVERED
        and (entitlement := CSS_SENDERS.get(str(e.get("message")))) is not None
        and entitlement.from_a_party
        and isinstance(recipient := e.get("recipient"), str)
        and roles.get(recipient, _THE_CSS) == _THE_CSS
    }
    return frozenset(addressed or (p for p, role in roles.items() if role == _THE_CSS))


def _senders_naming_themselves(css_events: list[Event]) -> set[str]:
    """Senders of delivered requests that name the sender's own MPID (whose MPID is needed)."""
    return {
        str(e.get("sender"))
        for e in css_events
        if e.get("kind") == EventKind.DELIVERED
        and (entitlement := CSS_SENDERS.get(str(e.get("message")))) is not None
        and entitlement.own_mpid_field is not None
    }


def _mpids(events: list[Event], wanted: set[str]) -> dict[str, str]:
    """The MPID of each ``wanted`` participant, from the headers of D-flows the DTN carried.

    Only a flow that involves a participant still unknown is read (reading renders it).
    """
    found: dict[str, str] = {}
    for event in events:
        if len(found) == len(wanted):
            break
        if event.get("kind") != EventKind.DELIVERED or event.get("network") != DTN:
            continue
        sides = (("sender", "from"), ("recipient", "to"))
        todo = [(who, side) for key, side in sides if (who := event.get(key)) in wanted]
        if not any(who not in found for who, _ in todo):
            continue
        flow = event.get("flow")
        if not isinstance(flow, Mapping):
            continue
        for who, side in todo:
            mpid = (flow.get(side) or {}).get("mpid")
            if isinstance(mpid, str):
                found.setdefault(str(who), mpid)
    return found


def _broken_rule(
    event: Event, the_css: frozenset[str], roles: Mapping[str, Role], mpids: Mapping[str, str]
) -> str | None:
    """The entitlement rule a delivered CSS message breaks, or ``None``."""
    sender, message = str(event.get("sender")), str(event.get("message"))
    role = _THE_CSS if sender in the_css else roles.get(sender)
    entitlement = CSS_SENDERS.get(message)
    if role == _THE_CSS and sender not in the_css and the_css:
        # The roles guessed CSS from what it sent, but the parties address another CSS.
        if entitlement is not None and entitlement.sender == _THE_CSS:
            return f"only the CSS ({', '.join(sorted(the_css))}) sends {message}"
        role = None
    mpid = mpids.get(sender)
    # Only a request naming its sender's MPID, from a sender whose MPID is known, is read.
    named = entitlement is not None and entitlement.own_mpid_field is not None
    items = css_items(event) if named and mpid is not None else {}
    return sender_refusal(message, role=role, mpid=mpid, to_role=None, items=items)


def summarise_refused(forgeries: Iterable[Forgery]) -> list[str]:
    """One line: how many forged messages the CSS refused, from whom, of what (or none)."""
    refused = [forgery for forgery in forgeries if forgery.refused]
    if not refused:
        return []
    by_sender: dict[str, Counter[str]] = {}
    for forgery in refused:
        by_sender.setdefault(forgery.sender, Counter())[forgery.message] += 1
    senders = "; ".join(
        f"{sender} sent " + ", ".join(f"{message} ×{n}" for message, n in sorted(counts.items()))
        for sender, counts in sorted(by_sender.items())
    )
    plural = "s" if len(refused) != 1 else ""
    return [
        f"CSS refused {len(refused)} forged message{plural} (reported, not a failure): {senders}"
    ]
