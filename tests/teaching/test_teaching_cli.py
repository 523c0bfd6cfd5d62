"""The teaching commands on a journal written by 'market run': explain, diagram, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from market.cli.main import main


@pytest.fixture(scope="module")
def written_journal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A journal of a two-MPAN run of the default market, and one MPAN in it."""
    path = tmp_path_factory.mktemp("journal") / "run.jsonl"
    assert main(["run", "--mpans", "2", "--quiet", "--journal", str(path)]) == 0
    first = json.loads(path.read_text().splitlines()[0])
    return path, first["mpan"]


def test_explain_tells_the_journey_and_its_outcome(
    written_journal: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """market explain prints every step with its meaning and ends with the outcome."""
    path, mpan = written_journal
    assert main(["explain", "--journal", str(path), "--mpan", mpan]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"MPAN {mpan}: path RM-T (reverse migration, traditional meter)")
    assert "T6    Legacy DC settles the CoS reading, tells both suppliers" in out
    assert out.rstrip().endswith("Outcome: RM-T completed (27 steps).")


def test_diagram_prints_mermaid_and_writes_svg(
    written_journal: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Mermaid goes to standard output; --format svg --output writes a standalone SVG file."""
    path, mpan = written_journal
    assert main(["diagram", "--journal", str(path), "--mpan", mpan]) == 0
    mermaid = capsys.readouterr().out
    assert mermaid.startswith("sequenceDiagram\n")
    assert "    REGS_19--)DIP: C7 IF-003 [ReverseMigNotification]\n" in mermaid
    svg = tmp_path / "journey.svg"
    args = ["diagram", "--journal", str(path), "--mpan", mpan, "--format", "svg", "--output"]
    assert main([*args, str(svg)]) == 0
    assert svg.read_text().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_unknown_mpan_is_a_usage_error_listing_known_ones(
    written_journal: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """An MPAN the journal never mentions exits 2 and names the MPANs it does mention."""
    path, mpan = written_journal
    assert main(["explain", "--journal", str(path), "--mpan", "1900000000000"]) == 2
    assert mpan in capsys.readouterr().err


def test_report_and_run_html_write_the_same_kind_of_report(
    written_journal: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """market report JOURNAL --html and market run --html both write a full report."""
    path, mpan = written_journal
    from_journal = tmp_path / "from-journal.html"
    assert main(["report", str(path), "--html", str(from_journal)]) == 0
    from_run = tmp_path / "from-run.html"
    assert main(["run", "--mpans", "2", "--quiet", "--html", str(from_run)]) == 0
    assert f"HTML report written to {from_run}" in capsys.readouterr().out
    for report in (from_journal, from_run):
        html = report.read_text()
        assert f'id="mpan-{mpan}"' in html and "Conformance verdict" in html
        assert "<tr><td>signing</td><td>modelled</td></tr>" in html  # the mode that ran
    assert main(["report", str(path), "--html", str(tmp_path / "no" / "r.html")]) == 2
