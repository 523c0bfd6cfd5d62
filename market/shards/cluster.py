"""Running shards on Dask distributed: a local cluster of worker processes, or the user's own.

Without ``--cluster`` a :class:`distributed.LocalCluster` of worker processes
(one thread each, at most one per core and per shard) is made for the run and
closed after it: nothing to set up. ``--cluster tcp://HOST:PORT`` runs the
same shards on a Dask scheduler the user already has; its workers need this
package installed, at the same version.

:func:`dask_client` opens either for as long as a caller needs it, so that a
command running many batches of shards (``market sweep --shards``: every
seed's) pays for the cluster once; :func:`run_shards` runs one batch, on that
client or on one of its own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from market.kernel.exceptions import UsageError
from market.shards.progress import PROGRESS_TOPIC, ShardProgress, progress_from
from market.shards.work import ShardResult, ShardTask, run_shard

if TYPE_CHECKING:
    from distributed import Client

#: Called as each shard finishes: its result and how many have finished.
OnShard = Callable[[ShardResult, int], None]
#: Called with each progress event a shard's worker sends.
OnProgress = Callable[[ShardProgress], None]


def local_workers(shards: int) -> int:
    """How many worker processes a local cluster gets: one per shard, at most one per core."""
    return max(1, min(shards, os.cpu_count() or 1))


@contextmanager
def dask_client(cluster: str | None, workers: int) -> Iterator[Client]:
    """A Dask client for the block: on a new local cluster of ``workers`` processes, or
    connected to the scheduler at ``cluster``; both closed when the block ends.

    Raises :class:`UsageError` when the scheduler at ``cluster`` cannot be reached.
    """
    from distributed import Client, LocalCluster  # noqa: PLC0415 - slow import

    local = None
    try:
        if cluster is None:
            local = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(local)  # type: ignore[no-untyped-call]
        else:
            client = Client(cluster, timeout=30)  # type: ignore[no-untyped-call]
    except OSError as error:
        if local is not None:
            local.close()
        raise UsageError(
            f"--cluster {cluster}: cannot reach the Dask scheduler ({error})"
        ) from error
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if local is not None:
            local.close()


def run_shards(
    tasks: Sequence[ShardTask],
    *,
    cluster: str | None = None,
    workers: int | None = None,
    on_shard: OnShard | None = None,
    on_progress: OnProgress | None = None,
    client: Client | None = None,
) -> list[ShardResult]:
    """Every task's result, run on Dask (see the module docstring), in finishing order.

    With ``client`` the tasks run on it (``cluster`` and ``workers`` are then the
    client's business) and it stays open for the caller's next batch.
    ``on_progress`` is called (from the client's thread) with each progress
    event the shards' workers send (:mod:`market.shards.progress`).
    """
    if client is None:
        with dask_client(cluster, workers or local_workers(len(tasks))) as own:
            return run_shards(tasks, on_shard=on_shard, on_progress=on_progress, client=own)
    from distributed import as_completed  # noqa: PLC0415 - slow import

    if on_progress is not None:
        client.subscribe_topic(PROGRESS_TOPIC, _progress_handler(on_progress))  # type: ignore[no-untyped-call]
    results: list[ShardResult] = []
    try:
        futures = client.map(run_shard, list(tasks), pure=False)
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            result: ShardResult = future.result()
            results.append(result)
            if on_shard is not None:
                on_shard(result, len(results))
    finally:
        if on_progress is not None:
            client.unsubscribe_topic(PROGRESS_TOPIC)  # type: ignore[no-untyped-call]
    return results


def _progress_handler(on_progress: OnProgress) -> Callable[[object], None]:
    """A topic handler passing on each well-formed progress event (others are dropped)."""

    def handle(event: object) -> None:
        message = event[1] if isinstance(event, tuple) and len(event) == 2 else None
        progress = progress_from(message)
        if progress is not None:
            on_progress(progress)

    return handle
