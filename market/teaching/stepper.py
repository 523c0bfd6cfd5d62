"""Step mode (``market run --step``): stop at each delivered message and say what it means.

The :class:`Stepper` subscribes to the journal like the narrator does. Every
journey entry is told in the format of ``market explain``; at each delivered
message it adds the MPAN, its path, the reconstructed step and what that step means and
when it is due, then waits for the reader: Enter goes on, ``q`` quits. Without
a terminal (``read_line=None``) it tells everything and never waits, so piped
and CI runs still finish.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TextIO

from market.checks.progress import path_of
from market.kernel.event_kinds import EventKind
from market.kernel.exceptions import MarketError
from market.kernel.journal import JournalEvent, PayloadRenderer, event_to_dict
from market.process.model import step_by_id
from market.teaching.explain import format_entry
from market.teaching.journey import (
    PATH_DESCRIPTIONS,
    DuplicateTracker,
    JourneyEntry,
    Message,
    journey_entry,
)

PROMPT: Final = "    [Enter] next message, q then Enter: quit > "


class QuitRequestedError(MarketError):
    """The reader typed ``q`` in step mode: not a failure of the market, a request to stop here.

    It is raised from inside the run (a journal subscriber) so the run stops at
    once; ``market run`` catches it and says where it stopped.
    """


def _timing(step_id: str, path: str | None) -> str:
    try:
        return step_by_id(step_id, path).timing if path else step_by_id(step_id).timing
    except KeyError:
        return ""


def explain_delivery(message: Message, mpan: str | None, path: str | None) -> str:
    """The line step mode adds under a delivered message: MPAN, path, step, meaning, timing."""
    where = f"MPAN {mpan}" if mpan else "no MPAN"
    if path is not None:
        where += f", path {path} ({PATH_DESCRIPTIONS[path]})"
    if message.step is None:
        why = (
            "a stimulus from outside the market, not a step of the process"
            if message.network == "OUTSIDE"
            else "not a step the process model names"
        )
        return f"    {where}: {why}."
    timing = _timing(message.step, path)
    return f"    {where}: step {message.step}: {message.meaning}" + (
        f" (due: {timing})." if timing else "."
    )


class Stepper:
    """Journal subscriber for step mode; ``read_line`` is ``None`` when there is no terminal.

    ``read_line`` returns the reader's line with its newline, or ``""`` at end
    of input (which quits, like ``q``).
    """

    def __init__(
        self,
        *,
        out: TextIO,
        read_line: Callable[[], str] | None,
        render_payload: PayloadRenderer | None = None,
    ) -> None:
        self._out = out
        self._read_line = read_line
        self._render_payload = render_payload
        self._history: dict[str, list[dict[str, Any]]] = {}
        self._duplicates = DuplicateTracker()
        self.delivered = 0

    def __call__(self, event: JournalEvent) -> None:
        """Tell ``event``; after a delivered message, explain it and wait for the reader."""
        line = event_to_dict(event, self._render_payload)
        mpan = event.mpan
        path = None
        if mpan is not None:
            history = self._history.setdefault(mpan, [])
            history.append(line)
            path = path_of(history)
        entry: JourneyEntry | None = journey_entry(line, path, self._duplicates)
        if entry is None:
            return
        print(format_entry(entry), file=self._out)
        if not (isinstance(entry, Message) and event.kind == EventKind.DELIVERED):
            return
        self.delivered += 1
        print(explain_delivery(entry, mpan, path), file=self._out)
        if self._read_line is None:
            return
        print(PROMPT, end="", file=self._out, flush=True)
        answer = self._read_line()
        if answer == "" or answer.strip().lower() in ("q", "quit"):
            raise QuitRequestedError(
                f"stopped at your request after {self.delivered} delivered messages"
            )
