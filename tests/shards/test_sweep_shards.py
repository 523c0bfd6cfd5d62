"""Sharded sweeps: every seed's shards run at once on one Dask client; a failing shard is shrunk."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from actors.markets.default import build_market
from market.cli.main import main
from market.cli.run import MARKET_BUILDER, window_anchor
from market.cli.sweep import run_sharded_sweep
from market.experiments.sweep import SweepTarget, load_mixed_plan, sweep
from market.experiments.sweep_shards import sweep_sharded
from market.faults import FaultPlan, Loss, Partition, Scope, Window
from market.faults.plan_toml import fault_plan_to_toml
from market.process.scenario_spec import ScenarioSpec
from market.shards.cluster import dask_client

if TYPE_CHECKING:
    from distributed import Client

COLLECTOR = "NHHDC-NDCE"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """One local cluster of two worker processes for every test in this module."""
    with dask_client(None, 2) as client:
        yield client


@pytest.mark.slow
def test_a_sharded_sweep_where_every_seed_passes_exits_0_and_lists_the_seeds(
    client: Client, tmp_path: Path
) -> None:
    """The built-in market under the mixed plan passes every seed, each in two shards."""
    spec = ScenarioSpec(mpans=4)
    target = SweepTarget(
        spec=spec, plan=load_mixed_plan(window_anchor(spec)), market=MARKET_BUILDER
    )
    lines: list[str] = []
    status = run_sharded_sweep(
        target, 3, tmp_path, lines.append, shards=2, client=client, where="the test's cluster"
    )
    assert status == 0, lines
    assert lines[1:] == ["seed 1: ok", "seed 2: ok", "seed 3: ok", "All 3 seeds passed."]
    assert "4 MPANs each in 2 shards" in lines[0] and "6 shards on the test's cluster" in lines[0]
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_a_failing_shard_is_named_shrunk_alone_and_its_repro_fails(
    client: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A partition strands the collector: the command names seed and shard; the repro exits 1."""
    spec = ScenarioSpec()
    partition = Partition(
        side_a=frozenset({COLLECTOR}),
        side_b=frozenset(p.participant_id for p in build_market(spec).participants) - {COLLECTOR},
        window=Window.parse("from SSD for 12 hours", window_anchor(spec)),
    )
    plan = tmp_path / "partition.toml"
    plan.write_text(fault_plan_to_toml(FaultPlan(faults=(partition,))), encoding="utf-8")
    output = tmp_path / "repro"
    address = str(client.scheduler_info()["address"])
    argv = ["sweep", "--seeds", "2", "--mpans", "4", "--faults", str(plan), "--output", str(output)]
    status = main([*argv, "--shards", "2", "--cluster", address])
    out = capsys.readouterr().out
    assert status == 1, out
    assert f"4 shards on {address}" in out
    assert "seed 1: FAILED in shard 0 of 2 (shard seed " in out
    assert "Failing seeds: 1, 2" in out
    assert "Seed 1 failed in shard 0 of 2: shrinking that shard alone" in out
    assert f"owed by {COLLECTOR}" in out
    script = output / "sweep_seed1_shard0.py"
    assert "it runs seed 1's shard 0 alone (seed " in out and script.is_file()
    assert "runs shard 0\nalone, in one process, under its own seed" in script.read_text()
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Hypothesis FAILS" in run.stdout and f"owed by {COLLECTOR}" in run.stdout


def test_cluster_without_shards_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """``--cluster`` names where shards run, so without ``--shards`` it is refused."""
    assert main(["sweep", "--seeds", "1", "--cluster", "tcp://127.0.0.1:1"]) == 2
    assert "--cluster only makes sense with --shards" in capsys.readouterr().err


@pytest.mark.slow
def test_one_shard_judges_each_seed_as_the_unsharded_sweep_does(client: Client) -> None:
    """Under rare DTN losses some seeds fail: ``--shards 1`` passes and fails the same seeds."""
    plan = FaultPlan(faults=(Loss(probability=0.01, scope=Scope(network="DTN")),))
    target = SweepTarget(spec=ScenarioSpec(mpans=3), plan=plan, market=MARKET_BUILDER)
    unsharded = [outcome.passed for outcome in sweep(target, range(1, 5))]
    sharded = [outcome.passed for outcome in sweep_sharded(target, range(1, 5), 1, client)]
    assert sharded == unsharded
    assert True in unsharded and False in unsharded
