"""Stimuli from outside the market: what customers do.

A reverse migration starts when a customer signs with a supplier; that is not a
market message, so the scenario injects it into the supplier's mailbox at a
virtual instant (network ``OUTSIDE``, sender ``customer``). Everything after
that emerges from the participants.
"""

from __future__ import annotations

from datetime import date

import attrs

from market.ids import check_mpan_core


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


@attrs.frozen(kw_only=True, slots=True)
class CustomerReading:
    """The customer gives the supplier their own meter reading (around the supply start date)."""

    mpan_core: str = attrs.field(validator=_mpan)
    meter_id: str
    register_id: str
    reading: str
    read_on: date
