"""Validated half-hourly advances: what a legacy HH data collector reports for each day.

From the supply start date the incoming HH data collector reads the advanced
meter remotely and, for each settlement day, reports the validated
half-hourly advances of one measurement quantity: to the HH data aggregator
for settlement (D0036) and to the supplier for billing (D0275). Domain brief
c.3 A5.

Each value is a kWh string with exactly three decimals (``'0.625'``), never a
float, so that it survives the journal unchanged; there is one value per
settlement period of the day (48, or 46 / 50 when the clocks change).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import attrs

from market.messages.dtn import _checks as check
from market.messages.dtn._base import DFlow, flow_type


@attrs.frozen(kw_only=True, slots=True)
class HalfHourlyAdvances(DFlow):
    """The data items D0036 and D0275 share: one day's validated advances of one quantity.

    ``period_values`` pairs each settlement period number (1, 2, …) with its
    advance in kWh. Not a flow itself: the two flows differ only in who gets them.
    """

    settlement_date: date = attrs.field(validator=check.calendar_date)
    measurement_quantity: str = attrs.field(validator=check.measurement_quantity)
    supplier_mpid: str = attrs.field(validator=check.mpid)
    period_values: tuple[tuple[int, str], ...] = attrs.field(
        validator=check.period_values_of("settlement_date")
    )


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0036(HalfHourlyAdvances):
    """A HH data collector's validated advances for one day, for the aggregator to settle on."""

    flow_id: ClassVar[str] = "D0036"
    flow_name: ClassVar[str] = (
        "Validated Half Hourly Advances for Inclusion in Aggregated Supplier Matrix"
    )
    typical_direction: ClassVar[str] = "HHDC → HHDA"


@flow_type
@attrs.frozen(kw_only=True, slots=True)
class D0275(HalfHourlyAdvances):
    """The same validated advances, sent to the supplier so it can bill its customer."""

    flow_id: ClassVar[str] = "D0275"
    flow_name: ClassVar[str] = "Validated Half Hourly Advances"
    typical_direction: ClassVar[str] = "HHDC → SUP"
