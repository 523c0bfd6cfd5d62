"""The example external MDS (examples/external/mds.py), a separate process, against `market serve`.

200 reverse migrations with late consumption the MDS must refuse (IF-014): it
passes; with its planted defect (one IF-014 never sent) the verdict fails
naming the MPAN; and it still passes through a 72-hour DIP outage and with its
webhook down for a window.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "external" / "mds.py"
SCENARIO = ROOT / "examples" / "external" / "late-consumption.toml"


def _serve_with_mds(
    tmp_path: Path, *mds_args: str, serve_args: tuple[str, ...] = ()
) -> tuple[subprocess.CompletedProcess[str], str]:
    keys = tmp_path / "keys"
    mds = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "--keys", str(keys), *mds_args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert mds.stdout is not None
        first = mds.stdout.readline()
        match = re.fullmatch(r"external MDS listening on (http://127\.0\.0\.1:\d+)\n", first)
        assert match, first
        served = subprocess.run(
            [
                sys.executable,
                "-m",
                "market.cli.main",
                "serve",
                "--scenario",
                str(SCENARIO),
                "--external",
                f"MDS={match.group(1)}",
                "--keys",
                str(keys),
                "--until-done",
                "--timeout",
                "600",
                "--report",
                str(tmp_path / "load.json"),
                *serve_args,
            ],
            capture_output=True,
            check=False,
            text=True,
            timeout=900,
            cwd=tmp_path,
        )
    finally:
        mds.terminate()
        _, mds_err = mds.communicate(timeout=30)
    assert mds.returncode == 0, mds_err
    return served, mds_err


def test_the_example_mds_completes_200_reverse_migrations(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    served, _ = _serve_with_mds(tmp_path, serve_args=("--html", str(html)))
    assert served.returncode == 0, served.stdout + served.stderr
    assert served.stdout.startswith("DIP listening on http://127.0.0.1:")
    assert "Outcome: 200 of 200 MPANs completed" in served.stdout
    assert "verdict: OK" in served.stdout
    assert re.search(r"MDS inbound dip-channel: \d+ calls, 0 errors", served.stdout)
    load = json.loads((tmp_path / "load.json").read_text())
    mds = load["externals"]["MDS"]
    assert mds["mpans"] == 200 and mds["completed"] == 200 and mds["failing"] == []
    assert mds["publications_delivered"] > 400 and load["verdict_ok"] is True
    rows = {(r["direction"], r["endpoint"]): r for r in load["traffic"]}
    assert rows[("inbound", "dip-channel")]["requests"] > 50
    assert (
        rows[("outbound", "publication")]["p99_ms"] >= rows[("outbound", "publication")]["p50_ms"]
    )
    page = html.read_text()
    assert "MDS (external)" in page and "MDS outbound publication" in page and "p95" in page


def test_the_planted_defect_fails_the_verdict_naming_the_mpan(tmp_path: Path) -> None:
    served, mds_err = _serve_with_mds(tmp_path, "--defect", "skip-one-rejection")
    assert served.returncode == 1, served.stdout + served.stderr
    skipped = re.search(r"not sending the IF-014 for MPAN (\d{13}) day (\S+)", mds_err)
    assert skipped, mds_err
    mpan, day = skipped.groups()
    assert f"invariant: {mpan} breaks" in served.stdout
    assert f"settlement day {day}" in served.stdout
    assert "verdict: FAILED (problems: 1)" in served.stdout
    assert f"1 failing the checks ({mpan})" in served.stdout


def test_the_example_mds_rides_out_a_72_hour_dip_outage(tmp_path: Path) -> None:
    plan = tmp_path / "outage.toml"
    plan.write_text(
        '[[fault]]\nkind = "dip_outage"\nwindow = "2026-03-02 09:00 to 2026-03-05 09:00"\n'
    )
    journal = tmp_path / "journal.jsonl"
    served, mds_err = _serve_with_mds(
        tmp_path, serve_args=("--faults", str(plan), "--journal", str(journal))
    )
    assert served.returncode == 0, served.stdout + served.stderr + mds_err
    assert "verdict: OK" in served.stdout
    text = journal.read_text()
    # The outage refused the data services' submissions for three days; once it ended, they
    # came, and the MDS refused every late day (the verdict says so) with its own IF-014s.
    assert text.count('"fault":"dip_outage"') > 100
    assert len(re.findall(r'"kind":"accepted","network":"DIP","message":"IF-014"', text)) > 50


def test_the_example_mds_rides_out_its_webhook_down_for_a_window(tmp_path: Path) -> None:
    plan = tmp_path / "webhook.toml"
    plan.write_text(
        '[[fault]]\nkind = "webhook_down"\nparticipant = "MDS"\n'
        'window = "2026-03-02 09:00 to 2026-03-03 12:00"\n'
    )
    served, mds_err = _serve_with_mds(
        tmp_path, "--unavailable-calls", "5", serve_args=("--faults", str(plan))
    )
    assert served.returncode == 0, served.stdout + served.stderr + mds_err
    assert "verdict: OK" in served.stdout
    assert re.search(r"MDS outbound publication: \d+ calls, 5 errors", served.stdout)
