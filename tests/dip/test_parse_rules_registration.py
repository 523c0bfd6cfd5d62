"""IF-001, IF-025/026 and IF-031…036 field rules, broken on the wire, name their path and rule."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from market.messages.dip import EnvelopeError, parse_body, render_body

from .edits import Edit, drop, put, rename
from .event_builders import all_new_envelopes

BASES: dict[str, Any] = {
    name: json.loads(render_body([built]))
    for name, built, _ in all_new_envelopes()
    if name not in {"ActivePower", "ActivePowerRejected", "MDRStop"}
}

COMMON = "$[0].payload.CommonBlock"
CUSTOM = "$[0].payload.CustomBlock"
MISSING_NULLABLE = "required key missing (send null when there is no value; do not omit it)"
R0_CARRIERS = (
    "IF-006, IF-008, IF-014, IF-016, IF-020, IF-026, IF-028, IF-032, IF-039, IF-062 carry R0"
)
SCENARIOS = "'COS', 'CSP', 'USP', 'SEG', 'MCA', 'MCS', 'ALG'"
VALID_R0 = {"responseCode": "A", "responseMessages": []}


def case(base: str, edit: Edit, path: str, rule: str, name: str) -> Any:
    """One parametrized failing case."""
    return pytest.param(base, edit, path, rule, id=name)


CASES = [
    # IF-001 [ChangeOfSupplier]
    case(
        "ChangeOfSupplier",
        drop("CustomBlock.B003"),
        f"{CUSTOM}.B003",
        "required key missing",
        "B003-omitted",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B003.outgoingSupplierMPID", "mhsa"),
        f"{CUSTOM}.B003.outgoingSupplierMPID",
        "MPID 'mhsa': must be exactly 4 upper-case letters (e.g. 'LGSB')",
        "B003-outgoingSupplierMPID-lower-case",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B004.domesticPremiseIndicator", "T"),
        f"{CUSTOM}.B004.domesticPremiseIndicator",
        "must be a boolean, got string",
        "B004-domesticPremiseIndicator-T",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B022.addressLine3", "X" * 41),
        f"{CUSTOM}.B022.addressLine3",
        "must be at most 40 characters, got 41",
        "B022-addressLine3-length",
    ),
    case(
        "ChangeOfSupplier",
        drop("CustomBlock.B022.addressLine2"),
        f"{CUSTOM}.B022.addressLine2",
        MISSING_NULLABLE,
        "B022-addressLine2-omitted",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B022.meteringPointPostcode", ""),
        f"{CUSTOM}.B022.meteringPointPostcode",
        "must be 1 to 10 characters, got 0",
        "B022-meteringPointPostcode-empty",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B023.connectionTypeIndicator", "X"),
        f"{CUSTOM}.B023.connectionTypeIndicator",
        "must be one of 'W', 'L', 'H', 'E', 'U', got 'X'",
        "B023-connectionTypeIndicator-enum",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B023.meteredIndicator", "True"),
        f"{CUSTOM}.B023.meteredIndicator",
        "must be a boolean, got string",
        "B023-meteredIndicator-string",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B024.DUOSTariffID", "1234"),
        f"{CUSTOM}.B024.DUOSTariffID",
        "must be 1 to 3 characters, got 4",
        "B024-DUOSTariffID-length",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B025.energisationStatus", "X"),
        f"{CUSTOM}.B025.energisationStatus",
        "must be one of 'D', 'E', 'U', got 'X'",
        "B025-energisationStatus-enum",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B026.marketSegmentIndicator", "Smart"),
        f"{CUSTOM}.B026.marketSegmentIndicator",
        "must be one of 'U', 'S', 'A', got 'Smart'",
        "B026-marketSegmentIndicator-enum",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B013.CSSRegistrationID", "C" * 37),
        f"{CUSTOM}.B013.CSSRegistrationID",
        "must be 1 to 36 characters, got 37",
        "B013-CSSRegistrationID-length",
    ),
    case(
        "ChangeOfSupplier",
        put("CustomBlock.B005", {}),
        f"{CUSTOM}.B005",
        "unknown key 'B005' (allowed: 'B013', 'B002', 'B003', 'B004', 'B022', 'B023', "
        "'B024', 'B025', 'B026')",
        "B005-not-modelled",
    ),
    # IF-025 / IF-026 [SSCandProfileClass]
    case(
        "SSCandProfileClassRequest",
        put("CustomBlock.B032.SSC", "393"),
        f"{CUSTOM}.B032.SSC",
        "must be exactly 4 characters, got 3",
        "B032-SSC-length",
    ),
    case(
        "SSCandProfileClassRequest",
        put("CustomBlock.B032.SSC", "03A3"),
        f"{CUSTOM}.B032.SSC",
        r"must match ^\d{4}$ (four digits, e.g. '0393'), got '03A3'",
        "B032-SSC-pattern",
    ),
    case(
        "SSCandProfileClassRequest",
        put("CustomBlock.B032.profileClass", "123"),
        f"{CUSTOM}.B032.profileClass",
        "must be 1 to 2 characters, got 3",
        "B032-profileClass-length",
    ),
    case(
        "SSCandProfileClassRequest",
        drop("CustomBlock.B032.SSCEffectiveFromDate"),
        f"{CUSTOM}.B032.SSCEffectiveFromDate",
        MISSING_NULLABLE,
        "B032-SSCEffectiveFromDate-omitted",
    ),
    case(
        "SSCandProfileClassRequest",
        put("CommonBlock.R0", VALID_R0),
        f"{COMMON}.R0",
        f"not allowed for IF-025: only {R0_CARRIERS} (omit the key)",
        "IF-025-with-R0",
    ),
    case(
        "SSCandProfileClassNotification",
        drop("CommonBlock.R0"),
        f"{COMMON}.R0",
        "required for IF-026: its CommonBlock carries the R0 outcome "
        "(responseCode and responseMessages)",
        "IF-026-without-R0",
    ),
    case(
        "SSCandProfileClassNotification",
        put("CustomBlock.R0", VALID_R0),
        f"{CUSTOM}.R0",
        "unknown key 'R0' (allowed: 'B013', 'B032')",
        "R0-in-CustomBlock",
    ),
    # IF-031 to IF-036
    case(
        "DSApp",
        put("CustomBlock.B071.appointmentScenario", "COT"),
        f"{CUSTOM}.B071.appointmentScenario",
        f"must be one of {SCENARIOS}, got 'COT'",
        "B071-appointmentScenario-enum",
    ),
    case(
        "DSApp",
        put("CustomBlock.B071.supplierProposedDomesticIndicator", "T"),
        f"{CUSTOM}.B071.supplierProposedDomesticIndicator",
        "must be a boolean, got string",
        "B071-supplierProposedDomesticIndicator-T",
    ),
    case(
        "DSApp",
        put("CustomBlock.B071.supplierProposedConsentGranularity", "x"),
        f"{CUSTOM}.B071.supplierProposedConsentGranularity",
        "must be one of 'H', 'D', 'M', 'N', got 'x'",
        "B071-supplierProposedConsentGranularity-x",
    ),
    case(
        "DSApp",
        put("CustomBlock.B071.supplierNominatedMDRDIPID", "160000050"),
        f"{CUSTOM}.B071.supplierNominatedMDRDIPID",
        "must be exactly 10 characters, got 9",
        "B071-supplierNominatedMDRDIPID-length",
    ),
    case(
        "DSApp",
        put("CustomBlock.B071.contractReferenceDataService", "C" * 51),
        f"{CUSTOM}.B071.contractReferenceDataService",
        "must be 1 to 50 characters, got 51",
        "B071-contractReferenceDataService-length",
    ),
    case(
        "MSApp",
        put("CustomBlock.B070.proposedMeteringServiceMPID", "MSS"),
        f"{CUSTOM}.B070.proposedMeteringServiceMPID",
        "must be exactly 4 characters, got 3",
        "B070-proposedMeteringServiceMPID-length",
    ),
    case(
        "MSApp",
        rename(
            "CustomBlock.B070.proposedMeteringServiceDIPEffectiveFromDate",
            "proposedMeteringServiceEffectiveFromDate",
        ),
        f"{CUSTOM}.B070.proposedMeteringServiceEffectiveFromDate",
        "unknown key 'proposedMeteringServiceEffectiveFromDate' "
        "(did you mean 'proposedMeteringServiceDIPEffectiveFromDate'?)",
        "B070-catalogue-key-instead-of-schema-key",
    ),
    case(
        "MSAppInitialResp",
        drop("CommonBlock.R0"),
        f"{COMMON}.R0",
        "required for IF-032: its CommonBlock carries the R0 outcome "
        "(responseCode and responseMessages)",
        "IF-032-without-R0",
    ),
    case(
        "MSAppSPRequest",
        put("CustomBlock.B072.incumbentMeteringServiceMPID", "mssd"),
        f"{CUSTOM}.B072.incumbentMeteringServiceMPID",
        "MPID 'mssd': must be exactly 4 upper-case letters (e.g. 'LGSB')",
        "B072-incumbentMeteringServiceMPID-lower-case",
    ),
    case(
        "DSAppSPRequest",
        put("CustomBlock.B012.serviceProviderAppointmentRequestingSupplierDIPID", None),
        f"{CUSTOM}.B012.serviceProviderAppointmentRequestingSupplierDIPID",
        "must be a string, got null",
        "B012-requestingSupplierDIPID-null",
    ),
    case(
        "DSAppSPResponse",
        put("CustomBlock.B007.responseCode", "Y"),
        f"{CUSTOM}.B007.responseCode",
        "must be one of 'A', 'R', 'L', 'W', got 'Y'",
        "B007-responseCode-enum",
    ),
    case(
        "MSAppSPResponse",
        put("CustomBlock.B007.proposedAppointmentResponseCode", ""),
        f"{CUSTOM}.B007.proposedAppointmentResponseCode",
        "must be 1 to 200 characters, got 0",
        "B007-proposedAppointmentResponseCode-empty",
    ),
    case(
        "MSAppAccepted",
        put("CommonBlock.R0", VALID_R0),
        f"{COMMON}.R0",
        f"not allowed for IF-035: only {R0_CARRIERS} (omit the key)",
        "IF-035-with-R0",
    ),
    case(
        "MSAppActive",
        put("CustomBlock.B014.incomingMeteringServiceEffectiveFromDate", "2026-03-02"),
        f"{CUSTOM}.B014.incomingMeteringServiceEffectiveFromDate",
        "must be exactly 25 characters (DT-003 YYYY-MM-DDThh:mm:ss±hh:mm), got 10",
        "B014-incomingMeteringServiceEffectiveFromDate-date-only",
    ),
    case(
        "DSAppActive",
        put("CustomBlock.B015.traditionalFallBackReadFrequency", "D"),
        f"{CUSTOM}.B015.traditionalFallBackReadFrequency",
        "must be one of 'W', 'F', 'M', 'Q', 'S', 'A', got 'D'",
        "B015-traditionalFallBackReadFrequency-enum",
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
