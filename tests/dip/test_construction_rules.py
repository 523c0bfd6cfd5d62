"""Values built directly in Python obey the same field rules as parsed ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import pytest

from market.messages.dip import (
    A0,
    B064,
    B096,
    M0,
    S1,
    EnvelopeError,
    FieldRuleError,
    ReadingCOS,
)

from .builders import at, d0, m0, ms_de_app_rm, reading_cos, regs_s1


def _a0() -> A0:
    return A0(primary_recipients=("1800000001", "2500000019"))


def _b064() -> B064:
    items = reading_cos().b064_list
    assert items is not None
    return items[0]


def _b096() -> B096:
    return B096(
        reverse_migration_incoming_dc_mpid="NDCE",
        reverse_migration_incoming_dc_effective_from_date=at("2026-03-02T00:00:00"),
    )


@pytest.mark.parametrize(
    ("valid", "changes", "path", "rule"),
    [
        pytest.param(
            regs_s1(),
            {"sender_dip_id": "22000000190"},
            "S1.sender_dip_id",
            "must be exactly 10 characters, got 11",
            id="dip-id-length",
        ),
        pytest.param(
            regs_s1(),
            {"sender_timestamp": datetime(2026, 2, 27, 18, 5, 12)},  # noqa: DTZ001 -- naive on purpose
            "S1.sender_timestamp",
            "must be a timezone-aware datetime, got a naive one",
            id="naive-datetime",
        ),
        pytest.param(
            regs_s1(),
            {"sender_timestamp": at("2026-02-27T18:05:12.000005")},
            "S1.sender_timestamp",
            "must be whole seconds (DT-003 has no fraction), got microsecond=5",
            id="fractional-seconds",
        ),
        pytest.param(
            regs_s1(),
            {"sender_timestamp": "2026-02-27T18:05:12+00:00"},
            "S1.sender_timestamp",
            "must be a datetime, got str",
            id="datetime-as-text",
        ),
        pytest.param(
            regs_s1(),
            {"environment_tag": None},
            "S1.environment_tag",
            "must not be None",
            id="required-none",
        ),
        pytest.param(
            regs_s1(),
            {"sub_text": ""},
            "S1.sub_text",
            "must be 1 to 500 characters, got 0",
            id="nullable-still-checked",
        ),
        pytest.param(
            _a0(),
            {"primary_recipients": ("1800000001", "25")},
            "A0.primary_recipients[1]",
            "must be exactly 10 characters, got 2",
            id="recipient-item",
        ),
        pytest.param(
            _a0(),
            {"primary_recipients": ["1800000001"]},
            "A0.primary_recipients",
            "must be a tuple of str, got list",
            id="recipients-list",
        ),
        pytest.param(
            _a0(),
            {"primary_recipients": ()},
            "A0.primary_recipients",
            "must have at least 1 item, got 0",
            id="recipients-empty",
        ),
        pytest.param(
            d0(),
            {"replay_indicator": "false"},
            "D0.replay_indicator",
            "must be a bool, got str",
            id="flag-as-text",
        ),
        pytest.param(
            m0(),
            {"mpan_core": "1900012345671"},
            "M0.mpan_core",
            "MPAN core '1900012345671': check digit is 1, but the weighted sum of the first 12 "
            "digits gives 0",
            id="mpan-check-digit",
        ),
        pytest.param(
            m0(),
            {"gsp_group_id": "_I"},
            "M0.gsp_group_id",
            "GSP group '_I': must be one of _A, _B, _C, _D, _E, _F, _G, _H, _J, _K, _L, _M, _N, _P",
            id="gsp-group",
        ),
        pytest.param(
            ms_de_app_rm(),
            {"b095": _b096()},
            "MSDeAppRM.b095",
            "must be a B095, got B096",
            id="wrong-block",
        ),
        pytest.param(
            reading_cos(),
            {"b064_list": [_b064()]},
            "ReadingCOS.b064_list",
            "must be a tuple of B064, got list",
            id="block-list-as-list",
        ),
        pytest.param(
            reading_cos(),
            {"b065_list": (reading_cos().b065_list or ())[0:1] * 49},
            "ReadingCOS.b065_list",
            "must have at most 48 items, got 49",
            id="b065-list-49",
        ),
        pytest.param(
            _b064(),
            {"cumulative_register_reading": "1000"},
            "B064.cumulative_register_reading",
            r"must match ^-?\d{1,9}\.\d{3}$ (up to 9 digits, a point and exactly 3 decimals, "
            "e.g. '12345.678'), got '1000'",
            id="reading-no-decimals",
        ),
        pytest.param(
            _b064(),
            {"reading_method": "X"},
            "B064.reading_method",
            "must be one of 'A', 'C', 'E', 'S', got 'X'",
            id="reading-method",
        ),
    ],
)
def test_constructing_with_a_broken_rule_names_the_field(
    valid: Any, changes: dict[str, object], path: str, rule: str
) -> None:
    """Building a block that breaks a field rule raises ``FieldRuleError`` naming the attribute."""
    with pytest.raises(FieldRuleError) as caught:
        attrs.evolve(valid, **changes)
    assert (caught.value.path, caught.value.rule) == (path, rule)


def test_field_rule_error_is_an_envelope_error() -> None:
    """Callers catching ``EnvelopeError`` (or ``ValueError``) also catch construction failures."""
    with pytest.raises(EnvelopeError, match=r"^M0\.gsp_group_id: GSP group"):
        M0(mpan_core="1900012345670", distributor_dip_id="2500000019", gsp_group_id="J")


def test_optional_blocks_and_lists_default_to_absent() -> None:
    """B095 and the IF-041 lists may be left out when building a block."""
    assert ms_de_app_rm(with_b095=False).b095 is None
    assert ReadingCOS().b064_list is None


def test_aware_datetimes_in_any_zone_are_accepted() -> None:
    """A DIP datetime may be built in any time zone; it compares equal to the same UTC instant."""
    from zoneinfo import ZoneInfo

    london = at("2026-06-01T12:00:00").astimezone(ZoneInfo("Europe/London"))
    assert attrs.evolve(regs_s1(), sender_timestamp=london).sender_timestamp == at(
        "2026-06-01T12:00:00"
    )


def test_missing_required_argument_is_a_type_error() -> None:
    """Leaving out a required field fails as Python does for any missing keyword argument."""
    with pytest.raises(TypeError):
        S1(environment_tag="SIT")  # type: ignore[call-arg]
