"""``market validate FILE...``: check DIP JSON files against the shipped JSON Schemas.

Each file holds one message (a ``payload`` object, or a ``{"payload": ...}``
body item), a body as submitted (an array), or a body as published (an array
whose messages carry D0; then A0 and D0 are required). The schemas are checked
with ``jsonschema`` (draft 2020-12), which reports every failure at once; a
file that passes is then read by the simulator's own parser, which adds the
two rules a schema cannot say (an MPAN core's check digit, a real date).

A file crosses the input boundary first (:mod:`market.boundary`, the limits of a
DIP body): one larger than the DIP's 1 MiB is refused before it is read, one
that is not UTF-8, nested too deep or holds a number, string or array beyond
the limits is refused unvalidated. A refusal is exit 2 with one line naming the
file, the JSON path and the rule; text that is not JSON at all stays a failure
of the file (exit 1), as a broken rule of a message does.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from market.boundary import DIP_BODY, InputError, InputLimits, decode_json
from market.cli.common import EXIT_FAILED, EXIT_OK, positive_int
from market.kernel.exceptions import UsageError
from market.messages.dip import EnvelopeError, parse_envelope
from market.messages.dip.schema import (
    BASE_URI,
    DIALECT,
    ENVELOPE_FILE,
    PUBLICATION_FILE,
    SUBMISSION_FILE,
    shipped_schemas,
)

#: Longest rendering of a value quoted in a failure line.
_MAX_QUOTE: Final = 120

#: Failure lines printed per file unless ``--max-errors N`` or ``--all`` says otherwise:
#: a body of 10,000 wrong items would otherwise print 10,000 lines nobody reads.
DEFAULT_MAX_ERRORS: Final = 20

#: How the boundary's rule begins when the bytes are not JSON at all ...
_NOT_JSON: Final = "not valid JSON"
#: ... and what it says of a number the decoder cannot hold (valid JSON, beyond the limits).
_OUT_OF_RANGE: Final = "out of range"


@attrs.frozen(kw_only=True)
class Failure:
    """One broken rule: the JSON path, what is wrong, and the rule (schema keyword) broken."""

    path: str
    problem: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem} [{self.rule}]"


def add_parser(commands: Any) -> None:
    """Register ``market validate``."""
    validate = commands.add_parser(
        "validate",
        help="check DIP JSON files against the DIP JSON Schemas",
        description=(
            "Check DIP messages written as JSON against the JSON Schemas shipped with the "
            "simulator (draft 2020-12, generated from its field rules): one message, an array "
            "as submitted, or an array as published (A0 and D0 filled in). Prints each failure "
            "with its JSON path and the rule broken."
        ),
        epilog=(
            "Exit status: 0 every file is valid; 1 some file is not; 2 a file cannot be read or "
            "is refused unvalidated, as the DIP would refuse it: over 1 MiB, not UTF-8, nested "
            "over 16 levels, a number, string or array beyond a DIP body's limits (one line "
            "names the file, the JSON path and the rule). The schema files are in "
            "market/messages/dip/schemas/ for use with any other validator."
        ),
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE", help="DIP JSON file")
    shown = validate.add_mutually_exclusive_group()
    shown.add_argument(
        "--max-errors",
        type=positive_int,
        default=DEFAULT_MAX_ERRORS,
        metavar="N",
        help=(
            f"print at most N failures per file, then how many more (default {DEFAULT_MAX_ERRORS})"
        ),
    )
    shown.add_argument("--all", action="store_true", help="print every failure of every file")


@functools.cache
def _registry() -> Registry:
    resources = [
        (schema["$id"], Resource.from_contents(schema)) for schema in shipped_schemas().values()
    ]
    return Registry().with_resources(resources)


@functools.cache
def _validator(reference: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$schema": DIALECT, "$ref": BASE_URI + reference}, registry=_registry()
    )


def document_kind(document: object) -> tuple[str, str]:
    """``(description, schema reference)`` for a parsed JSON document."""
    if isinstance(document, list):
        published = any(_has_d0(item) for item in document)
        if published:
            return "DIP publication body", PUBLICATION_FILE
        return "DIP submission body", SUBMISSION_FILE
    if isinstance(document, dict) and "payload" in document:
        return "DIP body item", f"{SUBMISSION_FILE}#/items"
    return "DIP message", ENVELOPE_FILE


def _has_d0(item: object) -> bool:
    if not isinstance(item, dict):
        return False
    payload = item.get("payload")
    common = payload.get("CommonBlock") if isinstance(payload, dict) else None
    return isinstance(common, dict) and "D0" in common


def _quote(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _MAX_QUOTE else text[: _MAX_QUOTE - 1] + "…"


def _failure(error: ValidationError) -> Failure:
    if error.validator is None or (error.validator == "not" and error.validator_value == {}):
        # ``false`` or ``not {}``: the key may not appear here at all (R0 on most interfaces)
        return Failure(path=error.json_path, problem="not allowed here", rule="not {}")
    problem = error.message
    if len(problem) > 2 * _MAX_QUOTE:
        problem = problem[: 2 * _MAX_QUOTE - 1] + "…"
    return Failure(
        path=error.json_path,
        problem=problem,
        rule=f"{error.validator} {_quote(error.validator_value)}",
    )


def schema_failures(document: object) -> tuple[str, list[Failure]]:
    """What ``document`` is, and every schema rule it breaks, in path order."""
    description, reference = document_kind(document)
    errors = _validator(reference).iter_errors(document)
    failures = sorted((_failure(error) for error in errors), key=lambda f: (f.path, f.problem))
    return description, failures


def _messages(document: object) -> Iterator[tuple[object, str]]:
    """Each ``payload`` object of a schema-valid document, with its JSON path."""
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield item["payload"], f"$[{index}].payload"
    elif isinstance(document, dict) and "payload" in document:
        yield document["payload"], "$.payload"
    else:
        yield document, "$"


def simulator_failures(document: object) -> list[Failure]:
    """The rules beyond the schema that a schema-valid ``document`` breaks (check digit, dates)."""
    failures = []
    for payload, path in _messages(document):
        try:
            parse_envelope(payload, path)
        except EnvelopeError as error:
            failures.append(Failure(path=error.path, problem=error.rule, rule="simulator"))
    return failures


def validate_document(document: object) -> tuple[str, list[Failure]]:
    """What ``document`` is and every rule it breaks: the schema's, then the simulator's."""
    description, failures = schema_failures(document)
    if not failures:
        failures = simulator_failures(document)
    return description, failures


def _refused(path: Path, where: str, rule: str) -> UsageError:
    """The one line a refusal prints: the file, the JSON path and the rule broken."""
    return UsageError(f"{path}: refused at {where}: {rule}")


def read_bytes(path: Path, limits: InputLimits = DIP_BODY) -> bytes:
    """The bytes of ``path``; a file larger than ``limits`` allow is refused before it is read.

    The size on disk is asked first; the read stops one byte past the limit in any
    case, so a pipe or a device (whose size the file system does not know) is
    refused as soon as it is too long.
    """
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > limits.max_bytes:
                raise _refused(
                    path,
                    "$",
                    f"{limits.name} of {size} bytes is over the limit of {limits.max_bytes}",
                )
            data = stream.read(limits.max_bytes + 1)
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from error
    if len(data) > limits.max_bytes:
        raise _refused(path, "$", f"{limits.name} is over the limit of {limits.max_bytes} bytes")
    return data


def judge_file(
    path: Path, data: bytes, limits: InputLimits = DIP_BODY
) -> tuple[str, list[Failure]]:
    """What the file holding ``data`` is and every rule it breaks, after the input boundary.

    Bytes that are not UTF-8, or JSON beyond ``limits`` (too deep, a number out
    of range, a string or array too long), are refused (:class:`UsageError`, exit 2).
    Text that is not JSON at all is one failure at ``$``, reported as any broken
    rule is (exit 1).
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _refused(
            path, "$", f"not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    try:
        document = decode_json(data, limits)
    except InputError as error:
        if _is_not_json(error):
            return "file", [Failure(path="$", problem=error.rule, rule="json")]
        raise _refused(path, *_limit_broken(error)) from None
    return validate_document(document)


def _is_not_json(error: InputError) -> bool:
    # msgspec says "not valid JSON" also of a number beyond its range; that is a limit
    return error.rule.startswith(_NOT_JSON) and _OUT_OF_RANGE not in error.rule


def _limit_broken(error: InputError) -> tuple[str, str]:
    """The JSON path and the limit broken: ``integer value out of range``, not ``not valid JSON``.

    The decoder names where a number out of range is as `` - at `$[0]` `` after its message.
    """
    rule = error.rule.removeprefix(f"{_NOT_JSON}: ")
    rule, _, where = rule.partition(" - at `")
    return (where.removesuffix("`") or error.path), rule[:1].lower() + rule[1:]


def _print_verdict(
    path: Path, description: str, failures: Sequence[Failure], max_errors: int | None
) -> None:
    """One file's verdict: at most ``max_errors`` failures, then how many more, then the sum."""
    if not failures:
        print(f"{path}: valid {description}")
        return
    shown = failures if max_errors is None else failures[:max_errors]
    for failure in shown:
        print(f"{path}: {failure}")
    if len(shown) < len(failures):
        print(f"{path}: ... and {len(failures) - len(shown)} more (--all lists every one)")
    print(f"{path}: invalid {description} ({len(failures)} problem(s))")


def validate(args: argparse.Namespace) -> int:
    """Validate every file; print each failure; exit 0 only when all are valid.

    Every file is read and judged before anything is printed, so a file that is
    refused (exit 2) is the only line of output.
    """
    files: Sequence[Path] = args.files
    verdicts = {path: judge_file(path, read_bytes(path)) for path in files}
    max_errors = None if args.all else args.max_errors
    for path, (description, failures) in verdicts.items():
        _print_verdict(path, description, failures, max_errors)
    return EXIT_OK if all(not failures for _, failures in verdicts.values()) else EXIT_FAILED
