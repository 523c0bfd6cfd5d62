"""Stimuli from outside the market: what customers do.

A reverse migration starts when a customer signs with a supplier; that is not a
market message, so the scenario injects it into the supplier's mailbox at a
virtual instant (network ``OUTSIDE``, sender ``customer``). Everything after
that emerges from the participants.
"""

from __future__ import annotations

from datetime import date

import attrs

from market.kernel.ids import check_mpan_core


def _mpan(_instance: object, _attribute: object, value: str) -> None:
    check_mpan_core(value)


@attrs.frozen(kw_only=True, slots=True)
class CustomerSigned:
    """A customer at ``mpan_core`` signs a contract with the supplier that receives this."""

    mpan_core: str = attrs.field(validator=_mpan)
    customer_name: str
    site_postcode: str
    meter_id: str
    gsp_group_id: str
    #: The meter at the site as the customer and industry records describe it (brief c.0):
    #: T traditional, A advanced (half-hourly), S smart (DCC-enrolled).
    meter_variant: str = attrs.field(default="T", validator=attrs.validators.in_(("T", "A", "S")))


@attrs.frozen(kw_only=True, slots=True)
class CustomerReading:
    """A reading of the customer's meter reaches the supplier around the supply start date.

    ``source`` is ``customer`` (the customer reads it) or ``DCC`` (a smart meter read
    remotely once the gaining supplier has DCC access, brief c.4 S2).
    """

    mpan_core: str = attrs.field(validator=_mpan)
    meter_id: str
    register_id: str
    reading: str
    read_on: date
    source: str = attrs.field(
        default="customer", validator=attrs.validators.in_(("customer", "DCC"))
    )
