"""Tiny builders for hand-written journals: each call appends the lines one message leaves.

Participant ids follow the default market's spelling ``ROLE-MPID`` so a builder
can fill in D-flow headers and DIP routing maps; the checks themselves never
read roles from ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, Final

MPAN: Final = "1935657896617"
OTHER_MPAN: Final = "1940641045226"
SSD: Final = "2026-03-02"
REGIME_END: Final = "2026-03-01T00:00:00+00:00"

IN: Final = "SUP-LGSB"
OUT: Final = "SUP-MHSA"
REGS: Final = "REGS-19"
DC: Final = "NHHDC-NDCE"
MOP: Final = "NHHMOA-NMOF"
OLD_MOP: Final = "NHHMOA-NMOO"
DA: Final = "NHHDA-NDAG"
MSS: Final = "MSS-MSSD"
SDS: Final = "SDS-SDSC"
LDSO: Final = "LDSO-19"

DIP_IDS: Final = {
    REGS: "2200000019",
    "MDS": "1800000001",
    LDSO: "2500000019",
    OUT: "2300000101",
    "SUP-MHSB": "2300000102",
    "EES": "2700000001",
    MSS: "1200000301",
    SDS: "1400000201",
}


def role_of(participant: str) -> str:
    """The role code a test participant id starts with (``NHHDC-NDCE`` → ``NHHDC``)."""
    return participant.split("-", maxsplit=1)[0]


class JournalBuilder:
    """Appends journal lines (dicts) for one MPAN, one minute apart unless moved with ``at``."""

    def __init__(self, mpan: str = MPAN, start: str = "2026-02-26T09:00:00+00:00") -> None:
        self.mpan = mpan
        self.events: list[dict[str, Any]] = []
        self._clock = datetime.fromisoformat(start)

    def at(self, instant: str) -> JournalBuilder:
        """Move the clock to ``instant`` (ISO 8601 with offset)."""
        self._clock = datetime.fromisoformat(instant)
        return self

    def add(self, kind: str, **fields: Any) -> JournalBuilder:
        """One journal line of ``kind``; keys not given are null, as in a journal file."""
        line: dict[str, Any] = dict.fromkeys(
            ("network", "message", "event_code", "sender", "recipient", "step", "correlation_id")
        )
        line.update(seq=len(self.events), at=self._clock.isoformat(), kind=kind, mpan=self.mpan)
        line.update(fields)
        self.events.append(line)
        self._clock += timedelta(minutes=1)
        return self

    def css(
        self, step: str | None, message: str, sender: str, recipient: str, **items: Any
    ) -> JournalBuilder:
        """A delivered CSS message with its fields."""
        return self.add(
            "delivered",
            network="CSS",
            message=message,
            sender=sender,
            recipient=recipient,
            step=step,
            css=items,
        )

    def dtn(
        self, step: str | None, flow: str, sender: str, recipient: str, **items: Any
    ) -> JournalBuilder:
        """A delivered D-flow with its header and data items."""
        header = {
            "flow": flow,
            "from": {"mpid": sender.rsplit("-", maxsplit=1)[-1], "role": role_of(sender)},
            "to": {"mpid": recipient.rsplit("-", maxsplit=1)[-1], "role": role_of(recipient)},
            "mpan": self.mpan,
            "items": items,
        }
        return self.add(
            "delivered",
            network="DTN",
            message=flow,
            sender=sender,
            recipient=recipient,
            step=step,
            flow=header,
        )

    def dip(
        self,
        interface: str,
        event_code: str,
        submitter: str,
        recipients: Iterable[str],
        *,
        step: str | None,
        publication_step: str | None = None,
        blocks: dict[str, Any] | None = None,
        correlation: str | None = None,
    ) -> JournalBuilder:
        """An accepted submission, its routing and one delivered publication per recipient."""
        recipients = list(recipients)
        correlation = correlation or f"CI-{len(self.events):04d}"
        publication = "PUB-" + interface.removeprefix("IF-")
        common = {"network": "DIP", "event_code": event_code, "correlation_id": correlation}
        self.add(
            "accepted", message=interface, sender="DIP", recipient=submitter, step=step, **common
        )
        primary = ",".join(f"{role_of(r)}:{DIP_IDS.get(r, '0')}" for r in recipients if r != "EES")
        always = "EES:2700000001" if "EES" in recipients else ""
        routing = f"Primary:[{primary}];Secondary:[];Always:[{always}]"
        self.add(
            "routed",
            message=publication,
            sender="DIP",
            step=step,
            detail={"routing": routing},
            **common,
        )
        envelope = {
            "CommonBlock": {
                "S0": {"interfaceID": interface, "eventCode": event_code},
                "S1": {"senderRoleID": role_of(submitter)},
            },
            "CustomBlock": blocks or {},
        }
        for recipient in recipients:
            self.add(
                "delivered",
                message=publication,
                sender="DIP",
                recipient=recipient,
                step=publication_step or step,
                envelope=envelope,
                **common,
            )
        return self

    def state(self, sender: str, event: str, **detail: Any) -> JournalBuilder:
        """A participant's state change."""
        return self.add("state_changed", sender=sender, detail={"event": event, **detail})


B002: Final = {"incomingSupplierMPID": "LGSB", "supplierEffectiveFromDate": f"{SSD}T00:00:00+00:00"}

#: How each step of a variant-T reverse migration appears in a journal (default market's shape).
RM_T_LINES: Final[dict[str, Callable[[JournalBuilder], object]]] = {
    "C1": lambda b: b.css("C1", "RegistrationRequest", IN, "CSS", gaining_supplier_mpid="LGSB"),
    "C2": lambda b: b.css("C2", "LossNotification", "CSS", OUT, supply_start_date=SSD),
    "C4": lambda b: b.css(
        "C4",
        "SecuredActive",
        "CSS",
        REGS,
        gaining_supplier_mpid="LGSB",
        losing_supplier_mpid="MHSA",
        supply_start_date=SSD,
    ),
    "C6": lambda b: b.dtn("C6", "D0217", REGS, IN, supply_start_date=SSD, supplier_mpid="LGSB"),
    "C7": lambda b: b.dip(
        "IF-003",
        "[ReverseMigNotification]",
        REGS,
        ["MDS", LDSO, OUT, "EES"],
        step="C7",
        publication_step="C8",
        blocks={"B094": {"MHHSRegimeEndDate": REGIME_END}, "B002": B002},
    ),
    "C9": lambda b: (
        b.dtn("C9", "D0155", IN, DC, appointed_role="NHHDC", effective_from_date=SSD),
        b.dtn("C9", "D0155", IN, MOP, appointed_role="NHHMOA", effective_from_date=SSD),
    ),
    "C9a": lambda b: b.dtn("C9a", "D0153", IN, DA, appointed_role="NHHDA", effective_from_date=SSD),
    "C10": lambda b: [b.dtn("C10", "D0011", agent, IN) for agent in (DC, MOP, DA)],
    "C11": lambda b: [b.dtn("C11", "D0148", IN, agent) for agent in (DC, MOP, DA)],
    "C12": lambda b: b.dtn("C12", "D0205", IN, REGS, effective_from_date=SSD),
    "C13": lambda b: b.dtn("C13", "D0209", REGS, DA, supply_start_date=SSD),
    "C13a": lambda b: b.dtn("C13a", "D0172", REGS, IN, effective_from_date=SSD),
    "C14": lambda b: b.dip(
        "IF-003",
        "[MSDeAppRM]",
        REGS,
        [MSS, "EES"],
        step="C14",
        blocks={"B008": {"meteringServiceEffectiveToDate": REGIME_END}, "B002": B002},
    ),
    "C15": lambda b: b.dip(
        "IF-003",
        "[DSDeAppRM]",
        REGS,
        [SDS, "EES"],
        step="C15",
        blocks={"B009": {"dataServiceEffectiveToDate": REGIME_END}, "B002": B002},
    ),
    "T3": lambda b: b.dtn("T3", "D0150", MSS, MOP),
    "T4": lambda b: [b.dtn("T4", "D0150", MOP, to) for to in (DC, IN, LDSO)],
    "T6": lambda b: [
        b.at("2026-03-02T10:00:00+00:00").dtn("T6", "D0086", DC, supplier) for supplier in (IN, OUT)
    ],
    "T7": lambda b: b.dtn("T7", "D0019", DC, DA),
}


def journal(*step_ids: str, builder: JournalBuilder | None = None) -> list[dict[str, Any]]:
    """The lines of the given RM-T steps, in that order (all of them when none are given)."""
    builder = builder or JournalBuilder()
    for step_id in step_ids or tuple(RM_T_LINES):
        RM_T_LINES[step_id](builder)
    return builder.events


def rm_t_without(*left_out: str) -> list[dict[str, Any]]:
    """A variant-T reverse migration in the default order, leaving out some steps."""
    return journal(*(step for step in RM_T_LINES if step not in left_out))


def merged(*journals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Several built journals as one run's: events in time order (stable), numbered again.

    Builders each start their clock at 09:00, and a run's journal never goes back in
    time (``check_time_runs_forward``), so journals are interleaved, not concatenated.
    """
    events = sorted((event for lines in journals for event in lines), key=lambda e: e["at"])
    return [{**event, "seq": seq} for seq, event in enumerate(events)]
