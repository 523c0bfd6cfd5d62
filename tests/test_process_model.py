"""The process model as data: step tables, the step classifier, paths and outcomes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from market.checks.progress import meter_variant, mpan_outcomes, observed_step, path_of
from market.kernel.ids import Role
from market.process.model import (
    PATH_STEPS,
    PATHS,
    STEPS_BY_ID,
    TERMINAL_STEPS,
    VARIANT_T_STEPS,
    classify_step,
    step_by_id,
    step_classifier,
)
from tests.checks.builders import IN, MPAN, OTHER_MPAN, OUT, JournalBuilder, rm_t_without

VARIANTS = {MPAN: "T", "A-MPAN": "A", "S-MPAN": "S"}
classify = step_classifier(VARIANTS.get)


def _dtn(sender: Role, recipient: Role, flow: str, mpan: str = MPAN) -> str | None:
    return classify(
        network="DTN",
        message=flow,
        event_code=None,
        sender_role=sender,
        recipient_role=recipient,
        mpan=mpan,
    )


def _dip(
    message: str, code: str, sender: Role, recipient: Role | None, mpan: str = MPAN
) -> str | None:
    return classify(
        network="DIP",
        message=message,
        event_code=code,
        sender_role=sender,
        recipient_role=recipient,
        mpan=mpan,
    )


def test_every_path_ends_in_required_terminal_steps_and_orders_only_its_own_steps() -> None:
    """Each path's terminal steps are required steps of it, and ``after`` names only its steps."""
    for path in PATHS:
        ids = {step.step_id for step in PATH_STEPS[path]}
        assert set(TERMINAL_STEPS[path]) <= {s.step_id for s in PATH_STEPS[path] if s.required}
        assert all(set(step.after) <= ids for step in PATH_STEPS[path])


def test_variant_t_steps_are_the_rm_t_path() -> None:
    """The name older callers import is the RM-T path, required steps C1 … T7 included."""
    assert VARIANT_T_STEPS is PATH_STEPS["RM-T"]
    required = [step.step_id for step in VARIANT_T_STEPS if step.required]
    assert required[:3] == ["C1", "C2", "C4"] and required[-1] == "T7"


def test_shared_step_ids_keep_one_meaning_with_the_variants_roles() -> None:
    """C9 is the same action on RM-T and RM-A, but appoints HH agents on RM-A."""
    assert STEPS_BY_ID["C9"].recipients == (Role.NHH_DATA_COLLECTOR, Role.NHH_METER_OPERATOR)
    rm_a = step_by_id("C9", "RM-A")
    assert rm_a.recipients == (Role.HH_DATA_COLLECTOR, Role.HH_METER_OPERATOR)
    assert rm_a.meaning == STEPS_BY_ID["C9"].meaning and rm_a.actor_party == "SUP(in)"
    assert step_by_id("T4", "COS-L").after == ("L2",) and STEPS_BY_ID["T4"].after == ("T3",)


def test_step_by_id_names_the_known_steps_when_a_path_lacks_one() -> None:
    """Asking OBJ for T7 raises KeyError listing the steps OBJ has."""
    with pytest.raises(KeyError, match="no step 'T7' on OBJ; known: C1, C2, C3, D3"):
        step_by_id("T7", "OBJ")


def test_step_text_is_filled_for_teaching() -> None:
    """Every step carries a timing rule, a meaning and a label with its event code."""
    step = STEPS_BY_ID["C14"]
    assert step.label == "C14 IF-003 [MSDeAppRM]"
    assert step.messages == ("IF-003", "PUB-003")
    assert step.timing and step.meaning
    assert STEPS_BY_ID["C10"].party == "NHHDC/NHHMOA/NHHDA"


def test_classifier_tells_t3_from_m1_by_the_mpans_variant() -> None:
    """The same D0150 from MSS to NHHMOA is T3 for a variant-T MPAN and M1 for variant S."""
    mss, mop = Role.SMART_METERING_SERVICE, Role.NHH_METER_OPERATOR
    assert _dtn(mss, mop, "D0150") == "T3"
    assert _dtn(mss, mop, "D0150", "S-MPAN") == "M1"
    assert _dtn(mss, mop, "D0150", "UNKNOWN-MPAN") == "T3"


def test_classifier_names_a_step_of_every_path() -> None:
    """RM-A, COS-L, COS-M and OBJ messages each get their own path's step id."""
    assert _dtn(Role.ADVANCED_METERING_SERVICE, Role.HH_METER_OPERATOR, "D0268", "A-MPAN") == "A3"
    assert _dtn(Role.NHH_METER_OPERATOR, Role.NHH_METER_OPERATOR, "D0170") == "L1"
    assert (
        _dip("PUB-034", "[DSAppSPResponse]", Role.ADVANCED_DATA_SERVICE, Role.REGISTRATION_SERVICE)
        == "B34d"
    )
    objection = classify(
        network="CSS",
        message="Objection",
        event_code=None,
        sender_role=Role.SUPPLIER,
        recipient_role=Role.CENTRAL_SWITCHING_SERVICE,
        mpan=MPAN,
    )
    assert objection == "C3"


def test_classifier_splits_the_notification_submission_from_its_publication() -> None:
    """IF-003 [ReverseMigNotification] is C7, its PUB-003 C8, whoever the DIP delivers to."""
    regs, ees = Role.REGISTRATION_SERVICE, Role.ELECTRICITY_ENQUIRY_SERVICE
    assert _dip("IF-003", "[ReverseMigNotification]", regs, None) == "C7"
    assert _dip("PUB-003", "[ReverseMigNotification]", regs, ees) == "C8"
    assert _dip("PUB-003", "[MSDeAppRM]", regs, ees) == "C14"
    assert _dip("PUB-026", "[AnyCode]", regs, Role.SUPPLIER) == "D10r"


def test_classifier_knows_nothing_of_messages_outside_the_process() -> None:
    """DIP responses, customer stimuli and unknown senders are no step."""
    assert _dip("DIP-RESPONSE", "[MSDeAppRM]", Role.REGISTRATION_SERVICE, None) is None
    assert _dtn(Role.NHH_DATA_COLLECTOR, Role.SUPPLIER, "D0004") is None
    none_sender = classify(
        network="OUTSIDE",
        message="CustomerSigned",
        event_code=None,
        sender_role=None,
        recipient_role=Role.SUPPLIER,
        mpan=MPAN,
    )
    assert none_sender is None


def test_default_classifier_treats_every_mpan_as_variant_t() -> None:
    """``classify_step`` (what the broker used before variants) stamps T3 for the MSS D0150."""
    stamp = classify_step(
        network="DTN",
        message="D0150",
        event_code=None,
        sender_role=Role.SMART_METERING_SERVICE,
        recipient_role=Role.NHH_METER_OPERATOR,
        mpan="S-MPAN",
    )
    assert stamp == "T3"


def test_classifier_refuses_an_unknown_variant() -> None:
    """A variant lookup answering something other than T, A, S or None is a setup error."""
    broken = step_classifier(lambda _mpan: "X")
    with pytest.raises(ValueError, match="must be T, A, S or None"):
        broken(
            network="DTN",
            message="D0150",
            event_code=None,
            sender_role=Role.SMART_METERING_SERVICE,
            recipient_role=Role.NHH_METER_OPERATOR,
            mpan=MPAN,
        )


def test_a_d0300_carrying_a_resolution_answers_the_dispute() -> None:
    """A D0300 stamped T8 is T8r when its items carry a resolution."""
    journal = JournalBuilder()
    journal.dtn("T8", "D0300", OUT, IN, dispute_reference="D1", resolution=None)
    journal.dtn("T8", "D0300", IN, OUT, dispute_reference="D1", resolution="AGREED")
    assert [observed_step(e) for e in journal.events] == ["T8", "T8r"]


@pytest.mark.parametrize(
    ("path", "build"),
    [
        ("RM-T", lambda b: b.dip("IF-003", "[ReverseMigNotification]", "REGS-19", [], step="C7")),
        (
            "RM-S",
            lambda b: b.dip("IF-003", "[MSDeAppRM]", "REGS-19", [], step="C14").dtn(
                "M1", "D0150", "MSS-MSSD", "NHHMOA-NMOF"
            ),
        ),
        ("COS-L", lambda b: b.dtn("C6", "D0217", "REGS-19", IN)),
        ("COS-M", lambda b: b.dip("IF-001", "[ChangeOfSupplier]", "REGS-19", [], step="B1")),
        ("OBJ", lambda b: b.css("C3", "Objection", OUT, "CSS")),
    ],
)
def test_path_of_reads_the_deciding_message(
    path: str, build: Callable[[JournalBuilder], object]
) -> None:
    """IF-003, D0217, IF-001 and an Objection each decide their path."""
    journal = JournalBuilder().css("C1", "RegistrationRequest", IN, "CSS")
    build(journal)
    assert path_of(journal.events) == path


def test_variant_a_shows_in_the_appointed_hh_agents_before_any_a_step() -> None:
    """An IF-003 MPAN whose D0155 appoints an HHDC is on RM-A."""
    journal = JournalBuilder().dip("IF-003", "[ReverseMigNotification]", "REGS-19", [], step="C7")
    journal.dtn("C9", "D0155", IN, "HHDC-HDCA", appointed_role="HHDC")
    assert meter_variant(journal.events) == "A"
    assert path_of(journal.events) == "RM-A"


def test_an_mpan_with_only_the_common_start_is_undecided() -> None:
    """C1 and C2 alone decide no path."""
    journal = JournalBuilder().css("C1", "RegistrationRequest", IN, "CSS")
    assert path_of(journal.css("C2", "LossNotification", "CSS", OUT).events) is None


def test_outcomes_of_an_objected_switch_and_a_stuck_reverse_migration() -> None:
    """OBJ completes at D3; an RM-T without T3 is stuck after C15 waiting for the MSS."""
    objected = JournalBuilder(OTHER_MPAN).css("C1", "RegistrationRequest", IN, "CSS")
    objected.css("C2", "LossNotification", "CSS", OUT).css("C3", "Objection", OUT, "CSS")
    objected.css("D3", "RegistrationObjected", "CSS", IN)
    outcomes = mpan_outcomes([*rm_t_without("T3", "T4", "T6", "T7"), *objected.events])
    stuck, done = outcomes
    assert done.describe() == f"{OTHER_MPAN}  OBJ completed (4 steps)"
    assert (done.completed, done.path, done.observed) == (True, "OBJ", ("C1", "C2", "C3", "D3"))
    assert stuck.describe() == f"{MPAN}  RM-T stuck after step C15, waiting for T3 D0150 from MSS"
    assert (stuck.completed, stuck.last_step, stuck.waiting_for) == (
        False,
        "C15",
        "T3 D0150 from MSS",
    )


def test_outcomes_include_expected_mpans_the_journal_never_mentions() -> None:
    """An MPAN that should have switched but shows nothing waits for the gaining supplier's C1."""
    (outcome,) = mpan_outcomes([], [MPAN])
    assert outcome.describe() == (
        f"{MPAN}  undecided stuck after step (none), "
        "waiting for C1 RegistrationRequest from SUP(in)"
    )
