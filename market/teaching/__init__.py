"""Teaching views of a run: journeys, explanations, sequence diagrams, step mode, the HTML report.

Every function here is a pure function of journal lines (dicts, as
:func:`market.kernel.journal.read_journal_lines` returns them), so each is tested on
small hand-written journals and agrees with the checkers in :mod:`market.checks`.
No trio: these run on a journal written earlier as well as on a live run.
"""

from __future__ import annotations

from market.teaching.explain import explain_lines as explain_lines
from market.teaching.explain import format_entry as format_entry
from market.teaching.explain import format_instant as format_instant
from market.teaching.explain import format_outcome as format_outcome
from market.teaching.html_report import render_report as render_report
from market.teaching.journey import Journey as Journey
from market.teaching.journey import LaneEvent as LaneEvent
from market.teaching.journey import Message as Message
from market.teaching.journey import Pending as Pending
from market.teaching.journey import journey_of as journey_of
from market.teaching.journey import journeys as journeys
from market.teaching.lanes import Lane as Lane
from market.teaching.lanes import lanes_of as lanes_of
from market.teaching.mermaid import journey_mermaid as journey_mermaid
from market.teaching.plots import latency_svg as latency_svg
from market.teaching.plots import messages_over_time_svg as messages_over_time_svg
from market.teaching.stepper import QuitRequestedError as QuitRequestedError
from market.teaching.stepper import Stepper as Stepper
from market.teaching.svg import journey_svg as journey_svg
from market.teaching.tallies import Tallies as Tallies
from market.teaching.tallies import tally as tally
