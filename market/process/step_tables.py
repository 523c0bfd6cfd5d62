"""The step tables of every path, as text: what each step means, and each path's rows.

``STEP_TEXT`` gives every step id its timing rule and meaning (brief c.1-c.5
and d); the row tables give each group of steps its performer, message and
recipients. :mod:`market.process.paths` assembles them into each path's
steps. Kept as text so they read like ``docs/message-flows.md``, which they
mirror.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

#: ``step | timing rule | meaning`` for every step id (brief c.1-c.5 and d).
STEP_TEXT: Final = """
C1   | SSD up to 28 days ahead       | Incoming supplier asks CSS to switch the MPAN to it
C2   | within the objection window   | CSS tells the outgoing supplier it is losing the MPAN
C3   | within the objection window   | Outgoing supplier objects, so the switch fails
D3   | when the objection is upheld  | CSS tells the incoming supplier the switch failed
C4   | window closed, before SSD     | CSS secures the switch and tells the Registration Service
C4a  | on securing                   | CSS confirms the loss to the outgoing supplier
C6   | on securing                   | Registration Service confirms the registration (legacy)
C6a  | on securing                   | Registration Service names the old supplier
C7   | on securing, ≥ 1 day pre-SSD  | Registration Service announces the MPAN leaves MHHS
C8   | seconds after C7              | DIP publishes it to MDS, LDSO and the outgoing supplier
C9   | before SSD                    | Incoming supplier appoints legacy data collector and MOP
C9a  | before SSD                    | Incoming supplier appoints the legacy data aggregator
C10  | typically within 5 WD         | A legacy agent accepts its appointment
C10r | typically within 5 WD         | A legacy agent rejects its appointment (D6)
C11  | after acceptance              | Incoming supplier tells each agent who the others are
C11a | after acceptance              | Incoming supplier sends the customer's details to agents
C12  | by SSD                        | Incoming supplier registers its legacy agents with REGS
C13  | on receipt of D0205           | Registration Service instructs the legacy data aggregator
C13a | on receipt of D0205           | Registration Service confirms the changes to the supplier
C14  | when the legacy MOP is known  | Registration Service de-appoints the outgoing MS
C15  | when the legacy DC is known   | Registration Service de-appoints the outgoing DS
D4   | after securing, before SSD    | Incoming supplier withdraws the secured switch at CSS
D4a  | on the withdrawal             | CSS tells the Registration Service the switch is off
D4b  | on the withdrawal             | CSS tells the outgoing supplier it keeps the customer
D10  | during the migration          | Outgoing supplier tries to maintain supplier data items
D10r | on receipt of IF-025          | Registration Service rejects it with REG9002
D11  | on receipt of the IF-021      | MDS rejects consumption after MHHSRegimeEndDate (ECS1001)
T1   | days up to regime end         | Outgoing SDS submits its last consumption to MDS
T2q  | when B096 was absent          | Legacy DC asks the outgoing SDS for reading history
T2   | within 5 WD after SSD         | Outgoing SDS gives the legacy DC its last valid readings
T3q  | when B095 was absent          | Legacy MOP asks the outgoing MSS for meter details
T3   | on request or proactively     | Outgoing MSS releases meter technical details to new MOP
T3a  | with D0150                    | Outgoing MSS sends the register mapping details
T4   | within 5 WD                   | Legacy MOP forwards meter details to DC, supplier, LDSO
T4a  | with D0150                    | Legacy MOP forwards the register mapping details
T5   | SSD ± 5 WD                    | Incoming supplier passes on the customer's own reading
T6   | after reads; deemed at cut-off| Legacy DC settles the CoS reading, tells both suppliers
T7   | before the first legacy SF run| Legacy DC sends the EAC/AA to the legacy aggregator
T8   | within 12 months after SSD    | Outgoing supplier disputes the change-of-supply reading
T8r  | after the dispute             | Incoming supplier agrees or rejects the disputed reading
A1   | days up to regime end         | Outgoing ADS submits its last consumption to MDS
A1r  | days up to regime end         | Outgoing ADS submits its last reactive power to MDS
A2q  | when B096 was absent          | Legacy HHDC asks the outgoing ADS for the final reading
A2   | within 5 WD                   | Outgoing ADS gives the legacy HHDC the final meter reading
A3q  | when B095 was absent          | Legacy HHMOA asks the outgoing MSA for meter details
A3   | on request                    | Outgoing MSA releases HH meter technical details
A4   | within 5 WD                   | Legacy HHMOA forwards HH meter details to DC, SUP, LDSO
A5   | daily from SSD                | Legacy HHDC sends validated HH advances to the HHDA
A5a  | daily from SSD                | Legacy HHDC sends HH consumption to the incoming supplier
A5b  | with the first HH advances    | Legacy HHDC sends the SSD register read to both suppliers
A6   | within 12 months after SSD    | Outgoing supplier disputes the change-of-supply reading
A6r  | after the dispute             | Incoming supplier agrees or rejects the disputed reading
S1   | by SSD                        | Outgoing SDS tells the MDR to stop retrieving meter data
S1b  | days up to regime end         | Outgoing SDS submits its last consumption to MDS
M1q  | when B095 was absent          | Legacy MOP asks the outgoing MSS for meter details
M1   | on request or proactively     | Outgoing MSS releases meter technical details to new MOP
M1a  | with D0150                    | Outgoing MSS sends the register mapping details
M2   | within 5 WD                   | Legacy MOP forwards meter details to DC, supplier, LDSO
M2a  | with D0150                    | Legacy MOP forwards the register mapping details
S2q  | when B096 was absent          | Legacy DC asks the outgoing SDS for reading history
S2h  | on request                    | Outgoing SDS gives the legacy DC its last valid readings
S2   | SSD to SSD + 5 WD             | Incoming supplier sends the SSD read obtained via DCC
S3   | SSD to SSD + 5 WD             | MHHS side shares the change-of-supply read (IF-041)
S4   | by the CoS read cut-off       | Legacy DC confirms the CoS reading to both suppliers
S5   | before the first legacy SF run| Legacy DC sends the EAC/AA to the legacy aggregator
S6   | within 12 months after SSD    | Outgoing supplier disputes the change-of-supply reading
S6r  | after the dispute             | Incoming supplier agrees or rejects the disputed reading
L1   | after appointment             | New legacy MOP asks the old MOP for meter details
L2   | on request                    | Old legacy MOP hands the meter details to the new MOP
L3   | after appointment             | New legacy DC asks the old DC for the reading history
L4   | on request                    | Old legacy DC hands its latest readings to the new DC
B1   | on securing                   | Registration Service announces the MHHS change of supplier
B31d | after IF-001                  | Incoming supplier asks to appoint its Data Service
B31m | after IF-001                  | Incoming supplier asks to appoint its Metering Service
B32d | on receipt of IF-031          | Registration Service acknowledges the DS appointment
B32m | on receipt of IF-031          | Registration Service acknowledges the MS appointment
B33d | on receipt of IF-031          | Registration Service asks the Data Service to accept
B33m | on receipt of IF-031          | Registration Service asks the Metering Service to accept
B34d | on request                    | Data Service accepts the appointment
B34m | on request                    | Metering Service accepts the appointment
B35d | on acceptance                 | Registration Service confirms the DS appointment
B35m | on acceptance                 | Registration Service confirms the MS appointment
B36d | from the SSD                  | Registration Service makes the DS appointment active
B36m | from the SSD                  | Registration Service makes the MS appointment active
"""

# Step rows: ``id | by | network message[/publication] [event code] | to | after | flags``.
# ``by`` is the performing party, then ``/`` and roles that may perform it instead;
# DC, MOP, DA, MS and DS stand for the variant's legacy agents and outgoing services.
# ``to`` lists who must receive it, each one: a role or a part (``SUP(in)``), ``A,B`` for either.
# Flags: ``opt`` (optional), ``answers=<id>``, ``once`` (sent once to each recipient),
# ``when=PARTY:option`` (that recipient only when the yes/no option is on; ``;`` between
# several), ``if=option`` (the step is on the path only when the yes/no option is on), and the
# timing rule ``from=<bound>`` / ``by=<bound>``: ``SSD`` or a step id of the path, then
# ``+N``/``-N`` days (``d``) or England & Wales working days (``wd``), on the settlement date,
# or ``+option``: a RECON option in (working) days, the run's value (``SSD+cos_read_cutoff...``).
START: Final = """
C1   | SUP(in)     | CSS RegistrationRequest              | CSS              |          | from=SSD-28d once
C2   | CSS         | CSS LossNotification                 | SUP(out)         | C1       |
"""
OBJECTED: Final = """
C3   | SUP(out)    | CSS Objection                        | CSS              | C2
D3   | CSS         | CSS RegistrationObjected             | SUP(in)          | C3       |
"""
SECURED: Final = """
C4   | CSS         | CSS SecuredActive                    | REGS             | C2
C4a  | CSS         | CSS SecuredActive                    | SUP(out)         | C2       | opt once
"""
CONFIRMED: Final = """
C6   | REGS        | DTN D0217                            | SUP(in)          | C4       | once
C6a  | REGS        | DTN D0311                            | SUP(in)          | C4       | opt
"""
NOTIFIED: Final = """
C7   | REGS        | DIP IF-003 [ReverseMigNotification]  |                  | C4       | by=SSD-1d once
C8   | REGS        | DIP PUB-003 [ReverseMigNotification] | MDS LDSO SUP(out) EES | C7       | when=EES:ees_always_on_if003
"""
APPOINTED: Final = """
C9   | SUP(in)     | DTN D0155                            | DC MOP           | C6       | by=SSD-1d
C9a  | SUP(in)     | DTN D0153                            | DA               | C6       | by=SSD-1d
C10  | DC/MOP/DA   | DTN D0011                            | SUP(in)          | C9       |
C10r | DC/MOP/DA   | DTN D0261                            | SUP(in)          | C9       | opt
C11  | SUP(in)     | DTN D0148                            | DC MOP DA        | C10
C11a | SUP(in)     | DTN D0302                            | DC MOP DA        | C10      | opt
C12  | SUP(in)     | DTN D0205                            | REGS             | C10      | by=SSD once
C13  | REGS        | DTN D0209                            | DA               | C12      | once
C13a | REGS        | DTN D0172                            | SUP(in)          | C12      | once
"""
DEAPPOINTED: Final = """
C14  | REGS        | DIP IF-003/PUB-003 [MSDeAppRM]       | MS               | C7       | once
C15  | REGS        | DIP IF-003/PUB-003 [DSDeAppRM]       | DS               | C7       | once
"""
DATA_UPDATE: Final = """
D10  | SUP(out)    | DIP IF-025/PUB-025                   | REGS             | C8       | opt
D10r | REGS        | DIP IF-026/PUB-026                   | SUP(out)         | D10      | opt
"""
WITHDRAWN: Final = """
C7   | REGS        | DIP IF-003 [ReverseMigNotification]  |                  | C4       | opt by=SSD-1d once
C8   | REGS        | DIP PUB-003 [ReverseMigNotification] | MDS LDSO SUP(out) EES | C7       | opt when=EES:ees_always_on_if003
D4   | SUP(in)     | CSS RegistrationWithdrawal           | CSS              | C6       | once
D4a  | CSS         | CSS RegistrationWithdrawn            | REGS             | D4       | once
D4b  | CSS         | CSS LossWithdrawn                    | SUP(out)         | D4       | once
"""
#: D5 "No" then D4: REGS de-appointed the outgoing services on securing, before the
#: withdrawal; their last consumption goes to MDS as in a reverse migration, and the rest
#: is manual intervention. (With ``smart_outgoing_ds_lane`` a smart meter's outgoing SDS
#: would also submit IF-021, S1b, which this path does not list.)
WITHDRAWN_DEAPPOINTED: Final = """
C14  | REGS        | DIP IF-003/PUB-003 [MSDeAppRM]       | MSS,MSA          | C7       | opt once
C15  | REGS        | DIP IF-003/PUB-003 [DSDeAppRM]       | SDS,ADS          | C7       | opt once
T1   | SDS         | DIP IF-021/PUB-021 [ActivePower]     | MDS LSS          | C15      | opt when=LSS:lss_always_on_if021
A1   | ADS         | DIP IF-021/PUB-021 [ActivePower]     | MDS LSS          | C15      | opt when=LSS:lss_always_on_if021
A1r  | ADS         | DIP IF-021/PUB-021 [ReactivePower]   | MDS              | C15      | opt
D11  | MDS         | DIP IF-014/PUB-014 [ActivePowerRejected] | SDS,ADS      | C15      | opt
S1   | SDS         | DIP IF-063/PUB-063 [MDRStop]         | MDR              | C15      | opt
"""
RM_T: Final = """
T1   | SDS         | DIP IF-021/PUB-021 [ActivePower]     | MDS LSS          | C15      | opt when=LSS:lss_always_on_if021
D11  | MDS         | DIP IF-014/PUB-014 [ActivePowerRejected] | SDS          | T1       | opt
T2q  | NHHDC       | DTN D0170                            | SDS              | C9       | opt
T2   | SDS         | DTN D0010                            | NHHDC            | C15      | opt by=SSD+5wd
T3q  | NHHMOA      | DTN D0170                            | MSS              | C9       | opt
T3   | MSS         | DTN D0150                            | NHHMOA           | C14
T3a  | MSS         | DTN D0149                            | NHHMOA           | C14      | opt
T4   | NHHMOA      | DTN D0150                            | NHHDC SUP(in) LDSO | T3       | by=T3+5wd
T4a  | NHHMOA      | DTN D0149                            | NHHDC SUP(in) LDSO | T3a      | opt
T5   | SUP(in)     | DTN D0010                            | NHHDC            | C9       | opt from=SSD-5wd by=SSD+5wd
T6   | NHHDC       | DTN D0086                            | SUP(in) SUP(out) | T4       | by=SSD+cos_read_cutoff_working_days
T7   | NHHDC       | DTN D0019                            | NHHDA            | T6
T8   | SUP(out)    | DTN D0300                            | SUP(in)          | T6       | opt by=SSD+365d
T8r  | SUP(in)     | DTN D0300                            | SUP(out)         | T8       | opt answers=T8
"""
RM_A: Final = """
A1   | ADS         | DIP IF-021/PUB-021 [ActivePower]     | MDS LSS          | C15      | opt when=LSS:lss_always_on_if021
A1r  | ADS         | DIP IF-021/PUB-021 [ReactivePower]   | MDS              | C15      | opt
D11  | MDS         | DIP IF-014/PUB-014 [ActivePowerRejected] | ADS          | A1       | opt
A2q  | HHDC        | DTN D0170                            | ADS              | C9       | opt
A2   | ADS         | DTN D0010                            | HHDC             | C15      | by=SSD+5wd
A3q  | HHMOA       | DTN D0170                            | MSA              | C9       | opt
A3   | MSA         | DTN D0268                            | HHMOA            | C14
A4   | HHMOA       | DTN D0268                            | HHDC SUP(in) LDSO | A3       | by=A3+5wd
A5   | HHDC        | DTN D0036                            | HHDA             | A2 A4    | from=SSD
A5a  | HHDC        | DTN D0275                            | SUP(in)          | A2 A4    | opt from=SSD
A5b  | HHDC        | DTN D0010                            | SUP(in) SUP(out) | A2 A4    | from=SSD
A6   | SUP(out)    | DTN D0300                            | SUP(in)          | A5b      | opt by=SSD+365d
A6r  | SUP(in)     | DTN D0300                            | SUP(out)         | A6       | opt answers=A6
"""
RM_S: Final = """
S1   | SDS         | DIP IF-063/PUB-063 [MDRStop]         | MDR              | C15      | if=smart_outgoing_ds_lane
S1b  | SDS         | DIP IF-021/PUB-021 [ActivePower]     | MDS LSS          | C15      | opt if=smart_outgoing_ds_lane when=LSS:lss_always_on_if021
D11  | MDS         | DIP IF-014/PUB-014 [ActivePowerRejected] | SDS          | S1b      | opt if=smart_outgoing_ds_lane
M1q  | NHHMOA      | DTN D0170                            | MSS              | C9       | opt
M1   | MSS         | DTN D0150                            | NHHMOA           | C14
M1a  | MSS         | DTN D0149                            | NHHMOA           | C14      | opt
M2   | NHHMOA      | DTN D0150                            | NHHDC SUP(in) LDSO | M1       | by=M1+5wd
M2a  | NHHMOA      | DTN D0149                            | NHHDC SUP(in) LDSO | M1a      | opt
S2q  | NHHDC       | DTN D0170                            | SDS              | C9       | opt if=smart_outgoing_ds_lane
S2h  | SDS         | DTN D0010                            | NHHDC            | C15      | opt if=smart_outgoing_ds_lane
S2   | SUP(in)     | DTN D0010                            | NHHDC            | C9       | from=SSD by=SSD+5wd
S3   | SUP(out)/SDS| DIP IF-041/PUB-041 [ReadingCOS]      | LDSO SUP,SDS     | C7       | from=SSD by=SSD+5wd when=SUP,SDS:smart_outgoing_ds_lane
S4   | NHHDC       | DTN D0086                            | SUP(in) SUP(out) | M2 S2    | by=SSD+cos_read_cutoff_working_days
S5   | NHHDC       | DTN D0019                            | NHHDA            | S4
S6   | SUP(out)    | DTN D0300                            | SUP(in)          | S4       | opt by=SSD+365d
S6r  | SUP(in)     | DTN D0300                            | SUP(out)         | S6       | opt answers=S6
"""
COS_L: Final = """
L1   | NHHMOA      | DTN D0170                            | NHHMOA           | C9
L2   | NHHMOA(old) | DTN D0150                            | NHHMOA           | L1
L3   | NHHDC       | DTN D0170                            | NHHDC            | C9       | opt
L4   | NHHDC(old)  | DTN D0010                            | NHHDC            | L3       | opt
T4   | NHHMOA      | DTN D0150                            | NHHDC SUP(in) LDSO | L2       | by=L2+5wd
T5   | SUP(in)     | DTN D0010                            | NHHDC            | C9       | opt from=SSD-5wd by=SSD+5wd
T6   | NHHDC       | DTN D0086                            | SUP(in) SUP(out) | T4       | by=SSD+cos_read_cutoff_working_days
T7   | NHHDC       | DTN D0019                            | NHHDA            | T6
"""
# The MHHS change of supply (COS-M), the forward migration (MCS, D12) and the refused
# appointments of a related MPAN (REL, D13) share these blocks; each path lists its own.
COS_M_NOTICE: Final = """
C4   | CSS         | CSS SecuredActive                    | REGS             | C2       | opt
C4a  | CSS         | CSS SecuredActive                    | SUP(out)         | C2       | opt once
B1   | REGS        | DIP IF-001/PUB-001 [ChangeOfSupplier]| SUP MDS LDSO     | C2 C4
"""
DS_REQUEST_AFTER_B1: Final = """
B31d | SUP(in)     | DIP IF-031/PUB-031 [DSApp]           | REGS             | B1
"""
MS_REQUEST_AFTER_B1: Final = """
B31m | SUP(in)     | DIP IF-031/PUB-031 [MSApp]           | REGS             | B1
"""
DS_REQUEST_AFTER_C6: Final = """
B31d | SUP(in)     | DIP IF-031/PUB-031 [DSApp]           | REGS             | C6
"""
MS_REQUEST_AFTER_C6: Final = """
B31m | SUP(in)     | DIP IF-031/PUB-031 [MSApp]           | REGS             | C6
"""
DS_ANSWER: Final = """
B32d | REGS        | DIP IF-032/PUB-032 [DSAppInitialResp]| SUP              | B31d
"""
MS_ANSWER: Final = """
B32m | REGS        | DIP IF-032/PUB-032 [MSAppInitialResp]| SUP              | B31m
"""
DS_APPOINTMENT: Final = """
B33d | REGS        | DIP IF-033/PUB-033 [DSAppSPRequest]  | SDS,ADS          | B31d
B34d | SDS/ADS     | DIP IF-034/PUB-034 [DSAppSPResponse] | REGS             | B33d
B35d | REGS        | DIP IF-035/PUB-035 [DSAppAccepted]   | SUP SDS,ADS      | B34d
B36d | REGS        | DIP IF-036/PUB-036 [DSAppActive]     | SUP SDS,ADS LDSO MDS EES | B35d
"""
MS_APPOINTMENT: Final = """
B33m | REGS        | DIP IF-033/PUB-033 [MSAppSPRequest]  | MSS,MSA          | B31m
B34m | MSS/MSA     | DIP IF-034/PUB-034 [MSAppSPResponse] | REGS             | B33m
B35m | REGS        | DIP IF-035/PUB-035 [MSAppAccepted]   | SUP MSS,MSA      | B34m
B36m | REGS        | DIP IF-036/PUB-036 [MSAppActive]     | SUP MSS,MSA LDSO MDS EES | B35m
"""
#: What DC, MOP, DA, MS and DS stand for on a non-half-hourly (variant T or S) path.
NHH_ROLES: Final = MappingProxyType(
    {"DC": "NHHDC", "MOP": "NHHMOA", "DA": "NHHDA", "MS": "MSS", "DS": "SDS"}
)
#: What they stand for on the half-hourly (variant A) path.
HH_ROLES: Final = MappingProxyType(
    {"DC": "HHDC", "MOP": "HHMOA", "DA": "HHDA", "MS": "MSA", "DS": "ADS"}
)
