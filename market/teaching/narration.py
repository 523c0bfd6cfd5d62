"""Narrated runs: the journal told as a readable trace, through structlog.

Each journal event worth telling becomes one structlog event carrying the
simulated time and the participant, so the same trace renders as aligned
console lines for people (``--log-format console``) or JSON lines for tools
(``--log-format json``). Rendering happens only when narration is on; a quiet
run pays nothing for it.
"""

from __future__ import annotations

import sys
from collections.abc import MutableMapping
from typing import Any, Final, TextIO

import structlog

from market.kernel.event_kinds import EventKind
from market.kernel.journal import JournalEvent
from market.kernel.local_time import to_local

#: Journal kinds the trace tells by default; ``verbose`` adds state changes and timers.
TOLD_KINDS: Final = frozenset(
    {
        EventKind.SUBMITTED,
        EventKind.DELIVERED,
        EventKind.REJECTED,
        EventKind.DEAD_LETTERED,
        EventKind.CRASHED,
        EventKind.DROPPED,
    }
)
VERBOSE_KINDS: Final = frozenset(
    {EventKind.STATE_CHANGED, EventKind.TIMER_SET, EventKind.TIMER_FIRED, EventKind.TIMER_CANCELLED}
)

_STEP_WIDTH: Final = 4


def _console_line(_logger: object, _name: str, event_dict: MutableMapping[str, Any]) -> str:
    """structlog renderer: one aligned, human line per narrated event."""
    at = event_dict.pop("at")
    local = to_local(at)
    when = f"{local:%a %d %b %H:%M:%S} {local.tzname()}"
    kind = event_dict.get("kind")
    network = event_dict.get("network") or ""
    label = event_dict.get("message") or ""
    if event_dict.get("event_code"):
        label = f"{label} {event_dict['event_code']}"
    sender = event_dict.get("participant") or ""
    recipient = event_dict.get("recipient") or ""
    arrow = f"{sender} → {recipient}" if recipient else sender
    step = event_dict.get("step") or ""
    mpan = event_dict.get("mpan") or ""
    if kind in (EventKind.STATE_CHANGED,):
        detail = event_dict.get("detail") or {}
        facts = " ".join(f"{k}={v}" for k, v in detail.items() if k != "event")
        return f"{when}  {'':7} {sender:<13} {detail.get('event', '')}: {facts}  {mpan}"
    if kind in (
        EventKind.REJECTED,
        EventKind.DEAD_LETTERED,
        EventKind.CRASHED,
        EventKind.TIMER_SET,
        EventKind.TIMER_FIRED,
        EventKind.TIMER_CANCELLED,
    ):
        detail = event_dict.get("detail") or {}
        facts = " ".join(f"{k}={v}" for k, v in detail.items() if v is not None)
        return f"{when}  {network:<7} {kind.upper()} {label} {arrow} {mpan} {facts}".rstrip()
    verb = "submits" if kind == EventKind.SUBMITTED else ""
    text = f"{label} {verb}".rstrip()
    return f"{when}  {network:<7} {text:<38} {arrow:<27} {mpan:<13}  {step:<{_STEP_WIDTH}}".rstrip()


def _add_simulated_time(
    _logger: object, _name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: ``at`` as ISO 8601 with UK offset, for machine-readable output."""
    event_dict["at"] = to_local(event_dict["at"]).isoformat()
    return event_dict


def configure_logging(
    log_format: str, stream: TextIO | None = None
) -> structlog.typing.FilteringBoundLogger:
    """Configure structlog for narration in ``console`` or ``json`` format; return the logger."""
    out = stream or sys.stdout
    processors: list[Any]
    if log_format == "json":
        processors = [_add_simulated_time, structlog.processors.JSONRenderer(sort_keys=False)]
    else:
        processors = [_console_line]
    structlog.configure(
        processors=processors,
        logger_factory=structlog.PrintLoggerFactory(out),
        wrapper_class=structlog.make_filtering_bound_logger(0),
        cache_logger_on_first_use=False,
    )
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger()
    return logger


class Narrator:
    """A journal subscriber that tells each event worth telling through a structlog logger."""

    def __init__(
        self, logger: structlog.typing.FilteringBoundLogger, *, verbose: bool = False
    ) -> None:
        self._logger = logger
        self._kinds = TOLD_KINDS | VERBOSE_KINDS if verbose else TOLD_KINDS

    def __call__(self, event: JournalEvent) -> None:
        """Tell ``event`` if it is of a told kind (a DIP response is told only when it rejects)."""
        if event.kind not in self._kinds or (
            event.kind == EventKind.DELIVERED and event.message == "DIP-RESPONSE"
        ):
            return
        fields: dict[str, Any] = {
            "at": event.at,
            "kind": event.kind,
            "participant": event.sender,
            "network": event.network,
            "message": event.message,
            "event_code": event.event_code,
            "recipient": event.recipient,
            "mpan": event.mpan,
            "step": event.step,
            "seq": event.seq,
        }
        if event.detail:
            fields["detail"] = dict(event.detail)
        self._logger.info(f"message_{event.kind}", **fields)
