# ruff: noqa: E501  -- the brief's examples are copied verbatim, long lines included
"""The brief's example messages (section e.4), copied verbatim as JSON texts."""

from __future__ import annotations

from typing import Final

REVERSE_MIG_NOTIFICATION_SUBMITTED: Final = """
[
  {
    "payload": {
      "CommonBlock": {
        "S0": { "interfaceID": "IF-003", "schemaVersion": "011", "eventCode": "[ReverseMigNotification]" },
        "S1": {
          "environmentTag": "SIT",
          "subText": null,
          "senderUniqueReference": "S-IF-003-2200000019-REGS-20260227-RM0000001",
          "senderTimestamp": "2026-02-27T18:05:12+00:00",
          "senderDIPID": "2200000019",
          "senderRoleID": "REGS",
          "senderCorrelationID": null,
          "DIPConnectionProviderID": null
        },
        "A0": { "primaryRecipients": ["1800000001", "2500000019"], "secondaryRecipients": [], "always": [] },
        "M0": { "MPANCore": "1900012345670", "distributorDIPID": "2500000019", "GSPGroupID": "_J" }
      },
      "CustomBlock": {
        "B013": { "CSSRegistrationID": "3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10" },
        "B094": { "MHHSRegimeEndDate": "2026-03-01T00:00:00+00:00" },
        "B002": {
          "incomingSupplierDIPID": "0000000000",
          "incomingSupplierMPID": "LGSB",
          "supplierEffectiveFromDate": "2026-03-02T00:00:00+00:00"
        }
      }
    }
  }
]
"""

REVERSE_MIG_NOTIFICATION_PUBLISHED: Final = """
[
  {
    "payload": {
      "CommonBlock": {
        "S0": { "interfaceID": "IF-003", "schemaVersion": "011", "eventCode": "[ReverseMigNotification]" },
        "S1": {
          "environmentTag": "SIT", "subText": null,
          "senderUniqueReference": "S-IF-003-2200000019-REGS-20260227-RM0000001",
          "senderTimestamp": "2026-02-27T18:05:12+00:00",
          "senderDIPID": "2200000019", "senderRoleID": "REGS",
          "senderCorrelationID": null, "DIPConnectionProviderID": null
        },
        "A0": {
          "primaryRecipients": ["1800000001", "2500000019"],
          "secondaryRecipients": ["2300000101"],
          "always": []
        },
        "D0": {
          "transactionID": "T-IF-003-2200000019-REGS-20260227-0000A1B2C3D4E5F6",
          "transactionTimestamp": "2026-02-27T18:05:13+00:00",
          "publicationID": "PUB-003",
          "initialCorrelationID": "CI-20260227-7F3A9C21D4E84B10",
          "replayIndicator": false,
          "serviceTicketURL": null
        },
        "M0": { "MPANCore": "1900012345670", "distributorDIPID": "2500000019", "GSPGroupID": "_J" }
      },
      "CustomBlock": {
        "B013": { "CSSRegistrationID": "3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10" },
        "B094": { "MHHSRegimeEndDate": "2026-03-01T00:00:00+00:00" },
        "B002": { "incomingSupplierDIPID": "0000000000", "incomingSupplierMPID": "LGSB",
                  "supplierEffectiveFromDate": "2026-03-02T00:00:00+00:00" }
      }
    }
  }
]
"""

MS_DE_APP_RM_CUSTOM_BLOCK: Final = """
{
  "B013": { "CSSRegistrationID": "3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10" },
  "B008": {
    "deAppointedMeteringServiceDIPID": "1200000301",
    "deAppointedMeteringServiceMPID": "MSSD",
    "meteringServiceEffectiveFromDate": "2025-11-10T00:00:00+00:00",
    "meteringServiceEffectiveToDate": "2026-03-01T00:00:00+00:00",
    "deAppointmentReasonCode": "CSUPP"
  },
  "B002": { "incomingSupplierDIPID": "0000000000", "incomingSupplierMPID": "LGSB",
            "supplierEffectiveFromDate": "2026-03-02T00:00:00+00:00" },
  "B095": { "ReverseMigrationIncomingMOPMPID": "NMOF",
            "ReverseMigrationIncomingMOPEffectiveFromDate": "2026-03-02T00:00:00+00:00" }
}
"""

DS_DE_APP_RM_CUSTOM_BLOCK: Final = """
{
  "B013": { "CSSRegistrationID": "3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10" },
  "B009": {
    "deAppointedDataServiceDIPID": "1400000201",
    "deAppointedDataServiceMPID": "SDSC",
    "dataServiceEffectiveFromDate": "2025-11-10T00:00:00+00:00",
    "dataServiceEffectiveToDate": "2026-03-01T00:00:00+00:00",
    "deAppointmentReasonCode": "CSUPP"
  },
  "B002": { "incomingSupplierDIPID": "0000000000", "incomingSupplierMPID": "LGSB",
            "supplierEffectiveFromDate": "2026-03-02T00:00:00+00:00" },
  "B096": { "ReverseMigrationIncomingDCMPID": "NDCE",
            "ReverseMigrationIncomingDCEffectiveFromDate": "2026-03-02T00:00:00+00:00" }
}
"""

READING_COS: Final = """
[
  {
    "payload": {
      "CommonBlock": {
        "S0": { "interfaceID": "IF-041", "schemaVersion": "011", "eventCode": "[ReadingCOS]" },
        "S1": {
          "environmentTag": "SIT", "subText": null,
          "senderUniqueReference": "S-IF-041-2300000101-SUP-20260302-RDG000042",
          "senderTimestamp": "2026-03-02T09:14:03+00:00",
          "senderDIPID": "2300000101", "senderRoleID": "SUP",
          "senderCorrelationID": "CI-20260227-7F3A9C21D4E84B10",
          "DIPConnectionProviderID": null
        },
        "A0": { "primaryRecipients": ["2500000019"], "secondaryRecipients": [], "always": [] },
        "M0": { "MPANCore": "1900012345670", "distributorDIPID": "2500000019", "GSPGroupID": "_J" }
      },
      "CustomBlock": {
        "B064List": [
          { "meterID": "E21Z012345", "cumulativeRegisterReading": "12345.678",
            "cumulativeRegisterReadingDateTime": "2026-03-02T00:00:00+00:00",
            "readingMethod": "A", "siteVisitCheckCode": null }
        ],
        "B065List": [
          { "meterID": "E21Z012345", "configurableRegisterReadingDate": "2026-03-02T00:00:00+00:00",
            "configurableRegisterID": "01", "configurableRegisterReading": "8123.400" }
        ]
      }
    }
  }
]
"""

L1_RESPONSE: Final = """
{
  "messageArray": [
    {
      "transactionID": "T-IF-003-2200000019-REGS-20260227-0000A1B2C3D4E5F6",
      "senderUniqueReference": "S-IF-003-2200000019-REGS-20260227-RM0000001",
      "correlationID": "CI-20260227-7F3A9C21D4E84B10",
      "sentTimestamp": "2026-02-27T18:05:12+00:00",
      "senderID": "2200000019",
      "recipientID": null,
      "DIPConnectionProviderID": null,
      "message": "MSG0000 - Success",
      "help": null,
      "serviceTicketURL": null
    }
  ],
  "timestamp": "2026-02-27T18:05:13+00:00"
}
"""
