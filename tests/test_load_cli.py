"""The ``market run --profile`` command-line contract: report file, console tables, usage errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from market.cli.main import main
from market.cli.run_load import REPORT_KEYS

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.slow
def test_a_bau_profile_run_writes_a_report_with_the_documented_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--profile bau-2024 --days 1 --mpans 300 --report: exit 0, tables, JSON with every key."""
    path = tmp_path / "out.json"
    argv = ["run", "--profile", "bau-2024", "--days", "1", "--mpans", "300", "--report", str(path)]
    assert main(argv) == 0
    document = json.loads(path.read_text())
    assert tuple(document) == REPORT_KEYS
    assert document["profile"]["switches"] == document["outcomes"]["switches"] == 300
    assert document["outcomes"]["completed"] == 300
    messages = document["messages"]
    assert messages["delivered"] == sum(messages["by_network"].values())
    assert set(document["throughput"]) == {
        "wall_seconds",
        "messages_per_s",
        "reverse_migrations_completed_per_s",
    }
    assert set(document["latency_seconds"]) == {"delivery", "switch_to_completion"}
    assert document["latency_seconds"]["delivery"]["DIP"]["p50"] == 2.0
    assert document["reverse_migrations"]["started"] > 0
    assert document["verdict"]["ok"] is True
    memory = document["memory_mb"]
    assert 0 < memory["after_build"] <= memory["peak"]
    out = capsys.readouterr().out
    assert "Load test bau-2024: 1 working day(s), 300 switches" in out
    assert "Latency in simulated time" in out
    assert "verdict: OK" in out


def test_json_log_format_prints_the_report_document(capsys: pytest.CaptureFixture[str]) -> None:
    """--log-format json: the same document on standard output, one JSON object."""
    argv = ["run", "--profile", "migration-overlap", "--mpans", "40", "--no-signing"]
    assert main([*argv, "--log-format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert tuple(document) == REPORT_KEYS
    assert document["profile"]["forward_migrations_per_working_day_not_simulated"] == 80_000


def test_progress_without_a_terminal_writes_plain_lines_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--progress on a pipe: a final plain progress line on standard error, none on stdout."""
    argv = ["run", "--profile", "bau-2024", "--mpans", "30", "--no-signing", "--progress"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert re.search(r"[\d,]+ msgs \(100%\), [\d,]+ msgs/s, simulated", captured.err)
    assert "msgs/s, simulated" not in captured.out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--days", "2"], "--days only make(s) sense with --profile"),
        (["run", "--profile", "bau-2024", "--variant", "T"], "--variant cannot be combined"),
        (["run", "--profile", "bau-2024", "--report", "/no/such/folder/r.json"], "does not exist"),
    ],
)
def test_load_options_are_refused_with_a_reason(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Misused load options exit 2 naming the option and what to do."""
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_the_readme_documents_every_report_key_and_profile() -> None:
    """The README's Load testing section names each report key and each profile."""
    text = README.read_text()
    section = text[text.index("## Load testing") :]
    section = section[: section.index("\n## ", 3)]
    for key in REPORT_KEYS:
        assert f"`{key}`" in section, key
    for name in ("bau-2024", "pre-crisis-peak", "migration-overlap", "dip-outage-drain"):
        assert f"`{name}`" in section, name
