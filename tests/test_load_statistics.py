"""Load-test measurements checked against a small hand-made journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from market.checks.progress import MpanOutcome
from market.kernel.journal import JournalEvent
from market.load.statistics import Latency, LoadTally, measure_load
from market.runtime.runtime import RunStatistics
from market.shards.merge import merged_statistics

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RM_MPAN = "1900000000001"
LEGACY_MPAN = "1900000000002"


def _event(seq: int, kind: str, at: timedelta, **fields: Any) -> JournalEvent:
    sent = fields.pop("sent", None)
    return JournalEvent(
        seq=seq,
        at=T0 + at,
        kind=kind,
        sent_at=None if sent is None else T0 + sent,
        **fields,
    )


#: One reverse migration (RM-T, completed at T7) and one legacy switch (COS-L, stuck).
JOURNAL = [
    _event(0, "delivered", timedelta(0), network="OUTSIDE", message="CustomerSigned", mpan=RM_MPAN),
    _event(
        1,
        "delivered",
        timedelta(seconds=1),
        sent=timedelta(0),
        network="CSS",
        message="RegistrationRequest",
        mpan=RM_MPAN,
        step="C1",
    ),
    _event(2, "submitted", timedelta(hours=1), network="DIP", message="IF-003", mpan=RM_MPAN),
    _event(
        3, "accepted", timedelta(hours=1), network="DIP", message="IF-003", mpan=RM_MPAN, step="C7"
    ),
    _event(
        4,
        "delivered",
        timedelta(hours=1, seconds=2),
        sent=timedelta(hours=1),
        network="DIP",
        message="PUB-003",
        mpan=RM_MPAN,
        step="C8",
    ),
    _event(5, "timer_fired", timedelta(hours=2), message="CosReadingCutOff", mpan=RM_MPAN),
    _event(
        6,
        "delivered",
        timedelta(hours=3, minutes=1),
        sent=timedelta(hours=3),
        network="DTN",
        message="D0155",
        mpan=RM_MPAN,
        step="C9",
    ),
    _event(
        7,
        "delivered",
        timedelta(days=2, minutes=1),
        sent=timedelta(days=2),
        network="DTN",
        message="D0019",
        mpan=RM_MPAN,
        step="T7",
    ),
    _event(8, "dead_lettered", timedelta(days=2), network="DTN", message="D0010", mpan=LEGACY_MPAN),
    _event(
        9,
        "delivered",
        timedelta(days=2, minutes=1),
        sent=timedelta(days=2),
        network="DTN",
        message="D0217",
        mpan=LEGACY_MPAN,
        step="C6",
    ),
]
OUTCOMES = [
    MpanOutcome(mpan=RM_MPAN, completed=True, observed=("C1", "C7", "C8", "C9", "T7"), path="RM-T"),
    MpanOutcome(mpan=LEGACY_MPAN, completed=False, observed=("C6",), last_step="C6", path="COS-L"),
]
STATISTICS = RunStatistics(
    batches=7,
    deliveries=9,
    wakeups=11,
    pending=0,
    stopped_at=T0 + timedelta(days=2, minutes=1),
    mailbox_high_water={"CSS": 1, "NHHDC-NDCE": 2},
)


def test_counts_throughput_and_messages_per_reverse_migration_match_the_journal() -> None:
    """Five market messages in two wall seconds; the RM's four messages; one dead letter."""
    report = measure_load(JOURNAL, STATISTICS, wall_seconds=2.0, outcomes=OUTCOMES)
    assert report.messages_delivered == 5  # the customer's stimulus and the timer do not count
    assert dict(report.messages_by_network) == {"DIP": 1, "DTN": 3, "CSS": 1}
    assert dict(report.messages_by_interface) == {"IF-003": 1, "PUB-003": 1}
    assert dict(report.messages_by_flow) == {"D0019": 1, "D0155": 1, "D0217": 1}
    assert dict(report.messages_by_css_message) == {"RegistrationRequest": 1}
    assert report.messages_per_second == 2.5
    assert (report.reverse_migrations, report.reverse_migrations_completed) == (1, 1)
    assert report.reverse_migrations_per_second == 0.5
    assert dict(report.messages_per_reverse_migration) == {
        "all": 4.0,
        "DIP": 1.0,
        "DTN": 2.0,
        "CSS": 1.0,
    }
    assert report.dead_letters == 1
    assert report.journal_events == 10
    assert {path: (c.mpans, c.completed) for path, c in report.paths.items()} == {
        "COS-L": (1, 0),
        "RM-T": (1, 1),
    }


def test_latencies_are_simulated_send_to_delivery_and_switch_to_completion() -> None:
    """Delivery latency per network from sent_at/at; switch → completion from C1 to T7."""
    report = measure_load(JOURNAL, STATISTICS, wall_seconds=2.0, outcomes=OUTCOMES)
    latency = report.delivery_latency
    assert latency["CSS"] == Latency(count=1, p50=1.0, p95=1.0, p99=1.0, max=1.0)
    assert latency["DIP"].p50 == 2.0
    assert latency["DTN"] == Latency(count=3, p50=60.0, p95=60.0, p99=60.0, max=60.0)
    assert latency["all"] == Latency(count=5, p50=60.0, p95=60.0, p99=60.0, max=60.0)
    completion = report.switch_to_completion
    two_days = timedelta(days=2, minutes=1).total_seconds()
    assert completion["RM-T"] == Latency(
        count=1, p50=two_days, p95=two_days, p99=two_days, max=two_days
    )
    assert completion["all"].count == 1  # the stuck COS-L switch has no completion time


def test_nearest_rank_percentiles() -> None:
    """p50/p95/p99 of 1..100 are 50, 95 and 99; an empty sample has no figures."""
    assert Latency.of(float(v) for v in range(100, 0, -1)) == Latency(
        count=100, p50=50.0, p95=95.0, p99=99.0, max=100.0
    )
    assert Latency.of([]) == Latency(count=0, p50=None, p95=None, p99=None, max=None)


def test_the_json_form_carries_the_documented_keys_and_the_same_numbers() -> None:
    """to_json has throughput, messages, outcomes, RMs, latencies, mailboxes, dead letters."""
    document = measure_load(JOURNAL, STATISTICS, wall_seconds=2.0, outcomes=OUTCOMES).to_json()
    assert set(document) == {
        "throughput",
        "messages",
        "outcomes",
        "reverse_migrations",
        "latency_seconds",
        "mailbox_high_water",
        "dead_letters",
        "runtime",
    }
    assert document["throughput"]["messages_per_s"] == 2.5
    assert document["mailbox_high_water"] == {"CSS": 1, "NHHDC-NDCE": 2}
    assert document["latency_seconds"]["delivery"]["DTN"]["p95"] == 60.0
    assert document["runtime"]["stopped_at"].startswith("2026-03-04T09:01:00")


def test_outcomes_are_read_from_the_journal_when_not_given() -> None:
    """Without outcomes the report judges paths from the journal itself."""
    report = measure_load(JOURNAL, STATISTICS, wall_seconds=1.0)
    assert report.reverse_migrations == 1
    assert report.messages_per_reverse_migration["all"] == pytest.approx(4.0)


def test_tallies_of_disjoint_mpans_merge_into_the_tally_of_both() -> None:
    first = [e for e in JOURNAL if e.mpan != LEGACY_MPAN]
    second = [e for e in JOURNAL if e.mpan == LEGACY_MPAN]
    assert first and second
    tallies = []
    for part in (first, second):
        tally = LoadTally()
        for event in part:
            tally.add(event)
        tallies.append(tally)
    whole = LoadTally()
    for event in JOURNAL:
        whole.add(event)
    merged = LoadTally.merged(tallies)
    assert (
        merged.report(OUTCOMES, STATISTICS, wall_seconds=2.0).to_json()
        == whole.report(OUTCOMES, STATISTICS, wall_seconds=2.0).to_json()
    )
    with pytest.raises(ValueError, match="in two tallies"):
        LoadTally.merged([tallies[0], tallies[0]])


def test_shard_statistics_merge_into_one_runs() -> None:
    later = datetime(2026, 3, 9, tzinfo=UTC)
    one = RunStatistics(
        batches=2,
        deliveries=10,
        wakeups=3,
        pending=0,
        stopped_at=T0,
        mailbox_high_water={"REGS-19": 4, "SUP-A": 1},
    )
    two = RunStatistics(
        batches=5,
        deliveries=7,
        wakeups=1,
        pending=1,
        stopped_at=later,
        mailbox_high_water={"REGS-19": 2, "SUP-B": 9},
    )
    assert merged_statistics([one, two]) == RunStatistics(
        batches=7,
        deliveries=17,
        wakeups=4,
        pending=1,
        stopped_at=later,
        mailbox_high_water={"REGS-19": 4, "SUP-A": 1, "SUP-B": 9},
    )
