"""The teaching views stay pure: no trio, no actors, so they run on any journal file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TEACHING = Path(__file__).resolve().parents[2] / "market" / "teaching"


@pytest.mark.parametrize("module", sorted(TEACHING.glob("*.py")), ids=lambda p: p.name)
def test_teaching_module_imports_neither_trio_nor_actors(module: Path) -> None:
    """Explanations, diagrams and reports are functions of the journal: no event loop needed."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not {name for name in imported if name.split(".")[0] in ("trio", "actors")}
    assert "market.runtime.simulation" not in imported and "market.runtime.runtime" not in imported
