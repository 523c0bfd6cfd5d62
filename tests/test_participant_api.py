"""The participant API: what ``market`` exports, and the context's message-building methods."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import mypy.api
import pytest

import market
import market.participant
from market import (
    D0011,
    D0155,
    M0,
    R0,
    Address,
    Context,
    FlowHeader,
    ParticipantIdentity,
    Role,
    ScenarioError,
    Send,
    SettlementCalendar,
    SSCandProfileClassNotification,
    SSCandProfileClassRequest,
)
from market.messages.dip import B013, B032

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
MPAN = "1900012345670"
SUPPLIER = Address(mpid="LGSB", role=Role.SUPPLIER)


class _FixedClock:
    now = NOW


def _context(*, dip_id: str | None = None, mpid: str | None = None) -> Context:
    identity = ParticipantIdentity(
        participant_id="NHHDC-NDCE", role=Role.NHH_DATA_COLLECTOR, dip_id=dip_id, mpid=mpid
    )
    return Context(
        identity, clock=_FixedClock(), calendar=SettlementCalendar(), rng=random.Random(0)
    )


def _request() -> SSCandProfileClassRequest:
    effective = datetime(2026, 3, 2, tzinfo=UTC)
    return SSCandProfileClassRequest(
        b032=B032(
            profile_class="1",
            profile_class_effective_from_date=effective,
            ssc="0393",
            ssc_effective_from_date=effective,
        )
    )


def _m0() -> M0:
    return M0(mpan_core=MPAN, distributor_dip_id="2500000019", gsp_group_id="_J")


def _accept(ctx: Context) -> D0011:
    return ctx.send_flow(
        D0011,
        to=SUPPLIER,
        mpan_core=MPAN,
        appointed_role=Role.NHH_DATA_COLLECTOR,
        effective_from_date=date(2026, 3, 9),
        contract_reference="DC-2026-0001",
    )


def test_submit_builds_the_envelope_from_this_participant_and_sends_it() -> None:
    """submit fills S1 with the sender's DIP ID, role, time and a fresh reference, and sends."""
    ctx = _context(dip_id="2200000019")
    envelope = ctx.submit(
        _request(), primary_recipients=("1800000001",), m0=_m0(), correlation_id="c-1"
    )
    s1 = envelope.common.s1
    assert (s1.sender_dip_id, s1.sender_role_id, s1.sender_timestamp) == (
        "2200000019",
        "NHHDC",
        NOW,
    )
    assert s1.sender_correlation_id == "c-1"
    assert s1.sender_unique_reference.endswith("R000000001")
    assert envelope.common.a0.primary_recipients == ("1800000001",)
    assert (envelope.interface_id, envelope.common.r0) == (_request().interface_id, None)
    assert ctx.take_outbox() == [Send(envelope)]


def test_each_submission_takes_the_next_reference() -> None:
    """Two submissions get references 1 and 2; an IF-026 carries the R0 block it is given."""
    ctx = _context(dip_id="2200000019")
    first = ctx.submit(_request(), primary_recipients=("1800000001",), m0=_m0())
    notification = SSCandProfileClassNotification(
        b032=_request().b032, b013=B013(css_registration_id="3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10")
    )
    second = ctx.submit(
        notification, primary_recipients=("1800000001",), m0=_m0(), r0=R0.accepted()
    )
    assert first.common.s1.sender_unique_reference.endswith("R000000001")
    assert second.common.s1.sender_unique_reference.endswith("R000000002")
    assert second.common.r0 == R0.accepted()
    assert ctx.next_reference() == 3


def test_submit_refuses_a_participant_without_a_dip_id() -> None:
    """A participant that is not a DIP user is told to get a DIP ID or send a D-flow."""
    ctx = _context(mpid="NDCE")
    with pytest.raises(ScenarioError, match="NHHDC-NDCE has no DIP ID, so it cannot submit IF-"):
        ctx.submit(_request(), primary_recipients=("1800000001",), m0=_m0())
    assert ctx.outbox == []


def test_send_flow_builds_the_flow_from_this_participant_and_sends_it() -> None:
    """send_flow's header carries the sender's MPID and role, the recipient and the MPAN."""
    ctx = _context(mpid="NDCE")
    flow = _accept(ctx)
    assert flow.header == FlowHeader(
        from_mpid="NDCE",
        from_role=Role.NHH_DATA_COLLECTOR,
        to_mpid="LGSB",
        to_role=Role.SUPPLIER,
        mpan_core=MPAN,
    )
    assert (flow.from_mpid, flow.to_role, flow.sender) == (
        "NDCE",
        Role.SUPPLIER,
        flow.header.sender,
    )
    assert flow.contract_reference == "DC-2026-0001"
    assert ctx.take_outbox() == [Send(flow)]


def test_send_flow_refuses_a_participant_without_an_mpid() -> None:
    """A participant with no MPID cannot use the DTN: the error names it and the flow."""
    ctx = _context(dip_id="2200000019")
    with pytest.raises(ScenarioError, match="NHHDC-NDCE has no MPID, so it cannot send D0011"):
        _accept(ctx)
    assert ctx.outbox == []


def test_forward_flow_readdresses_a_received_flow_from_this_participant() -> None:
    """forward_flow keeps the MPAN and items and puts this participant in the header."""
    received = _accept(_context(mpid="NDCF"))
    ctx = _context(mpid="NDCE")
    forwarded = ctx.forward_flow(received, to=Address(mpid="NMOF", role=Role.NHH_METER_OPERATOR))
    assert forwarded.items() == received.items()
    assert (forwarded.from_mpid, forwarded.to_mpid, forwarded.mpan_core) == ("NDCE", "NMOF", MPAN)
    assert ctx.take_outbox() == [Send(forwarded)]


def test_send_dip_request_signs_and_sends_the_body() -> None:
    """send_dip_request posts the rendered envelopes to their channel, signed, and sends it."""
    ctx = _context(dip_id="2200000019")
    envelope = ctx.submit(_request(), primary_recipients=("1800000001",), m0=_m0())
    request = ctx.send_dip_request([envelope])
    assert request.url.endswith(envelope.interface_id)
    assert request.header("x-dip-signature") is not None
    assert ctx.take_outbox() == [Send(envelope), Send(request)]


_SNIPPET = """
from datetime import date
from market import D0011, Address, Context, Role

def answer(ctx: Context) -> None:
    ctx.send_flow(
        D0011,
        to=Address(mpid="LGSB", role=Role.SUPPLIER),
        mpan_core="1900012345670",
        appointed_role=Role.NHH_DATA_COLLECTOR,
        effective_from_date={date},
        {reference},
    )
"""


def _mypy(tmp_path: Path, *, date_value: str, reference: str) -> tuple[str, int]:
    source = tmp_path / "snippet.py"
    source.write_text(textwrap.dedent(_SNIPPET.format(date=date_value, reference=reference)))
    stdout, _, status = mypy.api.run(
        ["--strict", "--cache-dir", str(tmp_path / "cache"), str(source)]
    )
    return stdout, status


@pytest.mark.slow
@pytest.mark.slow
def test_mypy_checks_the_data_items_of_send_flow(tmp_path: Path) -> None:
    """mypy passes a correct send_flow, and reports a misspelt item and a wrongly typed one."""
    good, status = _mypy(
        tmp_path, date_value="date(2026, 3, 9)", reference='contract_reference="C1"'
    )
    assert status == 0, good
    misspelt, status = _mypy(tmp_path, date_value="date(2026, 3, 9)", reference='contract_ref="C1"')
    assert status == 1
    assert 'Unexpected keyword argument "contract_ref"' in misspelt
    wrong_type, status = _mypy(
        tmp_path, date_value='"2026-03-09"', reference='contract_reference="C1"'
    )
    assert status == 1
    assert 'Argument "effective_from_date" to "send_flow"' in wrong_type


def test_every_top_level_name_is_listed_importable_and_documented_in_one_place() -> None:
    """market.__all__ is market.participant.__all__, and every name in it resolves."""
    assert sorted(market.__all__) == sorted(market.participant.__all__)
    assert len(set(market.__all__)) == len(market.__all__)
    for name in market.__all__:
        assert getattr(market, name) is getattr(market.participant, name)
    assert {"Participant", "Context", "ParticipantIdentity", "Role", "D0155"} <= set(market.__all__)
    assert D0155.flow_id == "D0155"


def test_importing_market_loads_neither_trio_nor_the_cli() -> None:
    """A participant author's ``import market`` stays light: no trio, no command line."""
    code = (
        "import sys, market; "
        "print(sorted(m for m in sys.modules if m == 'trio' or m.startswith('market.cli')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_participants_have_no_role_of_their_own() -> None:
    """The role lives only in the identity: the base class declares no ``role`` attribute."""
    assert not hasattr(market.Participant, "role")
