"""A real journal that takes every path and most optional steps, shared by the oracle's tests."""

from __future__ import annotations

import contextlib
import io

import pytest

from market.cli.main import main
from market.kernel.journal import read_journal_lines
from tests.checks.mutants import Journal

#: A small market that takes every path and most optional steps (disputes, rejections ...).
RICH_SCENARIO = """
[market]
seed = 11
mpans = 80
switch_days = 2
variants = { T = 0.4, A = 0.3, S = 0.3 }
[decisions]
legacy_mpan = 0.12
qualified_gainer = 0.12
objection = 0.08
agent_rejection = 0.1
reads_disagree = 0.3
no_customer_read = 0.1
supplier_data_update = 0.1
late_consumption = 0.1
withdrawal = 0.06
legacy_agents_unknown = 0.1
forward_migration = 0.5
related_mpan = 0.3
"""


@pytest.fixture(scope="session")
def rich_journal(tmp_path_factory: pytest.TempPathFactory) -> Journal:
    """The journal of :data:`RICH_SCENARIO` (judged OK), as dicts."""
    folder = tmp_path_factory.mktemp("rich")
    (folder / "market.toml").write_text(RICH_SCENARIO)
    journal = folder / "journal.jsonl"
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(
            ["run", "--quiet", "--scenario", str(folder / "market.toml"), "--journal", str(journal)]
        )
    assert code == 0
    return [dict(e) for e in read_journal_lines(journal.read_text().splitlines())]
