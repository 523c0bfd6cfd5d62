"""Independent classification: the verdict never reads the step labels the simulation wrote."""

from __future__ import annotations

import random

import pytest

from market.checks import check_journal, format_verdict
from market.checks.classification import restamp
from tests.checks.mutants import Journal


def _relabelled(events: Journal, how: str) -> Journal:
    labels = [event.get("step") for event in events]
    random.Random(12).shuffle(labels)
    return [
        {**event, "step": None if how == "removed" else labels[index]}
        if how != "dropped"
        else {k: v for k, v in event.items() if k != "step"}
        for index, event in enumerate(events)
    ]


@pytest.mark.parametrize("how", ["removed", "scrambled", "dropped"])
def test_the_same_journal_without_its_step_labels_gets_the_same_verdict(
    rich_journal: Journal, how: str
) -> None:
    original = format_verdict(check_journal(rich_journal))
    assert original[-1] == "verdict: OK (MPANs checked: 80)"
    assert format_verdict(check_journal(_relabelled(rich_journal, how))) == original


def test_a_failing_journal_fails_alike_without_its_labels(rich_journal: Journal) -> None:
    """Remove one MPAN's D0086 to the outgoing supplier: the same finding, labels or not."""
    mpan = next(e["mpan"] for e in rich_journal if e.get("step") == "T6")
    out = next(
        e["recipient"]
        for e in rich_journal
        if e.get("message") == "LossNotification" and e.get("mpan") == mpan
    )
    broken = [
        e
        for e in rich_journal
        if not (e.get("mpan") == mpan and e.get("message") == "D0086" and e.get("recipient") == out)
    ]
    lines = format_verdict(check_journal(broken))
    assert any("never reached SUP(out)" in line and mpan in line for line in lines)
    assert format_verdict(check_journal(_relabelled(broken, "scrambled"))) == lines


def test_the_checkers_steps_agree_with_the_simulations_on_every_observed_event(
    rich_journal: Journal,
) -> None:
    """Two accounts of one journal: the broker's stamps and the checker's classification.

    A ``sent`` D0300 carries no data items in the journal, so the checker cannot tell
    an answer (T8r) from the dispute (T8) there; its delivery says which.
    """
    answers = 0
    for stamped, judged in zip(rich_journal, restamp(rich_journal), strict=True):
        if stamped["kind"] == "sent" and stamped.get("message") == "D0300":
            continue
        if stamped["kind"] in ("delivered", "accepted", "sent", "submitted"):
            assert judged.get("step") == stamped.get("step"), stamped
            answers += stamped.get("step") in ("T8r", "A6r", "S6r")
    assert answers > 0
