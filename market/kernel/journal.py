"""The journal: one ordered record of everything that happened in a run.

Every submission, validation result, routing decision, delivery, drop, timer,
state change, crash and restart is a :class:`JournalEvent`. Checks, statistics,
narration and diagrams are pure functions of the journal, so they can be tested
on small hand-written journals. Events hold typed values (envelopes, D-flows)
and are rendered to JSON only when someone reads them: a line written to disk,
a digest, a narrated trace. A journal *file* is those lines and then one closing
record (:func:`closing_line`: their count and digest), so a reader can tell a
whole file from one cut short or edited; the closing record is not an event.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import IO, Any, Final, NamedTuple

from market.kernel.event_kinds import EventKind
from market.kernel.local_time import format_journal_instant
from market.networks.dip_defences import SIGNING_MODES

#: Keys every journal line carries, in this order; absent values are written as null.
JOURNAL_KEYS: Final = (
    "seq",
    "at",
    "kind",
    "network",
    "message",
    "event_code",
    "sender",
    "recipient",
    "mpan",
    "step",
    "correlation_id",
)

#: Renders a payload (envelope, D-flow, CSS message) to JSON-ready data for a journal line.
PayloadRenderer = Callable[[object], tuple[str, Any] | None]


class JournalEvent(NamedTuple):
    """One thing that happened, at one virtual instant, with its place in the run's order.

    An immutable named tuple rather than an attrs class: a run makes about three
    events per delivered message, and a tuple is built in a fifth of the time of
    a frozen attrs instance with the same fields (it is also a little smaller).

    ``payload`` is the typed message the event concerns, if any; it is rendered
    under ``envelope`` (DIP), ``flow`` (DTN) or ``css`` (CSS) only when the event
    is written out. ``detail`` carries small, already JSON-ready facts
    (rejection codes, routing maps, state changes).
    """

    seq: int
    at: datetime
    kind: str
    network: str | None = None
    message: str | None = None
    event_code: str | None = None
    sender: str | None = None
    recipient: str | None = None
    mpan: str | None = None
    step: str | None = None
    correlation_id: str | None = None
    detail: Mapping[str, Any] | None = None
    payload: object = None
    #: For a delivery: when the sender sent the message (so order and latency can be judged
    #: by when participants acted, not when a slow or reordering network handed it over).
    sent_at: datetime | None = None


def event_to_dict(
    event: JournalEvent, render_payload: PayloadRenderer | None = None
) -> dict[str, Any]:
    """The JSON-ready form of one event, keys in :data:`JOURNAL_KEYS` order then extras."""
    line: dict[str, Any] = {
        "seq": event.seq,
        "at": format_journal_instant(event.at),
        "kind": event.kind,
        "network": event.network,
        "message": event.message,
        "event_code": event.event_code,
        "sender": event.sender,
        "recipient": event.recipient,
        "mpan": event.mpan,
        "step": event.step,
        "correlation_id": event.correlation_id,
    }
    if event.sent_at is not None:
        line["sent_at"] = format_journal_instant(event.sent_at)
    if event.detail:
        line["detail"] = dict(event.detail)
    if event.payload is not None and render_payload is not None:
        rendered = render_payload(event.payload)
        if rendered is not None:
            key, value = rendered
            line[key] = value
    return line


class EventView(Mapping[str, Any]):
    """One event read as its journal line's dict, computed on access instead of up front.

    The checkers and reports take journal lines as mappings, so they run on a
    file read back from disk as well as on a live run. For a live run this view
    stands in for :func:`event_to_dict`: it holds only the event, formats the
    instant when asked (and keeps that string) and renders the payload only when
    its key (``envelope``, ``flow``, ``css`` ...) is read, without keeping it. A
    large run's checks then cost no copy of the journal (a rendered envelope is
    kilobytes). Equal to the dict :func:`event_to_dict` gives for the same event.
    """

    __slots__ = ("_at", "_event", "_payload_key", "_render_payload")

    def __init__(self, event: JournalEvent, render_payload: PayloadRenderer | None) -> None:
        self._event = event
        self._render_payload = render_payload
        self._at: str | None = None
        #: The payload's key once rendered ("" when nothing is shown), so other keys miss fast.
        self._payload_key: str | None = None

    def __getitem__(self, key: str) -> Any:
        event = self._event
        if key == "at":
            if self._at is None:
                self._at = format_journal_instant(event.at)
            return self._at
        index = _PLAIN_INDEX.get(key)
        if index is not None:
            return event[index]
        if key == "sent_at" and event.sent_at is not None:
            return format_journal_instant(event.sent_at)
        if key == "detail" and event.detail:
            return event.detail
        if key not in _FIXED_KEYS and self._payload_key in (None, key):
            rendered = self._rendered()
            if rendered is not None and rendered[0] == key:
                return rendered[1]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        """As :meth:`dict.get` (without a ``KeyError`` raised and caught on the plain keys)."""
        index = _PLAIN_INDEX.get(key)
        if index is not None:
            return self._event[index]
        try:
            return self[key]
        except KeyError:
            return default

    def _rendered(self) -> tuple[str, Any] | None:
        payload = self._event.payload
        rendered = (
            None
            if payload is None or self._render_payload is None
            else self._render_payload(payload)
        )
        self._payload_key = "" if rendered is None else rendered[0]
        return rendered

    def __iter__(self) -> Iterator[str]:
        yield from JOURNAL_KEYS
        event = self._event
        if event.sent_at is not None:
            yield "sent_at"
        if event.detail:
            yield "detail"
        rendered = self._rendered()
        if rendered is not None:
            yield rendered[0]

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"EventView({self._event.seq}, {self._event.kind!r})"


#: Keys of :data:`JOURNAL_KEYS` read straight from the event's field of the same name,
#: with that field's position in the tuple.
_PLAIN_INDEX: Final = {key: JournalEvent._fields.index(key) for key in JOURNAL_KEYS if key != "at"}
#: Keys that are never a payload's (the payload's key is whatever the renderer names it).
_FIXED_KEYS: Final = frozenset(JOURNAL_KEYS) | {"sent_at", "detail"}


def event_views(
    events: Iterable[JournalEvent], render_payload: PayloadRenderer | None = None
) -> Sequence[EventView]:
    """Every event as an :class:`EventView` (the checkers' input for a live run)."""
    return [EventView(event, render_payload) for event in events]


def event_to_line(event: JournalEvent, render_payload: PayloadRenderer | None = None) -> str:
    """One journal line: compact JSON with a stable key order (so digests are stable)."""
    return json.dumps(
        event_to_dict(event, render_payload), separators=(",", ":"), ensure_ascii=False
    )


#: Builds a :class:`JournalEvent` from its fields' tuple (``tuple.__new__``, without the
#: named tuple's own ``__new__`` and its argument matching).
_new_event: Final = tuple.__new__


class Journal:
    """An append-only list of events with subscribers (narrators, statistics, writers).

    Only the broker appends, from one task, in an order that does not depend on
    trio's scheduling: that is what makes the journal, and its digest, a
    deterministic function of scenario and seed.
    """

    def __init__(
        self, render_payload: PayloadRenderer | None = None, *, keep_events: bool = True
    ) -> None:
        self._events: list[JournalEvent] = []
        self._subscribers: list[Callable[[JournalEvent], None]] = []
        self._render_payload = render_payload
        self._keep_events = keep_events
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def render_payload(self) -> PayloadRenderer | None:
        """How this journal renders an event's payload when its line is written."""
        return self._render_payload

    def __iter__(self) -> Iterator[JournalEvent]:
        return iter(self._events)

    @property
    def events(self) -> tuple[JournalEvent, ...]:
        """A snapshot of the events kept so far (all of them unless ``keep_events=False``)."""
        return tuple(self._events)

    def subscribe(self, callback: Callable[[JournalEvent], None]) -> None:
        """Call ``callback`` with every event appended from now on, in order."""
        self._subscribers.append(callback)

    def append(
        self,
        *,
        at: datetime,
        kind: EventKind,
        network: str | None = None,
        message: str | None = None,
        event_code: str | None = None,
        sender: str | None = None,
        recipient: str | None = None,
        mpan: str | None = None,
        step: str | None = None,
        correlation_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
        payload: object = None,
        sent_at: datetime | None = None,
    ) -> JournalEvent:
        """Append an event with these fields (see :class:`JournalEvent`); the journal numbers it."""
        return self.add(
            at,
            kind,
            network,
            message,
            event_code,
            sender,
            recipient,
            mpan,
            step,
            correlation_id,
            detail,
            payload,
            sent_at,
        )

    def add(  # noqa: PLR0917  (every field by position: the per-message path)
        self,
        at: datetime,
        kind: str,
        network: str | None,
        message: str | None,
        event_code: str | None,
        sender: str | None,
        recipient: str | None,
        mpan: str | None,
        step: str | None,
        correlation_id: str | None,
        detail: Mapping[str, Any] | None,
        payload: object,
        sent_at: datetime | None,
        /,
    ) -> JournalEvent:
        """:meth:`append` with every field given, by position in :class:`JournalEvent` order.

        The kernel's path for what it journals once per message (a message sent,
        delivered, a timer firing): no keywords to match, one tuple built.
        """
        seq = self._count
        event = _new_event(
            JournalEvent,
            (
                seq,
                at,
                kind,
                network,
                message,
                event_code,
                sender,
                recipient,
                mpan,
                step,
                correlation_id,
                detail,
                payload,
                sent_at,
            ),
        )
        self._count = seq + 1
        if self._keep_events:
            self._events.append(event)
        for callback in self._subscribers:
            callback(event)
        return event

    def lines(self) -> Iterator[str]:
        """Every kept event as a JSON line, in order."""
        for event in self._events:
            yield event_to_line(event, self._render_payload)

    def write(self, stream: IO[str]) -> None:
        """Write every kept event as JSON lines to ``stream``."""
        for line in self.lines():
            stream.write(line)
            stream.write("\n")

    def digest(self) -> str:
        """SHA-256 over the rendered lines: equal digests mean byte-identical journals."""
        return digest_lines(self.lines())


class LineDigest:
    """The running SHA-256 of journal lines, each followed by a newline, and their count.

    One fold for every digest of a journal: :func:`digest_lines`, the closing record
    of :func:`closed_lines`, and a journal streamed to a file as the run goes.
    """

    __slots__ = ("_sha", "count")

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self.count = 0

    def add(self, line: str) -> None:
        """Fold in one line (without its newline)."""
        self._sha.update(line.encode("utf-8"))
        self._sha.update(b"\n")
        self.count += 1

    def hexdigest(self) -> str:
        """The digest of the lines folded in so far."""
        return self._sha.hexdigest()


def digest_lines(lines: Iterable[str]) -> str:
    """SHA-256 hex digest of journal lines joined by newlines, as :meth:`Journal.digest` does."""
    digest = LineDigest()
    for line in lines:
        digest.add(line)
    return digest.hexdigest()


#: The ``kind`` of a journal file's closing record. Never an event of a run (not an
#: :class:`EventKind`): the record lives in the file only, so a reader can tell a finished
#: file from one cut short, and the in-memory journal and its digest stay as they are.
CLOSING_KIND: Final = "journal_closed"
#: The keys every closing record has, in the order it is written.
CLOSING_KEYS: Final = ("kind", "events", "digest")
#: The key a closing record adds when the writer knows how the run signed DIP calls.
SIGNING_KEY: Final = "signing"


def closing_line(events: int, digest: str, *, signing: str | None = None) -> str:
    """The record that ends a journal file of ``events`` event lines with ``digest`` (hex).

    ``{"kind":"journal_closed","events":480,"digest":"fe53…","signing":"modelled"}``:
    the digest is :func:`digest_lines` over the event lines, so it equals the run's
    :meth:`Journal.digest`; ``signing`` says which signing mode ran (the events are the
    same in every mode, so only this record can tell).
    """
    record: dict[str, object] = {"kind": CLOSING_KIND, "events": events, "digest": digest}
    if signing is not None:
        record[SIGNING_KEY] = signing
    return json.dumps(record, separators=(",", ":"))


def closed_lines(lines: Iterable[str], *, signing: str | None = None) -> Iterator[str]:
    """``lines`` (event lines, without newlines) then the closing record over them.

    How a journal file is written, by ``market run --journal`` and by tests that
    write one by hand; each event line is rendered once, however long the run.
    """
    digest = LineDigest()
    for line in lines:
        digest.add(line)
        yield line
    yield closing_line(digest.count, digest.hexdigest(), signing=signing)


def write_journal_file(
    lines: Iterable[str], stream: IO[str], *, signing: str | None = None
) -> None:
    """Write event ``lines`` to ``stream`` as a journal file: one a line, then the closing line."""
    for line in closed_lines(lines, signing=signing):
        stream.write(line)
        stream.write("\n")


def is_closing_record(record: Mapping[str, Any]) -> bool:
    """Whether a decoded journal-file line is the closing record (its ``kind`` says so)."""
    return record.get("kind") == CLOSING_KIND


def closing_problem(record: Mapping[str, Any], events: int, digest: str) -> tuple[str, str] | None:
    """``(JSON path, rule)`` when ``record`` does not close ``events`` event lines of ``digest``.

    ``None`` when it does. A record of the wrong shape, a count or a digest that
    differs all mean the lines before it are not the ones the run wrote.
    """
    problem = _closing_shape_problem(record)
    if problem is not None:
        return problem
    stated_events, stated_digest = record["events"], record["digest"]
    if stated_events != events:
        return "$.events", (
            f"altered or truncated: the closing record counts {stated_events} events, "
            f"the file holds {events}"
        )
    if stated_digest != digest:
        return "$.digest", (
            f"altered or truncated: the {events} events digest to {digest[:16]}, "
            f"the closing record says {stated_digest[:16]}"
        )
    return None


def _closing_shape_problem(record: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(JSON path, rule)`` when ``record`` has the wrong keys or a field of the wrong type."""
    if not set(CLOSING_KEYS) <= set(record) <= {*CLOSING_KEYS, SIGNING_KEY}:
        return "$", (
            f"a closing record has the keys {', '.join(CLOSING_KEYS)}, perhaps {SIGNING_KEY}, "
            "and no others"
        )
    if SIGNING_KEY in record and record[SIGNING_KEY] not in SIGNING_MODES:
        return f"$.{SIGNING_KEY}", f"the signing mode is one of {', '.join(SIGNING_MODES)}"
    if type(record["events"]) is not int or record["events"] < 0:
        return "$.events", "the event count is a whole number"
    stated_digest = record["digest"]
    if not isinstance(stated_digest, str) or not _HEX_DIGEST.fullmatch(stated_digest):
        return "$.digest", "the digest is 64 lowercase hex digits (SHA-256)"
    return None


_HEX_DIGEST: Final = re.compile(r"[0-9a-f]{64}")


def read_journal_lines(stream: Iterable[str]) -> list[dict[str, Any]]:
    """Parse a journal written by :meth:`Journal.write` back into dicts (for checks and reports).

    Trusts its input (lines of a run in this process, a test's own); a file from
    outside goes through :func:`market.cli.check.read_journal`, which checks each
    line. A closing record (:func:`closing_line`) is not an event, so it is left out.
    """
    return [
        event
        for event in (json.loads(line) for line in stream if line.strip())
        if not is_closing_record(event)
    ]
