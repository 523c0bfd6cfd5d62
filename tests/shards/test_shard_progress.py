"""Shard progress: workers' events are checked before use, and the board says where each is."""

from __future__ import annotations

import pytest

from market.process.scenario_spec import ScenarioSpec
from market.shards.cluster import run_shards
from market.shards.plan import scenario_shards
from market.shards.progress import ProgressBoard, ShardProgress, progress_from, worker_reporter
from market.shards.work import ShardTask

BUILDER = "actors.markets.default:build_market"


@pytest.mark.parametrize(
    "message",
    [
        None,
        "progress",
        {"index": 0, "deliveries": 5},
        {"index": True, "deliveries": 5, "simulated": ""},
        {"index": 0, "deliveries": -1, "simulated": ""},
        {"index": -1, "deliveries": 1, "simulated": ""},
        {"index": 0, "deliveries": 1.5, "simulated": ""},
        {"index": 0, "deliveries": 1, "simulated": 7},
    ],
)
def test_a_malformed_progress_event_is_dropped(message: object) -> None:
    assert progress_from(message) is None


def test_a_well_formed_event_is_read_and_its_text_cut_short() -> None:
    message = {"index": 1, "deliveries": 9, "simulated": "2026-03-02 16:00" + "x" * 100}
    progress = progress_from(message)
    assert progress is not None
    assert (progress.index, progress.deliveries) == (1, 9)
    assert progress.simulated == message["simulated"][:40]


def test_the_board_keeps_the_latest_per_shard_and_refuses_other_shards() -> None:
    board = ProgressBoard(3)
    assert (
        board.line()
        == "progress: 0 deliveries; shard 0 starting, shard 1 starting, shard 2 starting"
    )
    assert board.update(ShardProgress(index=0, deliveries=10, simulated="2026-03-02 10:00"))
    assert board.update(ShardProgress(index=0, deliveries=25, simulated="2026-03-02 16:00"))
    assert board.update(ShardProgress(index=2, deliveries=5, simulated=""))
    assert not board.update(ShardProgress(index=3, deliveries=1000, simulated="x"))
    board.finished(1)
    assert board.line() == (
        "progress: 30 deliveries; shard 0 at 2026-03-02 16:00, shard 1 done, shard 2 at -"
    )


def test_outside_a_dask_worker_there_is_no_reporter() -> None:
    assert worker_reporter(0, lambda: None) is None


@pytest.mark.slow
def test_workers_report_each_shards_progress_to_the_client() -> None:
    specs = scenario_shards(ScenarioSpec(mpans=6), 2)
    tasks = [
        ShardTask(index=i, shards=2, builder=BUILDER, spec=spec, progress_seconds=0.0)
        for i, spec in enumerate(specs)
    ]
    seen: list[ShardProgress] = []
    results = run_shards(tasks, workers=2, on_progress=seen.append)
    assert {p.index for p in seen} == {0, 1}
    final = {r.index: r.deliveries for r in results}
    for index in (0, 1):
        counts = [p.deliveries for p in seen if p.index == index]
        assert counts == sorted(counts) and 0 < counts[-1] <= final[index]
        assert all(p.simulated.startswith("2026-") for p in seen if p.index == index)
