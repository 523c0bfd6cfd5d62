"""Running shards on Dask distributed: a local cluster of worker processes, or the user's own.

Without ``--cluster`` a :class:`distributed.LocalCluster` of worker processes
(one thread each, at most one per core and per shard) is made for the run and
closed after it: nothing to set up. ``--cluster tcp://HOST:PORT`` runs the
same shards on a Dask scheduler the user already has; its workers need this
package installed, at the same version.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence

from market.kernel.exceptions import UsageError
from market.shards.work import ShardResult, ShardTask, run_shard

#: Called as each shard finishes: its result and how many have finished.
OnShard = Callable[[ShardResult, int], None]


def local_workers(shards: int) -> int:
    """How many worker processes a local cluster gets: one per shard, at most one per core."""
    return max(1, min(shards, os.cpu_count() or 1))


def run_shards(
    tasks: Sequence[ShardTask],
    *,
    cluster: str | None = None,
    workers: int | None = None,
    on_shard: OnShard | None = None,
) -> list[ShardResult]:
    """Every task's result, run on Dask (see the module docstring), in finishing order."""
    from distributed import Client, LocalCluster, as_completed  # noqa: PLC0415 - slow import

    local = None
    try:
        if cluster is None:
            local = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers or local_workers(len(tasks)),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(local)  # type: ignore[no-untyped-call]
        else:
            client = Client(cluster, timeout=30)  # type: ignore[no-untyped-call]
    except OSError as error:
        raise UsageError(
            f"--cluster {cluster}: cannot reach the Dask scheduler ({error})"
        ) from error
    results: list[ShardResult] = []
    try:
        futures = client.map(run_shard, list(tasks), pure=False)
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            result: ShardResult = future.result()
            results.append(result)
            if on_shard is not None:
                on_shard(result, len(results))
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if local is not None:
            local.close()
    return results
