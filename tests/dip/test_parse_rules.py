"""Every DIP field rule, broken on the wire, is reported with its JSON path and rule."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from market.messages.dip import EnvelopeError, ReadingCOS, parse_body, render_body

from .builders import OUTGOING_MSS, OUTGOING_SDS, ds_de_app_rm, ms_de_app_rm, submitted
from .edits import Edit, drop, put, rename
from .examples import READING_COS, REVERSE_MIG_NOTIFICATION_PUBLISHED

BASES: dict[str, Any] = {
    "RMN": json.loads(REVERSE_MIG_NOTIFICATION_PUBLISHED),
    "MS": json.loads(render_body([submitted(ms_de_app_rm(), (OUTGOING_MSS,))])),
    "DS": json.loads(render_body([submitted(ds_de_app_rm(), (OUTGOING_SDS,))])),
    "READING": json.loads(READING_COS),
}

COMMON = "$[0].payload.CommonBlock"
CUSTOM = "$[0].payload.CustomBlock"
MISSING_NULLABLE = "required key missing (send null when there is no value; do not omit it)"
OMIT_INSTEAD = "must be an object, got null (omit the key when there is no value)"
READING_RULE = (
    r"must match ^-?\d{1,9}\.\d{3}$ (up to 9 digits, a point and exactly 3 decimals, "
    r"e.g. '12345.678'), got "
)


def case(base: str, edit: Edit, path: str, rule: str, name: str) -> Any:
    """One parametrized failing case."""
    return pytest.param(base, edit, path, rule, id=name)


CASES = [
    # S0
    case(
        "RMN",
        put("CommonBlock.S0.interfaceID", "IF-3"),
        f"{COMMON}.S0.interfaceID",
        r"must match ^IF-\d{3}$ (e.g. 'IF-003'), got 'IF-3'",
        "interfaceID-pattern",
    ),
    case(
        "RMN",
        rename("CommonBlock.S0.interfaceID", "InterfaceID"),
        f"{COMMON}.S0.InterfaceID",
        "unknown key 'InterfaceID' (did you mean 'interfaceID'?)",
        "InterfaceID-capitalised",
    ),
    case(
        "RMN",
        put("CommonBlock.S0.schemaVersion", "010"),
        f"{COMMON}.S0.schemaVersion",
        "must be one of '011', got '010'",
        "schemaVersion-enum",
    ),
    case(
        "RMN",
        put("CommonBlock.S0.eventCode", ["ReadingCos"]),
        f"{COMMON}.S0.eventCode",
        "must be a string, got array",
        "eventCode-array",
    ),
    case(
        "RMN",
        put("CommonBlock.S0.eventCode", "ReverseMigNotification"),
        f"{COMMON}.S0.eventCode",
        r"must match ^\[[A-Za-z0-9]+\]$ (one code in square brackets, e.g. '[DSDeAppRM]'), "
        "got 'ReverseMigNotification'",
        "eventCode-brackets",
    ),
    case(
        "MS",
        put("CommonBlock.S0.eventCode", "[MSDeApp]"),
        f"{COMMON}.S0.eventCode",
        "unknown event code [MSDeApp] for IF-003 "
        "(known: [DSDeAppRM], [MSDeAppRM], [ReverseMigNotification])",
        "eventCode-unknown",
    ),
    case(
        "RMN",
        put("CommonBlock.S0.interfaceID", "IF-999"),
        f"{COMMON}.S0.eventCode",
        "no event of interface IF-999 is modelled (event code [ReverseMigNotification])",
        "interface-unmodelled",
    ),
    # S1
    case(
        "RMN",
        put("CommonBlock.S1.environmentTag", "TEST"),
        f"{COMMON}.S1.environmentTag",
        "must be one of 'PRD', 'SITB', 'SIT', 'UIT', 'DEV', got 'TEST'",
        "environmentTag-enum",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.subText", ""),
        f"{COMMON}.S1.subText",
        "must be 1 to 500 characters, got 0",
        "subText-empty",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.subText", 5),
        f"{COMMON}.S1.subText",
        "must be a string or null, got number",
        "subText-number",
    ),
    case(
        "RMN",
        drop("CommonBlock.S1.subText"),
        f"{COMMON}.S1.subText",
        MISSING_NULLABLE,
        "subText-omitted",
    ),
    case(
        "RMN",
        drop("CommonBlock.S1.DIPConnectionProviderID"),
        f"{COMMON}.S1.DIPConnectionProviderID",
        MISSING_NULLABLE,
        "DIPConnectionProviderID-omitted",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.senderUniqueReference", "REF-0001"),
        f"{COMMON}.S1.senderUniqueReference",
        r"must match ^S-((IF|REP)-)?\d{3}[A-B]?-[0-9a-fA-F]{10}-[A-Z]{3,5}-\d{8}-[a-zA-Z0-9]+$ "
        "(S-IF-003-<senderDIPID>-<ROLE>-<YYYYMMDD>-<suffix>), got 'REF-0001'",
        "senderUniqueReference-pattern",
    ),
    case(
        "RMN",
        put(
            "CommonBlock.S1.senderUniqueReference", "S-IF-003-2200000019-REGS-20260227-" + "A" * 167
        ),
        f"{COMMON}.S1.senderUniqueReference",
        "must be 1 to 200 characters, got 201",
        "senderUniqueReference-length",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.senderTimestamp", "2026-02-27T18:05:12+0000"),
        f"{COMMON}.S1.senderTimestamp",
        "must be exactly 25 characters (DT-003 YYYY-MM-DDThh:mm:ss±hh:mm), got 24",
        "senderTimestamp-24-chars",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.senderTimestamp", "24-07-2025"),
        f"{COMMON}.S1.senderTimestamp",
        "must be exactly 25 characters (DT-003 YYYY-MM-DDThh:mm:ss±hh:mm), got 10",
        "senderTimestamp-day-first",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.senderTimestamp", "2026-02-27 18:05:12+00:00"),
        f"{COMMON}.S1.senderTimestamp",
        "datetime '2026-02-27 18:05:12+00:00': must be exactly 25 characters, "
        "YYYY-MM-DDThh:mm:ss±hh:mm (e.g. '2026-03-02T00:00:00+00:00')",
        "senderTimestamp-no-T",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.senderDIPID", "22000000190"),
        f"{COMMON}.S1.senderDIPID",
        "must be exactly 10 characters, got 11",
        "senderDIPID-length",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.senderDIPID", "22000000-9"),
        f"{COMMON}.S1.senderDIPID",
        "DIP ID '22000000-9': must be exactly 10 letters or digits (e.g. '2200000019')",
        "senderDIPID-punctuation",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.senderDIPID", None),
        f"{COMMON}.S1.senderDIPID",
        "must be a string, got null",
        "senderDIPID-null",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.senderRoleID", "SU"),
        f"{COMMON}.S1.senderRoleID",
        "must be 3 to 5 characters, got 2",
        "senderRoleID-length",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.senderCorrelationID", "C" * 61),
        f"{COMMON}.S1.senderCorrelationID",
        "must be at most 60 characters, got 61",
        "senderCorrelationID-length",
    ),
    case(
        "RMN",
        put("CommonBlock.S1.DIPConnectionProviderID", "123"),
        f"{COMMON}.S1.DIPConnectionProviderID",
        "must be exactly 10 characters, got 3",
        "DIPConnectionProviderID-length",
    ),
    # A0
    case(
        "RMN",
        put("CommonBlock.A0.primaryRecipients", []),
        f"{COMMON}.A0.primaryRecipients",
        "must have at least 1 item, got 0",
        "primaryRecipients-empty",
    ),
    case(
        "RMN",
        put("CommonBlock.A0.primaryRecipients[1]", "250000001"),
        f"{COMMON}.A0.primaryRecipients[1]",
        "must be exactly 10 characters, got 9",
        "primaryRecipients-item-length",
    ),
    case(
        "RMN",
        put("CommonBlock.A0.primaryRecipients[1]", 2500000019),
        f"{COMMON}.A0.primaryRecipients[1]",
        "must be a string, got number",
        "primaryRecipients-item-number",
    ),
    case(
        "RMN",
        put("CommonBlock.A0.secondaryRecipients", "2300000101"),
        f"{COMMON}.A0.secondaryRecipients",
        "must be an array, got string",
        "secondaryRecipients-string",
    ),
    case("RMN", put("CommonBlock.A0", None), f"{COMMON}.A0", OMIT_INSTEAD, "A0-null"),
    # D0
    case(
        "RMN",
        put("CommonBlock.D0.transactionID", "T" * 66),
        f"{COMMON}.D0.transactionID",
        "must be 1 to 65 characters, got 66",
        "transactionID-length",
    ),
    case(
        "RMN",
        put("CommonBlock.D0.transactionTimestamp", "2026-02-27T18:05:13Z"),
        f"{COMMON}.D0.transactionTimestamp",
        "must be exactly 25 characters (DT-003 YYYY-MM-DDThh:mm:ss±hh:mm), got 20",
        "transactionTimestamp-zulu",
    ),
    case(
        "RMN",
        drop("CommonBlock.D0.transactionTimestamp"),
        f"{COMMON}.D0.transactionTimestamp",
        "required key missing",
        "transactionTimestamp-omitted",
    ),
    case(
        "RMN",
        put("CommonBlock.D0.publicationID", "PUB-03"),
        f"{COMMON}.D0.publicationID",
        "must be 7 to 8 characters, got 6",
        "publicationID-length",
    ),
    case(
        "RMN",
        put("CommonBlock.D0.publicationID", "PUB-0031"),
        f"{COMMON}.D0.publicationID",
        r"must match ^PUB-\d{3}[A-B]?$ (e.g. 'PUB-003'), got 'PUB-0031'",
        "publicationID-pattern",
    ),
    case(
        "RMN",
        put("CommonBlock.D0.initialCorrelationID", "C" * 61),
        f"{COMMON}.D0.initialCorrelationID",
        "must be at most 60 characters, got 61",
        "initialCorrelationID-length",
    ),
    case(
        "RMN",
        put("CommonBlock.D0.replayIndicator", "false"),
        f"{COMMON}.D0.replayIndicator",
        "must be a boolean, got string",
        "replayIndicator-string",
    ),
    case(
        "RMN",
        put("CommonBlock.D0.serviceTicketURL", "h" * 251),
        f"{COMMON}.D0.serviceTicketURL",
        "must be at most 250 characters, got 251",
        "serviceTicketURL-length",
    ),
    # M0
    case(
        "RMN",
        put("CommonBlock.M0.MPANCore", "1900012345671"),
        f"{COMMON}.M0.MPANCore",
        "MPAN core '1900012345671': check digit is 1, but the weighted sum of the first 12 "
        "digits gives 0",
        "MPANCore-check-digit",
    ),
    case(
        "RMN",
        put("CommonBlock.M0.MPANCore", "190001234567"),
        f"{COMMON}.M0.MPANCore",
        "must be exactly 13 characters, got 12",
        "MPANCore-length",
    ),
    case(
        "RMN",
        put("CommonBlock.M0.distributorDIPID", "25000000190"),
        f"{COMMON}.M0.distributorDIPID",
        "must be exactly 10 characters, got 11",
        "distributorDIPID-length",
    ),
    case(
        "RMN",
        put("CommonBlock.M0.GSPGroupID", "_I"),
        f"{COMMON}.M0.GSPGroupID",
        "GSP group '_I': must be one of _A, _B, _C, _D, _E, _F, _G, _H, _J, _K, _L, _M, _N, _P",
        "GSPGroupID-enum",
    ),
    case(
        "RMN",
        rename("CommonBlock.M0.GSPGroupID", "gspGroupID"),
        f"{COMMON}.M0.gspGroupID",
        "unknown key 'gspGroupID' (did you mean 'GSPGroupID'?)",
        "gspGroupID-lower-case",
    ),
    # CommonBlock
    case("RMN", drop("CommonBlock.S1"), f"{COMMON}.S1", "required key missing", "S1-omitted"),
    case(
        "RMN",
        put("CommonBlock.R0", {"responseCode": "A", "responseMessages": []}),
        f"{COMMON}.R0",
        "not allowed for IF-003: only IF-006, IF-008, IF-014, IF-016, IF-020, IF-026, IF-028, "
        "IF-032, IF-039, IF-062 carry R0 (omit the key)",
        "R0-on-IF-003",
    ),
    # IF-003 CustomBlocks (pitfalls of brief e.5 included)
    case(
        "RMN",
        rename("CustomBlock.B013.CSSRegistrationID", "CSSRegistrationRequestID"),
        f"{CUSTOM}.B013.CSSRegistrationRequestID",
        "unknown key 'CSSRegistrationRequestID' (did you mean 'CSSRegistrationID'?)",
        "CSSRegistrationRequestID",
    ),
    case(
        "RMN",
        rename("CustomBlock.B002.supplierEffectiveFromDate", "incomingSupplierEffectiveFromDate"),
        f"{CUSTOM}.B002.incomingSupplierEffectiveFromDate",
        "unknown key 'incomingSupplierEffectiveFromDate' "
        "(did you mean 'supplierEffectiveFromDate'?)",
        "incomingSupplierEffectiveFromDate",
    ),
    case(
        "RMN",
        put("CustomBlock.B002.incomingSupplierDIPID", None),
        f"{CUSTOM}.B002.incomingSupplierDIPID",
        "must be a string, got null",
        "incomingSupplierDIPID-null",
    ),
    case(
        "RMN",
        put("CustomBlock.B002.incomingSupplierMPID", "lgsb"),
        f"{CUSTOM}.B002.incomingSupplierMPID",
        "MPID 'lgsb': must be exactly 4 upper-case letters (e.g. 'LGSB')",
        "incomingSupplierMPID-lower-case",
    ),
    case("RMN", drop("CustomBlock.B002"), f"{CUSTOM}.B002", "required key missing", "B002-omitted"),
    case(
        "RMN",
        put("CustomBlock.B094.MHHSRegimeEndDate", "2026-03-01"),
        f"{CUSTOM}.B094.MHHSRegimeEndDate",
        "must be exactly 25 characters (DT-003 YYYY-MM-DDThh:mm:ss±hh:mm), got 10",
        "MHHSRegimeEndDate-date-only",
    ),
    case(
        "RMN",
        put("CustomBlock.B013", "3f1c9e2a"),
        f"{CUSTOM}.B013",
        "must be an object, got string",
        "B013-string",
    ),
    case(
        "MS",
        rename("CustomBlock.B095", "B010"),
        f"{CUSTOM}.B010",
        "unknown key 'B010' (allowed: 'B013', 'B008', 'B002', 'B095')",
        "B010-instead-of-B095",
    ),
    case(
        "MS",
        put("CustomBlock.B008.deAppointmentReasonCode", "COS"),
        f"{CUSTOM}.B008.deAppointmentReasonCode",
        "must be one of 'CSUPP', 'CSERV', 'DEREG', 'CSEGM', 'CCONN', 'IMPEXP', 'RELATED', "
        "got 'COS'",
        "deAppointmentReasonCode-enum",
    ),
    case("MS", put("CustomBlock.B095", None), f"{CUSTOM}.B095", OMIT_INSTEAD, "B095-null"),
    case(
        "MS",
        put("CustomBlock.B095.ReverseMigrationIncomingMOPMPID", "NMO"),
        f"{CUSTOM}.B095.ReverseMigrationIncomingMOPMPID",
        "must be exactly 4 characters, got 3",
        "ReverseMigrationIncomingMOPMPID-length",
    ),
    case(
        "DS",
        put("CustomBlock.B009.deAppointedDataServiceDIPID", "14000002011"),
        f"{CUSTOM}.B009.deAppointedDataServiceDIPID",
        "must be exactly 10 characters, got 11",
        "deAppointedDataServiceDIPID-length",
    ),
    case(
        "DS",
        put(
            "CustomBlock.B096.ReverseMigrationIncomingDCEffectiveFromDate",
            "2026-03-02T00:00:00+0000",
        ),
        f"{CUSTOM}.B096.ReverseMigrationIncomingDCEffectiveFromDate",
        "must be exactly 25 characters (DT-003 YYYY-MM-DDThh:mm:ss±hh:mm), got 24",
        "ReverseMigrationIncomingDCEffectiveFromDate-24-chars",
    ),
    # IF-041
    case(
        "READING",
        put("CustomBlock.B064List[0].cumulativeRegisterReading", "1000"),
        f"{CUSTOM}.B064List[0].cumulativeRegisterReading",
        READING_RULE + "'1000'",
        "cumulativeRegisterReading-no-decimals",
    ),
    case(
        "READING",
        put("CustomBlock.B064List[0].cumulativeRegisterReading", 1000),
        f"{CUSTOM}.B064List[0].cumulativeRegisterReading",
        "must be a string, got number",
        "cumulativeRegisterReading-number",
    ),
    case(
        "READING",
        put("CustomBlock.B064List[0].readingMethod", "X"),
        f"{CUSTOM}.B064List[0].readingMethod",
        "must be one of 'A', 'C', 'E', 'S', got 'X'",
        "readingMethod-enum",
    ),
    case(
        "READING",
        put("CustomBlock.B064List[0].siteVisitCheckCode", "1"),
        f"{CUSTOM}.B064List[0].siteVisitCheckCode",
        r"must match ^\d{2}$ (two digits), got '1'",
        "siteVisitCheckCode-pattern",
    ),
    case(
        "READING",
        put("CustomBlock.B064List[0].meterID", "E21Z0123456"),
        f"{CUSTOM}.B064List[0].meterID",
        "must be 1 to 10 characters, got 11",
        "meterID-length",
    ),
    case(
        "READING",
        put("CustomBlock.B064List", {}),
        f"{CUSTOM}.B064List",
        "must be an array, got object",
        "B064List-object",
    ),
    case(
        "READING",
        put("CustomBlock.B064List[0]", "12345.678"),
        f"{CUSTOM}.B064List[0]",
        "must be an object, got string",
        "B064List-item-string",
    ),
    case(
        "READING",
        put("CustomBlock.B065List[0].configurableRegisterReading", "8123.4"),
        f"{CUSTOM}.B065List[0].configurableRegisterReading",
        READING_RULE + "'8123.4'",
        "configurableRegisterReading-one-decimal",
    ),
    # payload wrapper
    case(
        "RMN",
        put("Signature", {}),
        "$[0].payload.Signature",
        "unknown key 'Signature' (allowed: 'CommonBlock', 'CustomBlock')",
        "payload-extra-key",
    ),
    case(
        "RMN",
        drop("CustomBlock"),
        "$[0].payload.CustomBlock",
        "required key missing",
        "CustomBlock-omitted",
    ),
]


@pytest.mark.parametrize(("base", "edit", "path", "rule"), CASES)
def test_broken_field_rule_names_path_and_rule(base: str, edit: Edit, path: str, rule: str) -> None:
    """A body breaking one field rule fails with that field's JSON path and the rule it broke."""
    data = copy.deepcopy(BASES[base])
    edit(data[0]["payload"])
    with pytest.raises(EnvelopeError) as caught:
        parse_body(json.dumps(data))
    assert (caught.value.path, caught.value.rule) == (path, rule)


def test_unmodified_bases_parse() -> None:
    """Each base the failing cases start from is itself valid, so each case breaks one rule only."""
    for data in BASES.values():
        assert parse_body(json.dumps(data)), "a base parses to its envelopes"


def test_nullable_s1_keys_accept_null() -> None:
    """S1's nullable keys may be ``null`` (the brief's example sends four of them)."""
    [envelope] = parse_body(json.dumps(BASES["RMN"]))
    s1 = envelope.common.s1
    assert (s1.sub_text, s1.sender_correlation_id, s1.dip_connection_provider_id) == (None,) * 3


def test_b065_list_of_49_items_is_too_long() -> None:
    """A B065List longer than the schema's maxItems 48 fails at the list's path."""
    data = copy.deepcopy(BASES["READING"])
    b065_list = data[0]["payload"]["CustomBlock"]["B065List"]
    b065_list.extend(copy.deepcopy(b065_list[0]) for _ in range(48))
    with pytest.raises(EnvelopeError) as caught:
        parse_body(json.dumps(data))
    assert (caught.value.path, caught.value.rule) == (
        f"{CUSTOM}.B065List",
        "must have at most 48 items, got 49",
    )


def test_b065_list_of_48_items_is_accepted() -> None:
    """Exactly 48 configurable readings is within the schema's limit."""
    data = copy.deepcopy(BASES["READING"])
    b065_list = data[0]["payload"]["CustomBlock"]["B065List"]
    b065_list.extend(copy.deepcopy(b065_list[0]) for _ in range(47))
    [envelope] = parse_body(json.dumps(data))
    assert isinstance(envelope.custom, ReadingCOS)
    assert envelope.custom.b065_list is not None
    assert len(envelope.custom.b065_list) == 48


def test_impossible_date_names_the_field() -> None:
    """A 25-character datetime that is no real date fails at its path, saying why."""
    data = copy.deepcopy(BASES["RMN"])
    data[0]["payload"]["CommonBlock"]["S1"]["senderTimestamp"] = "2026-02-30T18:05:12+00:00"
    with pytest.raises(EnvelopeError) as caught:
        parse_body(json.dumps(data))
    assert caught.value.path == f"{COMMON}.S1.senderTimestamp"
    assert caught.value.rule.startswith(
        "datetime '2026-02-30T18:05:12+00:00': not a real date and time"
    )


@pytest.mark.parametrize(
    ("body", "path", "rule"),
    [
        pytest.param('{"payload": {}}', "$", "must be an array, got object", id="object"),
        pytest.param("[]", "$", "must have at least 1 item, got 0", id="empty"),
        pytest.param("[1]", "$[0]", "must be an object, got number", id="item-number"),
        pytest.param("[{}]", "$[0].payload", "required key missing", id="item-no-payload"),
        pytest.param(
            '[{"payload": {}, "headers": {}}]',
            "$[0].headers",
            "unknown key 'headers' (allowed: 'payload')",
            id="item-extra-key",
        ),
        pytest.param(
            '[{"payload": []}]', "$[0].payload", "must be an object, got array", id="payload-array"
        ),
    ],
)
def test_body_shape_rules(body: str, path: str, rule: str) -> None:
    """The body must be a non-empty array of ``{"payload": {...}}`` objects."""
    with pytest.raises(EnvelopeError) as caught:
        parse_body(body)
    assert (caught.value.path, caught.value.rule) == (path, rule)


@pytest.mark.parametrize("body", [b"[", b"", b"[{'payload': 1}]", "[{]"])
def test_invalid_json_is_reported_at_the_root(body: bytes | str) -> None:
    """A body that is not JSON at all fails at ``$`` saying so."""
    with pytest.raises(EnvelopeError) as caught:
        parse_body(body)
    assert caught.value.path == "$"
    assert caught.value.rule.startswith("not valid JSON: ")


def test_error_in_second_envelope_names_its_index() -> None:
    """In a batch, the JSON path says which envelope broke the rule."""
    good = copy.deepcopy(BASES["RMN"][0])
    bad = copy.deepcopy(good)
    bad["payload"]["CommonBlock"]["S1"]["senderDIPID"] = "2200000019X"
    with pytest.raises(EnvelopeError) as caught:
        parse_body(json.dumps([good, bad]))
    assert caught.value.path == "$[1].payload.CommonBlock.S1.senderDIPID"


def test_envelope_error_is_a_value_error_with_path_in_message() -> None:
    """``EnvelopeError`` reads ``path: rule`` and can be caught as ``ValueError``."""
    with pytest.raises(ValueError, match=r"^\$: must have at least 1 item, got 0$"):
        parse_body("[]")
