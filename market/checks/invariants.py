"""Rules that must hold over a whole run, each a pure function of the journal.

* :func:`check_one_supplier`: one registered supplier per MPAN per settlement day.
* :func:`check_regime_end`: no MHHS data or metering service for a settlement
  date after an MPAN's ``MHHSRegimeEndDate``.
* :func:`check_legacy_appointments`: the legacy collector, operator and
  aggregator are appointed and registered from the supply start date.
* :func:`check_withdrawal_escalation`: a switch withdrawn after REGS issued its
  IF-003 (D4) is escalated for manual intervention, and nothing else is.
* :func:`check_time_runs_forward`: the journal's events, in order, never go
  back in time (a participant restarted before it crashed, a journal
  reordered by hand).
* :func:`open_disputes`: D0300 disputes raised and never answered. An open
  dispute is information (it may close after the run), not a broken rule.
* :func:`manual_interventions`: reverse migrations withdrawn after their IF-003,
  which no public event undoes (D4): information for the people who must.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Final

import attrs

from market.checks.facts import (
    Event,
    contains_text,
    css_items,
    day_of,
    events_by_mpan,
    find_fields,
    supply_start_date,
)
from market.checks.progress import OBSERVING_KINDS, flow_items
from market.kernel.event_kinds import EventKind

ONE_SUPPLIER: Final = "one registered supplier per settlement day"
REGIME_END: Final = "no MHHS service after MHHSRegimeEndDate"
LEGACY_FROM_SSD: Final = "legacy agents effective from the SSD"
ESCALATED: Final = "a switch withdrawn after its IF-003 is escalated, and nothing else"
TIME_FORWARD: Final = "simulated time never runs backwards"

#: REGS state changes that register a supplier, and the detail keys that may name it and its SSD.
REGISTERING_EVENTS: Final = frozenset(
    {"reverse_migration_decided", "switch_registered", "legacy_agents_registered"}
)
_SUPPLIER_KEYS: Final = ("supplier", "incoming_supplier", "supplier_mpid")
_FROM_KEYS: Final = ("supply_start_date", "effective_from", "effective_from_date")


@attrs.frozen(kw_only=True, slots=True)
class InvariantViolation:
    """One broken run-wide rule, for one MPAN, with what the journal showed."""

    rule: str
    mpan: str
    message: str

    def describe(self) -> str:
        """``<mpan> breaks "<rule>": <what happened>``."""
        return f'{self.mpan} breaks "{self.rule}": {self.message}'


@attrs.frozen(kw_only=True, slots=True)
class OpenDispute:
    """A D0300 dispute raised (``resolution`` null) and not agreed in the journal.

    ``rejected_by`` names the supplier that answered it REJECTED, if one did (the
    suppliers go on disputing outside the market); otherwise it is unanswered.
    """

    mpan: str
    dispute_reference: str
    raised_by: str
    raised_at: str
    rejected_by: str | None = None

    def describe(self) -> str:
        """``<mpan> D0300 dispute <reference> raised by <participant> at <time> is open``."""
        how = f"rejected by {self.rejected_by}" if self.rejected_by else "unanswered"
        return (
            f"{self.mpan} D0300 dispute {self.dispute_reference} raised by {self.raised_by} "
            f"at {self.raised_at} is open ({how})"
        )


@attrs.frozen(kw_only=True, slots=True)
class ManualIntervention:
    """D4: a reverse migration withdrawn at CSS after REGS published its IF-003.

    Read from the messages (an IF-003 ``[ReverseMigNotification]`` observed, then
    CSS's ``RegistrationWithdrawn`` or ``LossWithdrawn`` delivered), never from
    what REGS says of it.
    """

    mpan: str
    withdrawn_at: str

    def describe(self) -> str:
        """``<mpan> withdrawn at <time> after its IF-003: needs manual intervention (D4)``."""
        return (
            f"{self.mpan} withdrawn at {self.withdrawn_at} after its IF-003 "
            "[ReverseMigNotification]: needs manual intervention (D4)"
        )


def check_invariants(events: Iterable[Event]) -> tuple[InvariantViolation, ...]:
    """Every violation of the five run-wide rules, rule by rule, each by MPAN."""
    events = list(events)
    return (
        *check_time_runs_forward(events),
        *check_one_supplier(events),
        *check_regime_end(events),
        *check_legacy_appointments(events),
        *check_withdrawal_escalation(events),
    )


def _earlier(at: str, before: str) -> bool:
    """Whether instant ``at`` is earlier than ``before`` (text that is no instant never is)."""
    if at.endswith("+00:00") and before.endswith("+00:00"):
        return at < before
    try:
        return datetime.fromisoformat(at) < datetime.fromisoformat(before)
    except (TypeError, ValueError):  # unparsable, or naive against aware
        return False


def check_time_runs_forward(events: Iterable[Event]) -> tuple[InvariantViolation, ...]:
    """Each event, in journal order, stamped earlier than the event before it.

    The runtime journals in virtual-time order, so only a broken runtime (a
    restart before its crash) or an edited journal breaks this. Stamps in the
    journal's own form (UTC, ``+00:00``) compare as text; others are parsed.
    """
    violations = []
    previous: Event | None = None
    for event in events:
        at = event.get("at")
        if not isinstance(at, str):
            continue
        if previous is not None:
            before = previous["at"]
            if _earlier(at, before):
                violations.append(
                    InvariantViolation(
                        rule=TIME_FORWARD,
                        mpan=str(event.get("mpan") or "(no MPAN)"),
                        message=(
                            f"event {event.get('seq')} ({event.get('kind')}) at {at} comes after "
                            f"event {previous.get('seq')} at {before}"
                        ),
                    )
                )
        previous = event
    return tuple(violations)


def _first(detail: Mapping[str, object], keys: Iterable[str]) -> object:
    return next((detail[key] for key in keys if detail.get(key) is not None), None)


def check_one_supplier(events: Iterable[Event]) -> tuple[InvariantViolation, ...]:
    """Two suppliers registered from one day, or a registration not after the one before it.

    Registrations are CSS ``SecuredActive`` deliveries (gaining supplier from
    ``supply_start_date``) and the Registration Service's state changes of
    :data:`REGISTERING_EVENTS` that name a supplier and a date. The same
    supplier from the same day, seen again, is the same registration.
    """
    violations = []
    for mpan, mpan_events in sorted(events_by_mpan(events).items()):
        registered: dict[date, str] = {}
        latest: date | None = None
        for event in mpan_events:
            if event.get("kind") == EventKind.DELIVERED and event.get("message") == "SecuredActive":
                items = css_items(event)
                supplier = items.get("gaining_supplier_mpid")
                day = day_of(items.get("supply_start_date"))
            elif event.get("kind") == EventKind.STATE_CHANGED and (
                (detail := event.get("detail") or {}).get("event") in REGISTERING_EVENTS
            ):
                supplier, day = _first(detail, _SUPPLIER_KEYS), day_of(_first(detail, _FROM_KEYS))
            else:
                continue
            if not isinstance(supplier, str) or day is None or registered.get(day) == supplier:
                continue
            if day in registered:
                message = f"{registered[day]} and {supplier} are both registered from {day}"
            elif latest is not None and day < latest:
                message = f"{supplier} registered from {day}, before the registration from {latest}"
            else:
                message = ""
            if message:
                violations.append(InvariantViolation(rule=ONE_SUPPLIER, mpan=mpan, message=message))
            registered[day] = supplier
            latest = max(day, latest or day)
    return tuple(violations)


#: Where a DeAppRM publication says when the de-appointed service's appointment ends (B009/B008).
_DEAPPOINTMENT_ENDS: Final = {
    "[DSDeAppRM]": "dataServiceEffectiveToDate",
    "[MSDeAppRM]": "meteringServiceEffectiveToDate",
}
#: Where an IF-036 says from when the incoming service is active (B015/B014).
_APPOINTMENT_STARTS: Final = {
    "[DSAppActive]": "incomingDataServiceEffectiveFromDate",
    "[MSAppActive]": "incomingMeteringServiceEffectiveFromDate",
}
_Publication = tuple[str, str | None, object, Mapping[str, object]]
#: A delivered publication before its envelope is read: message, event code, correlation id.
_Delivered = tuple[str, str | None, object, Event]


def _delivered_publications(events: Iterable[Event]) -> list[_Delivered]:
    """``(message, event code, correlation id, event)`` per delivered DIP message, once.

    Nothing is rendered here: a journal read live renders an envelope each time
    it is asked for, so the envelopes are read only for the publications a check needs.
    """
    seen: set[tuple[object, ...]] = set()
    delivered: list[_Delivered] = []
    for event in events:
        if event.get("kind") != EventKind.DELIVERED:
            continue
        correlation = event.get("correlation_id")
        key = (event.get("message"), event.get("event_code"), correlation or event.get("seq"))
        if key not in seen:
            seen.add(key)
            message, code = str(event.get("message")), event.get("event_code")
            delivered.append((message, code, correlation, event))
    return delivered


def _with_envelopes(delivered: Iterable[_Delivered]) -> list[_Publication]:
    """The publications among ``delivered``, each with its envelope (those without one dropped)."""
    return [
        (message, code, correlation, envelope)
        for message, code, correlation, event in delivered
        if isinstance(envelope := event.get("envelope"), Mapping)
    ]


def _days(envelope: Mapping[str, object], field: str) -> list[date]:
    return [day for value in find_fields(envelope, field) if (day := day_of(value)) is not None]


def check_regime_end(events: Iterable[Event]) -> tuple[InvariantViolation, ...]:
    """MHHS services appointed, or consumption taken, for dates after MHHSRegimeEndDate.

    For each MPAN with the B094 ``MHHSRegimeEndDate`` of a delivered PUB-003
    ``[ReverseMigNotification]``: its de-appointments' B009
    ``dataServiceEffectiveToDate`` and B008 ``meteringServiceEffectiveToDate``
    must not be after it; no IF-036 ``[DSAppActive]``/``[MSAppActive]`` may make
    a service active (B015/B014 ``incoming…ServiceEffectiveFromDate``) after it;
    and every day block (B046 ``settlementDayDate`` and B045 quantity) after it
    in an IF-021 must have drawn an IF-014 whose ``R0`` carries ECS1001 for that
    same day and quantity. Envelopes are read from delivered publications, once
    each.
    """
    violations: list[InvariantViolation] = []
    for mpan, mpan_events in sorted(events_by_mpan(events).items()):
        delivered = _delivered_publications(mpan_events)
        if not any(code == "[ReverseMigNotification]" for _, code, _, _ in delivered):
            continue  # not a reverse migration: no envelope of it needs reading
        publications = _with_envelopes(delivered)
        end = min(
            (
                day
                for _, code, _, envelope in publications
                if code == "[ReverseMigNotification]"
                for day in _days(envelope, "MHHSRegimeEndDate")
            ),
            default=None,
        )
        if end is None:
            continue
        violations.extend(
            InvariantViolation(rule=REGIME_END, mpan=mpan, message=problem)
            for problem in _after_regime_end(publications, end)
        )
    return tuple(violations)


def _after_regime_end(publications: Sequence[_Publication], end: date) -> list[str]:
    """What one MPAN's publications appoint or settle after its MHHSRegimeEndDate ``end``.

    Consumption is judged per day block (settlement day and measurement
    quantity): each block of an IF-021 after ``end`` needs an IF-014 with
    ECS1001 refusing that very block, so a refused active-power day does not
    excuse the same day's reactive power, nor one refused day another.
    """
    refused: set[tuple[date, object]] = set()
    for message, _, _, envelope in publications:
        if message == "PUB-014" and contains_text(envelope, "ECS1001"):
            refused.update(_day_blocks(envelope))
    problems: list[str] = []
    unrefused: set[tuple[date, object]] = set()
    for message, code, _, envelope in publications:
        if code in _DEAPPOINTMENT_ENDS:
            field = _DEAPPOINTMENT_ENDS[code]
            problems.extend(
                f"{code} {field} {day} is after MHHSRegimeEndDate {end}"
                for day in _days(envelope, field)
                if day > end
            )
        elif message == "PUB-036" and code in _APPOINTMENT_STARTS:
            problems.extend(
                f"IF-036 {code} is effective from {day}, after MHHSRegimeEndDate {end}"
                for day in _days(envelope, _APPOINTMENT_STARTS[code])
                if day > end
            )
        elif message == "PUB-021":
            unrefused.update(
                block for block in _day_blocks(envelope) if block[0] > end and block not in refused
            )
    problems.extend(
        f"IF-021 for settlement day {day} (after MHHSRegimeEndDate {end}) was not rejected "
        "with ECS1001" + (f" for quantity {quantity}" if quantity is not None else "")
        for day, quantity in sorted(unrefused, key=lambda block: (block[0], str(block[1])))
    )
    return problems


def _day_blocks(value: object) -> list[tuple[date, object]]:
    """Every consumption day block (a mapping holding B046) as (settlement day, quantity)."""
    blocks: list[tuple[date, object]] = []
    if isinstance(value, Mapping):
        if any(isinstance(key, str) and key.upper() == "B046" for key in value):
            day = next(
                (d for v in find_fields(value, "settlementDayDate") if (d := day_of(v))), None
            )
            quantity = next(iter(find_fields(value, "measurementQuantityID")), None)
            if day is not None:
                blocks.append((day, quantity))
            return blocks
        for inner in value.values():
            blocks.extend(_day_blocks(inner))
    elif isinstance(value, list | tuple):
        for inner in value:
            blocks.extend(_day_blocks(inner))
    return blocks


#: The appointment and registration flows whose ``effective_from_date`` must be the SSD.
_APPOINTMENT_FLOWS: Final = ("D0155", "D0153", "D0205")


def check_legacy_appointments(events: Iterable[Event]) -> tuple[InvariantViolation, ...]:
    """A D0155, D0153 or D0205 whose ``effective_from_date`` is not the MPAN's SSD.

    The SSD comes from the B002 of a PUB-003 or from the D0217 (never from the
    appointments being checked); an MPAN whose journal states neither is skipped.
    """
    violations = []
    for mpan, mpan_events in sorted(events_by_mpan(events).items()):
        ssd = supply_start_date(mpan_events, from_appointments=False)
        if ssd is None:
            continue
        reported: set[tuple[object, ...]] = set()
        for event in mpan_events:
            message = event.get("message")
            if event.get("kind") != EventKind.DELIVERED or message not in _APPOINTMENT_FLOWS:
                continue
            effective = flow_items(event).get("effective_from_date")
            key = (message, event.get("recipient"), effective)
            if day_of(effective) != ssd and key not in reported:
                reported.add(key)
                violations.append(
                    InvariantViolation(
                        rule=LEGACY_FROM_SSD,
                        mpan=mpan,
                        message=f"{message} to {event.get('recipient')} is effective from "
                        f"{effective}, not the SSD {ssd}",
                    )
                )
    return tuple(violations)


def open_disputes(events: Iterable[Event]) -> tuple[OpenDispute, ...]:
    """Every D0300 raised (``resolution`` null) that no D0300 with its reference agrees."""
    raised: dict[tuple[str, str], Event] = {}
    agreed: set[tuple[str, str]] = set()
    rejected: dict[tuple[str, str], str] = {}
    for event in events:
        if event.get("kind") not in OBSERVING_KINDS or event.get("message") != "D0300":
            continue
        items = flow_items(event)
        key = (str(event.get("mpan")), str(items.get("dispute_reference")))
        resolution = items.get("resolution")
        if resolution is None:
            raised.setdefault(key, event)
        elif resolution == "REJECTED":
            rejected.setdefault(key, str(event.get("sender")))
        else:
            agreed.add(key)
    return tuple(
        OpenDispute(
            mpan=mpan,
            dispute_reference=reference,
            raised_by=str(event.get("sender")),
            raised_at=str(event.get("at")),
            rejected_by=rejected.get((mpan, reference)),
        )
        for (mpan, reference), event in sorted(raised.items())
        if (mpan, reference) not in agreed
    )


_NOTICE: Final = frozenset({"IF-003", "PUB-003"})


def manual_interventions(events: Iterable[Event]) -> tuple[ManualIntervention, ...]:
    """Every MPAN whose switch CSS withdrew after an IF-003 ``[ReverseMigNotification]``."""
    found = []
    for mpan, mpan_events in sorted(events_by_mpan(events).items()):
        notified = False
        for event in mpan_events:
            if event.get("kind") not in OBSERVING_KINDS:
                continue
            message = event.get("message")
            if message in _NOTICE and event.get("event_code") == "[ReverseMigNotification]":
                notified = True
            elif notified and message in ("RegistrationWithdrawn", "LossWithdrawn"):
                found.append(ManualIntervention(mpan=mpan, withdrawn_at=str(event.get("at"))))
                break
    return tuple(found)


def check_withdrawal_escalation(events: Iterable[Event]) -> tuple[InvariantViolation, ...]:
    """A D4 withdrawal REGS did not escalate, or an escalation with no such withdrawal."""
    events = list(events)
    needed = {found.mpan for found in manual_interventions(events)}
    escalated = {
        str(event.get("mpan"))
        for event in events
        if event.get("kind") == EventKind.STATE_CHANGED
        and (event.get("detail") or {}).get("event") == "manual_intervention_required"
    }
    return tuple(
        InvariantViolation(
            rule=ESCALATED,
            mpan=mpan,
            message="withdrawn after its IF-003 but never escalated for manual intervention"
            if mpan in needed
            else "escalated for manual intervention, but no withdrawal followed an IF-003",
        )
        for mpan in sorted(needed ^ escalated)
    )
