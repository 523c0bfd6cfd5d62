"""Every RECON alternative runs clean under the oracle: its timing rules follow the options."""

from __future__ import annotations

from pathlib import Path

import pytest

from market.cli.main import main
from market.kernel.exceptions import ScenarioError
from market.process.model import PATH_STEPS
from market.process.options import ProcessOptions
from market.process.step import Deadline, ProcessModelError, _recipient_options
from market.process.vocabulary import Path as ProcessPath

ALTERNATIVES = [
    "cos_read_cutoff_working_days = 0",
    "cos_read_cutoff_working_days = 8",
    "deappoint_waits_for_legacy_agents = false",
    'smart_outgoing_ds_lane = true\nsmart_if041_sender = "OUTGOING_SDS"',
    "smart_outgoing_ds_lane = true",
    "deappoint_waits_for_legacy_agents = false\nsmart_outgoing_ds_lane = true",
    "ees_always_on_if003 = false",
    "lss_always_on_if021 = false",
    "regime_end_days_before_ssd = 0",
    "regime_end_days_before_ssd = 10",
    "objection_window_working_days = 0\nsupply_start_lead_working_days = 1",
    "objection_window_working_days = 4\nsupply_start_lead_working_days = 6",
    "dispute_tolerance_kwh = 0",
]


def _scenario(folder: Path, options: str) -> Path:
    path = folder / "scenario.toml"
    path.write_text(
        '[market]\nmpans = 6\nvariants = "mixed"\n\n[decisions]\nno_customer_read = 0.5\n'
        f"reads_disagree = 0.3\n\n[options]\n{options}\n"
    )
    return path


@pytest.mark.parametrize("options", ALTERNATIVES)
def test_each_alternative_is_judged_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: str
) -> None:
    scenario = _scenario(tmp_path, options)
    code = main(["run", "--quiet", "--scenario", str(scenario)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0, "\n".join(line for line in lines if not line.startswith(("┃", "│")))


def test_market_check_takes_the_runs_options_from_its_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cut-off of 8 WD: T6 is due by SSD + 8 WD, not by the default's SSD + 5 WD."""
    scenario = tmp_path / "late_cutoff.toml"
    scenario.write_text(
        "[market]\nmpans = 2\n\n[decisions]\nno_customer_read = 1.0\n\n"
        "[options]\ncos_read_cutoff_working_days = 8\n"
    )
    journal = tmp_path / "journal.jsonl"
    assert main(["run", "--quiet", "--scenario", str(scenario), "--journal", str(journal)]) == 0
    capsys.readouterr()
    assert main(["check", str(journal)]) == 1
    assert (
        "(rule: by SSD+cos_read_cutoff_working_days = SSD+5wd; due by 2026-03-09, "
        "performed 2026-03-12)"
    ) in capsys.readouterr().out
    assert main(["check", str(journal), "--scenario", str(scenario)]) == 0


def test_a_bound_written_in_an_option_takes_the_options_value() -> None:
    bound = Deadline.parse("SSD+cos_read_cutoff_working_days")
    assert (bound.working, bound.option, str(bound)) == (
        True,
        "cos_read_cutoff_working_days",
        "SSD+cos_read_cutoff_working_days",
    )
    assert bound.days_under(ProcessOptions()) == 5
    assert bound.days_under(ProcessOptions(cos_read_cutoff_working_days=8)) == 8
    assert Deadline.parse("SSD-regime_end_days_before_ssd").working is False


@pytest.mark.parametrize("text", ["SSD+nope_days", "SSD+dispute_tolerance_kwh", "SSD+5"])
def test_a_bound_naming_no_option_in_days_is_refused(text: str) -> None:
    with pytest.raises(ProcessModelError, match="timing bound"):
        Deadline.parse(text)


def test_a_lead_time_within_the_objection_window_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"must be more than options\.objection_window"):
        ProcessOptions(supply_start_lead_working_days=1, objection_window_working_days=1)


def test_a_recipient_that_follows_a_yes_no_option() -> None:
    """C8 reaches the EES only while ``ees_always_on_if003`` is on; a bad option is refused."""
    c8 = next(step for step in PATH_STEPS[ProcessPath.RM_T] if step.step_id == "C8")
    assert c8.requires("EES", ProcessOptions())
    assert not c8.requires("EES", ProcessOptions(ees_always_on_if003=False))
    assert c8.requires("LDSO", ProcessOptions(ees_always_on_if003=False))
    with pytest.raises(ProcessModelError, match="'cos_read_cutoff_working_days' is no yes/no"):
        _recipient_options("EES:cos_read_cutoff_working_days", "C8")
