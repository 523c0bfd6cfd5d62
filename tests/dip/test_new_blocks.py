"""The new blocks' construction rules, helpers and wire shapes."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from market.messages.dip import (
    B007,
    B012,
    B013,
    B046,
    B047,
    B070,
    B900,
    PROPOSED_APPOINTMENT_ACCEPTED,
    R0,
    S0,
    SP_REJECTIONS,
    SUPPLIER_DATA_ITEMS_UNMIGRATED,
    CommonBlock,
    DipEnvelope,
    EnvelopeError,
    FieldRuleError,
    MSAppAccepted,
    SSCandProfileClassNotification,
    from_wire,
    to_wire,
)
from market.messages.dip.consumption import SETTLEMENT_PERIOD

from .appointment_builders import b071
from .builders import at, ds_de_app_rm, m0, regs_s1
from .event_builders import (
    active_power,
    b032,
    change_of_supplier,
    day_of_consumption,
    mdr_stop_with_note,
)


@pytest.mark.parametrize(
    ("valid", "changes", "path", "rule"),
    [
        pytest.param(
            day_of_consumption().b047_list[0],
            {"v": "1"},
            "B047.v",
            r"must match ^-?\d{1,9}\.\d{3}$ (kWh with up to 9 digits, a point and exactly "
            "3 decimals, e.g. '12.345'), got '1'",
            id="B047-v",
        ),
        pytest.param(
            day_of_consumption().b046,
            {"period_duration": True},
            "B046.period_duration",
            "must be an int, got bool",
            id="B046-bool",
        ),
        pytest.param(
            day_of_consumption(),
            {"b047_list": day_of_consumption().b047_list + day_of_consumption().b047_list[:3]},
            "B900.b047_list",
            "must have at most 50 items, got 51",
            id="B900-51-periods",
        ),
        pytest.param(
            b071(),
            {"appointment_scenario": "cos"},
            "B071.appointment_scenario",
            "must be one of 'COS', 'CSP', 'USP', 'SEG', 'MCA', 'MCS', 'ALG', got 'cos'",
            id="B071-scenario",
        ),
        pytest.param(
            b032(),
            {"ssc": "0393 "},
            "B032.ssc",
            "must be exactly 4 characters, got 5",
            id="B032-ssc",
        ),
        pytest.param(
            R0.accepted(),
            {"response_messages": ("REG9002 - x", "")},
            "R0.response_messages[1]",
            "must be 1 to 200 characters, got 0",
            id="R0-message",
        ),
        pytest.param(
            change_of_supplier().b004,
            {"domestic_premise_indicator": "T"},
            "B004.domestic_premise_indicator",
            "must be a bool, got str",
            id="B004-flag",
        ),
    ],
)
def test_constructing_with_a_broken_rule_names_the_field(
    valid: Any, changes: dict[str, object], path: str, rule: str
) -> None:
    """Building a new block that breaks a field rule raises ``FieldRuleError`` naming the field."""
    with pytest.raises(FieldRuleError) as caught:
        attrs.evolve(valid, **changes)
    assert (caught.value.path, caught.value.rule) == (path, rule)


def test_rejection_outcome_spells_its_codes_as_the_catalogue_does() -> None:
    """``R0.rejected(REG9002)`` is ``R`` with the catalogue text, and its codes read back."""
    rejected = R0.rejected(SUPPLIER_DATA_ITEMS_UNMIGRATED)
    assert to_wire(rejected) == {
        "responseCode": "R",
        "responseMessages": [
            "REG9002 - Supplier Data Items Cannot be Maintained for an Unmigrated MPAN"
        ],
    }
    assert rejected.codes == (SUPPLIER_DATA_ITEMS_UNMIGRATED,)
    assert R0.accepted().codes == ()


def test_rejection_without_a_code_is_refused() -> None:
    """A rejection must say why, so ``R0.rejected()`` with no code raises naming the field."""
    with pytest.raises(FieldRuleError) as caught:
        R0.rejected()
    assert caught.value.path == "R0.response_messages"


def test_envelope_refuses_r0_on_an_interface_without_it() -> None:
    """Building an IF-003 envelope with an R0 fails, as the DIP schema has no R0 there."""
    common = CommonBlock(
        s0=S0.for_block(type(ds_de_app_rm())), s1=regs_s1(), m0=m0(), r0=R0.accepted()
    )
    with pytest.raises(FieldRuleError) as caught:
        DipEnvelope(common=common, custom=ds_de_app_rm())
    assert caught.value.path == "DipEnvelope.common"
    assert caught.value.rule.startswith("R0 not allowed for IF-003: only IF-006, IF-008,")


def test_envelope_requires_r0_where_the_interface_carries_it() -> None:
    """Building an IF-026 envelope without its R0 outcome fails naming the rule."""
    custom = SSCandProfileClassNotification(b032=b032())
    common = CommonBlock(s0=S0.for_block(type(custom)), s1=regs_s1(), m0=m0())
    with pytest.raises(FieldRuleError) as caught:
        DipEnvelope(common=common, custom=custom)
    assert (caught.value.path, caught.value.rule) == (
        "DipEnvelope.common",
        "R0 required for IF-026: its CommonBlock carries the R0 outcome "
        "(responseCode and responseMessages)",
    )


def test_provider_answers_read_back_their_sp_codes() -> None:
    """B007 acceptance carries SP000 (a success); a refusal carries a definite SP code."""
    accepted = B007.accepted()
    assert accepted.reason is PROPOSED_APPOINTMENT_ACCEPTED
    assert accepted.reason.is_success
    refused = B007.rejected(SP_REJECTIONS["SP005"])
    assert to_wire(refused) == {
        "responseCode": "R",
        "proposedAppointmentResponseCode": "SP005 - Segment Not Supported",
    }
    assert refused.reason is SP_REJECTIONS["SP005"]
    assert refused.reason.definite
    assert attrs.evolve(refused, proposed_appointment_response_code=None).reason is None


def test_ms_app_accepted_matches_a_public_payload() -> None:
    """``[MSAppAccepted]`` renders a public IF-035 payload's blocks (B013 under its v2.2.1 key)."""
    public = {
        "B007": {
            "responseCode": "A",
            "proposedAppointmentResponseCode": "SP000 - Proposed Appointment ACCEPTED",
        },
        "B012": {
            "serviceProviderAppointmentRequestingSupplierDIPID": "2300000012",
            "serviceProviderAppointmentRequestingSupplierMPID": "MRCY",
        },
        "B013": {"CSSRegistrationID": "CSSSwitchIDEXAMPLE"},
        "B070": {
            "proposedMeteringServiceDIPID": "1200000015",
            "proposedMeteringServiceMPID": "OESL",
            "proposedMeteringServiceDIPEffectiveFromDate": "2024-01-15T00:00:00+00:00",
            "contractReferenceMeteringService": "OESLMRCYMO",
            "appointmentScenario": "COS",
        },
    }
    built = MSAppAccepted(
        b007=B007.accepted(),
        b012=B012(
            service_provider_appointment_requesting_supplier_dip_id="2300000012",
            service_provider_appointment_requesting_supplier_mpid="MRCY",
        ),
        b013=B013(css_registration_id="CSSSwitchIDEXAMPLE"),
        b070=B070(
            proposed_metering_service_dip_id="1200000015",
            proposed_metering_service_mpid="OESL",
            proposed_metering_service_effective_from_date=at("2024-01-15T00:00:00"),
            contract_reference_metering_service="OESLMRCYMO",
            appointment_scenario="COS",
        ),
    )
    assert to_wire(built) == public
    assert from_wire(MSAppAccepted, public) == built


def test_period_numbers_follow_the_period_end_instants() -> None:
    """Period *n* of a UTC day is the one whose ``sp`` is *n* half hours after midnight."""
    day = day_of_consumption()
    numbered = day.period_values()
    assert numbered[0] == (1, "0.250")
    assert numbered[-1] == (48, "0.250")
    assert [number for number, _ in numbered] == list(range(1, 49))


def test_a_day_need_not_have_48_periods() -> None:
    """A day cut short by an appointment boundary (here 46 periods) is a valid B900."""
    partial = day_of_consumption(periods=46)
    assert len(partial.b047_list) == 46
    assert from_wire(B900, to_wire(partial)) == partial


def test_a_summer_settlement_day_starts_at_local_midnight_and_periods_render_in_utc() -> None:
    """``settlementDayDate`` is 00:00 UK local time (23:00 UTC the day before in summer time);
    ``sp`` renders with ``+00:00``; other datetimes in UK local time."""
    summer = day_of_consumption("2026-05-31T23:00:00", periods=1)
    wire = to_wire(summer)
    assert wire["B046"] == {"settlementDayDate": "2026-06-01T00:00:00+01:00", "periodDuration": 30}
    assert wire["B047List"] == [
        {"sp": "2026-05-31T23:30:00+00:00", "v": "0.250", "q": "A", "e": None, "arc": None}
    ]
    assert to_wire(b032())["SSCEffectiveFromDate"] == "2026-03-02T00:00:00+00:00"
    summer_b032 = attrs.evolve(b032(), ssc_effective_from_date=at("2026-06-01T23:00:00"))
    assert to_wire(summer_b032)["SSCEffectiveFromDate"] == "2026-06-02T00:00:00+01:00"


def test_a_settlement_day_at_utc_midnight_in_summer_time_is_refused() -> None:
    """UTC midnight is 01:00 BST: not the start of a settlement day (the old, wrong shape)."""
    with pytest.raises(ValueError, match=r"must be the start of a settlement day, 00:00 UK local"):
        day_of_consumption("2026-06-01T00:00:00", periods=1)
    with pytest.raises(EnvelopeError) as refused:
        from_wire(B046, {"settlementDayDate": "2026-06-01T00:00:00+00:00", "periodDuration": 30})
    assert "settlementDayDate" in str(refused.value)
    assert "(2026-06-01T00:00:00+01:00), got 2026-06-01T01:00:00+01:00" in str(refused.value)


def test_a_local_offset_period_end_parses_to_the_same_instant() -> None:
    """An ``sp`` sent with a BST offset is accepted and means the same UTC instant."""
    period = from_wire(
        B047, {"sp": "2026-06-01T01:30:00+01:00", "v": "1.000", "q": "E1", "e": "4", "arc": None}
    )
    assert period.sp == at("2026-06-01T00:30:00")


def test_period_duration_defaults_to_thirty_minutes() -> None:
    """B046's only allowed duration is the default, so callers need not repeat it."""
    assert B046(settlement_day_date=at("2026-03-01T00:00:00")).period_duration == 30


def test_nullable_address_lines_are_sent_as_null() -> None:
    """B022 sends every address line, ``null`` where there is none, and the flags as booleans."""
    wire = to_wire(change_of_supplier())
    assert wire["B022"]["addressLine2"] is None
    assert len(wire["B022"]) == 10
    assert wire["B004"]["domesticPremiseIndicator"] is True
    assert wire["B023"]["meteredIndicator"] is True


def test_optional_blocks_are_left_off_the_wire() -> None:
    """IF-063's B060 and IF-025/026's B013 are omitted when ``None`` and sent when set."""
    assert "B060" in to_wire(mdr_stop_with_note())
    assert "B013" not in to_wire(SSCandProfileClassNotification(b032=b032()))
    assert list(to_wire(active_power())) == ["B044", "B067", "B900List"]


def test_periods_are_typed() -> None:
    """Parsed periods are B047 values holding an aware datetime and string kWh."""
    [day] = from_wire(type(active_power()), to_wire(active_power())).b900_list
    assert isinstance(day.b047_list[0], B047)
    assert day.b047_list[0].sp.utcoffset() is not None


@pytest.mark.parametrize(
    ("values", "quality", "field"),
    [
        (["1.000", "2.000", "12.5"], "A", "B047.v"),
        (["1.000", None, "3.000"], "A", "B047.v"),
        (["1.000", "2.000"], "Q", "B047.q"),
        ([], "A", "B900.b047_list"),
    ],
)
def test_a_day_of_periods_checks_every_value(values: list[Any], quality: str, field: str) -> None:
    """``B900.for_day`` refuses a bad value in any period, not only the first."""
    with pytest.raises(FieldRuleError) as caught:
        B900.for_day(
            measurement_quantity_id="AI",
            settlement_day_date=at("2026-03-09T00:00:00+00:00"),
            values=values,
            quality_indicator=quality,
        )
    assert caught.value.path == field


def test_a_day_of_periods_is_the_same_as_one_built_period_by_period() -> None:
    """Each period of ``for_day`` equals the B047 built (and checked) on its own."""
    day = at("2026-03-09T00:00:00+00:00")
    values = [f"{n}.000" for n in range(1, 49)]
    built = B900.for_day(measurement_quantity_id="AI", settlement_day_date=day, values=values)
    expected = tuple(
        B047(sp=day + SETTLEMENT_PERIOD * n, v=value, q="A", e=None, arc=None)
        for n, value in enumerate(values, start=1)
    )
    assert built.b047_list == expected
    assert built.period_values() == tuple(enumerate(values, start=1))


@pytest.mark.parametrize("disabled_before", [False, True])
def test_a_day_of_periods_leaves_attrs_validators_as_it_found_them(
    disabled_before: bool,
) -> None:
    """Building a day switches validators off only for the later periods, then restores them."""
    attrs.validators.set_disabled(disabled_before)
    try:
        B900.for_day(
            measurement_quantity_id="AI",
            settlement_day_date=at("2026-03-09T00:00:00+00:00"),
            values=["1.000", "2.000"],
        )
        assert attrs.validators.get_disabled() is disabled_before
    finally:
        attrs.validators.set_disabled(False)
