"""What a run is made of: participants, population, stimuli, options, start time and seed.

A :class:`MarketSetup` is plain data. Builders of markets (the built-in
default market in :mod:`actors.markets.default`, generated GB-shaped markets, your own
script) return one; :class:`market.runtime.simulation.Simulation` runs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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
