"""The design rules participants must keep, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ACTORS = Path(__file__).resolve().parent.parent / "actors"
MARKET = ACTORS.parent / "market"
#: Modules that define participants (a class with a ``role``); the others hold shared,
#: stateless building blocks (``support``) or assemble markets (``markets``).
ACTOR_MODULES = sorted(ACTORS.rglob("*.py"))


def _defines_a_participant(path: Path) -> bool:
    """Whether the module defines a class with an ``on_message`` handler."""
    return any(
        isinstance(node, ast.ClassDef)
        and any(isinstance(f, ast.FunctionDef) and f.name == "on_message" for f in node.body)
        for node in ast.walk(ast.parse(path.read_text()))
    )


PARTICIPANT_MODULES = [p for p in ACTOR_MODULES if _defines_a_participant(p)]


def _dotted(path: Path) -> str:
    return ".".join(path.relative_to(ACTORS.parent).with_suffix("").parts)


PARTICIPANT_MODULE_NAMES = {_dotted(p) for p in PARTICIPANT_MODULES}

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
        "actors.central.registration",
        "actors.legacy.supplier",
        "actors.central.switching",
    } <= PARTICIPANT_MODULE_NAMES


@pytest.mark.parametrize("module", PARTICIPANT_MODULES, ids=_dotted)
def test_no_participant_module_imports_another(module: Path) -> None:
    """Participants talk only through the broker: no participant module imports another."""
    imported = _imports(ast.parse(module.read_text()))
    assert not imported & PARTICIPANT_MODULE_NAMES


@pytest.mark.parametrize("module", ACTOR_MODULES, ids=_dotted)
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


#: Packages of plain Python: values and pure functions, tested without an event loop.
PURE_PACKAGES = [
    "kernel",
    "messages",
    "networks",
    "faults",
    "process",
    "checks",
    "teaching",
    "load",
]
PURE_MODULES = sorted(p for name in PURE_PACKAGES for p in (MARKET / name).rglob("*.py"))


def test_the_pure_packages_are_found() -> None:
    """The rule below has something to check: the broker and the journal are among them."""
    names = {str(p.relative_to(MARKET)) for p in PURE_MODULES}
    assert {"kernel/broker.py", "kernel/journal.py", "networks/dip.py"} <= names


@pytest.mark.parametrize("module", PURE_MODULES, ids=lambda p: str(p.relative_to(MARKET)))
def test_pure_kernel_modules_import_no_trio(module: Path) -> None:
    """Kernel, messages, networks, faults, process, checks and teaching import no trio."""
    assert not {n for n in _imports(ast.parse(module.read_text())) if n.startswith("trio")}
