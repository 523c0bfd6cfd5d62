"""Hostile scenario and fault-plan files: each refused before the run, with one line and exit 2.

Every case is a reproduction from the adversarial pass of issue 14 (or its
neighbour): the file is written as given, ``market run`` reads it, and the test
asserts exit 2, no traceback, and a message naming the file, the key and the rule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from market.cli.main import main
from market.faults import Crash, WindowAnchor, plan_from_mapping
from market.kernel.exceptions import ScenarioError

DEEP = "a = " + "[" * 5000 + "]" * 5000 + "\n"
LONG_INT = "[market]\nseed = 1" + "0" * 5000 + "\n"

#: name → (file text, words the one-line refusal must contain).
SCENARIOS = {
    "deep arrays": (DEEP, "nested deeper than 8 levels"),
    "5,000-digit integer": (LONG_INT, "integer longer than 18 digits"),
    "variants nan": ("[market]\nvariants = nan\n", "market.variants"),
    "variant share nan": ("[market]\nvariants = { T = nan }\n", "market.variants.T"),
    "tolerance nan": ("[options]\ndispute_tolerance_kwh = nan\n", "dispute_tolerance_kwh"),
    "tolerance text": ('[options]\ndispute_tolerance_kwh = "abc"\n', "must be a number"),
    "switch_days negative": ("[market]\nswitch_days = -5\n", "market.switch_days = -5"),
    "regime end negative": (
        "[options]\nregime_end_days_before_ssd = -100\n",
        "from 0 to 28",
    ),
    "objection window float": (
        "[options]\nobjection_window_working_days = 1e9\n",
        "objection_window_working_days",
    ),
    "placeholder DIP ID": (
        '[options]\nplaceholder_incoming_supplier_dip_id = "x"\n',
        "10 ASCII letters or digits",
    ),
    "start year 1": ("[market]\nstart = 0001-01-01\n", "market.start"),
    "start outside the calendar": ("[market]\nstart = 1950-06-01\n", "1990-01-01"),
    "fault in scenario": (
        '[[fault]]\nkind = "duplicate"\nprobability = 1.0\ncopies = 1000000000\n',
        "fault[0].copies = 1000000000",
    ),
}

#: Fault plans: name → (file text, words the refusal must contain).
PLANS = {
    "bad calendar date": (
        '[[fault]]\nkind = "dip_outage"\nwindow = "2026-02-31 09:00 to 2026-03-01 10:00"\n',
        "fault[0].window: date 2026-02-31: not a calendar date",
    ),
    "partition between a string": (
        '[[fault]]\nkind = "partition"\nbetween = "NHHDC-NDCE"\nand = ["SUP-LGSB"]\n',
        "fault[0].between = 'NHHDC-NDCE': must be a list of participant ids",
    ),
    "copies negative": (
        '[[fault]]\nkind = "duplicate"\nprobability = 1.0\ncopies = -3\n',
        "copies = -3: must be a whole number of copies from 1 to 10",
    ),
    "day N huge": (
        '[[fault]]\nkind = "dip_outage"\nwindow = "day 99999999999 09:00-10:00"\n',
        "within 3,660 days",
    ),
    "SSD shift huge": (
        '[[fault]]\nkind = "dip_outage"\nwindow = "from SSD-99999999999 for 2 hours"\n',
        "within 3,660 days",
    ),
    "hours huge": (
        '[[fault]]\nkind = "dip_outage"\nwindow = "day 2 09:00 for 99999999999999 hours"\n',
        "at most 87,840 hours",
    ),
    "crash at huge day": (
        '[[fault]]\nkind = "crash"\nparticipant = "REGS-19"\nat = "day 99999999999 10:00"\n',
        "fault[0].at: day 99999999999",
    ),
    "delay infinite": ('[[fault]]\nkind = "delay"\nseconds = inf\n', "not a finite number"),
    "delay huge": ('[[fault]]\nkind = "delay"\nseconds = 1e300\n', "2,592,000 (30 days)"),
    "skew huge": (
        '[[fault]]\nkind = "clock_skew"\nparticipant = "SUP-MHSA"\nseconds = -1e300\n',
        "from -2,592,000 to 2,592,000",
    ),
    "slow huge": (
        '[[fault]]\nkind = "slow"\nparticipant = "SUP-MHSA"\nseconds = 1e12\n',
        "fault[0].seconds",
    ),
    "retries text": (
        '[[fault]]\nkind = "webhook_down"\nparticipant = "SUP-MHSA"\nretries = "3"\n',
        "fault[0].retries = '3': must be a whole number",
    ),
    "restart before its crash": (
        '[[fault]]\nkind = "crash"\nparticipant = "REGS-19"\nat = "day 1 16:02"\n'
        "restart = { delay_minutes = -60 }\n",
        "restarts at or after its crash",
    ),
    "restart mode unknown": (
        '[[fault]]\nkind = "crash"\nparticipant = "REGS-19"\nat = "day 1 16:02"\n'
        'restart = { mode = "explode" }\n',
        "fault[0].restart.mode = 'explode': use one of keep, lose, none",
    ),
    "restart not a table": (
        '[[fault]]\nkind = "crash"\nparticipant = "REGS-19"\nat = "day 1 16:02"\nrestart = 5\n',
        "fault[0].restart = 5: write a table",
    ),
    "bug restart span nan": ("[bug_restart]\nwithin_hours = nan\n", "not a finite number"),
    "bug restart count text": ('[bug_restart]\nmax_restarts = "x"\n', "bug_restart.max_restarts"),
    "crash of nobody": (
        '[[fault]]\nkind = "crash"\nparticipant = "NOBODY-1"\nat = "day 1 16:02"\n',
        "'NOBODY-1' is no participant",
    ),
    "window not text": ('[[fault]]\nkind = "dip_outage"\nwindow = 5\n', "must be a string"),
    "distribution unknown": (
        '[[fault]]\nkind = "delay"\ndistribution = "gamma"\n',
        "use one of fixed, uniform, exponential",
    ),
    "probability bool": (
        '[[fault]]\nkind = "loss"\nprobability = true\n',
        "fault[0].probability = True: must be a number",
    ),
}


def _refused(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_hostile_scenario_is_refused_with_its_key_and_rule(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, words = SCENARIOS[name]
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    line = _refused(capsys, ["run", "--quiet", "--scenario", str(path)])
    assert str(path) in line
    assert words in line


@pytest.mark.parametrize("name", sorted(PLANS))
def test_a_hostile_fault_plan_is_refused_with_its_key_and_rule(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, words = PLANS[name]
    path = tmp_path / "plan.faults.toml"
    path.write_text(text, encoding="utf-8")
    line = _refused(capsys, ["run", "--quiet", "--faults", str(path)])
    assert words in line


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe[market]\n", "not UTF-8 text (byte 0)"),
        (b"[market]\nmpans = 3\n" + b"#" * (1024 * 1024), "over the limit of 1048576 bytes"),
    ],
    ids=["not UTF-8", "over 1 MiB"],
)
def test_a_scenario_file_that_is_not_small_utf8_text_is_refused(
    content: bytes, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scenario.toml"
    path.write_bytes(content)
    line = _refused(capsys, ["run", "--quiet", "--scenario", str(path)])
    assert words in line


ANCHOR = WindowAnchor(start_day=date(2026, 2, 26), first_supply_start_date=date(2026, 3, 2))


def test_the_limits_themselves_are_accepted() -> None:
    """The bounds are inclusive: a plan at every limit reads (so the ranges are not off by one)."""
    plan = plan_from_mapping(
        {
            "fault": [
                {"kind": "duplicate", "probability": 1, "copies": 10},
                {"kind": "delay", "seconds": 2_592_000, "window": "day 3660 09:00-10:00"},
                {"kind": "clock_skew", "participant": "SUP-MHSA", "seconds": -2_592_000},
                {
                    "kind": "crash",
                    "participant": "REGS-19",
                    "at": "SSD-3660 10:00",
                    "restart": {"delay_minutes": 0, "max_restarts": 100},
                },
            ]
        },
        ANCHOR,
    )
    crash = plan.faults[-1]
    assert isinstance(crash, Crash)
    assert crash.restart.delay.total_seconds() == 0
    with pytest.raises(ScenarioError, match="copies = 11"):
        plan_from_mapping(
            {"fault": [{"kind": "duplicate", "probability": 1, "copies": 11}]}, ANCHOR
        )
