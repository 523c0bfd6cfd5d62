"""The mutation suite: every mutant of every path's steps is judged FAILED, rightly."""

from __future__ import annotations

from collections import Counter

import pytest

from market.checks import check_journal, format_verdict
from market.process.model import PATHS
from tests.checks.mutants import Journal, Mutant, bases, judged_correctly, mutants


@pytest.fixture(scope="module")
def every_mutant(rich_journal: Journal) -> list[Mutant]:
    found = bases(rich_journal)
    assert set(found) == set(PATHS), f"the base run takes only {sorted(found)}"
    for path, (mpan, base) in found.items():
        verdict = check_journal(base)
        assert verdict.ok, (path, mpan, format_verdict(verdict))
    return [m for path, (mpan, base) in found.items() for m in mutants(path, mpan, base)]


@pytest.mark.slow
def test_every_mutant_is_judged_failed_with_the_right_mpan_step_and_blame(
    every_mutant: list[Mutant],
) -> None:
    """Run with ``-s`` to see the count: 633 of 633 when this was written."""
    missed = [m for m in every_mutant if not judged_correctly(m, check_journal(m.events))]
    kinds = Counter(m.operator for m in every_mutant)
    summary = ", ".join(f"{operator} {count}" for operator, count in sorted(kinds.items()))
    judged = len(every_mutant) - len(missed)
    print(f"mutants judged correctly: {judged}/{len(every_mutant)} ({summary})")
    assert not [m.name for m in missed]
    assert set(kinds) == {
        "never sent",
        "lost",
        "late",
        "early",
        "readdressed",
        "duplicated",
        "wrong sender",
    }


def test_every_path_and_operator_has_mutants(every_mutant: list[Mutant]) -> None:
    """The suite covers every path; a step the base shows gets each operator that applies."""
    assert {m.path for m in every_mutant} == set(PATHS)
    t6 = {m.operator for m in every_mutant if m.name.startswith("RM-T T6 ")}
    assert t6 == {"never sent", "lost", "late", "readdressed", "wrong sender"}
