"""R0: the outcome a response or notification carries in its CommonBlock (brief d, D19).

The DES138 catalogue lists block ``R0 - Response (Mandatory)`` (DI-979
``responseCode``, DI-980 ``responseMessages``) in the compositions of IF-006,
IF-008, IF-014, IF-016, IF-020, IF-026, IF-028, IF-032, IF-039 and IF-062;
the DIP's v2.2.1 message structure places it in the CommonBlock after M0, as it
does M1 and R1. A business rejection such as REG9002 therefore travels as
``R0 = {"responseCode": "R", "responseMessages": ["REG9002 - ..."]}`` on the
answering interface, never as a DIP-level status code.

DOC: the items, keys, DI-979 enum and DT-005N message rule (1 to 200
characters). RECON: ``responseMessages`` is always sent, as ``[]`` when there
is nothing to say, and R0 is required on every interface that lists it.
"""

from __future__ import annotations

from typing import Final

import attrs

from market.messages.dip.codes import ResponseCode, response_code_of
from market.messages.dip.field_rules import FieldRuleError
from market.messages.dip.fields import wire_text, wire_text_list

#: DI-979 outcomes: Accepted, Rejected, Lapsed, Warning. The v2.2.1 enum also lists
#: a lower-case ``x``, which looks like a placeholder and is not accepted here.
RESPONSE_CODES_R0: Final = ("A", "R", "L", "W")
ACCEPTED: Final = "A"
REJECTED: Final = "R"
LAPSED: Final = "L"
WARNING: Final = "W"

#: Interfaces whose composition includes R0 (DES138 v5.8.8); no other interface carries it.
R0_INTERFACES: Final = frozenset(
    {
        "IF-006",
        "IF-008",
        "IF-014",
        "IF-016",
        "IF-020",
        "IF-026",
        "IF-028",
        "IF-032",
        "IF-039",
        "IF-062",
    }
)


@attrs.frozen(kw_only=True)
class R0:
    """The outcome of the request a message answers, with the codes that explain it.

    Each response message is a DT-005N status text, 1 to 200 characters; the
    simulator writes them as ``"<code> - <text>"`` of a registered
    :class:`~market.messages.dip.codes.ResponseCode`, which :attr:`codes` reads back.
    """

    response_code: str = attrs.field(validator=wire_text("responseCode", choices=RESPONSE_CODES_R0))
    response_messages: tuple[str, ...] = attrs.field(
        default=(),
        validator=wire_text_list("responseMessages", min_length=1, max_length=200),
    )

    @classmethod
    def accepted(cls) -> R0:
        """An accepted outcome with no messages."""
        return cls(response_code=ACCEPTED)

    @classmethod
    def rejected(cls, *codes: ResponseCode) -> R0:
        """A rejection explained by ``codes`` (at least one)."""
        if not codes:
            raise FieldRuleError(
                R0, "response_messages", "a rejection must name at least one response code"
            )
        return cls(response_code=REJECTED, response_messages=tuple(c.message for c in codes))

    @property
    def codes(self) -> tuple[ResponseCode, ...]:
        """The registered codes the response messages start with."""
        return tuple(response_code_of(message) for message in self.response_messages)


def r0_rule(interface_id: str, r0: R0 | None) -> str | None:
    """The rule a CommonBlock's R0 presence breaks for ``interface_id``, or ``None``."""
    if interface_id in R0_INTERFACES:
        if r0 is None:
            return (
                f"required for {interface_id}: its CommonBlock carries the R0 outcome "
                "(responseCode and responseMessages)"
            )
        return None
    if r0 is not None:
        carriers = ", ".join(sorted(R0_INTERFACES))
        return f"not allowed for {interface_id}: only {carriers} carry R0 (omit the key)"
    return None
