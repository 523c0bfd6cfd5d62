"""``market bench``: what it measures and the JSON it prints (never how fast: no timed tests)."""

from __future__ import annotations

import json

import pytest

from actors.markets.default import build_market
from market.cli.main import main
from market.tools.bench import MIN_TIMED_SECONDS, bench, run_level

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
    """raw_msgs_per_s and levels[] with concurrent, msgs_per_s, rms_per_s, ratio, peak_rss_mb."""
    result = bench(build_market, (1, 3), raw_messages=2_000).as_json()
    assert result["raw_msgs_per_s"] > 0
    assert [level["concurrent"] for level in result["levels"]] == [1, 3]
    for level in result["levels"]:
        assert {"concurrent", "msgs_per_s", "rms_per_s", "ratio", "peak_rss_mb"} <= set(level)
        assert level["completed"] == level["concurrent"] * level["runs"]


@pytest.mark.slow
def test_the_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``market bench --json --levels 1`` exits 0 and prints one level."""
    assert main(["bench", "--json", "--levels", "1"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [level["concurrent"] for level in document["levels"]] == [1]


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
