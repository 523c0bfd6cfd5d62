"""Who is who: participant ids, DIP IDs, and (role, MPID) addresses.

The broker resolves every address through the directory; participants only
ever hold addresses, never references to each other.
"""

from __future__ import annotations

from collections.abc import Iterable

from market.kernel.exceptions import ScenarioError, UnknownParticipantError
from market.kernel.ids import Role
from market.participant import ParticipantIdentity


class Directory:
    """Lookup tables built once from the market's participant identities."""

    def __init__(self, identities: Iterable[ParticipantIdentity]) -> None:
        self._by_id: dict[str, ParticipantIdentity] = {}
        self._by_dip_id: dict[str, str] = {}
        self._by_role_mpid: dict[tuple[Role, str], str] = {}
        self._by_role: dict[Role, list[str]] = {}
        for identity in identities:
            self._add(identity)

    def _add(self, identity: ParticipantIdentity) -> None:
        pid = identity.participant_id
        if pid in self._by_id:
            raise ScenarioError(
                f"participant id {pid!r} is used twice; each participant needs its own id"
            )
        self._by_id[pid] = identity
        if identity.dip_id is not None:
            if identity.dip_id in self._by_dip_id:
                raise ScenarioError(
                    f"DIP ID {identity.dip_id} is held by both {self._by_dip_id[identity.dip_id]} "
                    f"and {pid}; DIP IDs are unique per participant"
                )
            self._by_dip_id[identity.dip_id] = pid
        if identity.mpid is not None:
            key = (identity.role, identity.mpid)
            if key in self._by_role_mpid:
                raise ScenarioError(
                    f"MPID {identity.mpid} in role {identity.role} is held by both "
                    f"{self._by_role_mpid[key]} and {pid}"
                )
            self._by_role_mpid[key] = pid
        self._by_role.setdefault(identity.role, []).append(pid)

    def __contains__(self, participant_id: object) -> bool:
        return participant_id in self._by_id

    def identity(self, participant_id: str) -> ParticipantIdentity:
        """The identity of ``participant_id``; raises if nobody has that id."""
        try:
            return self._by_id[participant_id]
        except KeyError:
            raise UnknownParticipantError(
                f"no participant has id {participant_id!r}; "
                f"known ids: {', '.join(sorted(self._by_id))}"
            ) from None

    def role_of(self, participant_id: str) -> Role | None:
        """The role of ``participant_id``; ``None`` for parties outside the market (customers)."""
        identity = self._by_id.get(participant_id)
        return identity.role if identity is not None else None

    def by_dip_id(self, dip_id: str) -> str | None:
        """The participant holding ``dip_id``, if any."""
        return self._by_dip_id.get(dip_id)

    def by_role_mpid(self, role: Role, mpid: str | None) -> str | None:
        """The participant with ``role`` and ``mpid``; with ``mpid=None``, the sole holder of it."""
        if mpid is None:
            holders = self._by_role.get(role, [])
            return holders[0] if len(holders) == 1 else None
        return self._by_role_mpid.get((role, mpid))

    def with_role(self, role: Role) -> tuple[str, ...]:
        """Every participant id in ``role``, sorted."""
        return tuple(sorted(self._by_role.get(role, ())))
