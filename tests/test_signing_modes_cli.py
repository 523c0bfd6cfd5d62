"""``--signing MODE`` from the command line: the run signs as asked and its journal says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from market.cli.check import read_journal_file
from market.cli.main import main


@pytest.mark.slow
@pytest.mark.parametrize(
    ("flags", "mode"),
    [([], "modelled"), (["--signing", "rsa"], "rsa"), (["--no-signing"], "off")],
)
def test_the_journal_file_says_which_signing_mode_ran(
    flags: list[str], mode: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same events in every mode; the closing record names the mode, and check reads it."""
    journal = tmp_path / "run.jsonl"
    assert main(["run", "--quiet", "--mpans", "1", "--journal", str(journal), *flags]) == 0
    printed = capsys.readouterr().out
    closing = json.loads(journal.read_text().splitlines()[-1])
    assert closing["signing"] == mode
    read = read_journal_file(journal)
    assert read.signing == mode
    assert f"journal digest {read.digest[:16]}" in printed


def test_contradictory_signing_flags_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """``--no-signing`` with ``--signing rsa`` exits 2 naming both."""
    assert main(["run", "--quiet", "--no-signing", "--signing", "rsa"]) == 2
    assert "--no-signing contradicts --signing rsa" in capsys.readouterr().err


def test_an_unknown_signing_mode_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse names the modes there are."""
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--signing", "hmac"])
    assert exit_info.value.code == 2
    assert "choose from 'modelled', 'rsa', 'off'" in capsys.readouterr().err
