"""Sharded runs: the plan is pure and disjoint, the merge is deterministic, Dask runs them."""

from __future__ import annotations

import hashlib

import attrs
import pytest

from market.cli.main import main
from market.kernel.exceptions import ScenarioError
from market.load.profiles import load_profile
from market.process.scenario_spec import ScenarioSpec
from market.shards.merge import merge, merged_digest
from market.shards.plan import load_shards, scenario_shards, shard_seed, split
from market.shards.work import ShardTask, run_shard

BUILDER = "actors.markets.default:build_market"


def test_a_split_covers_the_whole_and_the_seeds_differ() -> None:
    assert [split(10, i, 3) for i in range(3)] == [4, 3, 3]
    assert shard_seed(7, 0, 1) == 7
    seeds = {shard_seed(7, i, 4) for i in range(4)}
    assert len(seeds) == 4 and seeds == {shard_seed(7, i, 4) for i in range(4)}
    specs = scenario_shards(ScenarioSpec(mpans=11, seed=5), 3)
    assert [s.mpans for s in specs] == [4, 4, 3]
    loads = load_shards(load_profile("bau-2024", mpans=100), 4)
    assert sum(s.mpans or 0 for s in loads) == 100


def test_more_shards_than_mpans_is_refused() -> None:
    with pytest.raises(ScenarioError, match="more shards than"):
        scenario_shards(ScenarioSpec(mpans=2), 3)


def test_one_shard_is_the_unsharded_run() -> None:
    [spec] = scenario_shards(ScenarioSpec(), 1)
    result = run_shard(ShardTask(index=0, shards=1, builder=BUILDER, spec=spec))
    assert result.digest is not None
    assert result.digest.startswith("fe53b1d193489c31")  # the default market's own digest
    assert merge([result]).digest == result.digest


def test_the_merge_refuses_overlapping_or_missing_shards() -> None:
    [spec] = scenario_shards(ScenarioSpec(mpans=2), 1)
    result = run_shard(ShardTask(index=0, shards=1, builder=BUILDER, spec=spec))
    twin = attrs.evolve(result, index=1)
    with pytest.raises(ValueError, match="another shard holds too"):
        merge([result, twin])
    with pytest.raises(ValueError, match="missing"):
        merge([twin])


@pytest.mark.slow
def test_a_sharded_run_on_two_local_worker_processes_is_deterministic(
    capsys: pytest.CaptureFixture[str],
) -> None:
    digests = []
    for _ in range(2):
        assert main(["run", "--mpans", "12", "--shards", "2"]) == 0
        out = capsys.readouterr().out
        assert "Outcome: 12 of 12 MPANs completed" in out and "verdict: OK (shards: 2)" in out
        digests.append(out.rsplit("journal digest ", 1)[1].strip())
    assert digests[0] == digests[1]


def test_options_a_sharded_run_cannot_take_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--shards", "2", "--html", "x.html"]) == 2
    assert "--html cannot be combined with --shards" in capsys.readouterr().err
    assert main(["run", "--cluster", "tcp://127.0.0.1:1"]) == 2
    assert "--cluster only makes sense with --shards" in capsys.readouterr().err


def test_merged_digest_is_the_one_shards_own_and_depends_on_shard_order() -> None:
    first, second = "a" * 64, "b" * 64
    assert merged_digest([first]) == first
    both = merged_digest([first, second])
    assert both == hashlib.sha256(f"0:{first}\n1:{second}\n".encode()).hexdigest()
    assert both != merged_digest([second, first])
