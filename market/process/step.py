"""A step of the switching process, and how a table row becomes one.

A :class:`Step` is one action of a path: a message from one party to others,
with its timing rule and meaning. :func:`parse_steps` turns the rows of
:mod:`market.process.step_tables` into steps, checking every role and step id
as it goes, so a broken table fails at import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

import attrs

from market.kernel.ids import Role
from market.process.options import ProcessOptions
from market.process.step_tables import NHH_ROLES, STEP_TEXT

#: Parties that are more than their role: the gaining and losing supplier, the old legacy MOP.
SUP_IN: Final = "SUP(in)"
SUP_OUT: Final = "SUP(out)"
OLD_NHHMOA: Final = "NHHMOA(old)"
OLD_NHHDC: Final = "NHHDC(old)"
_PARTY_ROLES: Final = {SUP_IN: "SUP", SUP_OUT: "SUP", OLD_NHHMOA: "NHHMOA", OLD_NHHDC: "NHHDC"}


_DEADLINE = re.compile(
    r"(?P<anchor>SSD|[A-Z][0-9]+[a-z]*)"
    r"(?:(?P<sign>[+-])(?:(?P<n>[0-9]+)(?P<unit>wd|d)|(?P<option>[a-z_]+)))?"
)
#: The process options a timing bound may be written in, and whether they count working days.
_DAY_OPTIONS: Final = {
    field.name: "_working_days" in field.name
    for field in attrs.fields(ProcessOptions)
    if "_days" in field.name
}


@attrs.frozen(kw_only=True, slots=True)
class Deadline:
    """A timing rule's bound: ``days`` (working days if ``working``) after ``anchor``.

    ``anchor`` is ``"SSD"`` (the MPAN's supply start date) or a step id of the
    same path (the settlement date that step was performed on). Read from a
    table flag such as ``by=SSD-1d``, ``by=T3+5wd`` or ``from=SSD``. A bound that
    follows a RECON choice names the option instead of a number
    (``by=SSD+cos_read_cutoff_working_days``): its days are the run's
    :class:`~market.process.options.ProcessOptions` value (:meth:`days_under`).
    """

    anchor: str
    days: int = 0
    working: bool = False
    #: The option whose value (times ``days``' sign, +1 or -1) is the offset, if any.
    option: str | None = None

    @classmethod
    def parse(cls, text: str) -> Deadline:
        """``SSD``, ``SSD-1d``, ``T3+5wd``, ``SSD+<option>_days`` → a deadline; else raises."""
        found = _DEADLINE.fullmatch(text)
        if found is None:
            raise ProcessModelError(
                f"timing bound {text!r}: write ANCHOR[+N|-N][d|wd] or ANCHOR+OPTION "
                "(a ProcessOptions field in days)"
            )
        sign = -1 if found["sign"] == "-" else 1
        option = found["option"]
        if option is not None:
            if option not in _DAY_OPTIONS:
                raise ProcessModelError(
                    f"timing bound {text!r}: {option} is no ProcessOptions field in days "
                    f"({', '.join(sorted(_DAY_OPTIONS))})"
                )
            return cls(
                anchor=found["anchor"], days=sign, working=_DAY_OPTIONS[option], option=option
            )
        days = int(found["n"] or 0) * sign
        return cls(anchor=found["anchor"], days=days, working=found["unit"] == "wd")

    def days_under(self, options: ProcessOptions) -> int:
        """The offset in days (working days if :attr:`working`) under ``options``."""
        if self.option is None:
            return self.days
        value: int = getattr(options, self.option)
        return self.days * value

    def __str__(self) -> str:
        if self.option is not None:
            return f"{self.anchor}{'-' if self.days < 0 else '+'}{self.option}"
        if not self.days:
            return self.anchor
        return f"{self.anchor}{self.days:+d}{'wd' if self.working else 'd'}"


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
    recipient_parties: tuple[str, ...] = attrs.field(
        default=attrs.Factory(lambda step: tuple(map(str, step.recipients)), takes_self=True)
    )
    earliest: Deadline | None = None
    latest: Deadline | None = None
    once: bool = False
    #: Recipients required only when a yes/no RECON option is on: ``(party, option)`` pairs.
    recipient_options: tuple[tuple[str, str], ...] = ()
    #: The yes/no RECON option the step exists under (``None``: always on its path).
    condition: str | None = None

    def applies(self, options: ProcessOptions) -> bool:
        """Whether the step is part of its path under ``options``."""
        return self.condition is None or bool(getattr(options, self.condition))

    def requires(self, party: str, options: ProcessOptions) -> bool:
        """Whether ``party`` must receive the step under ``options``."""
        return all(
            bool(getattr(options, option)) for p, option in self.recipient_options if p == party
        )

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


def _parse_text(text: str) -> dict[str, tuple[str, str]]:
    rows = (line.split("|") for line in text.strip().splitlines())
    return {step_id.strip(): (timing.strip(), meaning.strip()) for step_id, timing, meaning in rows}


_TEXT: Final = _parse_text(STEP_TEXT)


def _role_of(party: str, roles: Mapping[str, str]) -> Role:
    return Role(_PARTY_ROLES.get(party, roles.get(party, party)))


def parse_steps(*tables: str, roles: Mapping[str, str] = NHH_ROLES) -> tuple[Step, ...]:
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
                recipients=tuple(
                    dict.fromkeys(
                        _role_of(party, roles) for token in to.split() for party in token.split(",")
                    )
                ),
                recipient_parties=tuple(
                    ",".join(
                        party if party in _PARTY_ROLES else roles.get(party, party)
                        for party in token.split(",")
                    )
                    for token in to.split()
                ),
                earliest=Deadline.parse(flag_words["from"]) if "from" in flag_words else None,
                latest=Deadline.parse(flag_words["by"]) if "by" in flag_words else None,
                once="once" in flag_words,
                recipient_options=_recipient_options(flag_words.get("when"), step_id),
                condition=_flag_option(flag_words["if"], step_id) if "if" in flag_words else None,
                after=tuple(after.split()),
                required="opt" not in flag_words,
                answers=flag_words.get("answers"),
                timing=timing,
                meaning=meaning,
            )
        )
    return tuple(steps)


#: The yes/no process options a recipient may depend on.
_FLAG_OPTIONS: Final = frozenset(
    field.name for field in attrs.fields(ProcessOptions) if isinstance(field.default, bool)
)


def _recipient_options(text: str | None, step_id: str) -> tuple[tuple[str, str], ...]:
    """``when=EES:ees_always_on_if003;SUP,SDS:x`` → ``(("EES", "ees_always_on_if003"), ...)``."""
    pairs = []
    for item in text.split(";") if text else ():
        party, _, option = item.rpartition(":")
        pairs.append((party, _flag_option(option, step_id)))
    return tuple(pairs)


def _flag_option(option: str, step_id: str) -> str:
    if option not in _FLAG_OPTIONS:
        raise ProcessModelError(
            f"{step_id}: {option!r} is no yes/no ProcessOptions field "
            f"({', '.join(sorted(_FLAG_OPTIONS))})"
        )
    return option


class ProcessModelError(ValueError):
    """The step tables contradict themselves (a bug in the process model, caught at import)."""
