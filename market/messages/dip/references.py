"""Builders of the DIP's reference strings: sender references, transaction and correlation ids.

Each builder checks its result against the schema rule of the field it fills,
so a bad DIP ID or suffix fails where the reference is made, not later as a
schema failure at the DIP.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from market.kernel.exceptions import InvalidIdentifierError

#: DI-995 ``senderUniqueReference`` pattern of the v2.2.1 schema.
SENDER_UNIQUE_REFERENCE_PATTERN: Final = (
    r"^S-((IF|REP)-)?\d{3}[A-B]?-[0-9a-fA-F]{10}-[A-Z]{3,5}-\d{8}-[a-zA-Z0-9]+$"
)
SENDER_UNIQUE_REFERENCE_SHAPE: Final = "S-IF-003-<senderDIPID>-<ROLE>-<YYYYMMDD>-<suffix>"
MAX_SENDER_UNIQUE_REFERENCE: Final = 200
MAX_TRANSACTION_ID: Final = 65
MAX_CORRELATION_ID: Final = 60

_SENDER_UNIQUE_REFERENCE = re.compile(SENDER_UNIQUE_REFERENCE_PATTERN)
_TRANSACTION_ID = re.compile(
    r"^T-(IF|REP)-\d{3}[A-B]?-[0-9A-Za-z]{10}-[A-Z]{3,5}-\d{8}-[a-zA-Z0-9]+$"
)
_CORRELATION_ID = re.compile(r"^CI-\d{8}-[a-zA-Z0-9]+$")


def sender_unique_reference(
    interface_id: str, sender_dip_id: str, role: str, day: date, suffix: str
) -> str:
    """``S-IF-003-2200000019-REGS-20260227-RM0000001``: unique per sender, made by the sender."""
    reference = f"S-{interface_id}-{sender_dip_id}-{role}-{day:%Y%m%d}-{suffix}"
    if len(reference) > MAX_SENDER_UNIQUE_REFERENCE or not _SENDER_UNIQUE_REFERENCE.fullmatch(
        reference
    ):
        raise InvalidIdentifierError(
            f"senderUniqueReference {reference!r}: must match {SENDER_UNIQUE_REFERENCE_PATTERN} "
            f"({SENDER_UNIQUE_REFERENCE_SHAPE}; the DIP ID must be hexadecimal digits, the role "
            f"3-5 upper-case letters, the suffix letters or digits) and be at most "
            f"{MAX_SENDER_UNIQUE_REFERENCE} characters"
        )
    return reference


def transaction_id(interface_id: str, sender_dip_id: str, role: str, day: date, suffix: str) -> str:
    """``T-IF-003-<DIPID>-<ROLE>-<YYYYMMDD>-<suffix>``: the DIP's id for an accepted message."""
    transaction = f"T-{interface_id}-{sender_dip_id}-{role}-{day:%Y%m%d}-{suffix}"
    if len(transaction) > MAX_TRANSACTION_ID or not _TRANSACTION_ID.fullmatch(transaction):
        raise InvalidIdentifierError(
            f"transactionID {transaction!r}: must look like T-IF-003-<DIPID>-<ROLE>-<YYYYMMDD>-"
            f"<suffix> (suffix letters or digits) and be at most {MAX_TRANSACTION_ID} characters"
        )
    return transaction


def correlation_id(day: date, suffix: str) -> str:
    """``CI-YYYYMMDD-<suffix>``: ties the messages of one business conversation together."""
    correlation = f"CI-{day:%Y%m%d}-{suffix}"
    if len(correlation) > MAX_CORRELATION_ID or not _CORRELATION_ID.fullmatch(correlation):
        raise InvalidIdentifierError(
            f"correlation id {correlation!r}: must look like CI-YYYYMMDD-<suffix> (suffix letters "
            f"or digits) and be at most {MAX_CORRELATION_ID} characters"
        )
    return correlation
