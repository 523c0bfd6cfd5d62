"""Fault injection: fault plans as data, applied by the broker, judged by the checkers.

A :class:`FaultPlan` lists faults, each scoped (network, message, sender,
recipient or participant) and active in a window of simulated time written on
the settlement calendar. The broker consults a :class:`FaultInjector` (its own
seeded random stream) wherever a message is sent or delivered, and the runtime
applies crashes, restarts and clock skew. Every injected fault is a journal
event, so a run's verdict can tell injected losses from real ones.
"""

from market.faults.injector import FaultInjector as FaultInjector
from market.faults.injector import Transmission as Transmission
from market.faults.plan import ClockSkew as ClockSkew
from market.faults.plan import Corrupt as Corrupt
from market.faults.plan import Crash as Crash
from market.faults.plan import Delay as Delay
from market.faults.plan import DipOutage as DipOutage
from market.faults.plan import Duplicate as Duplicate
from market.faults.plan import Fault as Fault
from market.faults.plan import FaultPlan as FaultPlan
from market.faults.plan import Loss as Loss
from market.faults.plan import Partition as Partition
from market.faults.plan import Reorder as Reorder
from market.faults.plan import RestartPolicy as RestartPolicy
from market.faults.plan import Scope as Scope
from market.faults.plan import Slow as Slow
from market.faults.plan import WebhookDown as WebhookDown
from market.faults.plan import Window as Window
from market.faults.plan import load_fault_plan as load_fault_plan
from market.faults.plan import plan_from_mapping as plan_from_mapping
from market.faults.windows import WindowAnchor as WindowAnchor
from market.faults.windows import parse_instant as parse_instant
from market.faults.windows import parse_window as parse_window
