"""The switching process as data: each path's steps, who sends what to whom, in what order.

Each MPAN that switches follows one *path* of ``docs/message-flows.md`` (the
contract between participants and checkers): a reverse migration for meter
variant T, A or S (``RM-T``, ``RM-A``, ``RM-S``), a legacy change of supply
(``COS-L``), an MHHS change of supply (``COS-M``) or an objected switch
(``OBJ``). The tables below mirror that file; each row becomes a :class:`Step`.

A step id names one action wherever it appears: ``C9`` is "the incoming
supplier appoints its data collector and meter operator" on every path that
has it. Where the action is the same but the roles are the variant's own (the
HH agents of ``RM-A``) or its predecessors differ (``T4`` follows ``L2`` on
``COS-L``, ``T3`` on ``RM-T``), each path holds its own :class:`Step` under the
shared id: :data:`STEPS_BY_ID` has the first definition, :func:`step_by_id`
the one of a given path.

:func:`step_classifier` builds the function the broker stamps every journal
event's ``step`` with; :func:`path_of`, :func:`progress_of` and
:func:`mpan_outcomes` read journals with the tables. Judging conformance
(unexpected steps, order, who owes what) is :mod:`market.checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from market.kernel.ids import Role
from market.kernel.vocabulary import DIP, StepClassifier

#: The paths of ``docs/message-flows.md``, in the order reports list them.
PATHS: Final = ("RM-T", "RM-A", "RM-S", "COS-L", "COS-M", "OBJ")
#: Meter variants (brief c.0) and the reverse-migration path of each.
VARIANT_PATHS: Final = MappingProxyType({"T": "RM-T", "A": "RM-A", "S": "RM-S"})
#: Parties that are more than their role: the gaining and losing supplier, the old legacy MOP.
SUP_IN: Final = "SUP(in)"
SUP_OUT: Final = "SUP(out)"
OLD_NHHMOA: Final = "NHHMOA(old)"
OLD_NHHDC: Final = "NHHDC(old)"
_PARTY_ROLES: Final = {SUP_IN: "SUP", SUP_OUT: "SUP", OLD_NHHMOA: "NHHMOA", OLD_NHHDC: "NHHDC"}


@attrs.frozen(kw_only=True, slots=True)
class Step:
    """One step of a path: a message from one party to others, with its timing rule.

    A step is *observed* when the journal shows one of its :attr:`messages`
    ``delivered`` (a DIP submission counts when ``accepted``). ``actor`` is the
    role that performs it, ``actor_party`` that role's part in the switch
    (``SUP(in)`` or ``SUP(out)`` for a supplier), ``also_by`` other roles that
    may perform it instead. When a step and one of its ``after`` steps are both
    observed, the ``after`` step must come first. ``answers`` names the step
    this one replies to with the same message (a D0300 resolution).
    """

    step_id: str
    actor: Role
    network: str
    message: str
    event_code: str | None
    recipients: tuple[Role, ...]
    timing: str
    meaning: str
    required: bool = True
    after: tuple[str, ...] = ()
    actor_party: str = attrs.field(
        default=attrs.Factory(lambda step: str(step.actor), takes_self=True)
    )
    also_by: tuple[Role, ...] = ()
    publication: str | None = None
    answers: str | None = None

    @property
    def actor_roles(self) -> tuple[Role, ...]:
        """Every role that may perform the step."""
        return (self.actor, *self.also_by)

    @property
    def party(self) -> str:
        """Who performs the step, for people: ``SUP(in)``, ``MSS``, ``NHHDC/NHHMOA/NHHDA``."""
        return "/".join((self.actor_party, *self.also_by))

    @property
    def messages(self) -> tuple[str, ...]:
        """The message ids that show the step: the IF-nnn and, where it counts too, its PUB-nnn."""
        return (self.message,) if self.publication is None else (self.message, self.publication)

    @property
    def label(self) -> str:
        """Step id, message and event code: ``C14 IF-003 [MSDeAppRM]``."""
        return " ".join(part for part in (self.step_id, self.message, self.event_code) if part)


#: ``step | timing rule | meaning`` for every step id (brief c.1–c.5 and d).
_STEP_TEXT: Final = """
C1   | SSD up to 28 days ahead       | Incoming supplier asks CSS to switch the MPAN to it
C2   | within the objection window   | CSS tells the outgoing supplier it is losing the MPAN
C3   | within the objection window   | Outgoing supplier objects, so the switch fails
D3   | when the objection is upheld  | CSS tells the incoming supplier the switch failed
C4   | window closed, before SSD     | CSS secures the switch and tells the Registration Service
C4a  | on securing                   | CSS confirms the loss to the outgoing supplier
C6   | on securing                   | Registration Service confirms the registration (legacy)
C6a  | on securing                   | Registration Service names the old supplier
C7   | on securing, ≥ 1 day pre-SSD  | Registration Service announces the MPAN leaves MHHS
C8   | seconds after C7              | DIP publishes it to MDS, LDSO and the outgoing supplier
C9   | before SSD                    | Incoming supplier appoints legacy data collector and MOP
C9a  | before SSD                    | Incoming supplier appoints the legacy data aggregator
C10  | typically within 5 WD         | A legacy agent accepts its appointment
C10r | typically within 5 WD         | A legacy agent rejects its appointment (D6)
C11  | after acceptance              | Incoming supplier tells each agent who the others are
C11a | after acceptance              | Incoming supplier sends the customer's details to agents
C12  | by SSD                        | Incoming supplier registers its legacy agents with REGS
C13  | on receipt of D0205           | Registration Service instructs the legacy data aggregator
C14  | when the legacy MOP is known  | Registration Service de-appoints the outgoing MS
C15  | when the legacy DC is known   | Registration Service de-appoints the outgoing DS
D10  | during the migration          | Outgoing supplier tries to maintain supplier data items
D10r | on receipt of IF-025          | Registration Service rejects it with REG9002
D11  | on receipt of the IF-021      | MDS rejects consumption after MHHSRegimeEndDate (ECS1001)
T1   | days up to regime end         | Outgoing SDS submits its last consumption to MDS
T2q  | when B096 was absent          | Legacy DC asks the outgoing SDS for reading history
T2   | within 5 WD after SSD         | Outgoing SDS gives the legacy DC its last valid readings
T3q  | when B095 was absent          | Legacy MOP asks the outgoing MSS for meter details
T3   | on request or proactively     | Outgoing MSS releases meter technical details to new MOP
T3a  | with D0150                    | Outgoing MSS sends the register mapping details
T4   | within 5 WD                   | Legacy MOP forwards meter details to DC, supplier, LDSO
T4a  | with D0150                    | Legacy MOP forwards the register mapping details
T5   | SSD ± 5 WD                    | Incoming supplier passes on the customer's own reading
T6   | after reads; deemed at cut-off| Legacy DC settles the CoS reading, tells both suppliers
T7   | before the first legacy SF run| Legacy DC sends the EAC/AA to the legacy aggregator
T8   | within 12 months after SSD    | Outgoing supplier disputes the change-of-supply reading
T8r  | after the dispute             | Incoming supplier agrees or rejects the disputed reading
A1   | days up to regime end         | Outgoing ADS submits its last consumption to MDS
A2q  | when B096 was absent          | Legacy HHDC asks the outgoing ADS for the final reading
A2   | within 5 WD                   | Outgoing ADS gives the legacy HHDC the final meter reading
A3q  | when B095 was absent          | Legacy HHMOA asks the outgoing MSA for meter details
A3   | on request                    | Outgoing MSA releases HH meter technical details
A4   | within 5 WD                   | Legacy HHMOA forwards HH meter details to DC, SUP, LDSO
A5   | daily from SSD                | Legacy HHDC sends validated HH advances to the HHDA
A5a  | daily from SSD                | Legacy HHDC sends HH consumption to the incoming supplier
A6   | within 12 months after SSD    | Outgoing supplier disputes the change-of-supply reading
A6r  | after the dispute             | Incoming supplier agrees or rejects the disputed reading
S1   | by SSD                        | Outgoing SDS tells the MDR to stop retrieving meter data
S1b  | days up to regime end         | Outgoing SDS submits its last consumption to MDS
M1q  | when B095 was absent          | Legacy MOP asks the outgoing MSS for meter details
M1   | on request or proactively     | Outgoing MSS releases meter technical details to new MOP
M1a  | with D0150                    | Outgoing MSS sends the register mapping details
M2   | within 5 WD                   | Legacy MOP forwards meter details to DC, supplier, LDSO
M2a  | with D0150                    | Legacy MOP forwards the register mapping details
S2   | SSD to SSD + 5 WD             | Incoming supplier sends the SSD read obtained via DCC
S3   | SSD to SSD + 5 WD             | MHHS side shares the change-of-supply read (IF-041)
S4   | within 5 WD after the read    | Legacy DC confirms the CoS reading to both suppliers
S5   | before the first legacy SF run| Legacy DC sends the EAC/AA to the legacy aggregator
S6   | within 12 months after SSD    | Outgoing supplier disputes the change-of-supply reading
S6r  | after the dispute             | Incoming supplier agrees or rejects the disputed reading
L1   | after appointment             | New legacy MOP asks the old MOP for meter details
L2   | on request                    | Old legacy MOP hands the meter details to the new MOP
L3   | after appointment             | New legacy DC asks the old DC for the reading history
L4   | on request                    | Old legacy DC hands its latest readings to the new DC
B1   | on securing                   | Registration Service announces the MHHS change of supplier
B31d | after IF-001                  | Incoming supplier asks to appoint its Data Service
B31m | after IF-001                  | Incoming supplier asks to appoint its Metering Service
B32d | on receipt of IF-031          | Registration Service acknowledges the DS appointment
B32m | on receipt of IF-031          | Registration Service acknowledges the MS appointment
B33d | on receipt of IF-031          | Registration Service asks the Data Service to accept
B33m | on receipt of IF-031          | Registration Service asks the Metering Service to accept
B34d | on request                    | Data Service accepts the appointment
B34m | on request                    | Metering Service accepts the appointment
B35d | on acceptance                 | Registration Service confirms the DS appointment
B35m | on acceptance                 | Registration Service confirms the MS appointment
B36d | from the SSD                  | Registration Service makes the DS appointment active
B36m | from the SSD                  | Registration Service makes the MS appointment active
"""

# Step rows: ``id | by | network message[/publication] [event code] | to | after | flags``.
# ``by`` is the performing party, then ``/`` and roles that may perform it instead;
# DC, MOP, DA, MS and DS stand for the variant's legacy agents and outgoing services.
# Flags: ``opt`` (optional), ``answers=<id>``.
_START: Final = """
C1   | SUP(in)     | CSS RegistrationRequest              | CSS              |
C2   | CSS         | CSS LossNotification                 | SUP              | C1
"""
_OBJECTED: Final = """
C3   | SUP(out)    | CSS Objection                        | CSS              | C2
D3   | CSS         | CSS RegistrationObjected             | SUP              | C3
"""
_SECURED: Final = """
C4   | CSS         | CSS SecuredActive                    | REGS             | C2
C4a  | CSS         | CSS SecuredActive                    | SUP              | C2       | opt
"""
_CONFIRMED: Final = """
C6   | REGS        | DTN D0217                            | SUP              | C4
C6a  | REGS        | DTN D0311                            | SUP              | C4       | opt
"""
_NOTIFIED: Final = """
C7   | REGS        | DIP IF-003 [ReverseMigNotification]  |                  | C4
C8   | REGS        | DIP PUB-003 [ReverseMigNotification] | MDS LDSO SUP EES | C7
"""
_APPOINTED: Final = """
C9   | SUP(in)     | DTN D0155                            | DC MOP           | C6
C9a  | SUP(in)     | DTN D0153                            | DA               | C6
C10  | DC/MOP/DA   | DTN D0011                            | SUP              | C9
C10r | DC/MOP/DA   | DTN D0261                            | SUP              | C9       | opt
C11  | SUP(in)     | DTN D0148                            | DC MOP DA        | C10
C11a | SUP(in)     | DTN D0302                            | DC MOP           | C10      | opt
C12  | SUP(in)     | DTN D0205                            | REGS             | C10
C13  | REGS        | DTN D0209                            | DA               | C12
"""
_DEAPPOINTED: Final = """
C14  | REGS        | DIP IF-003/PUB-003 [MSDeAppRM]       | MS               | C7
C15  | REGS        | DIP IF-003/PUB-003 [DSDeAppRM]       | DS               | C7
D10  | SUP(out)    | DIP IF-025/PUB-025                   | REGS             | C8       | opt
D10r | REGS        | DIP IF-026/PUB-026                   | SUP              | D10      | opt
"""
_RM_T: Final = """
T1   | SDS         | DIP IF-021/PUB-021 [ActivePower]     | MDS              | C15      | opt
D11  | MDS         | DIP IF-014/PUB-014 [ActivePowerRejected] | SDS          | T1       | opt
T2q  | NHHDC       | DTN D0170                            | SDS              | C9       | opt
T2   | SDS         | DTN D0010                            | NHHDC            | C15      | opt
T3q  | NHHMOA      | DTN D0170                            | MSS              | C9       | opt
T3   | MSS         | DTN D0150                            | NHHMOA           | C14
T3a  | MSS         | DTN D0149                            | NHHMOA           | C14      | opt
T4   | NHHMOA      | DTN D0150                            | NHHDC SUP LDSO   | T3
T4a  | NHHMOA      | DTN D0149                            | NHHDC SUP        | T3a      | opt
T5   | SUP(in)     | DTN D0010                            | NHHDC            | C9       | opt
T6   | NHHDC       | DTN D0086                            | SUP              | T4
T7   | NHHDC       | DTN D0019                            | NHHDA            | T6
T8   | SUP(out)    | DTN D0300                            | SUP              | T6       | opt
T8r  | SUP(in)     | DTN D0300                            | SUP        | T8       | opt answers=T8
"""
_RM_A: Final = """
A1   | ADS         | DIP IF-021/PUB-021 [ActivePower]     | MDS              | C15      | opt
D11  | MDS         | DIP IF-014/PUB-014 [ActivePowerRejected] | ADS          | A1       | opt
A2q  | HHDC        | DTN D0170                            | ADS              | C9       | opt
A2   | ADS         | DTN D0010                            | HHDC             | C15
A3q  | HHMOA       | DTN D0170                            | MSA              | C9       | opt
A3   | MSA         | DTN D0268                            | HHMOA            | C14
A4   | HHMOA       | DTN D0268                            | HHDC SUP LDSO    | A3
A5   | HHDC        | DTN D0036                            | HHDA             | A2 A4
A5a  | HHDC        | DTN D0275                            | SUP              | A2 A4    | opt
A6   | SUP(out)    | DTN D0300                            | SUP              | A2       | opt
A6r  | SUP(in)     | DTN D0300                            | SUP        | A6       | opt answers=A6
"""
_RM_S: Final = """
S1   | SDS         | DIP IF-063/PUB-063 [MDRStop]         | MDR              | C15
S1b  | SDS         | DIP IF-021/PUB-021 [ActivePower]     | MDS              | C15      | opt
D11  | MDS         | DIP IF-014/PUB-014 [ActivePowerRejected] | SDS          | S1b      | opt
M1q  | NHHMOA      | DTN D0170                            | MSS              | C9       | opt
M1   | MSS         | DTN D0150                            | NHHMOA           | C14
M1a  | MSS         | DTN D0149                            | NHHMOA           | C14      | opt
M2   | NHHMOA      | DTN D0150                            | NHHDC SUP LDSO   | M1
M2a  | NHHMOA      | DTN D0149                            | NHHDC SUP        | M1a      | opt
S2   | SUP(in)     | DTN D0010                            | NHHDC            | C9
S3   | SUP(out)/SDS| DIP IF-041/PUB-041 [ReadingCOS]      | LDSO SUP         | C7
S4   | NHHDC       | DTN D0086                            | SUP              | M2 S2
S5   | NHHDC       | DTN D0019                            | NHHDA            | S4
S6   | SUP(out)    | DTN D0300                            | SUP              | S4       | opt
S6r  | SUP(in)     | DTN D0300                            | SUP        | S6       | opt answers=S6
"""
_COS_L: Final = """
L1   | NHHMOA      | DTN D0170                            | NHHMOA           | C9
L2   | NHHMOA(old) | DTN D0150                            | NHHMOA           | L1
L3   | NHHDC       | DTN D0170                            | NHHDC            | C9       | opt
L4   | NHHDC(old)  | DTN D0010                            | NHHDC            | L3       | opt
T4   | NHHMOA      | DTN D0150                            | NHHDC SUP LDSO   | L2
T5   | SUP(in)     | DTN D0010                            | NHHDC            | C9       | opt
T6   | NHHDC       | DTN D0086                            | SUP              | T4
T7   | NHHDC       | DTN D0019                            | NHHDA            | T6
"""
_COS_M: Final = """
C4   | CSS         | CSS SecuredActive                    | REGS             | C2       | opt
C4a  | CSS         | CSS SecuredActive                    | SUP              | C2       | opt
B1   | REGS        | DIP IF-001/PUB-001 [ChangeOfSupplier]| SUP MDS LDSO     | C2 C4
B31d | SUP(in)     | DIP IF-031/PUB-031 [DSApp]           | REGS             | B1
B32d | REGS        | DIP IF-032/PUB-032 [DSAppInitialResp]| SUP              | B31d
B33d | REGS        | DIP IF-033/PUB-033 [DSAppSPRequest]  | SDS ADS          | B31d
B34d | SDS/ADS     | DIP IF-034/PUB-034 [DSAppSPResponse] | REGS             | B33d
B35d | REGS        | DIP IF-035/PUB-035 [DSAppAccepted]   | SUP SDS ADS      | B34d
B36d | REGS        | DIP IF-036/PUB-036 [DSAppActive]     | SUP SDS ADS LDSO MDS EES | B35d
B31m | SUP(in)     | DIP IF-031/PUB-031 [MSApp]           | REGS             | B1
B32m | REGS        | DIP IF-032/PUB-032 [MSAppInitialResp]| SUP              | B31m
B33m | REGS        | DIP IF-033/PUB-033 [MSAppSPRequest]  | MSS MSA          | B31m
B34m | MSS/MSA     | DIP IF-034/PUB-034 [MSAppSPResponse] | REGS             | B33m
B35m | REGS        | DIP IF-035/PUB-035 [MSAppAccepted]   | SUP MSS MSA      | B34m
B36m | REGS        | DIP IF-036/PUB-036 [MSAppActive]     | SUP MSS MSA LDSO MDS EES | B35m
"""
_NHH: Final = MappingProxyType(
    {"DC": "NHHDC", "MOP": "NHHMOA", "DA": "NHHDA", "MS": "MSS", "DS": "SDS"}
)
_HH: Final = MappingProxyType(
    {"DC": "HHDC", "MOP": "HHMOA", "DA": "HHDA", "MS": "MSA", "DS": "ADS"}
)


def _parse_text(text: str) -> dict[str, tuple[str, str]]:
    rows = (line.split("|") for line in text.strip().splitlines())
    return {step_id.strip(): (timing.strip(), meaning.strip()) for step_id, timing, meaning in rows}


_TEXT: Final = _parse_text(_STEP_TEXT)


def _parse_steps(*tables: str, roles: Mapping[str, str] = _NHH) -> tuple[Step, ...]:
    """Steps from table rows; an unknown role or step text raises here, at import."""
    steps = []
    for line in filter(None, "".join(tables).splitlines()):
        cells = [cell.strip() for cell in line.split("|")] + [""] * 5
        step_id, by, what, to, after, flags = cells[:6]
        parties = [roles.get(party, party) for party in by.split("/")]
        network, messages, *event = what.split()
        message, *publication = messages.split("/")
        flag_words = dict(word.partition("=")[::2] for word in flags.split())
        timing, meaning = _TEXT[step_id]
        steps.append(
            Step(
                step_id=step_id,
                actor=Role(_PARTY_ROLES.get(parties[0], parties[0])),
                actor_party=parties[0],
                also_by=tuple(Role(role) for role in parties[1:]),
                network=network,
                message=message,
                publication=publication[0] if publication else None,
                event_code=event[0] if event else None,
                recipients=tuple(Role(roles.get(role, role)) for role in to.split()),
                after=tuple(after.split()),
                required="opt" not in flag_words,
                answers=flag_words.get("answers"),
                timing=timing,
                meaning=meaning,
            )
        )
    return tuple(steps)


_REVERSE_MIGRATION: Final = (_START, _SECURED, _CONFIRMED, _NOTIFIED, _APPOINTED, _DEAPPOINTED)
#: The variant-T reverse migration (brief c.1 + c.2); the name older callers use.
VARIANT_T_STEPS: Final = _parse_steps(*_REVERSE_MIGRATION, _RM_T)
#: Every path's steps, in the order of ``docs/message-flows.md``.
PATH_STEPS: Final[Mapping[str, tuple[Step, ...]]] = MappingProxyType(
    {
        "RM-T": VARIANT_T_STEPS,
        "RM-A": _parse_steps(*_REVERSE_MIGRATION, _RM_A, roles=_HH),
        "RM-S": _parse_steps(*_REVERSE_MIGRATION, _RM_S),
        "COS-L": _parse_steps(_START, _SECURED, _CONFIRMED, _APPOINTED, _COS_L),
        "COS-M": _parse_steps(_START, _COS_M),
        "OBJ": _parse_steps(_START, _OBJECTED),
    }
)
#: The steps that end each path: an MPAN has completed once all of its path's are observed.
TERMINAL_STEPS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "RM-T": ("T7",),
        "RM-A": ("A5",),
        "RM-S": ("S5",),
        "COS-L": ("T7",),
        "COS-M": ("B36d", "B36m"),
        "OBJ": ("D3",),
    }
)
#: What an MPAN whose path is undecided should show next: the start, securing, REGS's answer.
UNDECIDED_STEPS: Final = tuple(
    step for step in VARIANT_T_STEPS if step.step_id in ("C1", "C2", "C4", "C6")
)


class ProcessModelError(ValueError):
    """The step tables contradict themselves (a bug in this module, caught at import)."""


def _check_tables() -> None:
    for path, steps in PATH_STEPS.items():
        ids = [step.step_id for step in steps]
        if len(ids) != len(set(ids)):
            raise ProcessModelError(f"{path}: a step id appears twice in {ids}")
        for step in steps:
            unknown = [before for before in step.after if before not in ids]
            if unknown:
                raise ProcessModelError(f"{path} {step.step_id}: after names unknown {unknown}")
        for terminal in TERMINAL_STEPS[path]:
            if terminal not in ids or not _PATH_INDEX[path][terminal].required:
                raise ProcessModelError(f"{path}: terminal step {terminal} is not a required step")


_PATH_INDEX: Final = {
    path: {step.step_id: step for step in steps} for path, steps in PATH_STEPS.items()
}
_check_tables()


def _first_definitions() -> dict[str, Step]:
    first: dict[str, Step] = {}
    for path in PATHS:
        for step in PATH_STEPS[path]:
            first.setdefault(step.step_id, step)
    return first


#: Every step id once, with its first definition (the ``RM-T`` one for shared steps).
STEPS_BY_ID: Final[Mapping[str, Step]] = MappingProxyType(_first_definitions())


def step_by_id(step_id: str, path: str | None = None) -> Step:
    """The step ``step_id`` as ``path`` defines it, or its first definition when ``path`` is None.

    Raises ``KeyError`` naming the path's steps when the path has no such step.
    """
    steps = STEPS_BY_ID if path is None else _PATH_INDEX[path]
    try:
        return steps[step_id]
    except KeyError:
        raise KeyError(
            f"no step {step_id!r} on {path or 'any path'}; known: {', '.join(steps)}"
        ) from None


# ------------------------------------------------------------------ classifying messages

_Key = tuple[str, str, str | None, str, str | None, str]


def _keys(step: Step, variant: str) -> Iterable[_Key]:
    # The DIP publishes to whoever its routing adds (EES, secondary recipients):
    # the publication is the step, whoever receives it.
    recipients: tuple[str | None, ...] = (None,) if step.network == DIP else step.recipients
    for message in step.messages:
        for sender in step.actor_roles:
            for recipient in recipients:
                yield (step.network, message, step.event_code, sender, recipient, variant)


def _classifier_table() -> dict[_Key, str]:
    """``(network, message, event code, sender role, recipient role, variant) → step id``.

    Per variant, the variant's reverse migration registers first, then COS-M,
    OBJ and COS-L; a later path's step that would take a key already taken (the
    COS-L legacy tail of a variant-S MPAN looks like RM-S's M2/S2/S4/S5) yields
    to the earlier one. Two steps of one path on one key are a table bug.
    """
    table: dict[_Key, str] = {}
    for variant, reverse_migration in VARIANT_PATHS.items():
        owners: dict[_Key, str] = {}
        for path in (reverse_migration, "COS-M", "OBJ", "COS-L"):
            for step in PATH_STEPS[path]:
                if step.answers is not None:
                    continue  # same message as the step it answers: told apart by observed_step
                for key in _keys(step, variant):
                    known = table.setdefault(key, step.step_id)
                    if known != step.step_id and owners.setdefault(key, path) == path:
                        raise ProcessModelError(f"{path}: {known} and {step.step_id} share {key}")
                    owners.setdefault(key, path)
    return table


_CLASSIFIER_TABLE: Final = _classifier_table()


def step_classifier(variant_of: Callable[[str], str | None]) -> StepClassifier:
    """A step classifier for the broker that knows each MPAN's meter variant.

    ``variant_of(mpan)`` returns ``"T"``, ``"A"`` or ``"S"`` (from the
    population), or ``None`` when the MPAN has none, which counts as ``"T"``.
    Pass ``None`` for MPANs that never migrated: their legacy change of supply
    (COS-L) is written in variant-T step ids. Each call is one or two dict
    look-ups.
    """

    def classify(
        *,
        network: str,
        message: str,
        event_code: str | None,
        sender_role: Role | None,
        recipient_role: Role | None,
        mpan: str | None = None,
    ) -> str | None:
        if sender_role is None:
            return None
        variant = (variant_of(mpan) if mpan is not None else None) or "T"
        if variant not in VARIANT_PATHS:
            raise ValueError(f"meter variant {variant!r} of MPAN {mpan}: must be T, A, S or None")
        if network == DIP:
            recipient_role = None
        step = _CLASSIFIER_TABLE.get(
            (network, message, event_code, sender_role, recipient_role, variant)
        )
        if step is None and network == DIP and event_code is not None:
            step = _CLASSIFIER_TABLE.get((network, message, None, sender_role, None, variant))
        return step

    return classify


#: The classifier for markets whose every MPAN is variant T (what the broker used so far).
classify_step: Final = step_classifier(lambda _mpan: None)
