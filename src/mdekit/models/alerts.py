"""Alert, its evidence and comments, and the alert request bodies (defender-api.md §6.1).

Enum-like fields are plain `str`: the service adds values without notice, so the
documented values live in the tuples below instead of in the types."""

from __future__ import annotations

from pydantic import Field

from mdekit.models._base import WireDateTime, WireModel
from mdekit.models.investigations import INVESTIGATION_STATES

__all__ = [
    "ALERT_CATEGORIES",
    "ALERT_CLASSIFICATIONS",
    "ALERT_DETERMINATIONS",
    "ALERT_SEVERITIES",
    "ALERT_STATUSES",
    "DETECTION_SOURCES",
    "DETERMINATIONS_BY_CLASSIFICATION",
    "EVIDENCE_DETECTION_STATUSES",
    "EVIDENCE_ENTITY_TYPES",
    "EVIDENCE_KEYS",
    "INVESTIGATION_STATES",
    "Alert",
    "AlertBatchUpdate",
    "AlertComment",
    "AlertUpdate",
    "CreateAlertByReference",
    "Evidence",
    "LoggedOnUser",
    "RelatedUser",
]

ALERT_STATUSES = ("Unknown", "New", "InProgress", "Resolved")
ALERT_SEVERITIES = ("UnSpecified", "Informational", "Low", "Medium", "High")
ALERT_CLASSIFICATIONS = ("TruePositive", "InformationalExpectedActivity", "FalsePositive")

DETERMINATIONS_BY_CLASSIFICATION: dict[str, tuple[str, ...]] = {
    "TruePositive": (
        "MultiStagedAttack",
        "MaliciousUserActivity",
        "CompromisedUser",
        "Malware",
        "Phishing",
        "UnwantedSoftware",
        "Other",
    ),
    "InformationalExpectedActivity": (
        "SecurityTesting",
        "LineOfBusinessApplication",
        "ConfirmedUserActivity",
        "Other",
    ),
    "FalsePositive": ("Clean", "InsufficientData", "Other"),
}
"""Determinations allowed per classification, as the Alert page lists them."""

ALERT_DETERMINATIONS = (
    "MultiStagedAttack",
    "MaliciousUserActivity",
    "CompromisedUser",
    "Malware",
    "Phishing",
    "UnwantedSoftware",
    "SecurityTesting",
    "LineOfBusinessApplication",
    "ConfirmedUserActivity",
    "Clean",
    "InsufficientData",
    "Other",
    # The update-alert page spells two of them differently (§9.3); accept both.
    "ConfirmedActivity",
    "NotMalicious",
)

ALERT_CATEGORIES = (
    "General",
    "CommandAndControl",
    "Collection",
    "CredentialAccess",
    "DefenseEvasion",
    "Discovery",
    "Exfiltration",
    "Exploit",
    "Execution",
    "InitialAccess",
    "LateralMovement",
    "Malware",
    "Persistence",
    "PrivilegeEscalation",
    "Ransomware",
    "SuspiciousActivity",
)
"""The categories the create-alert page accepts; listed alerts use the same names."""

DETECTION_SOURCES = (
    "WindowsDefenderAtp",
    "WindowsDefenderAv",
    "AutomatedInvestigation",
    "CustomerTI",
    "CustomDetection",
    "WindowsDefenderSmartScreen",
)
"""Values seen in documentation examples and in captured live responses (not closed)."""

EVIDENCE_ENTITY_TYPES = ("User", "Process", "File", "Ip", "Url")
EVIDENCE_DETECTION_STATUSES = ("Detected", "Blocked", "Prevented")

EVIDENCE_KEYS = (
    "entityType",
    "evidenceCreationTime",
    "sha1",
    "sha256",
    "fileName",
    "filePath",
    "processId",
    "processCommandLine",
    "processCreationTime",
    "parentProcessId",
    "parentProcessCreationTime",
    "parentProcessFileName",
    "parentProcessFilePath",
    "ipAddress",
    "url",
    "registryKey",
    "registryHive",
    "registryValueType",
    "registryValue",
    "accountName",
    "domainName",
    "userSid",
    "aadUserId",
    "userPrincipalName",
    "detectionStatus",
)
"""Every key of an evidence object, in the service's order; all are always present."""


class RelatedUser(WireModel):
    """`relatedUser`: typed "String" in the table but sent as an object (§9.4)."""

    user_name: str | None = None
    domain_name: str | None = None


class LoggedOnUser(WireModel):
    """An item of `loggedOnUsers` (seen in live responses, not in the docs)."""

    account_name: str | None = None
    domain_name: str | None = None


class AlertComment(WireModel):
    """One alert comment: text, author and time."""

    comment: str | None = None
    created_by: str | None = None
    created_time: WireDateTime | None = None


class Evidence(WireModel):
    """One evidence item of an alert; the service sends every key, null when not relevant."""

    entity_type: str
    evidence_creation_time: WireDateTime | None = None
    sha1: str | None = None
    sha256: str | None = None
    file_name: str | None = None
    file_path: str | None = None
    process_id: int | None = None
    process_command_line: str | None = None
    process_creation_time: WireDateTime | None = None
    parent_process_id: int | None = None
    parent_process_creation_time: WireDateTime | None = None
    parent_process_file_name: str | None = None
    parent_process_file_path: str | None = None
    ip_address: str | None = None
    url: str | None = None
    registry_key: str | None = None
    registry_hive: str | None = None
    registry_value_type: str | None = None
    registry_value: str | None = None
    account_name: str | None = None
    domain_name: str | None = None
    user_sid: str | None = None
    aad_user_id: str | None = None
    user_principal_name: str | None = None
    detection_status: str | None = None


class Alert(WireModel):
    """A Defender for Endpoint alert (`GET /api/alerts`, `/api/alerts/{id}`)."""

    id: str
    incident_id: int | None = None
    investigation_id: int | None = None
    assigned_to: str | None = None
    severity: str | None = None
    status: str | None = None
    classification: str | None = None
    determination: str | None = None
    investigation_state: str | None = None
    detection_source: str | None = None
    detector_id: str | None = None
    category: str | None = None
    threat_family_name: str | None = None
    title: str | None = None
    description: str | None = None
    alert_creation_time: WireDateTime | None = None
    first_event_time: WireDateTime | None = None
    last_event_time: WireDateTime | None = None
    last_update_time: WireDateTime | None = None
    resolved_time: WireDateTime | None = None
    machine_id: str | None = None
    computer_dns_name: str | None = None
    rbac_group_name: str | None = None
    aad_tenant_id: str | None = None
    threat_name: str | None = None
    mitre_techniques: list[str] = Field(default_factory=list)
    """An array although the table says "String" (§9.4)."""
    related_user: RelatedUser | None = None
    logged_on_users: list[LoggedOnUser] = Field(default_factory=list)
    comments: list[AlertComment] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    """Filled only with `$expand=evidence`; an empty list otherwise."""


class AlertUpdate(WireModel):
    """Body of `PATCH /api/alerts/{id}`; every field optional, `comment` adds a comment."""

    status: str | None = None
    assigned_to: str | None = None
    classification: str | None = None
    determination: str | None = None
    comment: str | None = None


class AlertBatchUpdate(AlertUpdate):
    """Body of `POST /api/alerts/batchUpdate`."""

    alert_ids: list[str]


class CreateAlertByReference(WireModel):
    """Body of `POST /api/alerts/CreateAlertByReference` (all fields required)."""

    event_time: WireDateTime
    report_id: int
    machine_id: str
    severity: str
    title: str
    description: str
    recommended_action: str
    category: str
