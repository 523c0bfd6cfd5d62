"""The legacy Data Transfer Network (DTN): D-flows as typed values (see ``flows``)."""

from __future__ import annotations

from market.messages.dtn.flows import (
    CHANGE_OF_SUPPLIER_READING_TYPES as CHANGE_OF_SUPPLIER_READING_TYPES,
)
from market.messages.dtn.flows import D0004 as D0004
from market.messages.dtn.flows import D0010 as D0010
from market.messages.dtn.flows import D0011 as D0011
from market.messages.dtn.flows import D0019 as D0019
from market.messages.dtn.flows import D0036 as D0036
from market.messages.dtn.flows import D0086 as D0086
from market.messages.dtn.flows import D0148 as D0148
from market.messages.dtn.flows import D0149 as D0149
from market.messages.dtn.flows import D0150 as D0150
from market.messages.dtn.flows import D0151 as D0151
from market.messages.dtn.flows import D0153 as D0153
from market.messages.dtn.flows import D0155 as D0155
from market.messages.dtn.flows import D0170 as D0170
from market.messages.dtn.flows import D0172 as D0172
from market.messages.dtn.flows import D0205 as D0205
from market.messages.dtn.flows import D0209 as D0209
from market.messages.dtn.flows import D0217 as D0217
from market.messages.dtn.flows import D0261 as D0261
from market.messages.dtn.flows import D0268 as D0268
from market.messages.dtn.flows import D0275 as D0275
from market.messages.dtn.flows import D0300 as D0300
from market.messages.dtn.flows import D0302 as D0302
from market.messages.dtn.flows import D0311 as D0311
from market.messages.dtn.flows import DISPUTE_RESOLUTIONS as DISPUTE_RESOLUTIONS
from market.messages.dtn.flows import FLOW_TYPES as FLOW_TYPES
from market.messages.dtn.flows import MEASUREMENT_QUANTITIES as MEASUREMENT_QUANTITIES
from market.messages.dtn.flows import READING_TYPES as READING_TYPES
from market.messages.dtn.flows import Address as Address
from market.messages.dtn.flows import DFlow as DFlow
from market.messages.dtn.flows import FlowError as FlowError
from market.messages.dtn.flows import FlowHeader as FlowHeader
from market.messages.dtn.flows import HalfHourlyAdvances as HalfHourlyAdvances
from market.messages.dtn.flows import parse_flow as parse_flow
from market.messages.dtn.flows import render_flow as render_flow
