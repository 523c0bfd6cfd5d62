"""Variant A: an advanced (half-hourly, CT-metered) site leaves MHHS.

Run it:  python examples/variant_a.py
"""

from __future__ import annotations

import sys

from _walkthrough import walk_through

INTRODUCTION = """
Variant A (advanced meter: outgoing Advanced Data Service and Advanced Metering
Service; incoming legacy HH agents). Watch for:
  * C9      D0155 appoints an HH data collector and HH meter operator (measurement class C);
  * A1/A1r  the outgoing ADS still submits IF-021 active and reactive power up to
            MHHSRegimeEndDate (the LSS gets the active power too);
  * A2      the ADS gives the HHDC the final meter reading (D0010, reading type F);
  * A3/A4   the outgoing MSA releases the HH meter technical details (D0268);
  * A5      the HHDC sends the first day's validated HH advances to the HHDA (D0036).
"""

if __name__ == "__main__":
    sys.exit(walk_through("A", seed=2026, introduction=INTRODUCTION))
