"""IF-021, IF-014 and IF-063 field rules, broken on the wire, name their JSON path and rule."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from market.messages.dip import EnvelopeError, parse_body, render_body
from market.messages.dip.consumption import QUALITY_INDICATORS

from .edits import Edit, drop, put, rename
from .event_builders import all_new_envelopes

BASES: dict[str, Any] = {
    name: json.loads(render_body([built]))
    for name, built, _ in all_new_envelopes()
    if name in {"ActivePower", "ActivePowerRejected", "MDRStop"}
}

COMMON = "$[0].payload.CommonBlock"
CUSTOM = "$[0].payload.CustomBlock"
MISSING_NULLABLE = "required key missing (send null when there is no value; do not omit it)"
OMIT_INSTEAD = "must be an object, got null (omit the key when there is no value)"
R0_CARRIERS = (
    "IF-006, IF-008, IF-014, IF-016, IF-020, IF-026, IF-028, IF-032, IF-039, IF-062 carry R0"
)
KWH_RULE = (
    r"must match ^-?\d{1,9}\.\d{3}$ (kWh with up to 9 digits, a point and exactly 3 decimals, "
    "e.g. '12.345'), got "
)
QUALITIES = ", ".join(repr(quality) for quality in QUALITY_INDICATORS)
VALID_R0 = {"responseCode": "A", "responseMessages": []}


def case(base: str, edit: Edit, path: str, rule: str, name: str) -> Any:
    """One parametrized failing case."""
    return pytest.param(base, edit, path, rule, id=name)


CASES = [
    # IF-021 [ActivePower]
    case(
        "ActivePower",
        put("CustomBlock.B044.issuingDataServiceDIPID", "14000002011"),
        f"{CUSTOM}.B044.issuingDataServiceDIPID",
        "must be exactly 10 characters, got 11",
        "B044-issuingDataServiceDIPID-length",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B067.connectionTypeIndicator", "w"),
        f"{CUSTOM}.B067.connectionTypeIndicator",
        "must be one of 'W', 'L', 'H', 'E', 'U', got 'w'",
        "B067-connectionTypeIndicator-enum",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List", []),
        f"{CUSTOM}.B900List",
        "must have at least 1 item, got 0",
        "B900List-empty",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List[0].B045.measurementQuantityID", "AX"),
        f"{CUSTOM}.B900List[0].B045.measurementQuantityID",
        "must be one of 'AI', 'AE', 'RI', 'RE', got 'AX'",
        "B045-measurementQuantityID-enum",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List[0].B046.periodDuration", 15),
        f"{CUSTOM}.B900List[0].B046.periodDuration",
        "must be 30, got 15",
        "B046-periodDuration-15",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List[0].B046.periodDuration", "30"),
        f"{CUSTOM}.B900List[0].B046.periodDuration",
        "must be an integer, got string",
        "B046-periodDuration-string",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List[0].B046.periodDuration", True),
        f"{CUSTOM}.B900List[0].B046.periodDuration",
        "must be an integer, got boolean",
        "B046-periodDuration-boolean",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List[0].B046.settlementDayDate", "2026-03-01T00:00:00Z"),
        f"{CUSTOM}.B900List[0].B046.settlementDayDate",
        "must be exactly 25 characters (DT-003 YYYY-MM-DDThh:mm:ss±hh:mm), got 20",
        "B046-settlementDayDate-zulu",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List[0].B047List[3].v", "0.25"),
        f"{CUSTOM}.B900List[0].B047List[3].v",
        KWH_RULE + "'0.25'",
        "B047-v-two-decimals",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List[0].B047List[0].v", 0.25),
        f"{CUSTOM}.B900List[0].B047List[0].v",
        "must be a string, got number",
        "B047-v-number",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List[0].B047List[0].q", "X"),
        f"{CUSTOM}.B900List[0].B047List[0].q",
        f"must be one of {QUALITIES}, got 'X'",
        "B047-q-enum",
    ),
    case(
        "ActivePower",
        put("CustomBlock.B900List[0].B047List[0].e", "11"),
        f"{CUSTOM}.B900List[0].B047List[0].e",
        "must be one of '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', got '11'",
        "B047-e-enum",
    ),
    case(
        "ActivePower",
        drop("CustomBlock.B900List[0].B047List[0].arc"),
        f"{CUSTOM}.B900List[0].B047List[0].arc",
        MISSING_NULLABLE,
        "B047-arc-omitted",
    ),
    case(
        "ActivePower",
        rename("CustomBlock.B900List[0].B047List[0].sp", "settlementPeriodEffectiveToDateTime"),
        f"{CUSTOM}.B900List[0].B047List[0].settlementPeriodEffectiveToDateTime",
        "unknown key 'settlementPeriodEffectiveToDateTime' (allowed: 'sp', 'v', 'q', 'e', 'arc')",
        "B047-long-key-for-sp",
    ),
    case(
        "ActivePower",
        put("CommonBlock.R0", VALID_R0),
        f"{COMMON}.R0",
        f"not allowed for IF-021: only {R0_CARRIERS} (omit the key)",
        "IF-021-with-R0",
    ),
    # IF-014 [ActivePowerRejected]
    case(
        "ActivePowerRejected",
        drop("CommonBlock.R0"),
        f"{COMMON}.R0",
        "required for IF-014: its CommonBlock carries the R0 outcome "
        "(responseCode and responseMessages)",
        "IF-014-without-R0",
    ),
    case(
        "ActivePowerRejected",
        put("CommonBlock.R0.responseCode", "X"),
        f"{COMMON}.R0.responseCode",
        "must be one of 'A', 'R', 'L', 'W', got 'X'",
        "R0-responseCode-enum",
    ),
    case(
        "ActivePowerRejected",
        put("CommonBlock.R0.responseMessages", ["E" * 201]),
        f"{COMMON}.R0.responseMessages[0]",
        "must be 1 to 200 characters, got 201",
        "R0-responseMessages-item-length",
    ),
    case(
        "ActivePowerRejected",
        put("CommonBlock.R0.responseMessages", "ECS1001"),
        f"{COMMON}.R0.responseMessages",
        "must be an array, got string",
        "R0-responseMessages-string",
    ),
    case(
        "ActivePowerRejected",
        rename("CustomBlock.B900", "B900List"),
        f"{CUSTOM}.B900List",
        "unknown key 'B900List' (allowed: 'B044', 'B067', 'B900')",
        "IF-014-B900List-instead-of-B900",
    ),
    # IF-063 [MDRStop]
    case(
        "MDRStop",
        put("CustomBlock.B083.assignedMDRDIPID", "16000005"),
        f"{CUSTOM}.B083.assignedMDRDIPID",
        "must be exactly 10 characters, got 8",
        "B083-assignedMDRDIPID-length",
    ),
    case(
        "MDRStop",
        drop("CustomBlock.B083.assignedMDREffectiveToDate"),
        f"{CUSTOM}.B083.assignedMDREffectiveToDate",
        "required key missing",
        "B083-assignedMDREffectiveToDate-omitted",
    ),
    case("MDRStop", put("CustomBlock.B060", None), f"{CUSTOM}.B060", OMIT_INSTEAD, "B060-null"),
    case(
        "MDRStop",
        put("CustomBlock.B060", {"additionalInformation": ""}),
        f"{CUSTOM}.B060.additionalInformation",
        "must be 1 to 2000 characters, got 0",
        "B060-additionalInformation-empty",
    ),
]


@pytest.mark.parametrize(("base", "edit", "path", "rule"), CASES)
def test_broken_field_rule_names_path_and_rule(base: str, edit: Edit, path: str, rule: str) -> None:
    """A body breaking one field rule of a new block fails with its JSON path and the rule."""
    data = copy.deepcopy(BASES[base])
    edit(data[0]["payload"])
    with pytest.raises(EnvelopeError) as caught:
        parse_body(json.dumps(data))
    assert (caught.value.path, caught.value.rule) == (path, rule)


def test_unmodified_bases_parse() -> None:
    """Each base the failing cases start from is itself valid, so each case breaks one rule only."""
    for data in BASES.values():
        assert parse_body(json.dumps(data)), "a base parses to its envelopes"


def test_fifty_one_periods_are_too_many() -> None:
    """A B047List longer than 50 periods fails at the list's path."""
    data = copy.deepcopy(BASES["ActivePower"])
    periods = data[0]["payload"]["CustomBlock"]["B900List"][0]["B047List"]
    periods.extend(copy.deepcopy(periods[:3]))
    with pytest.raises(EnvelopeError) as caught:
        parse_body(json.dumps(data))
    assert (caught.value.path, caught.value.rule) == (
        f"{CUSTOM}.B900List[0].B047List",
        "must have at most 50 items, got 51",
    )
