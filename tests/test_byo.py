"""Bring your own participant: replacement by id or role, DIP-JSON participants, bugs caught."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from actors.markets.default import build_market, default_market
from market.byo.dip_json import DipJsonParticipant
from market.byo.replace import describe_replacements, parse_replacement, replace_participants
from market.checks import format_verdict
from market.cli.main import main
from market.kernel.exceptions import ScenarioError
from market.kernel.ids import Role
from market.messages.dtn import D0011, D0155, Address
from market.participant import Context, Participant
from market.process.options import ProcessOptions
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import RunResult, Simulation, journal_dicts


class LazyCollector(Participant):
    """A user's data collector with a bug: it accepts appointments, then does nothing."""

    def on_message(self, ctx: Context, message: object) -> None:
        """Accept D0155; ignore everything else (the bug)."""
        if isinstance(message, D0155):
            ctx.send_flow(
                D0011,
                to=Address(mpid=message.supplier_mpid, role=Role.SUPPLIER),
                mpan_core=message.mpan_core,
                appointed_role=message.appointed_role,
                effective_from_date=message.effective_from_date,
                contract_reference=message.contract_reference,
            )


def test_replacing_by_id_keeps_the_identity_and_says_who_plays_it() -> None:
    """The user's class takes the built-in participant's identity; the swap is described."""
    setup = default_market(mpans=1)
    replaced = replace_participants(setup, {"NHHDC-NDCE": LazyCollector})
    (player,) = [p for p in replaced.participants if p.participant_id == "NHHDC-NDCE"]
    assert isinstance(player, LazyCollector)
    assert describe_replacements(replaced, setup.participants) == [
        f"NHHDC-NDCE played by {LazyCollector.__module__}:LazyCollector"
    ]


def test_replacing_by_role_replaces_every_participant_of_that_role() -> None:
    """A role target (NHHDC) replaces every NHH data collector in the market."""
    replaced = replace_participants(default_market(mpans=1), {"NHHDC": LazyCollector})
    collectors = [p for p in replaced.participants if p.identity.role == Role.NHH_DATA_COLLECTOR]
    assert len(collectors) == 3 and all(isinstance(p, LazyCollector) for p in collectors)


def test_an_unknown_target_is_refused_with_the_known_ids() -> None:
    """A target nobody matches is an error listing the participant ids."""
    with pytest.raises(ScenarioError, match="no participant has that id or role; ids: ADS-ADSE"):
        replace_participants(default_market(mpans=1), {"NHHDC-XXXX": LazyCollector})
    with pytest.raises(ScenarioError, match=r"TARGET=package\.module:Class"):
        parse_replacement("NHHDC-NDCE")


def test_a_buggy_user_participant_is_caught_and_named_by_the_checkers() -> None:
    """The lazy collector never settles the read: the verdict says the MPAN waits on it."""
    setup = replace_participants(default_market(mpans=1), {"NHHDC-NDCE": LazyCollector})
    result = Simulation(setup).run_sync()
    assert not result.verdict.ok
    report = " ".join(format_verdict(result.verdict))
    assert "waiting for T6 D0086 from NHHDC (owed by NHHDC-NDCE)" in report


class DictOnlyDataService:
    """DIP-JSON logic for an outgoing SDS: on [DSDeAppRM] it stops the MDR (IF-063), as dicts."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.count = 0

    def on_publication(
        self, publication: Mapping[str, Any], now: str
    ) -> Sequence[Mapping[str, Any]]:
        """Answer a DS de-appointment with IF-063 [MDRStop]; ignore the rest."""
        common = publication["CommonBlock"]
        self.seen.append(common["S0"]["eventCode"])
        if common["S0"]["eventCode"] != "[DSDeAppRM]":
            return []
        self.count += 1
        effective_to = publication["CustomBlock"]["B009"]["dataServiceEffectiveToDate"]
        day = now[:10].replace("-", "")
        reference = f"S-IF-063-1400000201-SDS-{day}-J{self.count}"
        return [
            {
                "CommonBlock": {
                    "S0": {
                        "interfaceID": "IF-063",
                        "schemaVersion": "011",
                        "eventCode": "[MDRStop]",
                    },
                    "S1": {
                        "environmentTag": "SIT",
                        "subText": None,
                        "senderUniqueReference": reference,
                        "senderTimestamp": now,
                        "senderDIPID": "1400000201",
                        "senderRoleID": "SDS",
                        "senderCorrelationID": None,
                        "DIPConnectionProviderID": None,
                    },
                    "A0": {
                        "primaryRecipients": ["1600000001"],
                        "secondaryRecipients": [],
                        "always": [],
                    },
                    "M0": common["M0"],
                },
                "CustomBlock": {
                    "B083": {
                        "assignedMDRDIPID": "1600000001",
                        "assignedMDRMPID": "MDRA",
                        "assignedMDREffectiveToDate": effective_to,
                    }
                },
            }
        ]


def _run_dict_only_sds(options: ProcessOptions) -> tuple[RunResult, DictOnlyDataService]:
    setup = build_market(ScenarioSpec(seed=3, mpans=2, variants={"S": 1.0}, options=options))
    logic = DictOnlyDataService()

    class JsonDataService(DipJsonParticipant):
        @classmethod
        def replacing(cls, built_in: Participant) -> JsonDataService:
            return cls(built_in.identity, logic)

    return Simulation(replace_participants(setup, {"SDS-SDSC": JsonDataService})).run_sync(), logic


def test_a_dip_json_participant_drives_logic_that_only_handles_dicts() -> None:
    """A dict-only SDS stands in for the built-in one; its IF-063 reaches the MDR; RM-S conforms.

    The outgoing SDS takes part only with the smart_outgoing_ds_lane option (the map has no lane).
    """
    result, logic = _run_dict_only_sds(ProcessOptions(smart_outgoing_ds_lane=True))
    events = journal_dicts(result.journal)
    stops = [e for e in events if e["kind"] == "delivered" and e["message"] == "PUB-063"]
    assert len(stops) == 2 and {e["recipient"] for e in stops} == {"MDR-MDRA"}
    assert "[DSDeAppRM]" in logic.seen
    assert result.verdict.ok, format_verdict(result.verdict)


def test_an_outgoing_sds_acting_without_a_lane_is_flagged() -> None:
    """Under the map's default, a de-appointed SDS that still sends IF-063 fits no step."""
    result, _ = _run_dict_only_sds(ProcessOptions())
    assert not result.verdict.ok
    assert any("unexpected step S1 IF-063" in line for line in format_verdict(result.verdict))


def test_the_cli_plays_a_participant_with_a_user_class(capsys: pytest.CaptureFixture[str]) -> None:
    """--participant TARGET=module:Class swaps the participant and reports the verdict."""
    code = main(["run", "--quiet", "--participant", "NHHDC-NDCE=tests.test_byo:LazyCollector"])
    captured = capsys.readouterr()
    assert code == 1
    assert "NHHDC-NDCE played by tests.test_byo:LazyCollector" in captured.err
    assert "owed by NHHDC-NDCE" in captured.out
