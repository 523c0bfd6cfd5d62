"""Variant T: a traditional (non-communicating) meter leaves MHHS.

Run it:  python examples/variant_t.py
"""

from __future__ import annotations

import sys

from _walkthrough import walk_through

INTRODUCTION = """
Variant T (BPM-003 "Traditional Meters with an Outgoing DS"). The MPAN is in the
smart segment but its meter does not communicate, so the outgoing Smart Data
Service holds validated readings from site visits. Watch for:
  * C7/C8   REGS announces the regime end on IF-003 [ReverseMigNotification];
  * C14/C15 IF-003 [MSDeAppRM] / [DSDeAppRM] name the incoming MOP (B095) and DC (B096);
  * T2      the outgoing SDS hands the DC its reading history by D0010 (the DC is not on the DIP);
  * T3/T4   the outgoing MSS releases the meter technical details (D0150) to the new MOP;
  * T6/T7   the DC settles the change-of-supply read (D0086) and sends the EAC (D0019).
"""

if __name__ == "__main__":
    sys.exit(walk_through("T", seed=2026, introduction=INTRODUCTION))
