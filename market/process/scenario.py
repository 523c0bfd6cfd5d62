"""What a run is made of: participants, population, stimuli, options, start time and seed.

A :class:`MarketSetup` is plain data. Builders of markets (the built-in
default market in :mod:`actors.markets.default`, generated GB-shaped markets, your own
script) return one; :class:`market.runtime.simulation.Simulation` runs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from market.faults import FaultPlan
from market.kernel.vocabulary import Latencies
from market.networks.dip_defences import DipDefences
from market.participant import Participant
from market.process.options import ProcessOptions
from market.process.population import MeteringPoint


@attrs.frozen(kw_only=True, slots=True)
class Stimulus:
    """Something from outside the market, delivered to ``recipient`` at ``at``."""

    at: datetime
    recipient: str
    payload: object
    mpan_core: str


@attrs.frozen(kw_only=True)
class MarketSetup:
    """Everything needed to run one market: who takes part, what exists, what happens.

    ``switching_mpans`` are the MPANs whose customers switch in this run: the
    outcome report covers each of them, even one the journal never mentions.
    """

    seed: int
    start_at: datetime
    participants: Sequence[Participant]
    population: Sequence[MeteringPoint]
    stimuli: Sequence[Stimulus]
    switching_mpans: Sequence[str]
    options: ProcessOptions = attrs.field(factory=ProcessOptions)
    faults: FaultPlan = attrs.field(factory=FaultPlan)
    #: Order concurrent deliveries by a random choice seeded from ``seed`` (schedule exploration).
    explore_schedule: bool = False
    #: Real-time mode: virtual time follows the wall clock, this many virtual seconds per
    #: wall second (``None``: virtual time jumps from one delivery to the next).
    real_time_scale: float | None = None
    latencies: Latencies = attrs.field(factory=Latencies)
    until: datetime | None = None
    #: The DIP's defences: signing (on), size and rate limits (:mod:`market.networks.dip_gateway`).
    dip_defences: DipDefences = attrs.field(factory=DipDefences)
    #: D15: MPANs the DIP's MPAN register learns late, each with its lag after the first
    #: message about it; until then the DIP refuses their messages at level 2 (MSG1006).
    dip_register_lags: Mapping[str, timedelta] = attrs.field(factory=dict)
    #: D16: MPANs for which the DIP's role map still lists a former supplier (its DIP ID):
    #: that supplier gets copies of the MPAN's publications and refuses them (MSG1014).
    stale_supplier_dip_ids: Mapping[str, str] = attrs.field(factory=dict)
    #: Build the built-in participants' messages without re-running their field rules
    #: (:mod:`market.messages.trust`); ``False`` validates every message (the tests' check).
    trust_built_in: bool = True
