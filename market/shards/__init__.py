"""Sharded runs: one market split by MPAN into shards, run in parallel on Dask, merged.

* :mod:`~market.shards.plan`: how a run's spec becomes one spec per shard (pure);
* :mod:`~market.shards.work`: what a Dask worker does with one shard;
* :mod:`~market.shards.merge`: the shards' results as one (pure);
* :mod:`~market.shards.cluster`: the Dask cluster (local, or one the user has).
"""
