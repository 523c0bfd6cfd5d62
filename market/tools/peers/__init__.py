"""Peers of the kernel: the reverse migration's delivery pattern in other frameworks.

Each peer replays :data:`~market.tools.bench_pattern.RM_PATTERN` for
``concurrent`` reverse migrations started at the same instant, one actor per
actor of the pattern, each doing the same trivial work per message: count it,
look up the hops it causes and send them (a message is ``(rm, hop)``). Each
returns a :class:`PeerResult`, timed around the delivery phase only (building
queues, stores and tasks is left out).

* :func:`~market.tools.peers.asyncio_actors.run_asyncio`: one ``asyncio.Queue``
  and one task per actor; no virtual time, so hop delays are ignored.
* :func:`~market.tools.peers.simpy_actors.run_simpy_process`: SimPy processes
  reading a ``simpy.Store`` each, a delayed hop carried by a process that waits out
  the delay and puts it (SimPy's documented latency idiom).
* :func:`~market.tools.peers.simpy_actors.run_simpy_callback`: SimPy without
  processes: each hop is a ``Timeout`` event whose callback is the recipient's handler.

The SimPy peers need the ``bench`` extra (``pip install 'mhhs-market[bench]'``);
:func:`peers` lists those available.
"""

from __future__ import annotations

from collections.abc import Callable

from market.tools.bench_pattern import Pattern
from market.tools.peers.asyncio_actors import run_asyncio
from market.tools.peers.result import PeerResult, Tally

#: A peer: ``(concurrent, pattern)`` to its figures.
PeerRunner = Callable[[int, Pattern], PeerResult]

__all__ = ["PeerResult", "PeerRunner", "Tally", "peers", "run_asyncio"]


def peers() -> dict[str, PeerRunner]:
    """Every peer by name, in the order ``market bench`` shows them; SimPy's only if installed."""
    found: dict[str, PeerRunner] = {"asyncio": run_asyncio}
    try:
        from market.tools.peers.simpy_actors import (  # noqa: PLC0415 (SimPy is optional)
            run_simpy_callback,
            run_simpy_process,
        )
    except ImportError:  # the ``bench`` extra is not installed
        return found
    found["simpy-process"] = run_simpy_process
    found["simpy-callback"] = run_simpy_callback
    return found
