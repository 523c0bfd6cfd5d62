"""Tests of SettlementAggregator with the simulator's pytest fixtures: copy them for yours.

``market_run`` and ``participant_context`` come with the package (a pytest plugin), so
nothing needs importing to use them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from examples.own_participant.aggregator import SettlementAggregator
from market import D0011, D0153, Context, FlowHeader, ParticipantIdentity, Role
from market.byo.participant_testing import ParticipantRun, sent_messages

IDENTITY = ParticipantIdentity(
    participant_id="NHHDA-NDAG", role=Role.NHH_DATA_AGGREGATOR, mpid="NDAG", name="my aggregator"
)


def test_every_reverse_migration_completes_with_my_aggregator(
    market_run: Callable[..., ParticipantRun],
) -> None:
    """Three switches through the whole market, NHHDA-NDAG played by SettlementAggregator."""
    run = market_run({"NHHDA-NDAG": SettlementAggregator}, mpans=3)
    assert run.ok, run.summary()
    assert run.played == ("NHHDA-NDAG",)
    assert run.messages_sent().count("D0011") == 3  # one acceptance per appointment
    assert {"D0153", "D0148", "D0209", "D0019"} <= set(run.messages_received())


def test_an_appointment_is_accepted_with_d0011_to_the_supplier(
    participant_context: Callable[..., Context],
) -> None:
    """One handler, no market: a D0153 is answered with one D0011 naming the same contract."""
    aggregator = SettlementAggregator(IDENTITY)
    ctx = participant_context(aggregator)
    appointment = D0153(
        FlowHeader(
            from_mpid="LGSB",
            from_role=Role.SUPPLIER,
            to_mpid="NDAG",
            to_role=Role.NHH_DATA_AGGREGATOR,
            mpan_core="1900000000013",
        ),
        appointed_role=Role.NHH_DATA_AGGREGATOR,
        effective_from_date=date(2026, 3, 5),
        supplier_mpid="LGSB",
        gsp_group_id="_J",
        contract_reference="C00000001",
    )
    aggregator.on_message(ctx, appointment)
    (accepted,) = sent_messages(ctx)
    assert isinstance(accepted, D0011)
    assert (accepted.to_mpid, accepted.to_role) == ("LGSB", Role.SUPPLIER)
    assert accepted.contract_reference == "C00000001"
    assert accepted.effective_from_date == date(2026, 3, 5)
