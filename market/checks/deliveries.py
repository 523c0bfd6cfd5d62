"""Deliveries: every required recipient reached, nothing misaddressed, on time, sent once.

Conformance asks which steps an MPAN showed; this check asks how each was
performed, one delivery at a time, against the process model's rows
(:mod:`market.process.step_tables`):

* **missing recipient** — a step reached some of its recipients but not every
  one the model names (a D0086 to the incoming supplier only);
* **wrong party** — a D-flow or CSS message that is one of the path's messages
  but fits none of its steps as addressed (a D0019 to a supplier), or reached a
  supplier that holds no part the step names (a D0086 to a third supplier);
* **late** / **early** — a step performed outside its timing rule, on the
  settlement calendar (England & Wales working days). A step is performed when
  its sender first sent or submitted it: the rule judges the participant, and
  what the network did to the message afterwards is told by the blame of a
  stuck MPAN and by the conservation check;
* **duplicated** — a once-only step its performer sent twice to one recipient
  (network duplicates are one send and do not count, nor does a submission
  the DIP accepted and then refused at level 2: it was never published, so
  its resubmission is the one send).

Steps are the checker's own (:mod:`market.checks.classification`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Final

import attrs

from market.checks.blame import lost_on_the_way
from market.checks.facts import Event, day_of, events_by_mpan, supply_start_date
from market.checks.parties import owed_by, participant_roles, party_holder
from market.checks.progress import observed_step, path_of
from market.kernel.event_kinds import EventKind
from market.kernel.ids import Role
from market.kernel.settlement_calendar import SettlementCalendar
from market.kernel.vocabulary import DIP
from market.process.model import SUP_IN, SUP_OUT, Step, path_steps
from market.process.options import DEFAULT_OPTIONS, ProcessOptions
from market.process.step import Deadline
from market.process.vocabulary import Path

_SUPPLIER_PARTIES: Final = (SUP_IN, SUP_OUT)
#: What a once-only step's sends are counted from: the sender's own act, not the network's copies.
_SENDS: Final = frozenset({EventKind.SENT, EventKind.ACCEPTED})
#: What shows when a step was performed, in journal order.
_ACTS: Final = frozenset(
    {
        EventKind.SENT,
        EventKind.SUBMITTED,
        EventKind.REFUSED,  # the DIP was down: the sender acted, the network did not
        EventKind.CORRUPTED,  # garbled on the wire: likewise
        EventKind.DELIVERED,
        EventKind.ACCEPTED,
    }
)


@attrs.frozen(kw_only=True, slots=True)
class DeliveryProblem:
    """One way a step was performed wrongly: ``kind`` says which, ``text`` says how."""

    mpan: str
    path: Path
    step_id: str | None
    kind: str
    text: str

    def describe(self) -> str:
        """``1952499358227 RM-T T6 D0086 never reached SUP(out) SUP-MHSA (owed by NHHDC-NDCE)``."""
        return f"{self.mpan} {self.path} {self.text}"


def check_deliveries(
    events: Iterable[Event],
    *,
    calendar: SettlementCalendar | None = None,
    options: ProcessOptions | None = None,
    roles: Mapping[str, Role] | None = None,
) -> tuple[DeliveryProblem, ...]:
    """Every delivery problem of every MPAN whose path is decided, MPAN by MPAN.

    ``options`` are the run's RECON choices: timing rules written in an option
    (T6 by the CoS read cut-off) take their days from it (default: the defaults).
    ``roles``: the journal's participant roles, if the caller has them already.
    """
    events = list(events)
    calendar = calendar or SettlementCalendar()
    options = options or DEFAULT_OPTIONS
    roles = participant_roles(events) if roles is None else roles
    problems: list[DeliveryProblem] = []
    for mpan, mpan_events in sorted(events_by_mpan(events).items()):
        path = path_of(mpan_events)
        if path is not None:
            problems.extend(
                _MpanDeliveries(
                    mpan, path, mpan_events, roles=roles, calendar=calendar, options=options
                ).problems()
            )
    return tuple(problems)


class _MpanDeliveries:
    """The deliveries of one MPAN on one path, and what is wrong with them."""

    def __init__(
        self,
        mpan: str,
        path: Path,
        events: list[Event],
        *,
        roles: Mapping[str, Role],
        calendar: SettlementCalendar,
        options: ProcessOptions,
    ) -> None:
        self.mpan, self.path, self.events, self.roles = mpan, path, events, roles
        self.calendar, self.options = calendar, options
        self.steps = {step.step_id: step for step in path_steps(path, options)}
        self.holders = {party: party_holder(party, events) for party in _SUPPLIER_PARTIES}
        self.reached: dict[str, set[str]] = {}
        self.performed: dict[str, date] = {}
        for event in events:
            # Performed when its sender first acted: sent, or first submitted to the DIP
            # (a DIP that refused it during an outage does not make the sender late).
            acted = event.get("step") if event.get("kind") in _ACTS else None
            day = day_of(event.get("sent_at") or event.get("at")) if acted else None
            if acted is not None and day is not None:
                self.performed.setdefault(acted, day)
            step_id = observed_step(event)
            recipient = event.get("recipient")
            if step_id is not None and event.get("kind") == EventKind.DELIVERED:
                self.reached.setdefault(step_id, set()).add(str(recipient))

    def problem(self, step_id: str | None, kind: str, text: str) -> DeliveryProblem:
        return DeliveryProblem(
            mpan=self.mpan, path=self.path, step_id=step_id, kind=kind, text=text
        )

    def problems(self) -> list[DeliveryProblem]:
        return [
            *self.missing_recipients(),
            *self.misaddressed(),
            *self.timing(),
            *self.duplicates(),
        ]

    def holds(self, participant: str, party: str) -> bool:
        """Whether ``participant`` is ``party``: that role, that part, or one of ``A,B``."""
        if party in self.holders:
            return self.holders[party] == participant
        return str(self.roles.get(participant)) in party.split(",")

    def missing_recipients(self) -> Iterable[DeliveryProblem]:
        for step_id, reached in self.reached.items():
            step = self.steps.get(step_id)
            if step is None:
                continue  # a step the path does not have: conformance reports it
            unknown = any(recipient not in self.roles for recipient in reached)
            for party in step.recipient_parties:
                if not step.requires(party, self.options):
                    continue  # a RECON option this run turned off (EES not told)
                if self.holders.get(party, "") is None or (unknown and party not in self.holders):
                    continue  # the journal does not say who holds the part, or who got it
                if not any(self.holds(recipient, party) for recipient in reached):
                    holder = f" {self.holders[party]}" if party in self.holders else ""
                    yield self.problem(
                        step_id,
                        "missing recipient",
                        f"{step.label} never reached {party}{holder} ({self._why(step, party)})",
                    )

    def _why(self, step: Step, party: str) -> str:
        """Lost by the network on the way to ``party``, or owed by its sender."""
        lost = lost_on_the_way(step, self.events, lambda held_by: self.holds(held_by, party))
        owners = " or ".join(owed_by(step, self.events, self.roles)) or step.party
        return lost or f"owed by {owners}"

    def misaddressed(self) -> Iterable[DeliveryProblem]:
        gaining, losing = self.holders[SUP_IN], self.holders[SUP_OUT]
        if gaining is not None and gaining == losing:
            yield self.problem(
                "C2",
                "wrong party",
                f"C2 LossNotification went to {gaining}, the gaining supplier (C1); "
                "it goes to the losing one",
            )
        seen: set[tuple[str, str]] = set()
        for event in self.events:
            if event.get("kind") != EventKind.DELIVERED or event.get("network") == DIP:
                continue
            step_id = observed_step(event)
            recipient = str(event.get("recipient"))
            if recipient == event.get("sender"):
                # An agent both outgoing and incoming: no step of the process map covers it.
                yield self.problem(
                    step_id, "wrong party", f"{self._addressed(event)}: sent to itself"
                )
                continue
            if step_id is None:
                meant = [s for s in self.steps.values() if event.get("message") in s.messages]
                if meant and event.get("network") == meant[0].network:
                    yield self.problem(
                        None,
                        "wrong party",
                        f"{self._addressed(event)} fits no step: {_goes_to(meant)}",
                    )
                continue
            step = self.steps.get(step_id)
            twins = self._missing_twins(step, event) if step is not None else []
            if twins and step is not None and step.once and (step_id, recipient) in seen:
                # A once-only step again to the same party, while the step that shares its
                # message is missing: the second copy was meant for the missing step's party.
                yield self.problem(
                    twins[0].step_id,
                    "wrong party",
                    f"{twins[0].label} is missing and {self._addressed(event)} came again: "
                    f"a misaddressed {twins[0].label}",
                )
            seen.add((step_id, recipient))
            parts = [p for p in step.recipient_parties if p in self.holders] if step else []
            if (
                step is not None
                and parts
                and self.roles.get(recipient) == Role.SUPPLIER
                and not any(self.holds(recipient, party) for party in step.recipient_parties)
            ):
                yield self.problem(
                    step_id,
                    "wrong party",
                    f"{step.label} {self._addressed(event)}: it goes to {' and '.join(parts)}"
                    + "".join(f"; or a misaddressed {t.label}, which is missing" for t in twins),
                )

    def _missing_twins(self, step: Step, event: Event) -> list[Step]:
        """The path's other steps with ``event``'s message that were never performed.

        A CSS ``SecuredActive`` meant for REGS (C4) but given to a supplier looks
        like C4a, to the wrong supplier or twice to the right one; saying both is
        what the journal supports.
        """
        return [
            other
            for other in self.steps.values()
            if other.step_id != step.step_id
            and other.network == step.network
            and event.get("message") in other.messages
            and other.step_id not in self.performed
        ]

    def _addressed(self, event: Event) -> str:
        sender, recipient = str(event.get("sender")), str(event.get("recipient"))
        return (
            f"{event.get('message')} from {sender} ({self.roles.get(sender, '?')}) "
            f"to {recipient} ({self.roles.get(recipient, '?')})"
        )

    def timing(self) -> Iterable[DeliveryProblem]:
        ssd = supply_start_date(self.events)
        for step_id, day in self.performed.items():
            step = self.steps.get(step_id)
            if step is None:
                continue
            for bound, late in ((step.latest, True), (step.earliest, False)):
                limit = self._limit(bound, ssd) if bound is not None else None
                if limit is None or (day <= limit if late else day >= limit):
                    continue
                yield self.problem(
                    step_id,
                    "late" if late else "early",
                    f"{step.label} {self._how_far(bound, limit, day, late)} "
                    f"(rule: {'by' if late else 'from'} {self._rule(bound)}; "
                    f"{'due by' if late else 'not before'} {limit}, performed {day})",
                )

    def _limit(self, bound: Deadline | None, ssd: date | None) -> date | None:
        if bound is None:
            return None
        anchor = ssd if bound.anchor == "SSD" else self.performed.get(bound.anchor)
        if anchor is None:
            return None
        days = bound.days_under(self.options)
        if bound.working:
            return self.calendar.add_working_days(anchor, days)
        return anchor + timedelta(days=days)

    def _rule(self, bound: Deadline | None) -> str:
        """``SSD+5wd``; a bound written in an option also gives its value in this run."""
        if bound is None or bound.option is None:
            return str(bound)
        unit = "wd" if bound.working else "d"
        return f"{bound} = {bound.anchor}{bound.days_under(self.options):+d}{unit}"

    def _how_far(self, bound: Deadline | None, limit: date, day: date, late: bool) -> str:
        start, end = (limit, day) if late else (day, limit)
        if bound is not None and bound.working:
            count, unit = self.calendar.working_days_between(start, end), "working day"
        else:
            count, unit = (end - start).days, "day"
        return f"{'late' if late else 'early'} by {count} {unit}{'s' if count != 1 else ''}"

    def duplicates(self) -> Iterable[DeliveryProblem]:
        withdrawn = _refused_after_acceptance(self.events)
        sends = Counter(
            (step_id, event.get("recipient") if event.get("network") != DIP else None)
            for event in self.events
            if event.get("kind") in _SENDS
            and (step_id := event.get("step")) in self.steps
            and self.steps[step_id].once
            and not (
                withdrawn
                and event.get("kind") == EventKind.ACCEPTED
                and _transaction_of(event) in withdrawn
            )
        )
        for (step_id, recipient), count in sorted(sends.items(), key=str):
            if count > 1:
                to = f" to {recipient}" if recipient is not None else ""
                yield self.problem(
                    step_id,
                    "duplicated",
                    f"{self.steps[step_id].label} sent {count} times{to}; it is sent once",
                )


def _transaction_of(event: Event) -> object:
    detail = event.get("detail")
    return detail.get("transaction_id") if isinstance(detail, Mapping) else None


def _refused_after_acceptance(events: Iterable[Event]) -> frozenset[object]:
    """The DIP transactions it accepted and then refused at level 2 (never published, D15)."""
    return frozenset(
        _transaction_of(event)
        for event in events
        if event.get("kind") == EventKind.REJECTED
        and event.get("network") == DIP
        and isinstance(detail := event.get("detail"), Mapping)
        and detail.get("level") == 2
        and detail.get("transaction_id") is not None
    )


def _goes_to(steps: list[Step]) -> str:
    return "; ".join(
        f"{s.label} goes from {s.party} to {' '.join(s.recipient_parties)}" for s in steps
    )
