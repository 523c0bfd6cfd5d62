"""The switching process as data: each path's steps, who sends what to whom, in what order.

Each MPAN that switches follows one *path* of ``docs/message-flows.md`` (the
contract between participants and checkers): a reverse migration for meter
variant T, A or S (``RM-T``, ``RM-A``, ``RM-S``), a legacy change of supply
(``COS-L``), an MHHS change of supply (``COS-M``) or an objected switch
(``OBJ``). The step tables mirror that file; each row becomes a :class:`Step`.

A step id names one action wherever it appears: ``C9`` is "the incoming
supplier appoints its data collector and meter operator" on every path that
has it. Where the action is the same but the roles are the variant's own (the
HH agents of ``RM-A``) or its predecessors differ (``T4`` follows ``L2`` on
``COS-L``, ``T3`` on ``RM-T``), each path holds its own :class:`Step` under the
shared id: :data:`STEPS_BY_ID` has the first definition, :func:`step_by_id`
the one of a given path.

:func:`step_classifier` builds the function the broker stamps every journal
event's ``step`` with. :mod:`market.checks.progress` reads journals with the
tables (``path_of``, ``progress_of``, ``mpan_outcomes``); judging conformance
(unexpected steps, order, who owes what) is :mod:`market.checks`.

This module is the process model's public surface; the parts live in
:mod:`market.process.vocabulary` (the path names), :mod:`market.process.step`
(a step, and parsing table rows), :mod:`market.process.step_tables` (the
tables as text), :mod:`market.process.paths` (each path's steps) and
:mod:`market.process.classification` (which step a message is).
"""

from __future__ import annotations

from market.process.classification import classify_step, step_classifier
from market.process.paths import (
    PATH_STEPS,
    PATHS,
    STEPS_BY_ID,
    TERMINAL_STEPS,
    UNDECIDED_STEPS,
    VARIANT_PATHS,
    VARIANT_T_STEPS,
    path_steps,
    step_by_id,
)
from market.process.step import (
    OLD_NHHDC,
    OLD_NHHMOA,
    SUP_IN,
    SUP_OUT,
    ProcessModelError,
    Step,
    parse_steps,
)
from market.process.vocabulary import Path

__all__ = [
    "OLD_NHHDC",
    "OLD_NHHMOA",
    "PATHS",
    "PATH_STEPS",
    "STEPS_BY_ID",
    "SUP_IN",
    "SUP_OUT",
    "TERMINAL_STEPS",
    "UNDECIDED_STEPS",
    "VARIANT_PATHS",
    "VARIANT_T_STEPS",
    "Path",
    "ProcessModelError",
    "Step",
    "classify_step",
    "parse_steps",
    "path_steps",
    "step_by_id",
    "step_classifier",
]
