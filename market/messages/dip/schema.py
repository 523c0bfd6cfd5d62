"""JSON Schemas (draft 2020-12) of the DIP messages, generated from the wire rules.

The attrs validators in :mod:`market.messages.dip` are the one statement of each field's
rule (:mod:`market.messages.dip.field_rules`). This module walks them and says the same
rules in JSON Schema, so people can check their own messages with any draft
2020-12 validator (``market validate`` does it for them). The files under
``market/messages/dip/schemas/`` are the output of :func:`generate_schemas`; a test
checks they are equal, so the shipped schemas cannot drift from the simulator.
Regenerate them with ``python -m market.messages.dip.schema``.

The simulator's own level-1 validation stays the attrs/msgspec path (a few
microseconds a message); these schemas are for the edges. Two rules the
simulator checks are beyond what a schema can say: an MPAN core's check digit,
and that a DT-003 value is a real date and time (``2026-02-30`` has the right
shape). ``market validate`` runs the simulator's parser after the schema to
catch those too.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs

from market.kernel.ids import (
    DIP_ID_PATTERN,
    GSP_GROUPS,
    MPAN_CORE_PATTERN,
    MPID_PATTERN,
    check_dip_id,
    check_gsp_group,
    check_mpan_core,
    check_mpid,
)
from market.kernel.local_time import DIP_DATETIME_PATTERN
from market.messages.dip.catalogue import CUSTOM_BLOCKS, CustomBlock, event_codes_of
from market.messages.dip.envelope import CommonBlock
from market.messages.dip.field_rules import (
    DIP_DATETIME_LENGTH,
    DatetimeRule,
    FlagRule,
    IntegerRule,
    SettlementDayRule,
    TextFormat,
    TextListRule,
    TextRule,
    WireRule,
)
from market.messages.dip.outcome import R0_INTERFACES
from market.messages.dip.wire import BlockListRule, BlockRule

#: The JSON Schema dialect every shipped schema declares.
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
#: Base of every schema's ``$id``; ``.example`` is reserved, so the ids name no real server.
BASE_URI: Final = "https://mhhs-market.example/dip/schemas/"
#: One ``payload`` object: ``{"CommonBlock": ..., "CustomBlock": ...}``.
ENVELOPE_FILE: Final = "envelope.schema.json"
#: A DIP HTTP body as submitted: ``[{"payload": ...}, ...]``.
SUBMISSION_FILE: Final = "submission.schema.json"
#: A DIP HTTP body as published to a webhook: A0 and D0 filled in by the DIP.
PUBLICATION_FILE: Final = "publication.schema.json"

#: Schema forms of the identifier checks fields use (``check=`` in a wire rule).
_CHECKS: Final[Mapping[Callable[[str], str], Mapping[str, Any]]] = {
    check_dip_id: {"pattern": DIP_ID_PATTERN},
    check_mpid: {"pattern": MPID_PATTERN},
    check_mpan_core: {
        "pattern": MPAN_CORE_PATTERN,
        "$comment": "the check digit (weights 3,5,7,13,17,19,23,29,31,37,41,43; sum mod 11 "
        "mod 10) is checked by the simulator, not by this schema",
    },
    check_gsp_group: {"enum": list(GSP_GROUPS)},
}


def event_schema_file(interface_id: str, event_code: str) -> str:
    """The file holding the CustomBlock schema of one event: ``IF-003.DSDeAppRM.schema.json``."""
    return f"{interface_id}.{event_code.strip('[]')}.schema.json"


def _summary(cls: type) -> str:
    """The first paragraph of ``cls``'s docstring, on one line, without reST markup."""
    doc = inspect.getdoc(cls) or cls.__name__
    first = doc.split("\n\n", 1)[0]
    return " ".join(first.split()).replace("``", "")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` that also admits JSON ``null``."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    nullable = dict(schema)
    nullable["type"] = [schema["type"], "null"]
    if "enum" in nullable:
        nullable["enum"] = [*nullable["enum"], None]
    return nullable


def _text_schema(text: TextFormat) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if text.shape is not None:
        schema["description"] = text.shape
    if text.min_length is not None:
        schema["minLength"] = text.min_length
    if text.max_length is not None:
        schema["maxLength"] = text.max_length
    if text.choices is not None:
        schema["enum"] = list(text.choices)
    if text.pattern is not None:
        schema["pattern"] = text.pattern.pattern
    if text.check is not None:
        check = _CHECKS.get(text.check)
        if check is None:
            raise TypeError(
                f"identifier check {text.check.__name__} has no JSON Schema form: add it to "
                "market.messages.dip.schema._CHECKS so the shipped schemas keep the rule"
            )
        for key, value in check.items():
            if key in schema and schema[key] != value:
                raise TypeError(
                    f"identifier check {text.check.__name__} and the field both set {key!r}; "
                    "declare the rule once"
                )
            schema[key] = value
    return schema


def _array_schema(items: dict[str, Any], min_items: int, max_items: int | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items}
    if min_items:
        schema["minItems"] = min_items
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


def _datetime_schema(rule: DatetimeRule) -> dict[str, Any]:
    zone = "in UTC (offset +00:00 when the simulator writes it)" if rule.utc else "any offset"
    if isinstance(rule, SettlementDayRule):
        zone = "00:00 UK local time, the start of a settlement day (+01:00 in summer time)"
    return {
        "type": "string",
        "description": f"DT-003 datetime YYYY-MM-DDThh:mm:ss±hh:mm, {zone}",
        "minLength": DIP_DATETIME_LENGTH,
        "maxLength": DIP_DATETIME_LENGTH,
        "pattern": DIP_DATETIME_PATTERN,
    }


def _field_schema(rule: WireRule, defs: dict[str, Any]) -> dict[str, Any]:
    """The schema of the value one wire rule describes (nullability aside)."""
    schema: dict[str, Any] | None = None
    if isinstance(rule, TextRule):
        schema = _text_schema(rule.format)
    elif isinstance(rule, DatetimeRule):
        schema = _datetime_schema(rule)
    elif isinstance(rule, FlagRule):
        schema = {"type": "boolean"}
    elif isinstance(rule, IntegerRule):
        schema = {"type": "integer", "minimum": rule.minimum, "maximum": rule.maximum}
    elif isinstance(rule, TextListRule):
        schema = _array_schema(_text_schema(rule.item), rule.min_items, rule.max_items)
    elif isinstance(rule, BlockRule):
        schema = {"$ref": f"#/$defs/{_define(rule.block, defs)}"}
    elif isinstance(rule, BlockListRule):
        items = {"$ref": f"#/$defs/{_define(rule.block, defs)}"}
        schema = _array_schema(items, rule.min_items, rule.max_items)
    if schema is None:
        raise TypeError(
            f"wire rule {type(rule).__name__} ({rule.key}) has no JSON Schema form: teach "
            "market.messages.dip.schema._field_schema about it"
        )
    return schema


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    """The object schema of wire class ``cls``; nested blocks are added to ``defs``."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for attribute in attrs.fields(cls):
        rule = attribute.validator
        if not isinstance(rule, WireRule):
            raise TypeError(f"{cls.__name__}.{attribute.name} has no wire rule to turn into schema")
        schema = _field_schema(rule, defs)
        properties[rule.key] = _nullable(schema) if rule.nullable else schema
        if not rule.omittable:
            required.append(rule.key)
    object_schema: dict[str, Any] = {
        "title": cls.__name__,
        "description": _summary(cls),
        "type": "object",
        "properties": properties,
    }
    if required:
        object_schema["required"] = required
    object_schema["additionalProperties"] = False
    return object_schema


def _define(cls: type, defs: dict[str, Any]) -> str:
    """Add ``cls``'s schema to ``defs`` under its class name (once) and return the name."""
    name = cls.__name__
    if name not in defs:
        defs[name] = None  # reserve the name first, so a block can never recurse forever
        defs[name] = _object_schema(cls, defs)
    elif defs[name] is not None and defs[name]["title"] != name:
        raise TypeError(f"two wire classes are called {name}; schema $defs need unique names")
    return name


def _document(file_name: str, title: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DIALECT, "$id": BASE_URI + file_name, "title": title, **body}


def custom_block_schema(block: type[CustomBlock]) -> dict[str, Any]:
    """The schema document of one event's CustomBlock (a file of its own)."""
    defs: dict[str, Any] = {}
    root = _object_schema(block, defs)
    title = f"{block.interface_id} {block.event_code} CustomBlock"
    body = {key: value for key, value in root.items() if key != "title"}
    if defs:
        body["$defs"] = dict(sorted(defs.items()))
    return _document(event_schema_file(block.interface_id, block.event_code), title, body)


def _when_s0(interface_id: object, event_code: str | None = None) -> dict[str, Any]:
    """An ``if`` that holds when S0 names ``interface_id`` (a const or an enum) and event."""
    s0_properties: dict[str, Any] = {
        "interfaceID": (
            {"enum": interface_id} if isinstance(interface_id, list) else {"const": interface_id}
        )
    }
    s0_required = ["interfaceID"]
    if event_code is not None:
        s0_properties["eventCode"] = {"const": event_code}
        s0_required.append("eventCode")
    return {
        "required": ["CommonBlock"],
        "properties": {
            "CommonBlock": {
                "required": ["S0"],
                "properties": {"S0": {"required": s0_required, "properties": s0_properties}},
            }
        },
    }


def _s0_rule(**s0_properties: Any) -> dict[str, Any]:
    return {"properties": {"CommonBlock": {"properties": {"S0": {"properties": s0_properties}}}}}


def envelope_schema() -> dict[str, Any]:
    """The schema of one ``payload``: CommonBlock, and the CustomBlock S0 calls for.

    Which CustomBlock an envelope carries depends on S0's interface and event
    code, and whether CommonBlock has R0 depends on the interface; both are
    ``if``/``then`` rules here, with each event's CustomBlock in its own file.
    """
    defs: dict[str, Any] = {}
    _define(CommonBlock, defs)
    interfaces = sorted({interface for interface, _ in CUSTOM_BLOCKS})
    rules: list[dict[str, Any]] = [_s0_rule(interfaceID={"enum": interfaces})]
    rules += [
        {
            "if": _when_s0(interface),
            "then": _s0_rule(eventCode={"enum": list(event_codes_of(interface))}),
        }
        for interface in interfaces
    ]
    rules += [
        {
            "if": _when_s0(interface, event),
            "then": {"properties": {"CustomBlock": {"$ref": event_schema_file(interface, event)}}},
        }
        for (interface, event) in sorted(CUSTOM_BLOCKS)
    ]
    rules.append(
        {
            "$comment": "R0 is in CommonBlock exactly on the interfaces whose composition has it",
            "if": _when_s0(sorted(R0_INTERFACES)),
            "then": {"properties": {"CommonBlock": {"required": ["R0"]}}},
            # ``not {}`` rather than ``false``: validators report it at the R0 key itself.
            "else": {"properties": {"CommonBlock": {"properties": {"R0": {"not": {}}}}}},
        }
    )
    body = {
        "description": "One DIP message (the payload of one body item): CommonBlock S0/S1/A0/"
        "D0/M0 (and R0 where the interface has it) plus the CustomBlock its S0 names.",
        "type": "object",
        "properties": {
            "CommonBlock": {"$ref": "#/$defs/CommonBlock"},
            "CustomBlock": {"type": "object"},
        },
        "required": ["CommonBlock", "CustomBlock"],
        "additionalProperties": False,
        "allOf": rules,
        "$defs": dict(sorted(defs.items())),
    }
    return _document(ENVELOPE_FILE, "DIP envelope", body)


def _body_schema(payload: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "properties": {"payload": payload},
            "required": ["payload"],
            "additionalProperties": False,
        },
    }


def submission_schema() -> dict[str, Any]:
    """The schema of a DIP HTTP body as a sender posts it (A0 and D0 optional)."""
    body = _body_schema(
        {"$ref": ENVELOPE_FILE},
        "A DIP HTTP body as submitted to POST /dip-channel/{IF}: a non-empty array of "
        '{"payload": envelope}.',
    )
    return _document(SUBMISSION_FILE, "DIP submission body", body)


def publication_schema() -> dict[str, Any]:
    """The schema of a DIP HTTP body as the DIP posts it to a webhook (A0 and D0 present)."""
    payload = {
        "$ref": ENVELOPE_FILE,
        "properties": {"CommonBlock": {"required": ["A0", "D0"]}},
    }
    body = _body_schema(
        payload,
        "A DIP HTTP body as published to a recipient's webhook: the DIP has filled in A0 "
        "(secondary and always recipients) and stamped D0.",
    )
    return _document(PUBLICATION_FILE, "DIP publication body", body)


def generate_schemas() -> dict[str, dict[str, Any]]:
    """Every shipped schema document, by file name, in a stable order."""
    schemas = {
        ENVELOPE_FILE: envelope_schema(),
        SUBMISSION_FILE: submission_schema(),
        PUBLICATION_FILE: publication_schema(),
    }
    for key in sorted(CUSTOM_BLOCKS):
        block = CUSTOM_BLOCKS[key]
        schemas[event_schema_file(*key)] = custom_block_schema(block)
    return schemas


def render_schema(schema: Mapping[str, Any]) -> str:
    """The text of a schema file: two-space indented JSON with a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def shipped_schema_texts() -> dict[str, str]:
    """The text of every schema file shipped in the package, by file name."""
    folder = resources.files("market.messages.dip").joinpath("schemas")
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in sorted(folder.iterdir(), key=lambda entry: entry.name)
        if entry.name.endswith(".schema.json")
    }


def shipped_schemas() -> dict[str, dict[str, Any]]:
    """Every shipped schema document, parsed, by file name."""
    return {name: json.loads(text) for name, text in shipped_schema_texts().items()}


def write_schemas(folder: Path) -> list[Path]:
    """Write every generated schema into ``folder``, removing stale ones; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    schemas = generate_schemas()
    for stale in folder.glob("*.schema.json"):
        if stale.name not in schemas:
            stale.unlink()
    written = []
    for name, schema in schemas.items():
        path = folder / name
        path.write_text(render_schema(schema), encoding="utf-8")
        written.append(path)
    return written


def main() -> int:
    """Regenerate the shipped schema files next to this module."""
    written = write_schemas(Path(__file__).with_name("schemas"))
    print(f"wrote {len(written)} schema files to {written[0].parent}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
