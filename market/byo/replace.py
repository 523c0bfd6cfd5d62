"""Bring your own participant: replace built-in participants, by id or by role, with your class.

Your class implements the participant API (:class:`market.participant.Participant`),
the same one every built-in participant uses. It is constructed as
``YourClass(identity)`` with the identity (participant id, role, DIP ID, MPID)
of the participant it replaces; to start from what that built-in participant
knew (a supplier's portfolio, a service's appointments), define a class method
``replacing(cls, built_in: Participant) -> YourClass``.

``market run --participant NHHDC-NDCE=my_pkg.collector:MyCollector`` replaces one
participant; ``--participant NHHDC=...`` replaces every participant of that role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from market.byo.loading import load_participant_class
from market.kernel.exceptions import ScenarioError
from market.participant import Participant
from market.process.scenario import MarketSetup


def parse_replacement(text: str) -> tuple[str, str]:
    """``TARGET=package.module:Class`` → ``(target, reference)``, with a clear error otherwise."""
    target, sep, reference = text.partition("=")
    if not sep or not target or ":" not in reference:
        raise ScenarioError(
            f"--participant {text!r}: write TARGET=package.module:Class, where TARGET is a "
            "participant id (NHHDC-NDCE) or a role (NHHDC)"
        )
    return target.strip(), reference.strip()


def _build(cls: type, built_in: Participant) -> Participant:
    replacing = getattr(cls, "replacing", None)
    try:
        made: Any = replacing(built_in) if callable(replacing) else cls(built_in.identity)
    except Exception as error:  # the user's constructor: say what failed, in one line
        how = "replacing(built_in)" if callable(replacing) else "YourClass(identity)"
        said = f"{type(error).__name__}: {error}".splitlines()[0]
        raise ScenarioError(
            f"{cls.__qualname__} replacing {built_in.participant_id}: {how} raised {said}; "
            "a class that needs more than its identity defines "
            "replacing(cls, built_in) to build itself from the built-in participant"
        ) from error
    if not isinstance(made, Participant):
        raise ScenarioError(
            f"{cls.__module__}.{cls.__qualname__} is not a market.participant.Participant; "
            "subclass it so the runtime can drive it"
        )
    if made.identity != built_in.identity:
        raise ScenarioError(
            f"{cls.__qualname__} replacing {built_in.participant_id} must keep its identity "
            f"(participant id, role, DIP ID, MPID)"
        )
    return made


def _check_role(cls: type, built_in: Participant, played: Mapping[type, set[str]]) -> None:
    """A subclass of a built-in participant may only replace a participant of that one's role."""
    role = built_in.identity.role.value
    for base in cls.__mro__:
        if base in played:
            if role not in played[base]:
                raise ScenarioError(
                    f"{cls.__qualname__} cannot replace {built_in.participant_id}: it is a "
                    f"{base.__qualname__}, which plays {', '.join(sorted(played[base]))}, "
                    f"and {built_in.participant_id} is a {role}"
                )
            return


def replace_participants(setup: MarketSetup, replacements: Mapping[str, type]) -> MarketSetup:
    """``setup`` with each target (participant id or role code) played by the given class."""
    participants: list[Participant] = list(setup.participants)
    played: dict[type, set[str]] = {}
    for participant in participants:
        played.setdefault(type(participant), set()).add(participant.identity.role.value)
    for target, cls in replacements.items():
        matched = [
            index
            for index, p in enumerate(participants)
            if target in (p.participant_id, p.identity.role.value)
        ]
        if not matched:
            known = sorted({p.participant_id for p in participants})
            raise ScenarioError(
                f"--participant {target}: no participant has that id or role; "
                f"ids: {', '.join(known)}"
            )
        for index in matched:
            _check_role(cls, participants[index], played)
            participants[index] = _build(cls, participants[index])
    return attrs.evolve(setup, participants=participants)


def play_participants(setup: MarketSetup, references: Mapping[str, str]) -> MarketSetup:
    """``setup`` with each target played by the class its reference names.

    ``references`` maps a participant id or role to ``package.module:Class`` or
    ``file.py:Class``, as a scenario's ``[participants]`` table and
    ``--participant`` do; every run of a scenario (``market run``, ``market
    sweep``, an :class:`~market.experiments.Experiment`) plays them this way.
    """
    if not references:
        return setup
    classes = {target: load_participant_class(ref) for target, ref in references.items()}
    return replace_participants(setup, classes)


def describe_replacements(setup: MarketSetup, original: Sequence[Participant]) -> list[str]:
    """One line per participant the user replaced: ``NHHDC-NDCE played by pkg.mod:Class``."""
    before = {p.participant_id: type(p) for p in original}
    return [
        f"{p.participant_id} played by {type(p).__module__}:{type(p).__qualname__}"
        for p in setup.participants
        if before.get(p.participant_id) is not type(p)
    ]
