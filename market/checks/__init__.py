"""Checkers: pure functions of a journal that judge a run.

:func:`check_journal` runs them all and returns a :class:`Verdict`;
:func:`format_verdict` turns it into console lines. Each check also stands
alone: :func:`check_conformance` (each MPAN against its path of
``docs/message-flows.md``), :func:`check_liveness` (each reverse migration
done within N working days of its SSD), :func:`check_invariants` (one supplier
per day, no MHHS service after MHHSRegimeEndDate, legacy agents from the SSD),
:func:`open_disputes` and :func:`dip_rejections` (refused after acceptance).
Input is journal lines as dicts, as :func:`market.kernel.journal.read_journal_lines`
reads a written journal (envelopes, D-flow items and CSS fields included), so
every check is tested on small hand-written journals.
"""

from __future__ import annotations

from market.checks.conformance import MpanConformance as MpanConformance
from market.checks.conformance import OutOfOrderStep as OutOfOrderStep
from market.checks.conformance import PendingStep as PendingStep
from market.checks.conformance import check_conformance as check_conformance
from market.checks.conformance import format_conformance as format_conformance
from market.checks.conservation import ConservationViolation as ConservationViolation
from market.checks.conservation import check_conservation as check_conservation
from market.checks.forgeries import Forgery as Forgery
from market.checks.forgeries import css_forgeries as css_forgeries
from market.checks.invariants import InvariantViolation as InvariantViolation
from market.checks.invariants import OpenDispute as OpenDispute
from market.checks.invariants import check_invariants as check_invariants
from market.checks.invariants import check_legacy_appointments as check_legacy_appointments
from market.checks.invariants import check_one_supplier as check_one_supplier
from market.checks.invariants import check_regime_end as check_regime_end
from market.checks.invariants import check_time_runs_forward as check_time_runs_forward
from market.checks.invariants import open_disputes as open_disputes
from market.checks.liveness import LivenessViolation as LivenessViolation
from market.checks.liveness import check_liveness as check_liveness
from market.checks.parties import owed_by as owed_by
from market.checks.parties import participant_roles as participant_roles
from market.checks.rejections import DipRejection as DipRejection
from market.checks.rejections import dip_rejections as dip_rejections
from market.checks.verdict import PathCount as PathCount
from market.checks.verdict import Verdict as Verdict
from market.checks.verdict import check_journal as check_journal
from market.checks.verdict import format_verdict as format_verdict
