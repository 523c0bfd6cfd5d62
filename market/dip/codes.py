"""Response and rejection codes, each marked *definite* or not (after Maelstrom's error registry).

A *definite* code means the message surely did not take effect, so the sender
may correct it and resubmit without risking a double effect. ``tag`` says where
the code comes from: ``DOC`` codes appear in public DIP or DES138 material;
``RECON`` codes are reconstructions the simulator needs for its level-1 routing
rules, because the DIP's MSG catalogue beyond MSG0000 and MSG1001 is not public
(brief h, open question 10).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import attrs

from market.exceptions import MarketError


class UnknownResponseCodeError(MarketError, LookupError):
    """A response code is not in the registry.

    Contrast with a *rejection*: a known code such as MSG1001 is an answer a
    participant handles; this error means the code itself is unknown, which is a
    bug in whoever produced it.
    """


@attrs.frozen(kw_only=True)
class ResponseCode:
    """One response code, its text, whether a failure is definite, and its provenance."""

    code: str
    text: str
    definite: bool
    tag: Literal["DOC", "RECON"]

    @property
    def message(self) -> str:
        """The code as the DIP's ``message`` field spells it: ``MSG0000 - Success``."""
        return f"{self.code} - {self.text}"

    @property
    def is_success(self) -> bool:
        """Whether this code reports success rather than a rejection."""
        return self is SUCCESS


# MSG0000 is not a failure, so "definite failure" does not apply: definite=False.
SUCCESS: Final = ResponseCode(code="MSG0000", text="Success", definite=False, tag="DOC")
SCHEMA_FAILURE: Final = ResponseCode(
    code="MSG1001", text="Schema Failure", definite=True, tag="DOC"
)

# RECON: level-1 routing rule failures. The DIP rejects these synchronously, before
# the message is accepted, so none of them took effect.
UNKNOWN_INTERFACE_OR_EVENT_CODE: Final = ResponseCode(
    code="MSG1002", text="Unknown Interface or Event Code", definite=True, tag="RECON"
)
UNKNOWN_RECIPIENT: Final = ResponseCode(
    code="MSG1003", text="Unknown Recipient", definite=True, tag="RECON"
)
SENDER_NOT_AUTHORISED: Final = ResponseCode(
    code="MSG1004", text="Sender Not Authorised For Interface", definite=True, tag="RECON"
)
# Definite for *this* submission only: the earlier message that used the reference may
# well have taken effect, so resubmit under a new reference only if that one failed.
DUPLICATE_SENDER_UNIQUE_REFERENCE: Final = ResponseCode(
    code="MSG1005", text="Duplicate Sender Unique Reference", definite=True, tag="RECON"
)
UNKNOWN_MPAN: Final = ResponseCode(code="MSG1006", text="Unknown MPAN", definite=True, tag="RECON")

# Business rejections by the recipient (brief c.0, d): the update was refused.
SUPPLIER_DATA_ITEMS_UNMIGRATED: Final = ResponseCode(
    code="REG9002",
    text="Supplier Data Items Cannot be Maintained for an Unmigrated MPAN",
    definite=True,
    tag="DOC",
)
DATA_SERVICE_NOT_APPOINTED: Final = ResponseCode(
    code="ECS1001",
    text="Data Service Not Appointed for Date of SP Submission",
    definite=True,
    tag="DOC",
)
# The code and its meaning are DOC; the catalogue only paraphrases the wording.
NON_QUALIFIED_SUPPLIER: Final = ResponseCode(
    code="REG9008", text="Non-Qualified Supplier", definite=True, tag="DOC"
)

#: Every known code, by code.
RESPONSE_CODES: Final[Mapping[str, ResponseCode]] = {
    response.code: response
    for response in (
        SUCCESS,
        SCHEMA_FAILURE,
        UNKNOWN_INTERFACE_OR_EVENT_CODE,
        UNKNOWN_RECIPIENT,
        SENDER_NOT_AUTHORISED,
        DUPLICATE_SENDER_UNIQUE_REFERENCE,
        UNKNOWN_MPAN,
        SUPPLIER_DATA_ITEMS_UNMIGRATED,
        DATA_SERVICE_NOT_APPOINTED,
        NON_QUALIFIED_SUPPLIER,
    )
}


def response_code(code: str) -> ResponseCode:
    """The registered :class:`ResponseCode` for ``code`` (``"MSG1001"``)."""
    try:
        return RESPONSE_CODES[code]
    except KeyError:
        known = ", ".join(sorted(RESPONSE_CODES))
        raise UnknownResponseCodeError(
            f"response code {code!r} is not registered (known: {known}); add it to "
            "market/dip/codes.py with its text, definite flag and DOC/RECON tag"
        ) from None
