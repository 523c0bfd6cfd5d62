"""The simulator's exceptions, rooted in one base.

Each error also subclasses the builtin it behaves like, so callers that only
know Python's vocabulary (``ValueError``, ``LookupError``) still catch it.
Business rejections inside the market are *messages* with reason codes, never
exceptions: these classes are for bad input and for bugs.
"""

from __future__ import annotations


class MarketError(Exception):
    """Base of every error the simulator raises on purpose."""


class InvalidIdentifierError(MarketError, ValueError):
    """An MPAN core, DIP ID, MPID or code broke its format rule.

    The message names the identifier, the rule it broke, and what a valid one
    looks like.
    """


class EnvelopeError(MarketError, ValueError):
    """A DIP envelope broke a field rule of the DIP JSON schema.

    ``path`` is the JSON path of the offending field (``$.CommonBlock.S1.senderDIPID``)
    and ``rule`` says which rule it broke, so a sender can correct and resubmit.
    """

    def __init__(self, path: str, rule: str) -> None:
        super().__init__(f"{path}: {rule}")
        self.path = path
        self.rule = rule


class UnknownParticipantError(MarketError, LookupError):
    """An address (DIP ID, MPID or participant id) names nobody in the market.

    Contrast with a *rejected* message: an unknown recipient on the DIP is a
    business rejection (a status message); this error is raised only when the
    scenario itself refers to someone who does not exist.
    """


class UsageError(MarketError, ValueError):
    """The command line or an input file is wrong; the message says how to fix it."""


class ScenarioError(MarketError, ValueError):
    """A scenario (population, options, fault plan) is inconsistent or malformed."""


class ParticipantCrashedError(MarketError, RuntimeError):
    """A participant's handler raised; the run stopped because no restart policy covers it.

    ``participant`` is the id of the participant that crashed; the original
    exception is chained as ``__cause__``. Raised by
    :meth:`market.runtime.simulation.Simulation.run`, it also carries the run
    so far, judged (``result``; read it with
    :func:`market.runtime.simulation.partial_result`): the journal up to the
    crash and a verdict that names the crash and the MPANs left unfinished.
    """

    def __init__(self, participant: str, message: str) -> None:
        super().__init__(f"participant {participant} crashed while handling {message}")
        self.participant = participant
        self.result: object = None
