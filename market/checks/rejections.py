"""DIP rejections after acceptance: what the verdict reports without failing on it.

A message the DIP accepted can still be refused later: by the DIP itself at
level 2 (``InboundRuleFailure``, an MPAN its register does not know yet,
decision D15) or by a recipient at level 3 or 4 (``RejectedByRecipient``, a
copy the recipient does not serve, D16). Either way the sender is told by a
status message. Such a refusal is a fact of the run, not a fault of the
process: a level-2 refusal is resubmitted, and a refused copy the process
needs shows up anyway as a missing step or recipient in conformance and
deliveries. So the verdict lists them, grouped, and stays OK.
Level-1 rejections (the synchronous answer, D14) are not listed here: the
sender has them at once, and blame names one when it leaves an MPAN stuck.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from market.checks.facts import Event
from market.kernel.event_kinds import EventKind
from market.kernel.vocabulary import DIP


@attrs.frozen(kw_only=True, slots=True)
class DipRejection:
    """One message refused after the DIP accepted it: who refused it, why, who was told."""

    mpan: str | None
    level: int
    status: str
    code: str
    message: str
    refused_by: str
    told: str | None

    def describe(self) -> str:
        """``1900000000007 PUB-003 refused by SUP-MHSB at level 3 (MSG1014), SUP-... told``."""
        told = f"; {self.told} told" if self.told else ""
        return (
            f"{self.mpan} {self.message} refused by {self.refused_by} at level {self.level} "
            f"({self.status}, {self.code}){told}"
        )


def dip_rejections(events: Iterable[Event]) -> tuple[DipRejection, ...]:
    """Every DIP rejection at level 2, 3 or 4 in the journal, in journal order."""
    found = []
    for event in events:
        detail = event.get("detail")
        if (
            event.get("kind") != EventKind.REJECTED
            or event.get("network") != DIP
            or not isinstance(detail, Mapping)
            or not isinstance(level := detail.get("level"), int)
            or level < 2
        ):
            continue
        found.append(
            DipRejection(
                mpan=event.get("mpan"),
                level=level,
                status=str(detail.get("status")),
                code=str(detail.get("code")),
                message=str(event.get("message")),
                refused_by=str(event.get("sender")),
                told=event.get("recipient"),
            )
        )
    return tuple(found)


def format_rejections(rejections: Iterable[DipRejection]) -> list[str]:
    """One console line per level, status and code: how many, of what, refused by whom."""
    groups: dict[tuple[int, str, str], list[DipRejection]] = {}
    for rejection in rejections:
        groups.setdefault((rejection.level, rejection.status, rejection.code), []).append(rejection)
    lines = []
    for (level, status, code), members in sorted(groups.items()):
        messages = Counter(r.message for r in members)
        what = ", ".join(f"{message} ×{count}" for message, count in sorted(messages.items()))
        by = ", ".join(sorted({r.refused_by for r in members}))
        mpans = len({r.mpan for r in members})
        lines.append(
            f"DIP rejection (reported, not a failure): level {level} {status} {code} "
            f"×{len(members)} over {mpans} MPAN{'s' if mpans != 1 else ''} ({what}; by {by})"
        )
    return lines
