"""Incoming data collectors with one planted bug each: what the verdict must catch.

Each plays ``NHHDC-NDCE`` exactly as the built-in collector does, but for one
flow. Run one and the verdict fails, naming the step, the MPAN and who is to
blame (exit 1):

    market run --mpans 3 --participant NHHDC-NDCE=examples.byo.planted_bugs:ForgetsOutgoing
    market run --mpans 3 --participant NHHDC-NDCE=examples.byo.planted_bugs:MisaddressesD0019
    market run --mpans 3 --participant NHHDC-NDCE=examples.byo.planted_bugs:LateD0086

``ForgetsOutgoing`` never tells the outgoing supplier the change-of-supply
reading (T6 reaches one supplier of two); ``MisaddressesD0019`` sends the
EAC/AA to the incoming supplier instead of the data aggregator (T7);
``LateD0086`` holds the change-of-supply reading for 9 days (T6 is due by
SSD + 5 working days).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs

from actors.legacy.nhh_agents import NhhDataCollector
from market import D0019, D0086, Address, Context, Role


@attrs.frozen
class HeldFlows:
    """A timer's payload: the flows a late collector holds back, sent when it fires."""

    sends: tuple[tuple[Any, Address, tuple[tuple[str, Any], ...]], ...]


class _Planted(NhhDataCollector):
    """The built-in collector, taking over its state, with ``rewire`` applied to each flow."""

    @classmethod
    def replacing(cls, built_in: NhhDataCollector) -> _Planted:
        made = cls.__new__(cls)
        made.__dict__.update(built_in.__dict__)
        return made

    def on_message(self, ctx: Context, message: object) -> None:
        if isinstance(message, HeldFlows):
            for flow, to, items in message.sends:
                ctx.send_flow(flow, to=to, **dict(items))
            return
        super().on_message(_Rewired(ctx, self), message)  # type: ignore[arg-type]

    def rewire(self, ctx: Context, flow: Any, to: Address, items: dict[str, Any]) -> None:
        """Send ``flow`` (the built-in's choice of recipient and items), or do something else."""
        ctx.send_flow(flow, to=to, **items)


class _Rewired:
    """A context whose ``send_flow`` goes through the planted bug; all else is the real one."""

    def __init__(self, ctx: Context, owner: _Planted) -> None:
        self._ctx, self._owner = ctx, owner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    def send_flow(self, flow: Any, *, to: Address, **items: Any) -> None:
        self._owner.rewire(self._ctx, flow, to, items)


class ForgetsOutgoing(_Planted):
    """Sends the D0086 to the incoming supplier only, never to the outgoing one."""

    def rewire(self, ctx: Context, flow: Any, to: Address, items: dict[str, Any]) -> None:
        if flow is D0086 and to.mpid != items.get("incoming_supplier_mpid"):
            return
        super().rewire(ctx, flow, to, items)


class MisaddressesD0019(_Planted):
    """Sends the D0019 (EAC/AA) to the incoming supplier instead of the data aggregator."""

    def rewire(self, ctx: Context, flow: Any, to: Address, items: dict[str, Any]) -> None:
        if flow is D0019:
            supplier = self.appointments_supplier(items["mpan_core"])
            to = Address(mpid=supplier, role=Role.SUPPLIER)
        super().rewire(ctx, flow, to, items)

    def appointments_supplier(self, mpan: str) -> str:
        """The MPID of the supplier that appointed this collector for ``mpan``."""
        return str(self.collections[mpan].appointment.supplier_mpid)


class LateD0086(_Planted):
    """Holds every D0086 for 9 days before sending it."""

    def rewire(self, ctx: Context, flow: Any, to: Address, items: dict[str, Any]) -> None:
        if flow is D0086:
            held = HeldFlows(sends=((flow, to, tuple(sorted(items.items()))),))
            ctx.set_timer_after(timedelta(days=9), held, mpan=items.get("mpan_core"))
            return
        super().rewire(ctx, flow, to, items)
