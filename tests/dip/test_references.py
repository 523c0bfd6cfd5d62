"""Reference builders produce ids the DIP schema accepts."""

from __future__ import annotations

import re
from datetime import date

import pytest

from market.kernel.exceptions import InvalidIdentifierError
from market.kernel.ids import Role
from market.messages.dip import correlation_id, sender_unique_reference, transaction_id
from market.messages.dip.references import SENDER_UNIQUE_REFERENCE_PATTERN

from .builders import d0, regs_s1

DAY = date(2026, 2, 27)


def test_sender_unique_reference_matches_the_brief_and_schema() -> None:
    """The builder gives the brief's example, which matches the DI-995 pattern."""
    reference = sender_unique_reference(
        "IF-003", "2200000019", Role.REGISTRATION_SERVICE, DAY, "RM0000001"
    )
    assert reference == "S-IF-003-2200000019-REGS-20260227-RM0000001"
    assert re.fullmatch(SENDER_UNIQUE_REFERENCE_PATTERN, reference)
    assert regs_s1().sender_unique_reference == reference


def test_transaction_id_matches_the_brief_and_fits_d0() -> None:
    """The builder gives the brief's transactionID, within D0's 65 characters."""
    transaction = transaction_id("IF-003", "2200000019", "REGS", DAY, "0000A1B2C3D4E5F6")
    assert transaction == "T-IF-003-2200000019-REGS-20260227-0000A1B2C3D4E5F6"
    assert d0().transaction_id == transaction


def test_correlation_id_matches_the_brief() -> None:
    """The builder gives ``CI-YYYYMMDD-<suffix>``."""
    assert correlation_id(DAY, "7F3A9C21D4E84B10") == "CI-20260227-7F3A9C21D4E84B10"


@pytest.mark.parametrize(
    ("dip_id", "role", "suffix"),
    [
        pytest.param("22000000GG", "REGS", "RM1", id="non-hex-dip-id"),
        pytest.param("2200000019", "REGISTRATION", "RM1", id="long-role"),
        pytest.param("2200000019", "REGS", "RM-1", id="suffix-punctuation"),
        pytest.param("2200000019", "REGS", "R" * 200, id="too-long"),
    ],
)
def test_sender_unique_reference_refuses_what_the_schema_refuses(
    dip_id: str, role: str, suffix: str
) -> None:
    """A reference the DI-995 pattern would reject is refused when it is built."""
    with pytest.raises(InvalidIdentifierError, match="senderUniqueReference"):
        sender_unique_reference("IF-003", dip_id, role, DAY, suffix)


def test_transaction_id_longer_than_65_is_refused() -> None:
    """A suffix that pushes transactionID past 65 characters is refused."""
    with pytest.raises(InvalidIdentifierError, match="at most 65"):
        transaction_id("IF-003", "2200000019", "REGS", DAY, "F" * 40)


def test_correlation_id_longer_than_60_is_refused() -> None:
    """A suffix that pushes a correlation id past 60 characters is refused."""
    with pytest.raises(InvalidIdentifierError, match="at most 60"):
        correlation_id(DAY, "F" * 50)
