"""Variant S: a DCC-enrolled smart meter leaves MHHS.

Run it:  python examples/variant_s.py
"""

from __future__ import annotations

import sys

from _walkthrough import walk_through

INTRODUCTION = """
Variant S (BPM-003's smart variant: no outgoing-DS lane, IF-041 used). Watch for:
  * S1      the outgoing SDS stops its Meter Data Retriever with IF-063 [MDRStop];
  * S2      the incoming supplier reads the meter via DCC at the supply start date (D0010);
  * S3      the outgoing supplier shares its midnight read with IF-041 [ReadingCOS]
            (option smart_if041_sender; PUB-041 also reaches the LDSO);
  * M1/M2   the meter technical details still move from the outgoing MSS to the new MOP;
  * S4/S5   the legacy DC settles the read (D0086) and sends the EAC (D0019).
"""

if __name__ == "__main__":
    sys.exit(walk_through("S", seed=2026, introduction=INTRODUCTION))
