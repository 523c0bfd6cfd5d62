"""The shipped JSON Schemas: generated from the wire rules, valid, and agreeing with the parser."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from market.messages.dip import (
    CUSTOM_BLOCKS,
    DipEnvelope,
    EnvelopeError,
    parse_body,
    render_body,
    transaction_id,
)
from market.messages.dip.if041 import IF041_EVENTS
from market.messages.dip.schema import (
    ENVELOPE_FILE,
    PUBLICATION_FILE,
    SUBMISSION_FILE,
    event_schema_file,
    generate_schemas,
    render_schema,
    shipped_schema_texts,
    shipped_schemas,
)
from tests.dip import examples
from tests.dip.builders import (
    LDSO,
    MDS,
    OUTGOING_MSS,
    OUTGOING_SDS,
    d0,
    ds_de_app_rm,
    ms_de_app_rm,
    reading_cos,
    reverse_mig_notification,
    submitted,
)
from tests.dip.event_builders import all_new_envelopes
from tests.strategies import mutated

SCHEMAS = shipped_schemas()
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()
)


def _errors(file_name: str, document: object) -> list[str]:
    validator = Draft202012Validator(SCHEMAS[file_name], registry=REGISTRY)
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def every_event_envelope() -> list[DipEnvelope]:
    """One submitted envelope for every event the simulator models."""
    readings = reading_cos()
    envelopes = [
        submitted(reverse_mig_notification(), (MDS, LDSO)),
        submitted(ms_de_app_rm(), (OUTGOING_MSS,)),
        submitted(ds_de_app_rm(), (OUTGOING_SDS,)),
        *(
            submitted(event(b064_list=readings.b064_list, b065_list=readings.b065_list), (LDSO,))
            for event in IF041_EVENTS
        ),
        *(built for _, built, _ in all_new_envelopes()),
    ]
    return envelopes


def published_copy(envelope: DipEnvelope) -> DipEnvelope:
    """``envelope`` as the DIP would publish it: D0 stamped, one secondary recipient."""
    s1 = envelope.common.s1
    stamp = attrs.evolve(
        d0(),
        transaction_id=transaction_id(
            envelope.interface_id, s1.sender_dip_id, s1.sender_role_id, date(2026, 2, 27), "0A"
        ),
        publication_id=envelope.interface_id.replace("IF", "PUB"),
    )
    return envelope.published(stamp, ("2300000101",), ())


def test_the_shipped_files_are_exactly_what_the_wire_rules_generate() -> None:
    """Schema files cannot drift; regenerate them with ``python -m market.messages.dip.schema``."""
    generated = {name: render_schema(schema) for name, schema in generate_schemas().items()}
    assert shipped_schema_texts() == generated


def test_every_modelled_event_has_its_own_schema_file() -> None:
    """One CustomBlock file per interface and event, plus the envelope and both bodies."""
    expected = {event_schema_file(*key) for key in CUSTOM_BLOCKS}
    expected |= {ENVELOPE_FILE, SUBMISSION_FILE, PUBLICATION_FILE}
    assert set(SCHEMAS) == expected


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_each_file_is_a_valid_draft_2020_12_schema(name: str) -> None:
    """Each file passes the draft 2020-12 metaschema and has its own ``$id``."""
    Draft202012Validator.check_schema(SCHEMAS[name])
    assert SCHEMAS[name]["$id"].endswith("/" + name)


def test_the_briefs_examples_validate() -> None:
    """The e.4 examples are valid: submitted, published, IF-041 and the two CustomBlocks."""
    assert _errors(SUBMISSION_FILE, json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)) == []
    assert _errors(PUBLICATION_FILE, json.loads(examples.REVERSE_MIG_NOTIFICATION_PUBLISHED)) == []
    assert _errors(SUBMISSION_FILE, json.loads(examples.READING_COS)) == []
    ms = event_schema_file("IF-003", "[MSDeAppRM]")
    ds = event_schema_file("IF-003", "[DSDeAppRM]")
    assert _errors(ms, json.loads(examples.MS_DE_APP_RM_CUSTOM_BLOCK)) == []
    assert _errors(ds, json.loads(examples.DS_DE_APP_RM_CUSTOM_BLOCK)) == []


def test_a_submission_is_not_a_publication() -> None:
    """A published body needs D0 (and A0); the submitted example has no D0."""
    submitted_body = json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)
    assert _errors(PUBLICATION_FILE, submitted_body) == [
        "$[0].payload.CommonBlock: 'D0' is a required property"
    ]


def test_every_event_the_simulator_renders_validates_as_submitted_and_published() -> None:
    """What the simulator writes, for each of its events, is valid against the shipped schemas."""
    envelopes = every_event_envelope()
    assert {(e.interface_id, e.event_code) for e in envelopes} == set(CUSTOM_BLOCKS)
    for envelope in envelopes:
        body = json.loads(render_body([envelope]))
        assert _errors(SUBMISSION_FILE, body) == [], envelope.event_code
        published = json.loads(render_body([published_copy(envelope)]))
        assert _errors(PUBLICATION_FILE, published) == [], envelope.event_code


PITFALLS = [
    ("eventCode as an array", "CommonBlock.S0.eventCode", ["ReadingCos"]),
    ("an 11-digit DIP ID", "CommonBlock.S1.senderDIPID", "23000001011"),
    ("a dd-mm-yyyy date", "CustomBlock.B064List.0.cumulativeRegisterReadingDateTime", "02-03-2026"),
    ("an integer-like reading", "CustomBlock.B064List.0.cumulativeRegisterReading", "1000"),
    ("a lower-case GSP group", "CommonBlock.M0.GSPGroupID", "_j"),
    ("an unknown reading method", "CustomBlock.B064List.0.readingMethod", "X"),
]


@pytest.mark.parametrize(("path", "value"), [p[1:] for p in PITFALLS], ids=[p[0] for p in PITFALLS])
def test_the_briefs_pitfalls_are_rejected_by_schema_and_parser(path: str, value: object) -> None:
    """Each e.5 pitfall fails the schema at its path, and the simulator's parser agrees."""
    body = json.loads(examples.READING_COS)
    node = body[0]["payload"]
    *parents, last = path.split(".")
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[last] = value
    json_path = "$[0].payload." + path.replace(".0.", "[0].")
    assert any(error.startswith(json_path + ":") for error in _errors(SUBMISSION_FILE, body))
    with pytest.raises(EnvelopeError) as raised:
        parse_body(json.dumps(body))
    assert raised.value.path == json_path


@pytest.mark.parametrize(
    ("block", "key", "wrong"),
    [
        (("CommonBlock", "S0"), "interfaceID", "InterfaceID"),
        (("CustomBlock", "B013"), "CSSRegistrationID", "CSSRegistrationRequestID"),
        (("CustomBlock", "B002"), "supplierEffectiveFromDate", "incomingSupplierEffectiveFromDate"),
    ],
)
def test_renamed_keys_from_the_published_examples_are_rejected(
    block: tuple[str, str], key: str, wrong: str
) -> None:
    """The e.5 misspellings of the published Elexon example are unknown keys."""
    body = json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)
    node = body[0]["payload"][block[0]][block[1]]
    node[wrong] = node.pop(key)
    errors = _errors(SUBMISSION_FILE, body)
    assert any(f"'{wrong}' was unexpected" in error for error in errors)
    assert any(f"'{key}' is a required property" in error for error in errors)


def test_r0_is_required_exactly_where_the_interface_carries_it() -> None:
    """R0 on IF-003 is not allowed; a missing R0 on IF-026 is reported."""
    body = json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)
    body[0]["payload"]["CommonBlock"]["R0"] = {"responseCode": "A", "responseMessages": []}
    assert any(e.startswith("$[0].payload.CommonBlock.R0") for e in _errors(SUBMISSION_FILE, body))
    (if026,) = [e for e in every_event_envelope() if e.interface_id == "IF-026"]
    rendered = json.loads(render_body([if026]))
    del rendered[0]["payload"]["CommonBlock"]["R0"]
    assert "'R0' is a required property" in " ".join(_errors(SUBMISSION_FILE, rendered))


# ------------------------------------------------------------ schema vs parser

#: Rules only the simulator checks: a schema can say neither (see market.messages.dip.schema).
BEYOND_SCHEMA = ("check digit", "not a real date")

GOOD_BODIES = [json.loads(render_body([envelope])) for envelope in every_event_envelope()]

MUTATED_BODIES = mutated(GOOD_BODIES)


@given(MUTATED_BODIES)
def test_schema_and_parser_agree_on_mutated_messages(body: Any) -> None:
    """Whatever one changes in a good message, the schema and the parser give the same verdict.

    The parser may be stricter only by the rules a schema cannot say (check digit, real dates).
    """
    schema_errors = _errors(SUBMISSION_FILE, body)
    try:
        parse_body(json.dumps(body))
    except EnvelopeError as error:
        assert schema_errors or any(rule in error.rule for rule in BEYOND_SCHEMA), error
    else:
        assert schema_errors == []
