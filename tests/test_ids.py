"""Identifiers: MPAN core check digits, DIP IDs, MPIDs, GSP groups."""

from __future__ import annotations

import random

import pytest

from market.kernel.exceptions import InvalidIdentifierError
from market.kernel.ids import (
    GSP_GROUP_DISTRIBUTOR,
    check_dip_id,
    check_gsp_group,
    check_mpan_core,
    check_mpid,
    generate_mpan_core,
    is_valid_mpan_core,
    mpan_check_digit,
)


@pytest.mark.parametrize("core", ["1900012345670", "1200023305967", "2000055000007"])
def test_known_valid_mpan_cores_pass(core: str) -> None:
    """MPAN cores with a correct check digit are accepted unchanged."""
    assert is_valid_mpan_core(core)
    assert check_mpan_core(core) == core


@pytest.mark.parametrize("core", ["1900012345671", "1900012345679", "1200023305960"])
def test_wrong_check_digit_is_rejected_with_the_expected_digit(core: str) -> None:
    """A wrong check digit is refused, and the error says which digit the weights give."""
    assert not is_valid_mpan_core(core)
    with pytest.raises(InvalidIdentifierError, match=r"check digit is \d, but .* gives \d"):
        check_mpan_core(core)


@pytest.mark.parametrize("core", ["190001234567", "19000123456701", "19000123456A0", ""])
def test_mpan_core_must_be_thirteen_digits(core: str) -> None:
    """Anything but exactly 13 digits is refused with the rule named."""
    with pytest.raises(InvalidIdentifierError, match="exactly 13 digits"):
        check_mpan_core(core)


def test_check_digit_follows_the_weighted_sum_rule() -> None:
    """The check digit is the weighted sum of the first 12 digits mod 11 mod 10."""
    weights = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)
    prefix = "190001234567"
    expected = sum(int(d) * w for d, w in zip(prefix, weights, strict=True)) % 11 % 10
    assert mpan_check_digit(prefix) == expected == 0


def test_generated_mpan_cores_are_valid_and_reproducible() -> None:
    """Generated cores are valid, start with the distributor id, and repeat for the same seed."""
    first = [generate_mpan_core(random.Random(5), "19") for _ in range(1)]
    again = [generate_mpan_core(random.Random(5), "19") for _ in range(1)]
    many = [generate_mpan_core(random.Random(i), "23") for i in range(500)]
    assert first == again
    assert all(is_valid_mpan_core(core) and core.startswith("23") for core in many)


def test_dip_id_mpid_and_gsp_group_rules() -> None:
    """DIP IDs are 10 characters, MPIDs 4 upper-case letters, GSP groups one of fourteen."""
    assert check_dip_id("2200000019") == "2200000019"
    assert check_mpid("LGSB") == "LGSB"
    assert check_gsp_group("_J") == "_J"
    assert len(GSP_GROUP_DISTRIBUTOR) == 14
    with pytest.raises(InvalidIdentifierError, match="exactly 10"):
        check_dip_id("22000000190")
    with pytest.raises(InvalidIdentifierError, match="4 upper-case letters"):
        check_mpid("lgsb")
    with pytest.raises(InvalidIdentifierError, match="one of _A"):
        check_gsp_group("_I")


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (check_mpan_core, "1900012345670\n"),
        (check_mpan_core, "\u0661\u0669" + "0" * 10 + "\u0660"),  # Arabic-Indic digits
        (check_dip_id, "2200000019\n"),
        (check_mpid, "LGSB\n"),
    ],
)
def test_identifiers_are_matched_whole_and_in_ascii_digits(check: object, value: str) -> None:
    """A trailing newline or another script's digits is refused, as the JSON Schemas refuse it."""
    assert callable(check)
    with pytest.raises(InvalidIdentifierError):
        check(value)
    if check is check_mpan_core:
        assert not is_valid_mpan_core(value)


def test_check_digit_of_other_scripts_digits_is_refused() -> None:
    """``mpan_check_digit`` needs twelve ASCII digits."""
    with pytest.raises(InvalidIdentifierError):
        mpan_check_digit("\u0661" * 12)
