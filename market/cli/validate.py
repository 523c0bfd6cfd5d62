"""``market validate FILE...``: check DIP JSON files against the shipped JSON Schemas.

Each file holds one message (a ``payload`` object, or a ``{"payload": ...}``
body item), a body as submitted (an array), or a body as published (an array
whose messages carry D0; then A0 and D0 are required). The schemas are checked
with ``jsonschema`` (draft 2020-12), which reports every failure at once; a
file that passes is then read by the simulator's own parser, which adds the
two rules a schema cannot say (an MPAN core's check digit, a real date).
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from market.cli.common import EXIT_FAILED, EXIT_OK
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
            "Exit status: 0 every file is valid; 1 some file is not; 2 a file cannot be read. "
            "The schema files are in market/messages/dip/schemas/ for use with any other validator."
        ),
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE", help="DIP JSON file")


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


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise UsageError(f"{path}: cannot read ({reason})") from error


def validate_text(text: str) -> tuple[str, list[Failure]]:
    """Validate the JSON text of one file; text that is not JSON is one failure at ``$``."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return "file", [Failure(path="$", problem=f"not valid JSON: {error}", rule="json")]
    return validate_document(document)


def validate(args: argparse.Namespace) -> int:
    """Validate every file; print each failure; exit 0 only when all are valid."""
    files: Sequence[Path] = args.files
    texts = {path: _read(path) for path in files}
    all_valid = True
    for path, text in texts.items():
        description, failures = validate_text(text)
        if not failures:
            print(f"{path}: valid {description}")
            continue
        all_valid = False
        for failure in failures:
            print(f"{path}: {failure}")
        print(f"{path}: invalid {description} ({len(failures)} problem(s))")
    return EXIT_OK if all_valid else EXIT_FAILED
