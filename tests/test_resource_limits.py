"""Resource limits up front: a run too large for the machine is refused before it is built.

The estimate (:mod:`market.cli.footprint`) is pure arithmetic, pinned here on
its calibration points; the refusals go through the real ``market`` entry
point. Where a test shows that an override lets a huge run through, the market
builder is a fake that stops the command at once, so nothing large is built.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from market.cli import bench, run, run_load, sweep
from market.cli.footprint import (
    FALLBACK_AVAILABLE_MIB,
    KIB_PER_LOAD_SWITCH,
    KIB_PER_REVERSE_MIGRATION,
    RunSize,
    available_mib,
    duplicate_copies,
    estimate_peak_mib,
    load_size,
    refusal,
    scenario_size,
)
from market.cli.main import main
from market.faults import Duplicate, Loss, load_fault_plan
from market.kernel.exceptions import UsageError
from market.load.profiles import load_profile
from market.process.scenario_spec import ScenarioSpec, load_scenario

ROOT = Path(__file__).resolve().parent.parent

#: Where the tests' fake builder is, for ``MARKET_BUILDER`` and ``GB_MARKET_BUILDER``.
FAKE_BUILDER = "tests.test_resource_limits:fake_builder"


def fake_builder(spec: Any) -> Any:
    """A market builder that builds nothing: it says it was reached, and with what size."""
    raise UsageError(f"fake builder reached with {spec.mpans} MPANs")


@pytest.fixture
def fake_builders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command builds with :func:`fake_builder`, so an accepted huge run stops at once."""
    monkeypatch.setattr(run, "MARKET_BUILDER", FAKE_BUILDER)
    monkeypatch.setattr(run_load, "GB_MARKET_BUILDER", FAKE_BUILDER)
    monkeypatch.setattr(sweep, "MARKET_BUILDER", FAKE_BUILDER)
    monkeypatch.setattr(bench, "MARKET_BUILDER", FAKE_BUILDER)


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``market argv``; assert exit 2, one line on standard error, no traceback; the line."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``market argv`` that argparse refuses (exit 2); its error line."""
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.splitlines()[-1]


# The estimate ---------------------------------------------------------------------------

#: Peak RSS measured (MiB) against the run's size: the figures the constants are fitted to.
CALIBRATION = [
    (RunSize(mpans=300, switches=300), 100.0),  # market run --mpans 300
    (RunSize(mpans=2000, switches=2000), 272.6),  # market run --mpans 2000
    (RunSize(mpans=5000, switches=5000), 590.0),  # market run --mpans 5000 --no-signing
    (RunSize(mpans=2000, switches=2000, duplicate_copies=2.0), 606.0),  # duplicate p=1, 2 copies
    (RunSize(mpans=10_805, switches=10_805, kib_per_switch=KIB_PER_LOAD_SWITCH), 834.6),
    (RunSize(mpans=100_000, switches=10_805, kib_per_switch=KIB_PER_LOAD_SWITCH), 945.4),
    (RunSize(mpans=1_000_000, switches=10_805, kib_per_switch=KIB_PER_LOAD_SWITCH), 2009.0),
    (RunSize(mpans=10_000, switches=10_000, kib_per_switch=KIB_PER_LOAD_SWITCH), 880.1),  # bench
    (RunSize(mpans=100_000, switches=100_000, kib_per_switch=KIB_PER_LOAD_SWITCH), 7600.0),
]


@pytest.mark.parametrize(("size", "measured_mib"), CALIBRATION)
def test_the_estimate_is_within_a_fifth_of_each_measured_run(
    size: RunSize, measured_mib: float
) -> None:
    """Each calibration run's peak RSS is within -10 % and +20 % of the estimate."""
    assert 0.9 * measured_mib <= estimate_peak_mib(size) <= 1.2 * measured_mib


def test_a_million_mpan_market_is_estimated_at_about_two_gib() -> None:
    """The README's 1,000,000-MPAN bau-2024 day (2.0 GiB peak) comes out at 1.9-2.2 GiB."""
    estimate = estimate_peak_mib(load_size(load_profile("bau-2024", mpans=1_000_000)))
    assert 1.9 * 1024 <= estimate <= 2.2 * 1024


@pytest.mark.parametrize(
    "grown",
    [
        {"mpans": 2001},
        {"switches": 1001},
        {"duplicate_copies": 0.5},
        {"kib_per_switch": KIB_PER_REVERSE_MIGRATION + 1},
    ],
)
def test_the_estimate_grows_with_every_measure_of_size(grown: dict[str, Any]) -> None:
    """More MPANs built, more switching, more duplicates or a dearer switch: a larger estimate."""
    base = {"mpans": 2000, "switches": 1000}
    assert estimate_peak_mib(RunSize(**{**base, **grown})) > estimate_peak_mib(RunSize(**base))


def test_the_estimate_rises_steadily_with_the_mpans() -> None:
    """Doubling the MPANs from 1 to 2**30 raises the estimate every time."""
    estimates = [estimate_peak_mib(RunSize(mpans=2**n, switches=2**n)) for n in range(31)]
    assert all(low < high for low, high in itertools.pairwise(estimates))


def test_the_default_market_counts_every_mpan_as_a_judged_reverse_migration() -> None:
    """``market run``: 3 MPANs built, 3 switching, at the built-in market's cost per switch."""
    size = scenario_size(ScenarioSpec())
    assert size == RunSize(mpans=3, switches=3, kib_per_switch=KIB_PER_REVERSE_MIGRATION)


def test_a_load_counts_the_profiles_switches_and_its_population() -> None:
    """bau-2024: 10,700 switches a day; --mpans below caps them, above adds MPANs that stay put."""
    full = load_size(load_profile("bau-2024"))
    capped = load_size(load_profile("bau-2024", mpans=300))
    large = load_size(load_profile("bau-2024", mpans=1_000_000))
    week = load_size(load_profile("bau-2024", working_days=5))
    assert (full.mpans, full.switches) == (10_700, 10_700)
    assert (capped.mpans, capped.switches) == (300, 300)
    assert (large.mpans, large.switches) == (1_000_000, 10_700)
    assert (week.mpans, week.switches) == (53_500, 53_500)
    assert full.kib_per_switch == KIB_PER_LOAD_SWITCH


def test_a_dip_outage_multiplies_a_loads_cost_per_switch() -> None:
    """dip-outage-drain's 72-hour outage: 2.7 times the deliveries, and the memory, per switch."""
    outage = load_size(load_profile("dip-outage-drain", mpans=2000))
    assert outage.kib_per_switch == pytest.approx(2.7 * KIB_PER_LOAD_SWITCH)


def test_duplicate_faults_add_their_probability_times_their_copies() -> None:
    """Two duplicate faults (p 0.5 × 2, p 0.1 × 3) add 1.3 copies; a loss adds none."""
    faults = [
        Duplicate(probability=0.5, copies=2),
        Duplicate(probability=0.1, copies=3),
        Loss(probability=0.9),
    ]
    assert duplicate_copies(faults) == pytest.approx(1.3)


def test_a_fault_plan_replaces_the_scenarios_own_duplicates(tmp_path: Path) -> None:
    """A scenario's own duplicate fault counts; a ``--faults`` plan in its place replaces it."""
    scenario = tmp_path / "storm.toml"
    scenario.write_text(
        '[market]\nmpans = 5\n\n[[fault]]\nkind = "duplicate"\nprobability = 0.5\ncopies = 4\n',
        encoding="utf-8",
    )
    spec = load_scenario(scenario)
    assert scenario_size(spec).duplicate_copies == 2.0
    assert scenario_size(spec, faults=[]).duplicate_copies == 0.0


def test_available_memory_is_read_from_meminfo(tmp_path: Path) -> None:
    """``MemAvailable: 2097152 kB`` is 2,048 MiB."""
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 4194304 kB\nMemAvailable:    2097152 kB\n", encoding="ascii")
    assert available_mib(meminfo) == 2048.0


@pytest.mark.parametrize("text", [None, "MemTotal: 4194304 kB\n", "MemAvailable: lots\n"])
def test_available_memory_falls_back_to_a_fixed_figure(tmp_path: Path, text: str | None) -> None:
    """No meminfo (not Linux), or one without a readable MemAvailable: the fixed fallback."""
    meminfo = tmp_path / "meminfo"
    if text is not None:
        meminfo.write_text(text, encoding="ascii")
    assert available_mib(meminfo) == FALLBACK_AVAILABLE_MIB


def test_a_run_that_fits_is_not_refused() -> None:
    """The default run's estimate (about 64 MiB) fits in 1 GiB: no refusal."""
    assert refusal(scenario_size(ScenarioSpec()), 1024.0) is None


def test_a_refusal_says_the_estimate_what_is_available_and_how_to_override() -> None:
    """Ten million MPANs against 16 GiB: the size, about 1,060 GiB, the 16 GiB, both flags."""
    problem = refusal(RunSize(mpans=10_000_000, switches=10_000_000), 16 * 1024.0)
    assert problem == (
        "10,000,000 MPANs, 10,000,000 switching: estimated to need 1,060.5 GiB at peak, more "
        "than the 16.0 GiB available; make the run smaller, or pass --memory-limit GIB or "
        "--no-size-check to run it anyway"
    )


@pytest.mark.parametrize(
    "scenario",
    sorted((ROOT / "examples").rglob("*.scenario.toml"))
    + sorted((ROOT / "examples" / "scenarios").glob("*.toml")),
    ids=lambda path: path.name,
)
def test_every_shipped_scenario_fits_in_one_gib(scenario: Path) -> None:
    """No shipped scenario is anywhere near a refusal: each is estimated below 1 GiB."""
    assert refusal(scenario_size(load_scenario(scenario)), 1024.0) is None


@pytest.mark.parametrize(
    "plan", sorted((ROOT / "examples" / "faults").glob("*.faults.toml")), ids=lambda p: p.name
)
def test_every_shipped_fault_plan_fits_in_one_gib(plan: Path) -> None:
    """Each shipped fault plan on the default market, duplicates counted, is below 1 GiB."""
    spec = ScenarioSpec()
    faults = load_fault_plan(plan, spec.window_anchor()).faults
    assert refusal(scenario_size(spec, faults), 1024.0) is None


# market run -----------------------------------------------------------------------------


def test_the_default_run_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    """``market run --quiet`` still runs to its verdict (exit 0), with this machine's memory."""
    assert main(["run", "--quiet"]) == 0
    assert "verdict: OK" in capsys.readouterr().out


def test_ten_million_mpans_are_refused_before_anything_is_built(
    fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--mpans 10000000`` (memory grew until killed): one line, and the builder never called."""
    line = _refused(["run", "--mpans", "10000000", "--memory-limit", "64"], capsys)
    assert line == (
        "market run: 10,000,000 MPANs, 10,000,000 switching: estimated to need 1,060.5 GiB at "
        "peak, more than --memory-limit 64.0 GiB; make the run smaller, or pass --memory-limit "
        "GIB or --no-size-check to run it anyway"
    )


@pytest.mark.parametrize("override", [["--no-size-check"], ["--memory-limit", "2048"]])
def test_an_override_lets_ten_million_mpans_through_to_the_builder(
    override: list[str], fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """With ``--no-size-check``, or a limit above the estimate, the run goes on to be built."""
    line = _refused(["run", "--mpans", "10000000", *override], capsys)
    assert line == "market run: fake builder reached with 10000000 MPANs"


def test_a_scenario_of_a_billion_mpans_is_refused_on_this_machine(
    tmp_path: Path, fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``mpans = 1000000000`` in a scenario file: about 100 TiB, more than any machine has."""
    scenario = tmp_path / "billion.toml"
    scenario.write_text("[market]\nmpans = 1000000000\n", encoding="utf-8")
    line = _refused(["run", "--scenario", str(scenario)], capsys)
    assert line.startswith(
        "market run: 1,000,000,000 MPANs, 1,000,000,000 switching: estimated to need "
        "106,048.6 GiB at peak, more than the "
    )
    assert line.endswith(
        "available; make the run smaller, or pass --memory-limit GIB or "
        "--no-size-check to run it anyway"
    )

    assert _refused(["run", "--scenario", str(scenario), "--no-size-check"], capsys) == (
        "market run: fake builder reached with 1000000000 MPANs"
    )


def test_a_fault_plans_duplicates_are_counted_before_the_build(
    tmp_path: Path, fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ten MPANs fit in 68 MiB; with every message copied ten more times they do not."""
    plan = tmp_path / "storm.toml"
    plan.write_text('[[fault]]\nkind = "duplicate"\nprobability = 1.0\ncopies = 10\n')
    limit = ["--mpans", "10", "--memory-limit", str(68 / 1024)]
    assert _refused(["run", *limit], capsys) == "market run: fake builder reached with 10 MPANs"
    line = _refused(["run", *limit, "--faults", str(plan)], capsys)
    assert line.startswith("market run: 10 MPANs, 10 switching, 10 duplicate copies per message")


@pytest.mark.parametrize("value", ["0", "-2", "inf", "nan", "lots"])
def test_a_memory_limit_must_be_a_positive_number(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--memory-limit`` takes a positive, finite number of GiB."""
    line = _usage_error(["run", "--memory-limit", value], capsys)
    assert "argument --memory-limit" in line


def test_the_size_options_are_one_or_the_other(capsys: pytest.CaptureFixture[str]) -> None:
    """``--memory-limit`` and ``--no-size-check`` contradict each other: a usage error."""
    line = _usage_error(["run", "--memory-limit", "4", "--no-size-check"], capsys)
    assert "not allowed with argument" in line


@pytest.mark.parametrize("digits", [19, 5000])
def test_an_mpan_count_of_too_many_digits_is_a_usage_error(
    digits: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--mpans`` of 19 or 5,000 digits (past Python's int limit) is refused with its rule."""
    line = _usage_error(["run", "--mpans", "9" * digits], capsys)
    assert line == "market run: error: argument --mpans: must have at most 18 digits"


# market run --profile ------------------------------------------------------------------


def test_a_million_working_days_are_refused_whatever_the_options(
    fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--days 1000000`` is past the ten-year cap, which no size option lifts."""
    expected = (
        "market run: error: argument --days: must be at most 2,610 working days (ten years), "
        "got 1,000,000"
    )
    for override in ([], ["--no-size-check"], ["--memory-limit", "100000"]):
        argv = ["run", "--profile", "bau-2024", "--days", "1000000", *override]
        assert _usage_error(argv, capsys) == expected


def test_ten_years_of_days_at_a_small_population_are_accepted(
    fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--days 2610 --mpans 10``: ten MPANs switch over ten years; the cap itself is allowed."""
    argv = ["run", "--profile", "bau-2024", "--days", "2610", "--mpans", "10"]
    assert _refused(argv, capsys) == "market run: fake builder reached with 10 MPANs"


def test_a_load_of_two_thousand_working_days_is_refused_then_overridden(
    fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """bau-2024 over 2,000 days (21.4 million switches) is refused; --no-size-check builds it."""
    argv = ["run", "--profile", "bau-2024", "--days", "2000"]
    line = _refused([*argv, "--memory-limit", "64"], capsys)
    assert line.startswith(
        "market run: 21,400,000 MPANs, 21,400,000 switching: estimated to need 1,657.2 GiB"
    )
    assert _refused([*argv, "--no-size-check"], capsys) == (
        "market run: fake builder reached with None MPANs"
    )


def test_a_load_of_ten_million_mpans_counts_them_all(
    fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--profile bau-2024 --mpans 10000000``: ten million MPANs built, 10,700 switching."""
    line = _refused(
        ["run", "--profile", "bau-2024", "--mpans", "10000000", "--memory-limit", "4"], capsys
    )
    assert line.startswith("market run: 10,000,000 MPANs, 10,700 switching: estimated to need 12.3")


def test_a_loads_fault_plan_is_counted_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A profile's ``--faults`` plan loads after the build; its duplicates still stop the run."""
    plan = tmp_path / "storm.toml"
    plan.write_text('[[fault]]\nkind = "duplicate"\nprobability = 1.0\ncopies = 10\n')
    argv = ["run", "--profile", "bau-2024", "--mpans", "10", "--memory-limit", str(68 / 1024)]
    line = _refused([*argv, "--faults", str(plan)], capsys)
    assert line.startswith("market run: 10 MPANs, 10 switching, 10 duplicate copies per message")


# market sweep, market bench ------------------------------------------------------------------


def test_a_sweep_of_ten_million_mpans_is_refused(
    fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``market sweep --mpans 10000000``: one seed's run, the mixed plan's duplicates counted."""
    line = _refused(
        ["sweep", "--seeds", "3", "--mpans", "10000000", "--memory-limit", "64"], capsys
    )
    assert line.startswith(
        "market sweep: 10,000,000 MPANs, 10,000,000 switching, 0.05 duplicate copies per message"
    )


def test_a_bench_level_of_ten_million_is_refused(
    fake_builders: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``market bench --levels 1,10000000`` is sized by its largest level, before any level runs."""
    line = _refused(["bench", "--levels", "1,10000000", "--memory-limit", "64"], capsys)
    assert line.startswith("market bench: 10,000,000 MPANs, 10,000,000 switching: estimated")


def test_a_bench_level_of_too_many_digits_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A level of 5,000 digits is refused by argparse, and the line does not repeat it whole."""
    line = _usage_error(["bench", "--levels", "9" * 5000], capsys)
    assert "argument --levels" in line
    assert len(line) < 200
