"""Fault plans written back to TOML read back as the same plan."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

from market.experiments.sweep import MIXED_PLAN, load_mixed_plan
from market.faults import (
    ClockSkew,
    Corrupt,
    Crash,
    Delay,
    DipOutage,
    Duplicate,
    FaultPlan,
    Loss,
    Partition,
    Reorder,
    RestartPolicy,
    Scope,
    Slow,
    WebhookDown,
    Window,
    WindowAnchor,
    parse_instant,
    plan_from_mapping,
)
from market.faults.plan_toml import fault_plan_to_toml

ANCHOR = WindowAnchor(start_day=date(2026, 2, 26), first_supply_start_date=date(2026, 3, 2))


def _window(text: str) -> Window:
    return Window.parse(text, ANCHOR)


def test_every_fault_kind_round_trips_through_toml() -> None:
    """Each kind, with non-default values, scopes and windows, reads back equal to itself."""
    plan = FaultPlan(
        faults=(
            Loss(probability=0.2, scope=Scope(network="DIP", message="PUB-003")),
            Delay(
                distribution="uniform",
                min_seconds=5,
                max_seconds=600,
                probability=0.5,
                scope=Scope(sender="SUP-LGSB"),
                window=_window("day 2 09:00-11:00"),
            ),
            Duplicate(probability=0.9, copies=2, scope=Scope(recipient="NHHDC-NDCE")),
            Reorder(probability=0.1, within_seconds=60, scope=Scope(participant="REGS-19")),
            Corrupt(probability=0.05),
            DipOutage(window=_window("from SSD-1 for 72 hours")),
            WebhookDown(
                participant="SUP-MHSA",
                retries=5,
                retry_interval=timedelta(minutes=15),
                window=_window("2026-03-01 18:00 to 2026-03-02 06:00"),
            ),
            Partition(
                side_a=frozenset({"NHHDC-NDCE"}),
                side_b=frozenset({"SUP-LGSB", "SDS-SDSC"}),
                one_way=True,
                window=_window("from 2026-03-02 00:00 for 12 hours"),
            ),
            Slow(participant="NHHMOA-NMOF", seconds=30.5),
            ClockSkew(participant="SUP-MHSA", seconds=-90),
            Crash(
                participant="REGS-19",
                at=parse_instant("day 2 16:02", ANCHOR),
                restart=RestartPolicy(
                    mode="lose",
                    max_restarts=1,
                    within=timedelta(hours=6),
                    delay=timedelta(minutes=30),
                ),
            ),
        ),
        bug_restart=RestartPolicy(mode="keep", delay=timedelta(minutes=1)),
    )
    text = fault_plan_to_toml(plan, comment="written by a test\nsecond line")
    assert text.startswith("# written by a test\n# second line\n")
    assert plan_from_mapping(tomllib.loads(text), ANCHOR) == plan


def test_defaults_are_left_out_so_a_written_plan_reads_like_a_hand_written_one() -> None:
    """A loss with no scope or window is two lines under its table header."""
    text = fault_plan_to_toml(FaultPlan(faults=(Loss(probability=0.5),)))
    assert text == '[[fault]]\nkind = "loss"\nprobability = 0.5\n'


def test_the_built_in_mixed_plan_round_trips() -> None:
    """The sweep's default plan (shipped as TOML in the package) survives being rewritten."""
    plan = load_mixed_plan(ANCHOR)
    assert MIXED_PLAN.name == "mixed.toml"
    assert len(plan.faults) >= 5
    assert plan_from_mapping(tomllib.loads(fault_plan_to_toml(plan)), ANCHOR) == plan
