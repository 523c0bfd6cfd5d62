"""``--journal none`` and gzip journals for load runs; ``--journal`` refused where it cannot be."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from market.cli.footprint import KIB_PER_LOAD_SWITCH, KIB_PER_UNJUDGED_SWITCH, load_size
from market.cli.main import main
from market.cli.run_load import REPORT_KEYS
from market.load.profiles import load_profile
from market.runtime.simulation import NOT_JUDGED

LOAD = ["run", "--profile", "bau-2024", "--mpans", "300"]
#: What a run measures, independent of the wall clock and of whether it judged.
MEASURED = tuple(
    key
    for key in REPORT_KEYS
    if key not in ("wall_seconds", "throughput", "runtime", "memory_mb", "verdict")
)


def test_a_load_run_without_a_journal_measures_the_same_and_says_it_is_not_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    judged, unjudged = tmp_path / "judged.json", tmp_path / "unjudged.json"
    assert main([*LOAD, "--report", str(judged)]) == 0
    assert main([*LOAD, "--journal", "none", "--report", str(unjudged)]) == 0
    out = capsys.readouterr().out
    assert NOT_JUDGED in out
    assert "300 of 300 switches completed" in out
    first, second = (json.loads(p.read_text()) for p in (judged, unjudged))
    assert {k: first[k] for k in MEASURED} == {k: second[k] for k in MEASURED}
    assert first["verdict"]["judged"] is True
    assert second["verdict"] == {
        "ok": True,
        "judged": False,
        "lines": [NOT_JUDGED, "300 of 300 switches completed (as the broker stamped their steps)"],
    }


def test_a_load_journal_is_written_as_it_goes_gzip_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, packed = tmp_path / "run.jsonl", tmp_path / "run.jsonl.gz"
    assert main([*LOAD, "--journal", str(plain)]) == 0
    assert main([*LOAD, "--journal", str(packed)]) == 0
    assert f"Journal written to {packed}" in capsys.readouterr().out
    assert packed.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    assert plain.read_text().splitlines()[-1].startswith('{"kind":"journal_closed"')


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--journal", "none"], "only a load run (--profile NAME) or a sharded run"),
        (["run", "--journal", "/no/such/folder/j.jsonl"], "folder /no/such/folder does not exist"),
        (["run", "--shards", "2", "--journal", "none"], "only a load run (--profile NAME) can"),
    ],
)
def test_journal_targets_a_run_cannot_take_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_journal_that_names_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--journal", str(tmp_path)]) == 2
    assert "is a folder; name the journal file" in capsys.readouterr().err
    assert main([*LOAD, "--journal", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_a_run_without_a_journal_is_sized_by_the_smaller_per_switch_cost() -> None:
    spec = load_profile("bau-2024", mpans=100_000)
    kept, unkept = load_size(spec), load_size(spec, journal=False)
    assert kept.kib_per_switch == KIB_PER_LOAD_SWITCH
    assert unkept.kib_per_switch == KIB_PER_UNJUDGED_SWITCH < KIB_PER_LOAD_SWITCH
