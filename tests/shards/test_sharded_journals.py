"""A sharded run's journal: one gzip file per shard and a manifest, or none at all."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from market.cli.main import main
from market.kernel.journal import digest_lines
from market.process.scenario_spec import ScenarioSpec
from market.shards.manifest import read_manifest, shard_file_name
from market.shards.merge import merge
from market.shards.plan import scenario_shards
from market.shards.work import ShardTask, run_shard

BUILDER = "actors.markets.default:build_market"


def test_a_shard_streams_its_journal_and_its_digest_is_the_files(tmp_path: Path) -> None:
    [spec] = scenario_shards(ScenarioSpec(), 1)
    path = tmp_path / shard_file_name(0)
    task = ShardTask(index=0, shards=1, builder=BUILDER, spec=spec, journal_file=str(path))
    result = run_shard(task)
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    assert result.digest == digest_lines(lines[:-1])
    assert result.digest is not None and result.digest.startswith("fe53b1d193489c31")
    assert result.events == len(lines) - 1 and result.judged


def test_a_shard_without_a_journal_is_not_judged_and_has_no_digest() -> None:
    [spec] = scenario_shards(ScenarioSpec(mpans=4), 1)
    task = ShardTask(index=0, shards=1, builder=BUILDER, spec=spec, keep_journal=False)
    result = run_shard(task)
    assert not result.judged and result.digest is None
    assert result.completed == 4 and result.verdict_ok
    merged = merge([result])
    assert merged.digest is None and not merged.judged


def test_a_shard_that_cannot_write_its_journal_names_it(tmp_path: Path) -> None:
    [spec] = scenario_shards(ScenarioSpec(mpans=2), 1)
    target = tmp_path / "gone" / shard_file_name(0)
    task = ShardTask(index=0, shards=1, builder=BUILDER, spec=spec, journal_file=str(target))
    with pytest.raises(Exception, match="shard 0: cannot write its journal"):
        run_shard(task)


@pytest.mark.parametrize("kind", ["file", "full"])
def test_a_journal_folder_that_is_a_file_or_not_empty_is_refused(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "journal"
    if kind == "file":
        target.write_text("x")
    else:
        target.mkdir()
        (target / "old.jsonl").write_text("x")
    assert main(["run", "--mpans", "4", "--shards", "2", "--journal", str(target)]) == 2
    err = capsys.readouterr().err
    assert ("is a file" if kind == "file" else "the folder is not empty") in err


@pytest.mark.slow
def test_a_sharded_run_writes_one_file_per_shard_and_a_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "journal"
    report = tmp_path / "report.json"
    argv = [
        "run",
        "--mpans",
        "8",
        "--shards",
        "2",
        "--journal",
        str(folder),
        "--report",
        str(report),
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    manifest = read_manifest(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json",
        shard_file_name(0),
        shard_file_name(1),
    ]
    assert out.rsplit("journal digest ", 1)[1].split()[0] == manifest.digest[:16]
    document = json.loads(report.read_text())
    assert document["journal_digest"] == manifest.digest and document["judged"] is True
    for entry in manifest.shards:
        lines = gzip.decompress((folder / entry.file).read_bytes()).decode().splitlines()
        assert digest_lines(lines[:-1]) == entry.digest == document["shards"][entry.index]["digest"]
    assert main(["check", str(folder)]) == 0
    assert f"journal digest {manifest.digest[:16]}" in capsys.readouterr().out


@pytest.mark.slow
def test_a_sharded_load_run_without_a_journal_prints_no_digest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["run", "--profile", "bau-2024", "--mpans", "200", "--shards", "2", "--journal", "none"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "journal digest none (--journal none)" in out
    assert "NOT JUDGED" in out and "Outcome: 200 of 200 MPANs completed" in out


def test_a_scenario_with_its_own_participants_cannot_be_sharded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "own.toml"
    scenario.write_text(
        '[market]\nmpans = 2\n\n[participants]\n"SUP-MHSA" = '
        '"examples.byo.simple_supplier:SimpleOutgoingSupplier"\n'
    )
    assert main(["run", "--scenario", str(scenario), "--shards", "2"]) == 2
    assert "[participants] table cannot be combined with --shards" in capsys.readouterr().err


def test_shards_that_will_not_fit_together_are_refused_before_any_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["run", "--profile", "bau-2024", "--mpans", "3000000", "--shards", "2"]
    assert main([*argv, "--memory-limit", "3"]) == 2
    err = capsys.readouterr().err
    assert "2 shards, 2 at a time on this machine (the largest 1,500,000 MPANs" in err
    assert "more than --memory-limit 3.0 GiB" in err and "--cluster" in err


@pytest.mark.parametrize("profile", [False, True])
def test_every_shard_runs_the_fault_plan_once(profile: bool) -> None:
    from market.cli.main import build_parser
    from market.cli.run_sharded import tasks_of
    from market.shards.work import build

    plan = "examples/faults/registration_crash.faults.toml"
    market = ["--profile", "bau-2024", "--mpans", "40"] if profile else ["--mpans", "4"]
    args = build_parser().parse_args(["run", *market, "--shards", "2", "--faults", plan])
    for task in tasks_of(args):
        crashes = build(task).faults.of_kind("crash")
        assert [fault.participant for fault in crashes] == ["REGS-19"]


@pytest.mark.slow
def test_a_one_shard_load_report_is_the_unsharded_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from market.cli.run_load import REPORT_KEYS

    load = ["run", "--profile", "bau-2024", "--mpans", "300"]
    sharded, single = tmp_path / "sharded.json", tmp_path / "single.json"
    assert main([*load, "--shards", "1", "--report", str(sharded)]) == 0
    assert main([*load, "--report", str(single)]) == 0
    assert "Load test bau-2024" in capsys.readouterr().out
    merged, alone = json.loads(sharded.read_text())["load"], json.loads(single.read_text())
    timeless = {"wall_seconds", "throughput", "memory_mb", "verdict"}
    for key in REPORT_KEYS:
        if key not in timeless:
            assert merged[key] == alone[key], key
    assert merged["verdict"]["ok"] and merged["verdict"]["judged"]


@pytest.mark.slow
def test_a_two_shard_load_report_adds_up_its_shards(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    argv = [
        "run",
        "--profile",
        "bau-2024",
        "--mpans",
        "400",
        "--shards",
        "2",
        "--journal",
        "none",
        "--report",
        str(report),
    ]
    assert main(argv) == 0
    document = json.loads(report.read_text())
    load = document["load"]
    assert load["outcomes"]["switches"] == load["outcomes"]["completed"] == 400
    assert load["profile"]["switches"] == 400
    assert load["runtime"]["deliveries"] == document["deliveries"]
    assert load["runtime"]["journal_events"] == sum(s["events"] for s in document["shards"])
    assert sum(load["messages"]["by_network"].values()) == load["messages"]["delivered"]
    assert load["verdict"]["judged"] is False


@pytest.mark.slow
def test_a_sharded_run_with_json_log_format_prints_one_document(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "--mpans", "4", "--shards", "2", "--log-format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["completed"] == document["mpans"] == 4
    assert len(document["journal_digest"]) == 64 and document["verdict_ok"] is True
