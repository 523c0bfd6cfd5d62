"""``market bench``: what it measures and the JSON it prints (never how fast: no timed tests)."""

from __future__ import annotations

import json

import pytest

from actors.markets.default import build_market
from market.cli.main import main
from market.tools.bench import bench, run_level
from market.tools.bench_timing import MIN_TIMED_SECONDS

#: Deliveries of one built-in variant-T reverse migration (the default market's path).
DELIVERIES_PER_RM = 59


def test_a_level_counts_every_delivery_and_completion_of_its_runs() -> None:
    """Small levels run again until timed long enough; figures are the runs' sums."""
    level = run_level(build_market, 2, raw=100_000.0)
    assert level.runs >= 1
    assert level.seconds >= MIN_TIMED_SECONDS or level.runs == 200
    assert level.completed == 2 * level.runs
    assert level.deliveries == DELIVERIES_PER_RM * 2 * level.runs
    assert level.msgs_per_s == pytest.approx(level.deliveries / level.seconds)
    assert level.rms_per_s == pytest.approx(level.completed / level.seconds)
    assert level.ratio == pytest.approx(level.msgs_per_s / 100_000.0)
    assert level.fixed_ms > 0
    assert level.peak_rss_mb > 0


def test_the_json_has_the_documented_keys() -> None:
    """raw_msgs_per_s; levels[], kernel[] and peers[] per level, each with its ratio."""
    result = bench(build_market, (1, 3), raw_messages=2_000)
    document = result.as_json()
    assert document["raw_msgs_per_s"] > 0
    assert [level["concurrent"] for level in document["levels"]] == [1, 3]
    for level in document["levels"]:
        assert {"concurrent", "msgs_per_s", "rms_per_s", "ratio", "peak_rss_mb"} <= set(level)
        assert {"raw_before", "raw_after"} <= set(level)
        assert level["completed"] == level["concurrent"] * level["runs"]
    assert [kernel["concurrent"] for kernel in document["kernel"]] == [1, 3]
    names = {peer["name"] for peer in document["peers"]}
    assert names == {"asyncio", "simpy-process", "simpy-callback"}
    for peer in document["peers"]:
        assert {"name", "concurrent", "ratio", "rms_per_s"} <= set(peer)
        assert peer["deliveries"] == DELIVERIES_PER_RM * peer["concurrent"] * peer["runs"]
    assert "signing" not in document  # only when asked for


def test_every_ratio_of_a_level_is_taken_against_the_raw_rate_around_it() -> None:
    """The raw channel is measured before and after each level; ratios use their mean."""
    result = bench(build_market, (1, 2), raw_messages=2_000)
    for stage in result.stages:
        raw = (stage.raw_before + stage.raw_after) / 2
        assert stage.raw == pytest.approx(raw)
        assert stage.market.ratio == pytest.approx(stage.market.msgs_per_s / raw)
        assert stage.kernel is not None
        assert stage.kernel.ratio == pytest.approx(stage.kernel.msgs_per_s / raw)
        for peer in stage.peers:
            assert peer.ratio == pytest.approx(peer.msgs_per_s / raw)
    rates = [rate for stage in result.stages for rate in (stage.raw_before, stage.raw_after)]
    assert result.raw_msgs_per_s == pytest.approx(sum(rates) / 4)


def test_parts_can_be_left_out() -> None:
    """Without kernel and peers a level is the full market only."""
    (stage,) = bench(
        build_market, (1,), raw_messages=2_000, with_kernel=False, with_peers=False
    ).stages
    assert stage.kernel is None and stage.peers == ()


@pytest.mark.slow
def test_the_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``market bench --json --levels 1`` exits 0 and prints one level."""
    argv = ["bench", "--json", "--levels", "1", "--signing-mpans", "60"]
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    assert [level["concurrent"] for level in document["levels"]] == [1]
    assert document["signing"]["signed_over_unsigned"] > 0
    assert [run["mode"] for run in document["signing"]["runs"]] == ["off", "modelled", "rsa"]


@pytest.mark.parametrize("skip", ["", "kernel,nope", "everything"])
def test_bad_parts_to_skip_are_usage_errors(skip: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``--skip`` names parts among kernel, peers, signing; anything else exits 2."""
    with pytest.raises(SystemExit) as exit_info:
        main(["bench", "--skip", skip])
    assert exit_info.value.code == 2
    assert "kernel, peers, signing" in capsys.readouterr().err


@pytest.mark.parametrize("levels", ["0", "ten", "1,,2"])
def test_bad_levels_are_usage_errors(levels: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A level that is not a whole number of at least 1 exits 2 and says how to write it."""
    with pytest.raises(SystemExit) as exit_info:
        main(["bench", "--levels", levels])
    assert exit_info.value.code == 2
    assert "--levels" in capsys.readouterr().err


@pytest.mark.slow
def test_the_command_benches_a_market_with_the_users_participant(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--participant`` puts the user's class into every market the bench builds."""
    argv = [
        "bench",
        "--json",
        "--levels",
        "2",
        "--skip",
        "signing",
        "--participant",
        "SUP-MHSA=examples.byo.simple_supplier:SimpleOutgoingSupplier",
    ]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "SimpleOutgoingSupplier" in captured.err
    level = json.loads(captured.out)["levels"][0]
    assert level["completed"] == 2 * level["runs"]


def test_a_participant_that_cannot_be_loaded_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unknown module exits 2 and names it."""
    assert main(["bench", "--levels", "1", "--participant", "SUP-MHSA=no_such_module:X"]) == 2
    assert "no_such_module" in capsys.readouterr().err


def test_a_signing_comparison_too_large_for_the_machine_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--signing-mpans`` is sized like any run: over the memory available, exit 2, unrun."""
    assert main(["bench", "--signing-mpans", "999999999999", "--levels", "1"]) == 2
    assert "estimated to need" in capsys.readouterr().err
