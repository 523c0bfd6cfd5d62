"""pytest fixtures for testing your own participant: installed with the package (``mhhs_market``).

Installing ``mhhs-market`` registers this module as a pytest plugin (entry point
``pytest11``), so any test in any project can ask for its two fixtures:

* ``market_run``: runs the built-in market with your classes playing some of its
  participants and returns a :class:`ParticipantRun`: the verdict, the journal,
  and what each of your participants sent and received::

      def test_my_collector_completes_every_switch(market_run):
          run = market_run({"NHHDC-NDCE": MyCollector}, mpans=5)
          assert run.ok, run.summary()
          assert "D0086" in run.messages_sent()

* ``participant_context``: builds the :class:`~market.Context` a handler is given,
  with no market behind it, to unit-test one handler; what the handler sent is
  in :func:`sent_messages`::

      from market.byo.participant_testing import sent_messages

      def test_my_collector_accepts_an_appointment(participant_context):
          collector = MyCollector(identity)
          ctx = participant_context(collector)
          collector.on_message(ctx, appointment)
          assert [type(m) for m in sent_messages(ctx)] == [D0011]

Both return functions of :mod:`market.byo.participant_testing`, which a test can
also import (``sent_messages`` is there); the simulator is imported when a test
first asks for a fixture, not each time pytest starts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from market.byo.participant_testing import ParticipantRun
    from market.participant import Context


@pytest.fixture
def market_run() -> Callable[..., ParticipantRun]:
    """Run the built-in market with your participants: ``market_run({"NHHDC-NDCE": Mine})``.

    Keyword options: ``mpans`` (3), ``seed`` (1), ``variant`` (``T``, ``A``, ``S``,
    ``mixed``), ``scenario`` and ``faults`` (TOML files, as for ``market run``).
    """
    # The simulator loads when a test asks for it, not each time pytest starts.
    from market.byo.participant_testing import run_with_participants  # noqa: PLC0415

    return run_with_participants


@pytest.fixture
def participant_context() -> Callable[..., Context]:
    """Build the context one handler gets, without a market: ``participant_context(mine)``.

    Keyword options: ``at`` (an aware instant; the default market's first morning) and
    ``seed`` (of ``ctx.rng``, 0).
    """
    from market.byo.participant_testing import bare_context  # noqa: PLC0415

    return bare_context
