"""The design rules participants must keep, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ACTORS = Path(__file__).resolve().parent.parent / "actors"
MARKET = ACTORS.parent / "market"
#: Modules that define participants (a class with a ``role``); the others hold shared,
#: stateless building blocks (``support``) or assemble markets (``markets``).
PARTICIPANT_MODULES = sorted(
    p for p in ACTORS.glob("*.py") if "role: ClassVar[Role]" in p.read_text()
)
PARTICIPANT_MODULE_NAMES = {f"actors.{p.stem}" for p in PARTICIPANT_MODULES}
ACTOR_MODULES = sorted(ACTORS.glob("*.py"))

#: Calls that read the wall clock, use the global random stream, or really sleep.
FORBIDDEN_CALLS = {
    ("time", "time"),
    ("time", "monotonic"),
    ("time", "sleep"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("date", "today"),
    ("datetime", "utcnow"),
    ("trio", "sleep"),
    ("trio", "current_time"),
    ("random", "random"),
    ("random", "randint"),
    ("random", "choice"),
    ("random", "shuffle"),
    ("random", "randrange"),
    ("random", "uniform"),
}


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_participant_modules_are_found() -> None:
    """The rule below has something to check: the built-in participant modules are found."""
    assert {
        "actors.registration",
        "actors.legacy_supplier",
        "actors.switching",
    } <= PARTICIPANT_MODULE_NAMES


@pytest.mark.parametrize("module", PARTICIPANT_MODULES, ids=lambda p: p.name)
def test_no_participant_module_imports_another(module: Path) -> None:
    """Participants talk only through the broker: no participant module imports another."""
    imported = _imports(ast.parse(module.read_text()))
    assert not imported & PARTICIPANT_MODULE_NAMES


@pytest.mark.parametrize("module", ACTOR_MODULES, ids=lambda p: p.name)
def test_participants_read_no_wall_clock_and_no_global_random(module: Path) -> None:
    """Participants take time and randomness only from their context (ctx.now, ctx.rng)."""
    tree = ast.parse(module.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name):
                assert (owner.id, node.func.attr) not in FORBIDDEN_CALLS, (
                    f"{module.name}:{node.lineno} calls {owner.id}.{node.func.attr}"
                )
                if (owner.id, node.func.attr) == ("random", "Random"):
                    assert node.args, f"{module.name}:{node.lineno} makes an unseeded Random()"


def test_market_never_imports_actors() -> None:
    """The kernel does not depend on the participants (dependency runs actors → market)."""
    for module in MARKET.rglob("*.py"):
        imported = _imports(ast.parse(module.read_text()))
        assert not {n for n in imported if n.startswith("actors")}, module.name


PURE_MODULES = [
    "ids.py",
    "local_time.py",
    "settlement_calendar.py",
    "journal.py",
    "process_model.py",
    "broker.py",
    "dip_routing.py",
    "directory.py",
    "dip_gateway.py",
    "dip/signing.py",
    "dip/schema.py",
]


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_kernel_modules_import_no_trio(name: str) -> None:
    """Identifiers, calendar, journal, checks and the broker core are plain Python, no trio."""
    assert "trio" not in _imports(ast.parse((MARKET / name).read_text()))
