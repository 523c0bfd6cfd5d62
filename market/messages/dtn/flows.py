"""The legacy Data Transfer Network's D-flows as typed, immutable values.

The Data Transfer Network (DTN) is the pre-MHHS message network between
market participants, addressed by MPID and role rather than by DIP ID. Its
messages are the D-flows of the Data Transfer Catalogue (DTC), each known by a
flow id such as ``D0155``. A reverse migration moves a metering point back
from MHHS to the legacy arrangements, so its second half runs over the DTN:
the incoming supplier, its legacy agents and the registration service are
not DIP users (domain brief c.1–c.5).

Each flow is an ``attrs`` frozen class named by its flow id, built on
``DFlow``: a ``FlowHeader`` (sender and recipient MPID and role, MPAN core;
the one positional argument) plus the flow's own data items as keywords, each
validated on construction. ``render_flow`` turns
a flow into the JSON-ready dict the journal records and ``parse_flow`` turns
it back, exactly.

The data items are RECON: the domain brief lists only the flows' names and
typical directions (f.3), not their DTC data items, so each item set here is
the smallest plausible one a simulated participant needs, named in the
industry's terms. The typical direction of each flow (f.3) is recorded as the
class variable ``typical_direction``, for documentation only: nothing checks
that a flow travels that way.
"""

from __future__ import annotations

from market.messages.dtn._advances import D0036, D0275, HalfHourlyAdvances
from market.messages.dtn._appointments import D0011, D0148, D0151, D0153, D0155, D0261, D0302
from market.messages.dtn._base import FLOW_TYPES, DFlow, parse_flow, render_flow
from market.messages.dtn._checks import MEASUREMENT_QUANTITIES, FlowError
from market.messages.dtn._header import Address, FlowHeader
from market.messages.dtn._metering import D0149, D0150, D0170, D0268
from market.messages.dtn._readings import (
    CHANGE_OF_SUPPLIER_READING_TYPES,
    D0004,
    D0010,
    D0019,
    D0086,
    D0300,
    DISPUTE_RESOLUTIONS,
    READING_TYPES,
)
from market.messages.dtn._registration import D0172, D0205, D0209, D0217, D0311

__all__ = [
    "CHANGE_OF_SUPPLIER_READING_TYPES",
    "D0004",
    "D0010",
    "D0011",
    "D0019",
    "D0036",
    "D0086",
    "D0148",
    "D0149",
    "D0150",
    "D0151",
    "D0153",
    "D0155",
    "D0170",
    "D0172",
    "D0205",
    "D0209",
    "D0217",
    "D0261",
    "D0268",
    "D0275",
    "D0300",
    "D0302",
    "D0311",
    "DISPUTE_RESOLUTIONS",
    "FLOW_TYPES",
    "MEASUREMENT_QUANTITIES",
    "READING_TYPES",
    "Address",
    "DFlow",
    "FlowError",
    "FlowHeader",
    "HalfHourlyAdvances",
    "parse_flow",
    "render_flow",
]
