"""Industry identifiers: MPAN cores, DIP IDs, MPIDs, DIP role codes and GSP groups.

Every check here is a pure function that either returns the value unchanged or
raises :class:`~market.kernel.exceptions.InvalidIdentifierError` naming the rule it
broke, so the same functions serve as attrs validators and as input checks at
the command line.
"""

from __future__ import annotations

import enum
import functools
import operator
import random
import re
from typing import Final

from market.kernel.exceptions import InvalidIdentifierError

#: Weights of the MPAN core check digit over its first twelve digits (MRA rule).
MPAN_CHECK_WEIGHTS: Final = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)
#: What the weights add up to when every digit is read as its ASCII code (``ord("0")`` = 48).
_ZERO_CODE_WEIGHT: Final = ord("0") * sum(MPAN_CHECK_WEIGHTS)

#: Shape of an MPAN core (the check digit is checked separately); shared with the JSON Schemas.
MPAN_CORE_PATTERN: Final = r"^\d{13}$"
#: Shape of a DIP ID; shared with the JSON Schemas.
DIP_ID_PATTERN: Final = r"^[0-9A-Za-z]{10}$"
#: Shape of a market participant id; shared with the JSON Schemas.
MPID_PATTERN: Final = r"^[A-Z]{4}$"

# Matched whole (``fullmatch``: a Python ``$`` also matches before a trailing newline) and
# ASCII-only (a Python ``\d`` also matches other scripts' digits), as JSON Schema reads them.
_MPAN_CORE = re.compile(MPAN_CORE_PATTERN, re.ASCII)
_DIP_ID = re.compile(DIP_ID_PATTERN, re.ASCII)
_MPID = re.compile(MPID_PATTERN, re.ASCII)

#: Distributor ids (first two MPAN digits) of the fourteen GB DNO areas, by GSP group.
GSP_GROUP_DISTRIBUTOR: Final = {
    "_A": "10",
    "_B": "11",
    "_C": "12",
    "_D": "13",
    "_E": "14",
    "_F": "15",
    "_G": "16",
    "_H": "17",
    "_J": "19",
    "_K": "21",
    "_L": "22",
    "_M": "23",
    "_N": "18",
    "_P": "20",
}

#: The fourteen GSP group ids, in the DIP schema's enum order.
GSP_GROUPS: Final = tuple(sorted(GSP_GROUP_DISTRIBUTOR))


class Role(enum.StrEnum):
    """Every participant role in the simulated market, by the industry's own code.

    MHHS roles use the DIP ``senderRoleID`` values of the brief (section b);
    legacy agents, who have no DIP role, use their familiar BSC abbreviations;
    the Central Switching Service is ``CSS``. One enum serves all three
    networks so a journal line never needs two names for one role.
    """

    SUPPLIER = "SUP"
    REGISTRATION_SERVICE = "REGS"
    SMART_DATA_SERVICE = "SDS"
    ADVANCED_DATA_SERVICE = "ADS"
    UNMETERED_DATA_SERVICE = "UMSDS"
    SMART_METERING_SERVICE = "MSS"
    ADVANCED_METERING_SERVICE = "MSA"
    UNMETERED_SUPPLIES_OPERATOR = "UMSO"
    METER_DATA_RETRIEVER = "MDR"
    MARKETWIDE_DATA_SERVICE = "MDS"
    LOAD_SHAPING_SERVICE = "LSS"
    LDSO = "LDSO"
    ELECTRICITY_ENQUIRY_SERVICE = "EES"
    INDUSTRY_STANDING_DATA = "ISD"
    CENTRAL_SWITCHING_SERVICE = "CSS"
    NHH_DATA_COLLECTOR = "NHHDC"
    HH_DATA_COLLECTOR = "HHDC"
    NHH_DATA_AGGREGATOR = "NHHDA"
    HH_DATA_AGGREGATOR = "HHDA"
    NHH_METER_OPERATOR = "NHHMOA"
    HH_METER_OPERATOR = "HHMOA"


#: Roles that hold a DIP ID and may appear as ``senderRoleID`` on the DIP.
DIP_ROLES: Final = frozenset(
    {
        Role.SUPPLIER,
        Role.REGISTRATION_SERVICE,
        Role.SMART_DATA_SERVICE,
        Role.ADVANCED_DATA_SERVICE,
        Role.UNMETERED_DATA_SERVICE,
        Role.SMART_METERING_SERVICE,
        Role.ADVANCED_METERING_SERVICE,
        Role.UNMETERED_SUPPLIES_OPERATOR,
        Role.METER_DATA_RETRIEVER,
        Role.MARKETWIDE_DATA_SERVICE,
        Role.LOAD_SHAPING_SERVICE,
        Role.LDSO,
        Role.ELECTRICITY_ENQUIRY_SERVICE,
        Role.INDUSTRY_STANDING_DATA,
    }
)


def mpan_check_digit(first_twelve: str) -> int:
    """Return the check digit for the first twelve digits of an MPAN core."""
    if len(first_twelve) != 12 or not (first_twelve.isascii() and first_twelve.isdigit()):
        raise InvalidIdentifierError(
            f"MPAN core prefix {first_twelve!r}: need exactly 12 digits to compute a check digit"
        )
    # ASCII digit codes are 48 + the digit: weigh the codes, then take 48 × the weights off.
    codes = first_twelve.encode("ascii")
    total: int = sum(map(operator.mul, codes, MPAN_CHECK_WEIGHTS)) - _ZERO_CODE_WEIGHT
    return total % 11 % 10


def is_valid_mpan_core(value: str) -> bool:
    """Whether ``value`` is 13 digits whose last digit is the correct check digit."""
    return isinstance(value, str) and _mpan_core_problem(value) is None


def check_mpan_core(value: str) -> str:
    """Return ``value`` if it is a valid MPAN core, else raise saying which rule failed."""
    problem = _mpan_core_problem(value) if isinstance(value, str) else _mpan_shape_rule(value)
    if problem is not None:
        raise InvalidIdentifierError(problem)
    return value


def _mpan_shape_rule(value: object) -> str:
    return f"MPAN core {value!r}: must be exactly 13 digits (e.g. '1900012345670')"


#: MPAN cores whose verdict is remembered: every message names its MPAN, and a run checks
#: the same few hundred thousand cores over and over (a pure function, so caching is safe).
_MPAN_VERDICTS_KEPT: Final = 1 << 18


@functools.lru_cache(maxsize=_MPAN_VERDICTS_KEPT)
def _mpan_core_problem(value: str) -> str | None:
    """The rule MPAN core ``value`` breaks, or ``None`` when it is valid."""
    if not _MPAN_CORE.fullmatch(value):
        return _mpan_shape_rule(value)
    expected = mpan_check_digit(value[:12])
    if int(value[12]) != expected:
        return (
            f"MPAN core {value!r}: check digit is {value[12]}, but the weighted sum of the "
            f"first 12 digits gives {expected}"
        )
    return None


def generate_mpan_core(rng: random.Random, distributor_id: str) -> str:
    """A valid MPAN core for ``distributor_id`` (two digits), drawn from ``rng``."""
    if len(distributor_id) != 2 or not distributor_id.isdigit():
        raise InvalidIdentifierError(
            f"distributor id {distributor_id!r}: must be two digits (e.g. '19' for GSP group _J)"
        )
    body = distributor_id + "".join(str(rng.randrange(10)) for _ in range(10))
    return body + str(mpan_check_digit(body))


def check_dip_id(value: str) -> str:
    """Return ``value`` if it is a 10-character DIP ID, else raise."""
    if not isinstance(value, str) or not _DIP_ID.fullmatch(value):
        raise InvalidIdentifierError(
            f"DIP ID {value!r}: must be exactly 10 letters or digits (e.g. '2200000019')"
        )
    return value


def check_mpid(value: str) -> str:
    """Return ``value`` if it is a market participant id (4 upper-case letters), else raise."""
    if not isinstance(value, str) or not _MPID.fullmatch(value):
        raise InvalidIdentifierError(
            f"MPID {value!r}: must be exactly 4 upper-case letters (e.g. 'LGSB')"
        )
    return value


def check_gsp_group(value: str) -> str:
    """Return ``value`` if it is one of the fourteen GSP group ids, else raise."""
    if value not in GSP_GROUP_DISTRIBUTOR:
        raise InvalidIdentifierError(f"GSP group {value!r}: must be one of {', '.join(GSP_GROUPS)}")
    return value
