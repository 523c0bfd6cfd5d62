"""The whole variant-T reverse migration emerges from independent participants."""

from __future__ import annotations

from market.byo.testing import steps_in_order
from market.process.model import STEPS_BY_ID, VARIANT_T_STEPS
from market.runtime.simulation import RunResult, journal_dicts

#: What one MPAN's variant-T reverse migration must show, message by message (brief c.6).
EXPECTED_MESSAGES = [
    ("CSS", "RegistrationRequest", None, "SUP-LGSB", "CSS"),
    ("CSS", "LossNotification", None, "CSS", "SUP-MHSA"),
    ("CSS", "SecuredActive", None, "CSS", "REGS-19"),
    ("DTN", "D0217", None, "REGS-19", "SUP-LGSB"),
    ("DIP", "PUB-003", "[ReverseMigNotification]", "DIP", "MDS"),
    ("DIP", "PUB-003", "[ReverseMigNotification]", "DIP", "LDSO-19"),
    ("DIP", "PUB-003", "[ReverseMigNotification]", "DIP", "SUP-MHSA"),
    ("DTN", "D0155", None, "SUP-LGSB", "NHHDC-NDCE"),
    ("DTN", "D0155", None, "SUP-LGSB", "NHHMOA-NMOF"),
    ("DTN", "D0153", None, "SUP-LGSB", "NHHDA-NDAG"),
    ("DTN", "D0011", None, "NHHDC-NDCE", "SUP-LGSB"),
    ("DTN", "D0011", None, "NHHMOA-NMOF", "SUP-LGSB"),
    ("DTN", "D0011", None, "NHHDA-NDAG", "SUP-LGSB"),
    ("DTN", "D0148", None, "SUP-LGSB", "NHHDC-NDCE"),
    ("DTN", "D0205", None, "SUP-LGSB", "REGS-19"),
    ("DTN", "D0209", None, "REGS-19", "NHHDA-NDAG"),
    ("DIP", "PUB-003", "[MSDeAppRM]", "DIP", "MSS-MSSD"),
    ("DIP", "PUB-003", "[DSDeAppRM]", "DIP", "SDS-SDSC"),
    ("DTN", "D0150", None, "MSS-MSSD", "NHHMOA-NMOF"),
    ("DTN", "D0150", None, "NHHMOA-NMOF", "NHHDC-NDCE"),
    ("DTN", "D0150", None, "NHHMOA-NMOF", "SUP-LGSB"),
    ("DTN", "D0150", None, "NHHMOA-NMOF", "LDSO-19"),
    ("DTN", "D0010", None, "SDS-SDSC", "NHHDC-NDCE"),
    ("DTN", "D0010", None, "SUP-LGSB", "NHHDC-NDCE"),
    ("DTN", "D0086", None, "NHHDC-NDCE", "SUP-LGSB"),
    ("DTN", "D0086", None, "NHHDC-NDCE", "SUP-MHSA"),
    ("DTN", "D0019", None, "NHHDC-NDCE", "NHHDA-NDAG"),
    # appended so that the order indices below stay put:
    ("DTN", "D0302", None, "SUP-LGSB", "NHHDA-NDAG"),  # C11a: the DA gets the customer too
    ("DTN", "D0172", None, "REGS-19", "SUP-LGSB"),  # C13a: REGS confirms the D0205
]


def test_every_mpan_completes(default_run: RunResult) -> None:
    """Each of the default market's switches ends as a completed reverse migration."""
    assert len(default_run.outcomes) == 3
    assert default_run.all_completed, [o.describe() for o in default_run.outcomes]


def test_each_expected_message_is_delivered_in_the_order_of_brief_c6(
    default_run: RunResult,
) -> None:
    """Every message of the c.6 sequence is delivered, in that order, for every MPAN."""
    events = journal_dicts(default_run.journal)
    for outcome in default_run.outcomes:
        delivered = [
            (e["network"], e["message"], e["event_code"], e["sender"], e["recipient"])
            for e in events
            if e["kind"] == "delivered" and e["mpan"] == outcome.mpan
        ]
        positions = []
        for expected in EXPECTED_MESSAGES:
            assert expected in delivered, f"{outcome.mpan}: {expected} never delivered"
            positions.append(delivered.index(expected))
        order = [
            EXPECTED_MESSAGES[i] for i in sorted(range(len(positions)), key=positions.__getitem__)
        ]
        # Reads and MTDs travel independently; every *process* constraint is checked below,
        # so compare only the chain of causes that must be strictly ordered.
        for earlier, later in [
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 7),
            (10, 14),
            (14, 15),
            (14, 16),
            (16, 18),
            (18, 19),
            (17, 22),
            (23, 24),
            (24, 26),
        ]:
            assert positions[earlier] < positions[later], (outcome.mpan, order)


def test_every_step_follows_the_steps_it_depends_on(default_run: RunResult) -> None:
    """Each observed step comes after all the steps the process model says must precede it."""
    events = journal_dicts(default_run.journal)
    for outcome in default_run.outcomes:
        seen = steps_in_order(events, outcome.mpan)
        for index, step_id in enumerate(seen):
            for before in STEPS_BY_ID[step_id].after:
                assert before in seen[:index], f"{outcome.mpan}: {step_id} came before {before}"
        required = {s.step_id for s in VARIANT_T_STEPS if s.required}
        assert required <= set(seen)


def test_pub003_carries_the_regime_end_date_the_day_before_ssd(default_run: RunResult) -> None:
    """PUB-003 [ReverseMigNotification] carries MHHSRegimeEndDate = SSD − 1, before SSD."""
    lines = [
        line
        for line in default_run.journal.lines()
        if '"kind":"delivered"' in line
        and '"message":"PUB-003"' in line
        and "ReverseMigNotification" in line
    ]
    assert lines
    assert all('"MHHSRegimeEndDate":"2026-03-01T00:00:00+00:00"' in line for line in lines)
    assert all('"supplierEffectiveFromDate":"2026-03-02T00:00:00+00:00"' in line for line in lines)


def test_deappointments_name_the_incoming_legacy_agents(default_run: RunResult) -> None:
    """With the default flag REGS waits for D0205, so B095/B096 name the legacy MOP and DC."""
    publications = [
        line
        for line in default_run.journal.lines()
        if '"kind":"delivered"' in line and '"message":"PUB-003"' in line
    ]
    ms = [line for line in publications if "[MSDeAppRM]" in line]
    ds = [line for line in publications if "[DSDeAppRM]" in line]
    assert ms and all('"ReverseMigrationIncomingMOPMPID":"NMOF"' in line for line in ms)
    assert ds and all('"ReverseMigrationIncomingDCMPID":"NDCE"' in line for line in ds)


def test_both_suppliers_agree_the_change_of_supply_reading(default_run: RunResult) -> None:
    """The outgoing supplier's closing read matches the DC's settled read, so no dispute arises."""
    events = journal_dicts(default_run.journal)
    agreed = [
        e
        for e in events
        if e["kind"] == "state_changed" and e["detail"]["event"] == "cos_reading_agreed"
    ]
    assert {e["mpan"] for e in agreed} == {o.mpan for o in default_run.outcomes}
    assert not [e for e in events if e["message"] == "D0300"]
