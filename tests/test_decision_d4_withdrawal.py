"""D4: a switch withdrawn at CSS after REGS issued its IF-003 needs manual intervention."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest

from actors.central.switching import CentralSwitchingService, SecuredSwitch
from actors.markets.default import build_market
from actors.markets.default_cast import CSS
from market.byo.participant_testing import bare_context, sent_messages
from market.checks import check_journal, format_verdict
from market.kernel.exceptions import ScenarioError
from market.kernel.ids import Role
from market.messages.css import LossWithdrawn, RegistrationWithdrawal, RegistrationWithdrawn
from market.process.options import ProcessOptions
from market.process.scenario_spec import DecisionRates, ScenarioSpec, spec_from_mapping
from market.runtime.simulation import Simulation, journal_dicts

MPAN = "1900000000013"


def _run(variants: dict[str, float], **decisions: float) -> tuple[Any, list[dict[str, Any]]]:
    spec = ScenarioSpec(seed=5, mpans=6, variants=variants, decisions=DecisionRates(**decisions))
    result = Simulation(build_market(spec)).run_sync()
    return result, journal_dicts(result.journal)


def _events(events: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in events if (e.get("detail") or {}).get("event") == name]


@pytest.mark.parametrize("variant", ["T", "A", "S"])
def test_a_withdrawn_reverse_migration_is_escalated_and_nothing_is_deappointed(
    variant: str,
) -> None:
    result, events = _run({variant: 1.0}, withdrawal=1.0)
    assert {outcome.path for outcome in result.outcomes} == {"WDR"}
    assert result.verdict.ok, format_verdict(result.verdict)
    escalated = {e["mpan"] for e in _events(events, "manual_intervention_required")}
    assert escalated == {outcome.mpan for outcome in result.outcomes}
    assert {case.mpan for case in result.verdict.manual_interventions} == escalated
    # The IF-003 notice went out before the withdrawal; no de-appointment and no agent follows.
    codes = {e["event_code"] for e in events if e["kind"] == "accepted"}
    assert "[ReverseMigNotification]" in codes
    assert not codes & {"[DSDeAppRM]", "[MSDeAppRM]"}
    assert not [e for e in events if e["kind"] == "delivered" and e["message"] == "D0155"]
    lines = format_verdict(result.verdict, noted_limit=None)
    assert sum("needs manual intervention (D4)" in line for line in lines) == len(escalated)
    capped = format_verdict(result.verdict, noted_limit=1)
    shown = [line for line in capped if line.startswith("manual intervention")]
    assert shown[0] == lines[lines.index(shown[0])]
    if len(escalated) > 1:
        assert shown[1:] == [
            f"manual intervention: ... and {len(escalated) - 1} more ({len(escalated)} in all)"
        ]


def test_a_withdrawn_legacy_change_of_supply_needs_no_intervention() -> None:
    result, events = _run({"T": 1.0}, withdrawal=1.0, legacy_mpan=1.0)
    assert {outcome.path for outcome in result.outcomes} == {"WDR"}
    assert result.verdict.ok, format_verdict(result.verdict)
    assert not _events(events, "manual_intervention_required")
    assert not result.verdict.manual_interventions
    assert len(_events(events, "switch_withdrawn")) == 12  # CSS's and REGS's, per MPAN


def test_without_withdrawals_the_runs_are_unchanged() -> None:
    result, events = _run({"T": 1.0})
    assert {outcome.path for outcome in result.outcomes} == {"RM-T"}
    assert not [e for e in events if e.get("message") == "RegistrationWithdrawal"]


@pytest.fixture(scope="module")
def withdrawn_journal() -> list[dict[str, Any]]:
    _, events = _run({"T": 1.0}, withdrawal=0.5)
    return events


def test_the_checker_flags_an_escalation_regs_never_made(
    withdrawn_journal: list[dict[str, Any]],
) -> None:
    assert check_journal(withdrawn_journal).ok
    hidden = [
        e
        for e in withdrawn_journal
        if (e.get("detail") or {}).get("event") != "manual_intervention_required"
    ]
    verdict = check_journal(hidden)
    assert not verdict.ok
    assert all("never escalated" in v.message for v in verdict.invariants)
    # The interventions are read from the messages, so hiding REGS's record hides none.
    assert verdict.manual_interventions == check_journal(withdrawn_journal).manual_interventions


def test_the_checker_flags_an_escalation_with_no_withdrawal(
    withdrawn_journal: list[dict[str, Any]],
) -> None:
    withdrawn = {case.mpan for case in check_journal(withdrawn_journal).manual_interventions}
    other = next(
        e["mpan"] for e in withdrawn_journal if e.get("mpan") and e["mpan"] not in withdrawn
    )
    model = _events(withdrawn_journal, "manual_intervention_required")[0]
    last = withdrawn_journal[-1]
    false_alarm = copy.deepcopy(model) | {"mpan": other, "at": last["at"], "seq": last["seq"] + 1}
    verdict = check_journal([*withdrawn_journal, false_alarm])
    assert [v.mpan for v in verdict.invariants] == [other]
    assert "no withdrawal followed an IF-003" in verdict.invariants[0].message


def test_the_checker_flags_a_withdrawal_that_never_reached_the_losing_supplier(
    withdrawn_journal: list[dict[str, Any]],
) -> None:
    lost = [
        e
        for e in withdrawn_journal
        if not (e["kind"] == "delivered" and e.get("message") == "LossWithdrawn")
    ]
    verdict = check_journal(lost)
    assert not verdict.ok
    assert any(" D4b " in f" {line} " for line in format_verdict(verdict))


def _secured_css() -> CentralSwitchingService:
    css = CentralSwitchingService(
        CSS,
        registered_supplier={MPAN: "LGSB"},
        registration_service_by_distributor={"19": "RGSJ"},
        options=ProcessOptions(),
    )
    css.secured[MPAN] = SecuredSwitch(
        css_registration_id="REG-1",
        gaining_supplier_mpid="LGSB",
        losing_supplier_mpid="MHSA",
        supply_start_date=date(2026, 3, 2),
    )
    return css


def _withdrawal(supplier: str = "LGSB", registration: str = "REG-1") -> RegistrationWithdrawal:
    return RegistrationWithdrawal(
        mpan_core=MPAN,
        to_role=Role.CENTRAL_SWITCHING_SERVICE,
        css_registration_id=registration,
        gaining_supplier_mpid=supplier,
        reason="CUSTOMER_CANCELLED",
    )


def test_css_withdraws_for_the_gaining_supplier_and_restores_the_losing_one() -> None:
    css = _secured_css()
    ctx = bare_context(css, at=datetime(2026, 2, 27, 16, 1, tzinfo=UTC))
    css.on_message(ctx, _withdrawal())
    assert css.registered_supplier[MPAN] == "MHSA"
    sent = sent_messages(ctx)
    assert [type(m).__name__ for m in sent] == ["RegistrationWithdrawn", "LossWithdrawn"]
    assert isinstance(sent[0], RegistrationWithdrawn) and sent[0].to_mpid == "RGSJ"
    assert isinstance(sent[1], LossWithdrawn) and sent[1].to_mpid == "MHSA"


@pytest.mark.parametrize(
    ("withdrawal", "at", "reason"),
    [
        (_withdrawal(supplier="MHSA"), datetime(2026, 2, 27, tzinfo=UTC), "only the gaining"),
        (_withdrawal(registration="REG-2"), datetime(2026, 2, 27, tzinfo=UTC), "no such"),
        (_withdrawal(), datetime(2026, 3, 2, 9, tzinfo=UTC), "supply start date has passed"),
    ],
)
def test_css_refuses_a_withdrawal_it_must_not_take(
    withdrawal: RegistrationWithdrawal, at: datetime, reason: str
) -> None:
    css = _secured_css()
    ctx = bare_context(css, at=at)
    css.on_message(ctx, withdrawal)
    assert css.registered_supplier[MPAN] == "LGSB"
    assert sent_messages(ctx) == []
    refused = [e for e in ctx.outbox if getattr(e, "event", None) == "withdrawal_refused"]
    assert refused and reason in str(refused[0])


def test_the_rate_is_a_probability() -> None:
    with pytest.raises(ScenarioError, match=r"decisions\.withdrawal = 1\.5"):
        spec_from_mapping({"decisions": {"withdrawal": 1.5}})
