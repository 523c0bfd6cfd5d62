"""The CSS interface authenticates senders, and the verdict reports every forged CSS message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import attrs
import pytest

import market.networks.css
from actors.markets.default import build_market
from examples.byo.css_forger import css_forger
from market.byo.replace import replace_participants
from market.checks import check_journal, format_verdict
from market.checks.forgeries import css_forgeries
from market.cli.main import main
from market.kernel.broker import Broker
from market.kernel.directory import Directory
from market.kernel.ids import Role
from market.kernel.journal import Journal, event_to_dict
from market.kernel.queue import VirtualClock
from market.messages import css
from market.messages.rendering import render_payload
from market.networks.css_senders import CSS_SENDERS, SENDER_REFUSED, sender_refusal
from market.networks.dip_routing import MpanRoleMap, default_routes
from market.participant import ParticipantIdentity, Send
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.runtime.simulation import RunResult, Simulation, journal_dicts
from tests.checks.builders import IN, MPAN, JournalBuilder, journal

START = datetime(2026, 2, 26, 9, 0, tzinfo=UTC)
SSD = date(2026, 3, 2)
REGISTRATION = "3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10"


def _mpid(role: Role) -> str:
    """A made-up MPID per role (4 upper-case letters)."""
    return "".join(c for c in role.value if c.isalpha()).ljust(4, "X")[:4]


#: One participant of every role; two suppliers, so a supplier can try to speak as another.
IDENTITIES = {
    role: ParticipantIdentity(
        participant_id=f"{role.value}-1",
        role=role,
        mpid=None if role == Role.CENTRAL_SWITCHING_SERVICE else _mpid(role),
    )
    for role in Role
}
OTHER_SUPPLIER = ParticipantIdentity(participant_id="SUP-2", role=Role.SUPPLIER, mpid="OTHR")


def _broker() -> Broker:
    return Broker(
        directory=Directory([*IDENTITIES.values(), OTHER_SUPPLIER]),
        journal=Journal(),
        clock=VirtualClock(START),
        routes=default_routes(ees_always_on_if003=False),
        mpan_roles=MpanRoleMap(),
    )


def _sample(message_type: type[css.CssMessage], *, mpid: str) -> css.CssMessage:
    """A legitimately addressed ``message_type`` that names ``mpid`` as its own sender's MPID."""
    to_css: dict[str, Any] = {"mpan_core": MPAN, "to_role": Role.CENTRAL_SWITCHING_SERVICE}
    to_supplier: dict[str, Any] = {"mpan_core": MPAN, "to_role": Role.SUPPLIER, "to_mpid": "OTHR"}
    to_regs: dict[str, Any] = {
        "mpan_core": MPAN,
        "to_role": Role.REGISTRATION_SERVICE,
        "to_mpid": _mpid(Role.REGISTRATION_SERVICE),
    }
    switch: dict[str, Any] = {"css_registration_id": REGISTRATION}
    samples: dict[type[css.CssMessage], css.CssMessage] = {
        css.RegistrationRequest: css.RegistrationRequest(
            **to_css,
            gaining_supplier_mpid=mpid,
            requested_supply_start_date=SSD,
            request_reference="RR00000001",
        ),
        css.LossNotification: css.LossNotification(
            **to_supplier,
            **switch,
            gaining_supplier_mpid="LGSB",
            supply_start_date=SSD,
            objection_deadline=START,
        ),
        css.Objection: css.Objection(**to_css, **switch, losing_supplier_mpid=mpid, reason="DEBT"),
        css.SecuredActive: css.SecuredActive(
            **to_regs,
            **switch,
            gaining_supplier_mpid="LGSB",
            losing_supplier_mpid="OTHR",
            supply_start_date=SSD,
        ),
        css.RegistrationObjected: css.RegistrationObjected(**to_supplier, **switch, reason="DEBT"),
        css.RegistrationWithdrawal: css.RegistrationWithdrawal(
            **to_css, **switch, gaining_supplier_mpid=mpid, reason="CUSTOMER_CANCELLED"
        ),
        css.RegistrationWithdrawn: css.RegistrationWithdrawn(
            **to_regs,
            **switch,
            gaining_supplier_mpid="LGSB",
            losing_supplier_mpid="OTHR",
            reason="CUSTOMER_CANCELLED",
        ),
        css.LossWithdrawn: css.LossWithdrawn(
            **to_supplier, **switch, gaining_supplier_mpid="LGSB", reason="CUSTOMER_CANCELLED"
        ),
    }
    return samples[message_type]


def _subclasses(cls: type[css.CssMessage]) -> Iterator[type[css.CssMessage]]:
    for sub in cls.__subclasses__():
        if sub.__module__ == css.__name__:
            yield sub
            yield from _subclasses(sub)


MESSAGE_TYPES = sorted(set(_subclasses(css.CssMessage)), key=lambda cls: cls.message_name)


def _send(identity: ParticipantIdentity, message: css.CssMessage) -> Broker:
    broker = _broker()
    broker.accept_outbox(identity.participant_id, [Send(message)])
    return broker


def _kinds(broker: Broker) -> list[str]:
    return [event.kind for event in broker.journal]


def test_every_css_message_type_has_an_entitlement() -> None:
    """Each CssMessage type of the catalogue says who may send it (a new type needs a row)."""
    assert len(MESSAGE_TYPES) == 8
    assert {cls.message_name for cls in MESSAGE_TYPES} == set(CSS_SENDERS)


@pytest.mark.parametrize("message_type", MESSAGE_TYPES, ids=lambda cls: cls.message_name)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_only_the_entitled_role_may_send_each_css_message(
    message_type: type[css.CssMessage], role: Role
) -> None:
    """The entitled role's message is sent; every other role's is dead-lettered, never sent."""
    identity = IDENTITIES[role]
    message = _sample(message_type, mpid=identity.mpid or "NONE")
    broker = _send(identity, message)
    entitled = CSS_SENDERS[message_type.message_name].sender
    if role == entitled:
        assert _kinds(broker) == ["sent"]
        assert broker.pending == 1 and not broker.dead_letters
        return
    (event,) = broker.journal
    assert event.kind == "dead_lettered" and event.network == "CSS"
    assert (event.sender, event.message, event.mpan) == (
        identity.participant_id,
        message_type.message_name,
        MPAN,
    )
    reason = str(dict(event.detail or {})["reason"])
    who = "the CSS" if entitled == Role.CENTRAL_SWITCHING_SERVICE else "a supplier"
    assert reason.startswith(f"only {who} sends {message_type.message_name} (sent by {role}/")
    assert reason.endswith(f"; {SENDER_REFUSED}")
    assert [d.payload for d in broker.dead_letters] == [message]
    assert not broker.pending


@pytest.mark.parametrize(
    "message_type",
    [css.RegistrationRequest, css.Objection, css.RegistrationWithdrawal],
    ids=lambda cls: cls.message_name,
)
def test_a_supplier_may_not_speak_for_another_supplier(
    message_type: type[css.CssMessage],
) -> None:
    """A supplier's request naming another supplier's MPID is refused; its own is sent."""
    supplier = IDENTITIES[Role.SUPPLIER]
    assert _kinds(_send(supplier, _sample(message_type, mpid=str(supplier.mpid)))) == ["sent"]
    broker = _send(supplier, _sample(message_type, mpid="OTHR"))
    (event,) = broker.journal
    assert event.kind == "dead_lettered"
    field = CSS_SENDERS[message_type.message_name].own_mpid_field
    assert f"names {field} OTHR, not the sender's own MPID SUPX" in str(dict(event.detail or {}))


def test_a_suppliers_request_goes_only_to_the_css() -> None:
    """A registration request addressed to another supplier is refused, not delivered to it."""
    supplier = IDENTITIES[Role.SUPPLIER]
    request = attrs.evolve(
        _sample(css.RegistrationRequest, mpid=str(supplier.mpid)),
        to_role=Role.SUPPLIER,
        to_mpid="OTHR",
    )
    (event,) = _send(supplier, request).journal
    assert event.kind == "dead_lettered"
    assert "a supplier sends RegistrationRequest only to the CSS, not to SUP" in str(event.detail)


@attrs.frozen(kw_only=True, slots=True)
class MadeUpEvent(css.CssMessage):
    """A CSS message type the catalogue does not have."""

    message_name: ClassVar[str] = "MadeUpEvent"


def test_a_css_message_type_nobody_is_entitled_to_is_refused() -> None:
    """Not even the CSS may send a message type that has no entitlement (default: refuse)."""
    message = MadeUpEvent(mpan_core=MPAN, to_role=Role.SUPPLIER, to_mpid="OTHR")
    (event,) = _send(IDENTITIES[Role.CENTRAL_SWITCHING_SERVICE], message).journal
    assert event.kind == "dead_lettered"
    assert "no party sends MadeUpEvent on the CSS interface" in str(event.detail)


def test_the_rule_leaves_unknown_facts_unjudged() -> None:
    """With no role, MPID or addressee known (a journal need not say), nothing is refused."""
    items = {"gaining_supplier_mpid": "LGSB"}
    for message in CSS_SENDERS:
        assert sender_refusal(message, role=None, mpid=None, to_role=None, items=items) is None


def test_a_refused_forgery_is_a_dead_letter_the_checker_reports() -> None:
    """The refusal's journal line, as a journal file holds it, is read back as a refused forgery."""
    supplier = IDENTITIES[Role.SUPPLIER]
    broker = _send(supplier, _sample(css.SecuredActive, mpid="SUPX"))
    lines = [event_to_dict(event, render_payload) for event in broker.journal]
    (forgery,) = css_forgeries(lines)
    assert forgery.refused and forgery.sender == "SUP-1" and forgery.message == "SecuredActive"
    assert forgery.describe() == (
        f"SUP-1 sent SecuredActive for {MPAN}: only the CSS sends SecuredActive "
        "(sent by SUP/SUPX to REGS/REGS)"
    )


# ------------------------------------------------------------ the checker, on hand-made journals


def _refused(builder: JournalBuilder, sender: str, message: str, rule: str) -> None:
    """The line a refused forgery leaves, appended to ``builder``'s journal."""
    builder.add(
        "dead_lettered",
        network="CSS",
        message=message,
        sender=sender,
        detail={"reason": f"{rule}; {SENDER_REFUSED}"},
    )


def test_refused_forgeries_are_reported_and_the_verdict_stays_ok() -> None:
    """A clean reverse migration and two refused forgeries: OK, with a summary and a line each."""
    builder = JournalBuilder()
    journal(builder=builder)
    _refused(builder, "SUP-MHSB", "SecuredActive", "only the CSS sends SecuredActive")
    _refused(builder, "SUP-MHSB", "LossNotification", "only the CSS sends LossNotification")
    verdict = check_journal(builder.events)
    assert verdict.ok, format_verdict(verdict)
    assert format_verdict(verdict)[-4:] == [
        "CSS refused 2 forged messages (reported, not a failure): "
        "SUP-MHSB sent LossNotification ×1, SecuredActive ×1",
        f"forged CSS message refused: SUP-MHSB sent SecuredActive for {MPAN}: "
        "only the CSS sends SecuredActive",
        f"forged CSS message refused: SUP-MHSB sent LossNotification for {MPAN}: "
        "only the CSS sends LossNotification",
        "verdict: OK (MPANs checked: 1)",
    ]


def test_a_css_dead_letter_for_nobody_is_no_forgery() -> None:
    """A message refused for want of a recipient is not a forgery."""
    builder = JournalBuilder()
    journal(builder=builder)
    builder.add(
        "dead_lettered",
        network="CSS",
        message="LossNotification",
        sender="CSS",
        detail={"reason": "no CSS party is SUP/ZZZZ"},
    )
    assert css_forgeries(builder.events) == ()


def test_a_clean_journal_has_no_forgeries() -> None:
    """The legitimate flow (C1 from the gaining supplier under its own MPID ...) is no forgery."""
    assert css_forgeries(journal()) == ()


def test_a_delivered_forgery_fails_the_verdict() -> None:
    """A SecuredActive delivered from a supplier (its role known from a D-flow) fails, named."""
    builder = JournalBuilder()
    journal(builder=builder)
    builder.css(None, "SecuredActive", IN, "REGS-19", gaining_supplier_mpid="LGSB")
    verdict = check_journal(builder.events)
    assert not verdict.ok
    assert (
        f"forged CSS message delivered: SUP-LGSB sent SecuredActive for {MPAN} and REGS-19 "
        "received it: only the CSS sends SecuredActive"
    ) in format_verdict(verdict)


def test_a_delivered_request_under_another_mpid_is_a_forgery() -> None:
    """C1 naming a gaining supplier other than the sender's own MPID (from its D-flows) fails."""
    events = journal()
    request = next(e for e in events if e["message"] == "RegistrationRequest")
    request["css"] = {"gaining_supplier_mpid": "MHSB"}
    (forgery,) = css_forgeries(events)
    assert not forgery.refused and forgery.sender == IN
    assert forgery.rule == (
        "RegistrationRequest names gaining_supplier_mpid MHSB, not the sender's own MPID LGSB"
    )


def test_a_silent_forger_is_not_taken_for_the_css() -> None:
    """A sender seen only sending CSS events is not the CSS when parties address another one."""
    builder = JournalBuilder()
    journal(builder=builder)
    builder.css(None, "LossNotification", "SUP-QUIET", "SUP-MHSA")
    (forgery,) = css_forgeries(builder.events)
    assert forgery.rule == "only the CSS (CSS) sends LossNotification"


# ------------------------------------------------------------------- the attack, end to end


def _attack(monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[RunResult, str, str]:
    """Four MPANs (two never migrated); SUP-MHSB forges a SecuredActive and a LossNotification.

    With ``monkeypatch``, the CSS interface is the old one that trusted every sender.
    """
    if monkeypatch is not None:
        monkeypatch.setattr(market.networks.css, "sender_refusal", lambda *a, **k: None)
    setup = build_market(ScenarioSpec(seed=1, mpans=4, decisions=DecisionRates(legacy_mpan=0.5)))
    stolen = next(p.mpan_core for p in setup.population if not p.migrated)
    lost = next(p.mpan_core for p in setup.population if p.migrated)
    forger = css_forger(stolen_mpan=stolen, lost_mpan=lost)
    result = Simulation(replace_participants(setup, {"SUP-MHSB": forger})).run_sync()
    return result, stolen, lost


def test_forged_css_events_are_refused_journaled_and_reported() -> None:
    """Both forgeries are dead-lettered, never delivered; REGS registers nothing for the forger."""
    result, stolen, lost = _attack()
    events = journal_dicts(result.journal)
    refused = [e for e in events if e["kind"] == "dead_lettered" and e["network"] == "CSS"]
    assert [(e["sender"], e["message"], e["mpan"]) for e in refused] == [
        ("SUP-MHSB", "SecuredActive", stolen),
        ("SUP-MHSB", "LossNotification", lost),
    ]
    assert refused[0]["detail"]["reason"] == (
        f"only the CSS sends SecuredActive (sent by SUP/MHSB to REGS/RGSJ); {SENDER_REFUSED}"
    )
    assert refused[0]["css"]["gaining_supplier_mpid"] == "MHSB"
    from_forger = [e for e in events if e["sender"] == "SUP-MHSB" and e["network"] == "CSS"]
    assert all(e["kind"] == "dead_lettered" for e in from_forger)
    to_forger = {e["message"] for e in events if e.get("recipient") == "SUP-MHSB"}
    assert not to_forger & {"D0217", "D0311", "SecuredActive", "LossNotification"}
    registered = [e for e in events if (e.get("detail") or {}).get("event") == "switch_registered"]
    assert registered and all(e["detail"]["supplier"] != "MHSB" for e in registered)
    assert result.all_completed and len(result.outcomes) == 4
    assert result.verdict.ok
    lines = format_verdict(result.verdict)
    assert (
        "CSS refused 2 forged messages (reported, not a failure): "
        "SUP-MHSB sent LossNotification ×1, SecuredActive ×1"
    ) in lines
    assert (
        f"forged CSS message refused: SUP-MHSB sent SecuredActive for {stolen}: "
        "only the CSS sends SecuredActive (sent by SUP/MHSB to REGS/RGSJ)"
    ) in lines


def test_without_the_refusals_the_forged_effect_fails_the_verdict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mutant: a CSS that trusts every sender delivers both; REGS sends the forger D0217/D0311."""
    result, stolen, lost = _attack(monkeypatch)
    events = journal_dicts(result.journal)
    assert not [e for e in events if e["kind"] == "dead_lettered"]
    to_forger = [e for e in events if e["kind"] == "delivered" and e["recipient"] == "SUP-MHSB"]
    assert {"D0217", "D0311"} <= {e["message"] for e in to_forger}
    assert not result.verdict.ok
    lines = format_verdict(result.verdict)
    assert (
        f"forged CSS message delivered: SUP-MHSB sent SecuredActive for {stolen} and REGS-19 "
        "received it: only the CSS sends SecuredActive"
    ) in lines
    assert (
        f"forged CSS message delivered: SUP-MHSB sent LossNotification for {lost} and SUP-MHSA "
        "received it: only the CSS sends LossNotification"
    ) in lines
    # The forged deliveries edited out too, their effects alone still fail the verdict.
    effects_only = [e for e in events if not (e["network"] == "CSS" and e["sender"] == "SUP-MHSB")]
    assert not check_journal(effects_only).ok


def test_the_cli_reports_the_refused_forgeries_and_exits_ok(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`market run --participant SUP-MHSB=<forger>`: exit 0, the refusals in the verdict."""
    code = main(
        ["run", "--quiet", "--participant", "SUP-MHSB=examples.byo.css_forger:DefaultMarketForger"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "CSS refused 2 forged messages (reported, not a failure)" in out
    assert "verdict: OK" in out
