"""Journal digests of the default run, every example and every shipped scenario and fault plan.

A refactor must leave them byte-identical. ``python tests/golden/digests.py``
prints what changed against ``tests/golden/digests.json``;
``--write`` records the current digests there (only when behaviour is meant to
change, and the commit says why). ``tests/golden/test_digests.py`` runs the check.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).with_name("digests.json")
HOOK = Path(__file__).with_name("hook.py")
MARKET = ["-m", "market.cli.main"]


def targets() -> dict[str, list[str]]:
    """Every recorded run: a name and the hook arguments that replay it."""
    runs: dict[str, list[str]] = {
        "market run": [*MARKET, "run", "--quiet"],
        "market run --variant A": [*MARKET, "run", "--quiet", "--variant", "A"],
        "market run --variant S": [*MARKET, "run", "--quiet", "--variant", "S"],
        "market run --variant mixed --mpans 40 --seed 3": [
            *MARKET,
            "run",
            "--quiet",
            "--variant",
            "mixed",
            "--mpans",
            "40",
            "--seed",
            "3",
        ],
        "market run --explore-schedule --seed 2": [
            *MARKET,
            "run",
            "--quiet",
            "--explore-schedule",
            "--seed",
            "2",
        ],
        "market run --participant SUP-MHSA=simple_supplier": [
            *MARKET,
            "run",
            "--quiet",
            "--participant",
            "SUP-MHSA=examples.byo.simple_supplier:SimpleOutgoingSupplier",
        ],
        "market run --faults mixed.toml --variant mixed --mpans 12": [
            *MARKET,
            "run",
            "--quiet",
            "--faults",
            "market/faults/mixed.toml",
            "--variant",
            "mixed",
            "--mpans",
            "12",
        ],
        "market run --profile bau-2024 --mpans 300": [
            *MARKET,
            "run",
            "--profile",
            "bau-2024",
            "--mpans",
            "300",
            "--no-signing",
        ],
        "market run --profile dip-outage-drain --mpans 200": [
            *MARKET,
            "run",
            "--profile",
            "dip-outage-drain",
            "--mpans",
            "200",
            "--no-signing",
        ],
        "market grade model_answer": [
            *MARKET,
            "grade",
            "examples/learner/model_answer.py:DataCollector",
        ],
    }
    for scenario in sorted((ROOT / "examples" / "scenarios").glob("*.toml")):
        rel = str(scenario.relative_to(ROOT))
        runs[f"market run --scenario {rel}"] = [*MARKET, "run", "--quiet", "--scenario", rel]
    for plan in sorted((ROOT / "examples" / "faults").glob("*.faults.toml")):
        rel = str(plan.relative_to(ROOT))
        args = [*MARKET, "run", "--quiet", "--faults", rel]
        scenario = plan.with_name(plan.name.replace(".faults.toml", ".scenario.toml"))
        if scenario.is_file():
            args += ["--scenario", str(scenario.relative_to(ROOT))]
        runs[f"market run --faults {rel}"] = args
    for script in sorted(ROOT.glob("examples/**/*.py")):
        # Participants to import, and the external system market serve is run against
        # (a server, digested through its tests), are not scripts.
        modules = ("byo", "learner", "own_participant", "external")
        if script.name.startswith("_") or script.parent.name in modules:
            continue
        rel = str(script.relative_to(ROOT))
        runs[f"python {rel}"] = [rel]
    return runs


def _record(name_args: tuple[str, list[str]]) -> tuple[str, object]:
    name, args = name_args
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "digests.json"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
        done = subprocess.run(
            [sys.executable, str(HOOK), str(out), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        digests = json.loads(out.read_text()) if out.is_file() else []
    return name, {"exit": done.returncode, "journals": digests}


def record_all() -> dict[str, object]:
    """Run every target (two at a time) and return its exit status and journal digests."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(sorted(pool.map(_record, targets().items())))


def differences(recorded: dict[str, object], now: dict[str, object]) -> list[str]:
    """One line per target whose digests or exit status differ (or that is new or gone)."""
    lines = []
    for name in sorted(recorded.keys() | now.keys()):
        if recorded.get(name) != now.get(name):
            lines.append(f"{name}: recorded {recorded.get(name)}, now {now.get(name)}")
    return lines


def _render(runs: dict[str, object]) -> str:
    """One target per line, so a diff shows exactly which runs changed."""
    rows = [f"  {json.dumps(name)}: {json.dumps(value)}" for name, value in runs.items()]
    return "{\n" + ",\n".join(rows) + "\n}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="record the current digests")
    args = parser.parse_args()
    now = record_all()
    if args.write:
        RECORDED.write_text(_render(now))
        print(f"recorded {len(now)} runs in {RECORDED.relative_to(ROOT)}")
        return 0
    changed = differences(json.loads(RECORDED.read_text()), now)
    print("\n".join(changed) if changed else f"all {len(now)} runs byte-identical")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
