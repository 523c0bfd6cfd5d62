"""The response-code registry."""

from __future__ import annotations

import pytest

from market.dip import (
    RESPONSE_CODES,
    SCHEMA_FAILURE,
    SUCCESS,
    ResponseCode,
    UnknownResponseCodeError,
    response_code,
)
from market.exceptions import MarketError


def test_lookup_returns_the_registered_code() -> None:
    """Looking up a code gives its text, definiteness and provenance."""
    assert response_code("MSG1001") == ResponseCode(
        code="MSG1001", text="Schema Failure", definite=True, tag="DOC"
    )
    assert response_code("MSG1001") is SCHEMA_FAILURE


def test_message_is_spelt_as_the_dip_spells_it() -> None:
    """``message`` joins code and text as the DIP's response item does."""
    assert SUCCESS.message == "MSG0000 - Success"
    assert SUCCESS.is_success
    assert not SCHEMA_FAILURE.is_success


@pytest.mark.parametrize("code", ["MSG1002", "MSG1003", "MSG1004", "MSG1005", "MSG1006"])
def test_level_one_routing_codes_are_reconstructions_and_definite(code: str) -> None:
    """The routing-rule codes are marked RECON and definite (rejected before acceptance)."""
    registered = response_code(code)
    assert registered.tag == "RECON"
    assert registered.definite


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("REG9002", "Supplier Data Items Cannot be Maintained for an Unmigrated MPAN"),
        ("ECS1001", "Data Service Not Appointed for Date of SP Submission"),
        ("REG9008", "Non-Qualified Supplier"),
    ],
)
def test_business_codes_of_the_brief_are_registered(code: str, text: str) -> None:
    """The brief's business rejection codes are registered as documented, definite rejections."""
    registered = response_code(code)
    assert (registered.text, registered.tag, registered.definite) == (text, "DOC", True)


def test_only_success_is_not_definite() -> None:
    """Every registered failure is definite; success is not a failure at all."""
    assert [code for code, entry in RESPONSE_CODES.items() if not entry.definite] == ["MSG0000"]


def test_unknown_code_raises_a_lookup_error_saying_where_to_add_it() -> None:
    """An unregistered code raises ``UnknownResponseCodeError``, also a ``LookupError``."""
    with pytest.raises(UnknownResponseCodeError, match=r"market/dip/codes\.py") as caught:
        response_code("MSG9999")
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, MarketError)
