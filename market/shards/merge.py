"""The shards' results as one run's: outcomes, verdict, statistics and one digest."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import attrs

from market.runtime.runtime import RunStatistics
from market.shards.work import ShardResult, StuckMpan


@attrs.frozen(kw_only=True)
class MergedRun:
    """A sharded run, merged: its shards in index order and their sums."""

    shards: tuple[ShardResult, ...]

    @property
    def mpans(self) -> int:
        """Every MPAN judged, across shards."""
        return sum(s.mpans for s in self.shards)

    @property
    def completed(self) -> int:
        """MPANs that completed."""
        return sum(s.completed for s in self.shards)

    @property
    def stuck(self) -> tuple[StuckMpan, ...]:
        """The stuck MPANs each shard sent back, in shard order."""
        return tuple(m for s in self.shards for m in s.stuck)

    @property
    def verdict_ok(self) -> bool:
        """Whether every shard's verdict was OK."""
        return all(s.verdict_ok for s in self.shards)

    @property
    def deliveries(self) -> int:
        """Deliveries across shards."""
        return sum(s.deliveries for s in self.shards)

    @property
    def events(self) -> int:
        """Journal events across shards."""
        return sum(s.events for s in self.shards)

    @property
    def judged(self) -> bool:
        """Whether the checkers judged every shard (not so with ``--journal none``)."""
        return all(s.judged for s in self.shards)

    @property
    def digest(self) -> str | None:
        """One digest for the whole run: SHA-256 over each shard's journal digest, in order.

        Equal for every run of the same scenario, seed and shard count; a one-shard
        run's is the unsharded run's own journal digest. ``None`` when the shards kept
        no journal.
        """
        digests = [shard.digest for shard in self.shards]
        if any(digest is None for digest in digests):
            return None
        return merged_digest([digest for digest in digests if digest is not None])


def merged_statistics(statistics: Sequence[RunStatistics]) -> RunStatistics:
    """The runtime statistics of shards as one run's: counts add up, the run stopped when
    its last shard did, and each participant's mailbox high water is its highest in any
    shard (every shard has every participant)."""
    if not statistics:
        raise ValueError("no shard statistics to merge")
    high_water: dict[str, int] = {}
    for shard in statistics:
        for participant, most in shard.mailbox_high_water.items():
            high_water[participant] = max(most, high_water.get(participant, 0))
    return RunStatistics(
        batches=sum(s.batches for s in statistics),
        deliveries=sum(s.deliveries for s in statistics),
        wakeups=sum(s.wakeups for s in statistics),
        pending=sum(s.pending for s in statistics),
        stopped_at=max(s.stopped_at for s in statistics),
        mailbox_high_water=dict(sorted(high_water.items())),
    )


def merged_digest(digests: Sequence[str]) -> str:
    """The digest of a run whose shards' journals digest to ``digests`` (in shard order).

    SHA-256 over ``"INDEX:DIGEST\\n"`` for each shard; one shard's is its own digest,
    so an unsharded run and a one-shard run print the same.
    """
    if len(digests) == 1:
        return digests[0]
    sha = hashlib.sha256()
    for index, digest in enumerate(digests):
        sha.update(f"{index}:{digest}\n".encode())
    return sha.hexdigest()


def merge(results: Sequence[ShardResult]) -> MergedRun:
    """The results (in any order) as one run; raises ``ValueError`` if shards overlap."""
    ordered = tuple(sorted(results, key=lambda r: r.index))
    if [r.index for r in ordered] != list(range(len(ordered))):
        raise ValueError(f"shard results {[r.index for r in ordered]}: a shard is missing")
    seen: set[str] = set()
    for shard in ordered:
        overlap = seen.intersection(shard.mpan_cores)
        if overlap:
            raise ValueError(
                f"shard {shard.index} drew MPAN {min(overlap)}, which another shard holds too; "
                "shards must be disjoint (try another seed)"
            )
        seen.update(shard.mpan_cores)
    return MergedRun(shards=ordered)
