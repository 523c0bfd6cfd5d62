"""Crashes: a participant whose handler raised with nobody to restart it is a finding.

The supervisor journals every crash. A planned crash, or a bug under a restart
policy, carries its policy (``restart``) in the event's detail and the
participant comes back; a bug nobody supervises (no ``restart`` in the detail)
stops the run, and so does giving up on a participant that crashed more often
than its policy allows (a ``gave_up`` event). Either way the market did not
finish: the check names the participant, the message it was handling, its MPAN
and the error, and the verdict lists every MPAN left unfinished.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from market.checks.facts import Event
from market.kernel.event_kinds import EventKind


@attrs.frozen(kw_only=True, slots=True)
class Crash:
    """A crash that stopped the run: who, on which message and MPAN, and why."""

    participant: str
    at: str
    message: str | None
    mpan: str | None
    error: str

    def describe(self) -> str:
        """``NHHDC-NDCE crashed handling D0155 (MPAN 1952499358227) at …: KeyError: 'x'``."""
        handling = f"handling {self.message}" if self.message else "starting"
        mpan = f" (MPAN {self.mpan})" if self.mpan else ""
        return f"{self.participant} crashed {handling}{mpan} at {self.at}: {self.error}"


def check_crashes(events: Iterable[Event]) -> tuple[Crash, ...]:
    """Every unsupervised crash and every participant the supervisor gave up on, in order."""
    found = []
    for event in events:
        kind = event.get("kind")
        detail = event.get("detail")
        detail = detail if isinstance(detail, Mapping) else {}
        if kind == EventKind.CRASHED and "restart" not in detail:
            error = str(detail.get("error", "unknown error"))
        elif kind == EventKind.GAVE_UP:
            error = f"given up after {detail.get('restarts', '?')} restarts"
        else:
            continue
        found.append(
            Crash(
                participant=str(event.get("sender")),
                at=str(event.get("at")),
                message=_text(event.get("message")),
                mpan=_text(event.get("mpan")),
                error=error,
            )
        )
    return tuple(found)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
