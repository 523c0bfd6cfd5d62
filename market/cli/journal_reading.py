"""Reading a journal file from outside: every line crosses the boundary, nothing is trusted.

A journal file comes from outside, so :func:`read_journal_file` trusts nothing in
it: each line crosses the boundary (:data:`market.boundary.JOURNAL_LINE`), each
event's fields must have the types the checkers read, and the file must end with
the closing record over exactly the lines before it
(:func:`market.kernel.journal.closing_line`). Anything else is refused with one
line naming the file, the line, the field and the rule.

A gzip-compressed journal (what ``market run --journal FILE.gz`` and a sharded
run write) is read the same way, decompressed as it goes: it is known by its
magic bytes, not its name, and its line limit holds on the decompressed lines,
so a file that inflates without end costs one line's limit. Line numbers and
byte offsets are then those of the decompressed text.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime
from io import BufferedReader
from pathlib import Path
from typing import Any, Final, Protocol

import attrs

from market.boundary import JOURNAL_LINE, InputError, decode_json
from market.kernel.exceptions import InvalidIdentifierError, UsageError
from market.kernel.ids import check_mpan_core
from market.kernel.journal import SIGNING_KEY, closing_problem, is_closing_record
from market.shards.manifest import ShardEntry, check_shard_file


@attrs.frozen(kw_only=True)
class JournalFile:
    """A journal file that passed reading: its events, and the digest its closing record vouches.

    ``digest`` is :func:`market.kernel.journal.digest_lines` over the event lines, so it
    equals the digest ``market run`` printed for the run that wrote the file.
    """

    events: list[dict[str, Any]]
    digest: str
    #: The signing mode the run used, as its closing record says (``None``: not recorded).
    signing: str | None = None


def read_journal(path: Path) -> list[dict[str, Any]]:
    """Every event of the journal file at ``path``, checked as :func:`read_journal_file` says."""
    return read_journal_file(path).events


def read_journal_file(path: Path) -> JournalFile:
    """The journal file at ``path``; a :class:`UsageError` naming file, line, field and rule if not.

    Read line by line, so a long run's journal is never held twice and a file
    without newlines costs at most one line's limit. Blank lines are skipped.
    A gzip file (see the module docstring) is decompressed as it is read; the
    digest is over the decompressed lines, so it is the run's either way.
    """
    try:
        with path.open("rb") as stream:
            if stream.peek(len(GZIP_MAGIC))[: len(GZIP_MAGIC)] != GZIP_MAGIC:
                return _read(path, stream)
            return _read_gzip(path, stream)
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from error


#: The first two bytes of every gzip stream (RFC 1952).
GZIP_MAGIC: Final = b"\x1f\x8b"


class _LineReader(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def _read_gzip(path: Path, stream: BufferedReader) -> JournalFile:
    try:
        with gzip.GzipFile(filename="", mode="rb", fileobj=stream) as compressed:
            return _read(path, compressed)
    except (EOFError, zlib.error, OSError) as error:  # gzip.BadGzipFile is an OSError
        raise UsageError(
            f"{path}: the gzip stream is corrupt or truncated ({error}); a gzip journal must "
            "decompress whole: copy or write it again"
        ) from error


def _read(path: Path, stream: _LineReader) -> JournalFile:
    events: list[dict[str, Any]] = []
    sha = hashlib.sha256()
    closing: tuple[int, dict[str, Any]] | None = None
    number = offset = last = 0
    while raw := stream.readline(JOURNAL_LINE.max_bytes + 1):
        number += 1
        start, offset = offset, offset + len(raw)
        content = raw.rstrip(b"\r\n")
        where = f"{path}:{number}"
        if len(content) > JOURNAL_LINE.max_bytes:
            raise UsageError(
                f"{where}: $: a {JOURNAL_LINE.name} is over the limit of "
                f"{JOURNAL_LINE.max_bytes} bytes"
            )
        if not content.strip():
            continue
        if closing is not None:
            raise UsageError(
                f"{where}: a line after the closing record (line {closing[0]}): a journal "
                "ends at its closing record"
            )
        record = _decode(content, where, start)
        if is_closing_record(record):
            closing = (number, record)
            continue
        problem = event_problem(record)
        if problem is not None:
            raise UsageError(f"{where}: {problem[0]}: {problem[1]}")
        sha.update(content)
        sha.update(b"\n")
        events.append(record)
        last = number
    if closing is None:
        if not events:
            raise UsageError(f"{path}: the journal is empty (no events and no closing record)")
        raise UsageError(
            f"{path}:{last}: truncated: no closing record after line {last} (the run did not "
            "finish writing it, or a version without closing records did: run it again)"
        )
    digest = sha.hexdigest()
    problem = closing_problem(closing[1], len(events), digest)
    if problem is not None:
        raise UsageError(f"{path}:{closing[0]}: {problem[0]}: {problem[1]}")
    if not events:
        raise UsageError(f"{path}:{closing[0]}: the journal closes without any event")
    return JournalFile(events=events, digest=digest, signing=closing[1].get(SIGNING_KEY))


def _decode(content: bytes, where: str, start: int) -> dict[str, Any]:
    """One line's JSON object, decoded at the boundary; ``start`` is its byte offset in the file."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{where}: $: not UTF-8 text (byte 0x{content[error.start]:02x} at byte "
            f"{error.start} of the line, {start + error.start} of the file); a journal is "
            "UTF-8 JSON lines"
        ) from error
    try:
        record = decode_json(text, JOURNAL_LINE)
    except InputError as error:
        located = misplaced_number(text) if error.path == "$" else None
        field, rule = located or (error.path, error.rule)
        raise UsageError(f"{where}: {field}: {rule}") from error
    if not isinstance(record, dict):
        raise UsageError(
            f"{where}: $: a journal line is one JSON object (an event), not {json_type(record)}"
        )
    return record


def event_problem(event: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(JSON path, rule)`` of the first field of ``event`` the readers cannot take, or ``None``.

    The fields the checkers, reports and diagrams read must have the types a
    run writes (:data:`_FIELD_RULES`); the rendered messages (``envelope``,
    ``flow`` ...) must be objects where the readers look inside them.
    """
    for field, (required, rule) in _FIELD_RULES.items():
        value = event.get(field)
        if value is None:
            if required:
                return f"$.{field}", f"missing: every journal event has a {field!r}"
            continue
        problem = rule(value)
        if problem is not None:
            return f"$.{field}", problem
    return _nested_problem(event)


def _text(value: object) -> str | None:
    return None if isinstance(value, str) else f"must be a string, not {json_type(value)}"


def _kind(value: object) -> str | None:
    return None if isinstance(value, str) and value else "must be a non-empty string"


def _sequence_number(value: object) -> str | None:
    if type(value) is int and value >= 0:
        return None
    return f"must be a whole number from 0, not {json_type(value)} {value!r:.40}"


def _instant(value: object) -> str | None:
    rule = "must be an ISO 8601 instant with its UTC offset (2026-03-02T10:00:00+00:00)"
    if not isinstance(value, str):
        return f"{rule}, not {json_type(value)}"
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return f"{rule}, not {value!r:.40}"
    if at.tzinfo is None:
        return f"{rule}: {value!r:.40} has no offset"
    if at.year not in JOURNAL_LINE.years:
        years = JOURNAL_LINE.years
        return f"year {at.year} is outside {years.start}-{years.stop - 1}"
    return None


def _mpan(value: object) -> str | None:
    if not isinstance(value, str):
        return f"an MPAN core is a string of 13 digits, not {json_type(value)}"
    try:
        check_mpan_core(value)
    except InvalidIdentifierError as error:
        return str(error)
    return None


def _object(value: object) -> str | None:
    return None if isinstance(value, dict) else f"must be an object, not {json_type(value)}"


#: Each field the readers rely on: whether every event has it, and its rule (absent or null
#: passes an optional field).
_FIELD_RULES: Final[dict[str, tuple[bool, Callable[[object], str | None]]]] = {
    "seq": (True, _sequence_number),
    "kind": (True, _kind),
    "at": (True, _instant),
    "sent_at": (False, _instant),
    "mpan": (False, _mpan),
    **{
        field: (False, _text)
        for field in (
            "network",
            "message",
            "event_code",
            "sender",
            "recipient",
            "step",
            "correlation_id",
        )
    },
    **{
        field: (False, _object)
        for field in ("detail", "envelope", "flow", "css", "response", "status", "data")
    },
}


def _texts(value: object) -> str | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return f"must be an array of strings, not {json_type(value)}"


#: Places inside an event's detail and rendered message that the readers look into, sort
#: or look up by, with their rule when present (null breaks it too): what a run writes there.
#: Keyed by the event's field they are in, so an event without it costs one look-up.
_NESTED_RULES: Final[
    dict[str, tuple[tuple[tuple[str, ...], Callable[[object], str | None]], ...]]
] = {
    "envelope": (
        (("CommonBlock",), _object),
        (("CustomBlock",), _object),
        *((("CommonBlock", block), _object) for block in ("S0", "S1", "D0", "M0", "A0", "R0")),
        (("CommonBlock", "D0", "transactionID"), _text),
    ),
    "flow": (
        (("from",), _object),
        (("to",), _object),
        (("items",), _object),
        (("items", "effective_from_date"), _text),
        (("items", "appointed_role"), _text),
    ),
    "detail": (
        (("transaction_id",), _text),
        (("recipients",), _texts),
        (("event",), _text),
    ),
}


def _nested_problem(event: Mapping[str, Any]) -> tuple[str, str] | None:
    for field, rules in _NESTED_RULES.items():
        top = event.get(field)
        if top is None:
            continue
        for path, rule in rules:
            parent = top
            for key in path[:-1]:
                parent = parent.get(key) if isinstance(parent, dict) else None
            if not isinstance(parent, dict) or path[-1] not in parent:
                continue
            problem = rule(parent[path[-1]])
            if problem is not None:
                return ".".join(("$", field, *path)), problem
    return None


def json_type(value: object) -> str:
    """What JSON calls the type of a decoded value (for messages): ``an array``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


class _NumberText(str):
    """A JSON number (or a NaN or Infinity literal) kept as its text, to say where it is."""

    __slots__ = ()


def misplaced_number(text: str) -> tuple[str, str] | None:
    """``(JSON path, rule)`` of the first number in ``text`` no journal line may hold, or ``None``.

    Only for the error message: the boundary's decoder refuses an integer too
    large to hold, and the NaN and Infinity literals (not JSON), without saying
    where they are; Python's own parser keeps each number's text and can.
    """
    try:
        tree = json.loads(
            text, parse_int=_NumberText, parse_float=_NumberText, parse_constant=_NumberText
        )
    except (ValueError, RecursionError):
        return None
    stack: list[tuple[object, str]] = [(tree, "$")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            stack.extend((value, f"{where}.{key}") for key, value in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((value, f"{where}[{i}]") for i, value in reversed(list(enumerate(item))))
        elif isinstance(item, _NumberText):
            problem = _number_problem(item)
            if problem is not None:
                return where, problem
    return None


def _number_problem(text: str) -> str | None:
    digits = text.removeprefix("-")
    if digits in ("NaN", "Infinity"):
        return f"{text} is not a JSON number (JSON has no NaN or Infinity)"
    if digits.isdigit():
        if len(digits) <= JOURNAL_LINE.max_int_digits:
            return None
        limit = JOURNAL_LINE.max_int_digits
        return f"an integer of {len(digits)} digits is out of range (at most {limit})"
    if math.isinf(float(text)):
        return f"{text:.20} is out of the range of a finite number"
    return None


def read_shard(path: Path, entry: ShardEntry) -> JournalFile:
    """The shard journal file at ``path``, refused unless it is the one ``entry`` lists."""
    journal = read_journal_file(path)
    check_shard_file(path, entry, events=len(journal.events), digest=journal.digest)
    return journal
