"""Fault plans: calendar windows, TOML parsing, and errors that say how to fix them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from market.faults import (
    Crash,
    Loss,
    Partition,
    WebhookDown,
    WindowAnchor,
    parse_instant,
    parse_window,
    plan_from_mapping,
)
from market.kernel.exceptions import ScenarioError

ANCHOR = WindowAnchor(start_day=date(2026, 3, 26), first_supply_start_date=date(2026, 3, 30))


def test_day_windows_are_uk_local_time_across_the_clock_change() -> None:
    """'day 1' is the start day in GMT; 'day 4' (29 March 2026) is after the change to BST."""
    assert parse_window("day 1 09:00-11:00", ANCHOR) == (
        datetime(2026, 3, 26, 9, tzinfo=UTC),
        datetime(2026, 3, 26, 11, tzinfo=UTC),
    )
    start, end = parse_window("day 5 09:00 for 2 hours", ANCHOR)
    assert start == datetime(2026, 3, 30, 8, tzinfo=UTC)
    assert end - start == timedelta(hours=2)


def test_ssd_relative_and_absolute_windows() -> None:
    """'from SSD-1 for 72 hours' starts at local midnight the day before the first SSD."""
    start, end = parse_window("from SSD-1 for 72 hours", ANCHOR)
    assert start == datetime(2026, 3, 29, 0, tzinfo=UTC)  # 29 March begins in GMT
    assert end - start == timedelta(hours=72)
    assert parse_window("2026-03-01 18:00 to 2026-03-02 06:00", ANCHOR)[1] == datetime(
        2026, 3, 2, 6, tzinfo=UTC
    )
    assert parse_instant("SSD+1 10:00", ANCHOR) == datetime(2026, 3, 31, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "write 'always'"),
        ("day 2 11:00-09:00", "ends before it starts"),
        ("day 2 25:00-26:00", "hours run 00-23"),
    ],
)
def test_bad_windows_say_what_to_write(text: str, message: str) -> None:
    """An unreadable window is refused with the accepted forms."""
    with pytest.raises(ScenarioError, match=message):
        parse_window(text, ANCHOR)


def test_a_toml_plan_builds_typed_faults() -> None:
    """[[fault]] tables become typed faults with scopes, windows and restart policies."""
    plan = plan_from_mapping(
        {
            "fault": [
                {
                    "kind": "loss",
                    "probability": 0.1,
                    "network": "DIP",
                    "window": "day 2 09:00-17:00",
                },
                {
                    "kind": "webhook_down",
                    "participant": "SDS-SDSC",
                    "retries": 2,
                    "retry_interval_minutes": 5,
                },
                {"kind": "partition", "between": ["A"], "and": ["B", "C"], "one_way": True},
                {
                    "kind": "crash",
                    "participant": "REGS-19",
                    "at": "day 2 16:00",
                    "restart": {"mode": "lose", "max_restarts": 1, "within_hours": 12},
                },
            ],
            "bug_restart": {"mode": "keep"},
        },
        ANCHOR,
    )
    loss, webhook, partition, crash = plan.faults
    assert isinstance(loss, Loss) and loss.scope.network == "DIP" and loss.window.text
    assert isinstance(webhook, WebhookDown) and webhook.retry_interval == timedelta(minutes=5)
    assert isinstance(partition, Partition)
    assert partition.cuts("A", "B") and not partition.cuts("B", "A")
    assert isinstance(crash, Crash) and crash.restart.mode == "lose"
    assert crash.restart.within == timedelta(hours=12)
    assert plan.bug_restart is not None and plan.bug_restart.mode == "keep"


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"kind": "meteor"}, r"kind = 'meteor': use one of loss"),
        (
            {"kind": "loss", "probability": 2.0},
            r"fault\[0\].probability = 2.0: must be a probability from 0 to 1",
        ),
        ({"kind": "loss", "probability": 0.1, "colour": "red"}, r"unknown key\(s\) \['colour'\]"),
        ({"kind": "crash", "participant": "X"}, r"a crash needs 'at'"),
        ({"kind": "dip_outage", "window": "whenever"}, r"window 'whenever'"),
        ({"kind": "partition", "between": ["A"]}, r"a partition needs both sides"),
        (
            {"kind": "webhook_down", "participant": "X", "retry_interval": 10},
            r"retry_interval_minutes",
        ),
    ],
)
def test_bad_faults_name_the_fault_and_the_rule(fault: dict[str, object], message: str) -> None:
    """Each broken rule is reported with the fault's index and what is allowed."""
    with pytest.raises(ScenarioError, match=message):
        plan_from_mapping({"fault": [fault]}, ANCHOR)
