"""The response-code registry."""

from __future__ import annotations

import pytest

from market.kernel.exceptions import MarketError
from market.messages.dip import (
    PROPOSED_APPOINTMENT_ACCEPTED,
    RESPONSE_CODES,
    SCHEMA_FAILURE,
    SP_REJECTIONS,
    SUCCESS,
    ResponseCode,
    UnknownResponseCodeError,
    response_code,
    response_code_of,
)


def test_lookup_returns_the_registered_code() -> None:
    """Looking up a code gives its text, definiteness and provenance."""
    assert response_code("MSG1001") == ResponseCode(
        code="MSG1001", text="Schema Failure", definite=True, tag="DOC", http_status=400
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
        ("REG9008", "MCS/MCA Scenarios cannot be used by a Non-Qualified Supplier"),
    ],
)
def test_business_codes_of_the_brief_are_registered(code: str, text: str) -> None:
    """The brief's business rejection codes are registered as documented, definite rejections."""
    registered = response_code(code)
    assert (registered.text, registered.tag, registered.definite) == (text, "DOC", True)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("REG1024", "Effective Date Cannot be Retrospective"),
        ("REG1032", "Service Provider EffectiveFrom Date is not Contiguous / or is Invalid"),
        ("ECS1003", "SP End Date/Time has already past 'MDS Run Date (RF)'"),
        ("ECS1006", "SP End Date/Time duplicated with SP in same message"),
        ("SP001", "No Contract(s) exist for Supplier"),
        ("SP011", "Insufficient Notice / Lead Time for Appointment to take effect"),
        ("SP099", "Other"),
    ],
)
def test_catalogue_rejection_codes_are_registered(code: str, text: str) -> None:
    """Registration, consumption and service-provider rejections carry the catalogue's text."""
    registered = response_code(code)
    assert (registered.text, registered.tag, registered.definite) == (text, "DOC", True)


def test_sp_family_is_complete_and_sp000_is_the_acceptance() -> None:
    """SP000 accepts; SP001 to SP011 and SP099 are the refusals the catalogue names."""
    expected = [f"SP{number:03d}" for number in range(1, 12)] + ["SP099"]
    assert list(SP_REJECTIONS) == expected
    assert response_code("SP000") is PROPOSED_APPOINTMENT_ACCEPTED
    assert PROPOSED_APPOINTMENT_ACCEPTED.is_success


def test_message_text_reads_back_to_its_code() -> None:
    """``response_code_of`` finds the registered code a ``<code> - <text>`` message starts with."""
    assert response_code_of("SP000 - Proposed Appointment ACCEPTED") is (
        PROPOSED_APPOINTMENT_ACCEPTED
    )
    assert response_code_of(SCHEMA_FAILURE.message) is SCHEMA_FAILURE


def test_only_success_codes_are_not_definite() -> None:
    """Every registered failure is definite; the success codes (MSG0000, SP000) are not failures."""
    not_definite = {code for code, entry in RESPONSE_CODES.items() if not entry.definite}
    successes = {code for code, entry in RESPONSE_CODES.items() if entry.is_success}
    assert not_definite == successes == {"MSG0000", "SP000"}


def test_unknown_code_raises_a_lookup_error_saying_where_to_add_it() -> None:
    """An unregistered code raises ``UnknownResponseCodeError``, also a ``LookupError``."""
    with pytest.raises(UnknownResponseCodeError, match=r"market/messages/dip/codes\.py") as caught:
        response_code("MSG9999")
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, MarketError)
