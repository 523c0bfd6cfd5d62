"""Every path's steps: the tables of :mod:`market.process.step_tables` assembled per path.

:data:`PATH_STEPS` holds each :class:`~market.process.vocabulary.Path`'s steps in
the order of ``docs/message-flows.md``; :data:`TERMINAL_STEPS` the steps that end
it. A step id names one action wherever it appears, but where the roles are the
variant's own (the HH agents of ``RM-A``) or its predecessors differ (``T4``
follows ``L2`` on ``COS-L``, ``T3`` on ``RM-T``) each path holds its own
:class:`~market.process.step.Step` under the shared id: :data:`STEPS_BY_ID`
has the first definition, :func:`step_by_id` the one of a given path. The
tables are checked against each other at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from market.process import step_tables as tables
from market.process.options import ProcessOptions
from market.process.step import ProcessModelError, Step, parse_steps
from market.process.vocabulary import Path

#: The paths of ``docs/message-flows.md``, in the order reports list them.
PATHS: Final = tuple(Path)
#: Meter variants (brief c.0) and the reverse-migration path of each.
VARIANT_PATHS: Final[Mapping[str, Path]] = MappingProxyType(
    {"T": Path.RM_T, "A": Path.RM_A, "S": Path.RM_S}
)

_REVERSE_MIGRATION: Final = (
    tables.START,
    tables.SECURED,
    tables.CONFIRMED,
    tables.NOTIFIED,
    tables.APPOINTED,
    tables.DEAPPOINTED,
    tables.DATA_UPDATE,
)
#: The variant-T reverse migration (brief c.1 + c.2); the name older callers use.
VARIANT_T_STEPS: Final = parse_steps(*_REVERSE_MIGRATION, tables.RM_T)
#: Every path's steps, in the order of ``docs/message-flows.md``.
PATH_STEPS: Final[Mapping[Path, tuple[Step, ...]]] = MappingProxyType(
    {
        Path.RM_T: VARIANT_T_STEPS,
        Path.RM_A: parse_steps(*_REVERSE_MIGRATION, tables.RM_A, roles=tables.HH_ROLES),
        Path.RM_S: parse_steps(*_REVERSE_MIGRATION, tables.RM_S),
        Path.COS_L: parse_steps(
            tables.START, tables.SECURED, tables.CONFIRMED, tables.APPOINTED, tables.COS_L
        ),
        Path.COS_M: parse_steps(
            tables.START,
            tables.COS_M_NOTICE,
            tables.DS_REQUEST_AFTER_B1,
            tables.DS_ANSWER,
            tables.DS_APPOINTMENT,
            tables.MS_REQUEST_AFTER_B1,
            tables.MS_ANSWER,
            tables.MS_APPOINTMENT,
        ),
        Path.MCS: parse_steps(
            tables.START,
            tables.SECURED,
            tables.CONFIRMED,
            tables.DS_REQUEST_AFTER_C6,
            tables.DS_ANSWER,
            tables.DS_APPOINTMENT,
            tables.MS_REQUEST_AFTER_C6,
            tables.MS_ANSWER,
            tables.MS_APPOINTMENT,
        ),
        Path.REL: parse_steps(
            tables.START,
            tables.COS_M_NOTICE,
            tables.DS_REQUEST_AFTER_B1,
            tables.DS_ANSWER,
            tables.MS_REQUEST_AFTER_B1,
            tables.MS_ANSWER,
        ),
        Path.OBJ: parse_steps(tables.START, tables.OBJECTED),
        Path.WDR: parse_steps(
            tables.START,
            tables.SECURED,
            tables.CONFIRMED,
            tables.WITHDRAWN,
            tables.WITHDRAWN_DEAPPOINTED,
            tables.DATA_UPDATE,
        ),
    }
)
#: The steps that end each path: an MPAN has completed once all of its path's are observed.
TERMINAL_STEPS: Final[Mapping[Path, tuple[str, ...]]] = MappingProxyType(
    {
        Path.RM_T: ("T7",),
        Path.RM_A: ("A5",),
        Path.RM_S: ("S5",),
        Path.COS_L: ("T7",),
        Path.COS_M: ("B36d", "B36m"),
        Path.MCS: ("B36d", "B36m"),
        Path.REL: ("B32d", "B32m"),
        Path.OBJ: ("D3",),
        Path.WDR: ("D4a", "D4b"),
    }
)
#: What an MPAN whose path is undecided should show next: the start, securing, REGS's answer.
UNDECIDED_STEPS: Final = tuple(
    step for step in VARIANT_T_STEPS if step.step_id in ("C1", "C2", "C4", "C6")
)


def _check_tables() -> None:
    for path, steps in PATH_STEPS.items():
        ids = [step.step_id for step in steps]
        if len(ids) != len(set(ids)):
            raise ProcessModelError(f"{path}: a step id appears twice in {ids}")
        for step in steps:
            unknown = [before for before in step.after if before not in ids]
            if unknown:
                raise ProcessModelError(f"{path} {step.step_id}: after names unknown {unknown}")
            for bound in (step.earliest, step.latest):
                if bound is not None and bound.anchor not in ("SSD", *ids):
                    raise ProcessModelError(f"{path} {step.step_id}: timing names {bound.anchor}")
        for terminal in TERMINAL_STEPS[path]:
            end = _PATH_INDEX[path].get(terminal)
            if end is None or not end.required or end.condition is not None:
                raise ProcessModelError(
                    f"{path}: terminal step {terminal} is not a required, unconditional step"
                )


_PATH_INDEX: Final[Mapping[str, Mapping[str, Step]]] = {
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


def path_steps(path: Path, options: ProcessOptions) -> tuple[Step, ...]:
    """``path``'s steps under ``options``: without those whose ``if=`` option is off."""
    key = (path, tuple(getattr(options, name) for name in _CONDITIONS))
    steps = _APPLYING.get(key)
    if steps is None:
        steps = _APPLYING[key] = tuple(s for s in PATH_STEPS[path] if s.applies(options))
    return steps


#: The options steps depend on (``if=``), and each path's steps per combination of them.
_CONDITIONS: Final = tuple(
    sorted({s.condition for steps in PATH_STEPS.values() for s in steps if s.condition})
)
_APPLYING: dict[tuple[Path, tuple[object, ...]], tuple[Step, ...]] = {}


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
