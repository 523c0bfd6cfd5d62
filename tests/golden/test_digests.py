"""The recorded journal digests still hold: code moves and refactors keep behaviour."""

from __future__ import annotations

import json

import pytest

from tests.golden.digests import RECORDED, differences, record_all


@pytest.mark.slow
def test_every_recorded_run_gives_the_recorded_journals() -> None:
    """Default run, examples, shipped scenarios and fault plans: same exit, same digests."""
    assert differences(json.loads(RECORDED.read_text()), record_all()) == []


def test_a_changed_digest_is_reported() -> None:
    """The comparison names a run whose journal changed, and one that is new."""
    recorded = {"a": {"exit": 0, "journals": [["00", 1]]}}
    now = {"a": {"exit": 0, "journals": [["01", 1]]}, "b": {"exit": 1, "journals": []}}
    changed = differences(recorded, now)
    assert [line.split(":")[0] for line in changed] == ["a", "b"]
