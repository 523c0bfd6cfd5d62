"""Response and rejection codes, each marked *definite* or not (after Maelstrom's error registry).

A *definite* code means the message surely did not take effect, so the sender
may correct it and resubmit without risking a double effect. ``tag`` says where
the code comes from: ``DOC`` codes appear in public DIP or DES138 material;
``RECON`` codes are reconstructions the simulator needs for its level-1 routing
rules, because the DIP's MSG catalogue beyond MSG0000 and MSG1001 is not public
(brief h, open question 10). The REG, ECS and SP codes are business answers
carried inside messages (R0 ``responseMessages``, B007
``proposedAppointmentResponseCode``), with the DES138 catalogue's texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import attrs

from market.kernel.exceptions import MarketError


class UnknownResponseCodeError(MarketError, LookupError):
    """A response code is not in the registry.

    Contrast with a *rejection*: a known code such as MSG1001 is an answer a
    participant handles; this error means the code itself is unknown, which is a
    bug in whoever produced it.
    """


@attrs.frozen(kw_only=True)
class ResponseCode:
    """One response code, its text, whether a failure is definite, and its provenance.

    ``success`` marks the codes that report an accepted request (MSG0000 from the
    DIP, SP000 from a service provider); for them "definite failure" does not
    apply, so they are never ``definite``.
    """

    code: str
    text: str
    definite: bool
    tag: Literal["DOC", "RECON"]
    success: bool = False
    #: The HTTP status the DIP answers with when this code rejects a whole request
    #: (413, 429 ...); ``None`` for codes that are not DIP transport answers.
    http_status: int | None = None

    @property
    def message(self) -> str:
        """The code as the DIP's ``message`` field spells it: ``MSG0000 - Success``."""
        return f"{self.code} - {self.text}"

    @property
    def is_success(self) -> bool:
        """Whether this code reports success rather than a rejection."""
        return self.success


# MSG0000 is not a failure, so "definite failure" does not apply: definite=False.
SUCCESS: Final = ResponseCode(
    code="MSG0000", text="Success", definite=False, tag="DOC", success=True
)
SCHEMA_FAILURE: Final = ResponseCode(
    code="MSG1001", text="Schema Failure", definite=True, tag="DOC", http_status=400
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
    code="MSG1004",
    text="Sender Not Authorised For Interface",
    definite=True,
    tag="RECON",
    http_status=403,
)
# Definite for *this* submission only: the earlier message that used the reference may
# well have taken effect, so resubmit under a new reference only if that one failed.
DUPLICATE_SENDER_UNIQUE_REFERENCE: Final = ResponseCode(
    code="MSG1005", text="Duplicate Sender Unique Reference", definite=True, tag="RECON"
)
# Level 2 (asynchronous): the message was accepted (201) but the DIP's MPAN register does
# not know the MPAN, so it was never published; the sender learns by a status message.
UNKNOWN_MPAN: Final = ResponseCode(code="MSG1006", text="Unknown MPAN", definite=True, tag="RECON")

# RECON: the DIP gateway's defences (brief e.1: authentication, signatures, 401/403/404/
# 405/413/429). Each stops the request before acceptance, so none took effect: definite.
UNKNOWN_SENDER: Final = ResponseCode(
    code="MSG1007", text="Unknown Sender DIP ID", definite=True, tag="RECON", http_status=401
)
SENDER_DIP_ID_MISMATCH: Final = ResponseCode(
    code="MSG1008",
    text="Sender DIP ID Does Not Match Authenticated Sender",
    definite=True,
    tag="RECON",
    http_status=403,
)
SIGNATURE_INVALID: Final = ResponseCode(
    code="MSG1009",
    text="Signature Verification Failed",
    definite=True,
    tag="RECON",
    http_status=401,
)
PAYLOAD_TOO_LARGE: Final = ResponseCode(
    code="MSG1010", text="Payload Too Large", definite=True, tag="RECON", http_status=413
)
# Definite: the request was refused before it was read; back off, then resubmit it unchanged.
TOO_MANY_REQUESTS: Final = ResponseCode(
    code="MSG1011", text="Too Many Requests", definite=True, tag="RECON", http_status=429
)
METHOD_NOT_ALLOWED: Final = ResponseCode(
    code="MSG1012", text="Method Not Allowed", definite=True, tag="RECON", http_status=405
)
UNKNOWN_CHANNEL: Final = ResponseCode(
    code="MSG1013", text="Unknown DIP Channel", definite=True, tag="RECON", http_status=404
)
# Levels 3 and 4: a recipient refused a publication (its webhook answered 4xx, or it posted
# a status message). Definite for the recipient only: others may have taken the message in.
REJECTED_BY_RECIPIENT: Final = ResponseCode(
    code="MSG1014", text="Rejected By Recipient", definite=True, tag="RECON"
)
#: RECON: the DIP is unavailable (an outage); the submission was not taken and may be resent.
DIP_UNAVAILABLE: Final = ResponseCode(
    code="MSG5003", text="Service Unavailable", definite=True, tag="RECON"
)

# Business rejections by the recipient (brief c.0, d; DES138 rejection-code catalogue).
# Texts are the catalogue's descriptions, verbatim.
SUPPLIER_DATA_ITEMS_UNMIGRATED: Final = ResponseCode(
    code="REG9002",
    text="Supplier Data Items Cannot be Maintained for an Unmigrated MPAN",
    definite=True,
    tag="DOC",
)
NON_QUALIFIED_SUPPLIER: Final = ResponseCode(
    code="REG9008",
    text="MCS/MCA Scenarios cannot be used by a Non-Qualified Supplier",
    definite=True,
    tag="DOC",
)
# RECON texts: the brief names these codes' meaning (f.1), not their catalogue wording.
ALREADY_MIGRATED: Final = ResponseCode(
    code="REG9007",
    text="MCS/MCA Scenarios cannot be used for an MPAN that is Already Migrated",
    definite=True,
    tag="RECON",
)
MHHS_SCENARIO_ON_UNMIGRATED_MPAN: Final = ResponseCode(
    code="REG9009",
    text="MHHS Appointment Scenarios cannot be used for an Unmigrated MPAN",
    definite=True,
    tag="RECON",
)
LINKED_EXPORT_MPAN: Final = ResponseCode(
    code="REG1038",
    text="Service Provider Appointments cannot be made on a Linked Export MPAN",
    definite=True,
    tag="RECON",
)
RELATED_SECONDARY_MPAN: Final = ResponseCode(
    code="REG1039",
    text="Service Provider Appointments cannot be made on a Related Secondary MPAN",
    definite=True,
    tag="RECON",
)
EFFECTIVE_DATE_RETROSPECTIVE: Final = ResponseCode(
    code="REG1024", text="Effective Date Cannot be Retrospective", definite=True, tag="DOC"
)
SERVICE_PROVIDER_DATE_NOT_CONTIGUOUS: Final = ResponseCode(
    code="REG1032",
    text="Service Provider EffectiveFrom Date is not Contiguous / or is Invalid",
    definite=True,
    tag="DOC",
)
DATA_SERVICE_NOT_APPOINTED: Final = ResponseCode(
    code="ECS1001",
    text="Data Service Not Appointed for Date of SP Submission",
    definite=True,
    tag="DOC",
)
PAST_FINAL_RECONCILIATION: Final = ResponseCode(
    code="ECS1003",
    text="SP End Date/Time has already past 'MDS Run Date (RF)'",
    definite=True,
    tag="DOC",
)
DUPLICATE_SETTLEMENT_PERIOD: Final = ResponseCode(
    code="ECS1006",
    text="SP End Date/Time duplicated with SP in same message",
    definite=True,
    tag="DOC",
)

# Service providers' answers to a proposed appointment (IF-034 B007, echoed by IF-035).
PROPOSED_APPOINTMENT_ACCEPTED: Final = ResponseCode(
    code="SP000", text="Proposed Appointment ACCEPTED", definite=False, tag="DOC", success=True
)
_SP_REJECTIONS: Final = (
    ("SP001", "No Contract(s) exist for Supplier"),
    ("SP002", "Contract Ref not valid for Supplier"),
    ("SP003", "Contract Ref not valid for Connection Type or Market Segment"),
    ("SP004", "Connection Type Not Supported"),
    ("SP005", "Segment Not Supported"),
    ("SP006", "Meter Type(s) Not Supported"),
    ("SP007", "Out of Operational Area"),
    ("SP008", "Address Information Insufficient or Invalid"),
    ("SP009", "Meter is not DCC Enrolled"),
    ("SP010", "Domestic Indicator Value not Supported"),
    ("SP011", "Insufficient Notice / Lead Time for Appointment to take effect"),
    ("SP099", "Other"),
)
#: Every SP0nn code by which a service provider may refuse an appointment.
SP_REJECTIONS: Final[Mapping[str, ResponseCode]] = {
    code: ResponseCode(code=code, text=text, definite=True, tag="DOC")
    for code, text in _SP_REJECTIONS
}

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
        UNKNOWN_SENDER,
        SENDER_DIP_ID_MISMATCH,
        SIGNATURE_INVALID,
        PAYLOAD_TOO_LARGE,
        TOO_MANY_REQUESTS,
        METHOD_NOT_ALLOWED,
        UNKNOWN_CHANNEL,
        REJECTED_BY_RECIPIENT,
        DIP_UNAVAILABLE,
        SUPPLIER_DATA_ITEMS_UNMIGRATED,
        NON_QUALIFIED_SUPPLIER,
        ALREADY_MIGRATED,
        MHHS_SCENARIO_ON_UNMIGRATED_MPAN,
        LINKED_EXPORT_MPAN,
        RELATED_SECONDARY_MPAN,
        EFFECTIVE_DATE_RETROSPECTIVE,
        SERVICE_PROVIDER_DATE_NOT_CONTIGUOUS,
        DATA_SERVICE_NOT_APPOINTED,
        PAST_FINAL_RECONCILIATION,
        DUPLICATE_SETTLEMENT_PERIOD,
        PROPOSED_APPOINTMENT_ACCEPTED,
        *SP_REJECTIONS.values(),
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
            "market/messages/dip/codes.py with its text, definite flag and DOC/RECON tag"
        ) from None


def response_code_of(message: str) -> ResponseCode:
    """The registered code a ``"<code> - <text>"`` message starts with (``"SP000 - ..."``)."""
    return response_code(message.partition(" - ")[0])
