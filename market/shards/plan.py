"""How a run becomes N shards: each a full market over a disjoint share of the MPANs.

Switching an MPAN involves only its own participants' records, so the market
partitions by MPAN: shard ``i`` of ``n`` is the same market (every participant,
the same options, decisions and fault plan) over its share of the MPANs (an
even split, the first shards taking one more when it does not divide), with
its own seed, derived from the run's seed and ``(i, n)``. One shard is the
unsharded run itself (its seed is the run's).

What a shard only sees part of is split or replicated so that the shards
together behave as the market would:

* load rates (switches per working day) and populations are split like the MPANs;
* what happens at a time is replicated: REGS's 16:00 securing, the DIP's
  outages, crash windows and webhook outages fall at the same instants in
  every shard, as they would for the whole market.

No market built here limits a participant's rate or capacity (the DIP's rate
limit is ``market serve``'s, per real system), so nothing else needs splitting.
What differs from one process: each shard draws its own MPANs and customers
from its own seed, so an N-shard run is not the 1-shard run cut in N; and a
participant's batches hold only its shard's messages.
"""

from __future__ import annotations

import hashlib
from typing import Final, TypeVar

import attrs

from market.kernel.exceptions import ScenarioError
from market.load.spec import LoadSpec
from market.process.scenario_spec import ScenarioSpec

#: The most shards a run may ask for (each is a whole market in a worker process).
MAX_SHARDS: Final = 256

Spec = TypeVar("Spec", ScenarioSpec, LoadSpec)


def shard_seed(seed: int, index: int, shards: int) -> int:
    """Shard ``index`` of ``shards``'s seed: the run's own for one shard, else derived."""
    if shards == 1:
        return seed
    digest = hashlib.sha256(f"{seed}/shard/{index}/{shards}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def split(total: int, index: int, shards: int) -> int:
    """Shard ``index``'s share of ``total`` (the first ``total % shards`` take one more)."""
    base, extra = divmod(total, shards)
    return base + (1 if index < extra else 0)


def check_shards(shards: int, mpans: int) -> None:
    """Refuse a shard count that is not 1 to :data:`MAX_SHARDS` or leaves a shard empty."""
    if not 1 <= shards <= MAX_SHARDS:
        raise ScenarioError(f"--shards {shards}: from 1 to {MAX_SHARDS}")
    if shards > mpans:
        raise ScenarioError(
            f"--shards {shards}: more shards than the {mpans} MPANs that switch; every shard "
            "needs at least one"
        )


def scenario_shards(spec: ScenarioSpec, shards: int) -> list[ScenarioSpec]:
    """The scenario ``spec`` as ``shards`` specs, one per shard (see the module docstring)."""
    check_shards(shards, spec.mpans)
    return [
        attrs.evolve(
            spec,
            seed=shard_seed(spec.seed, index, shards),
            mpans=split(spec.mpans, index, shards),
        )
        for index in range(shards)
    ]


def load_shards(spec: LoadSpec, shards: int) -> list[LoadSpec]:
    """The load test ``spec`` as ``shards`` specs: rates and population split."""
    switches = spec.switches_per_working_day * spec.working_days
    check_shards(shards, int(spec.mpans if spec.mpans is not None else switches))
    return [
        attrs.evolve(
            spec,
            seed=shard_seed(spec.seed, index, shards),
            switches_per_working_day=spec.switches_per_working_day / shards,
            mpans=split(spec.mpans, index, shards) if spec.mpans is not None else None,
        )
        for index in range(shards)
    ]
