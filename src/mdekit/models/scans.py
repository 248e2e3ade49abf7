"""Authenticated scan definitions, agents and history (preview API, §5.17 and §6.10)."""

from __future__ import annotations

from pydantic import Field

from mdekit.models._base import PascalWireModel, WireDateTime, WireModel

__all__ = [
    "AUTH_PARAMS_ODATA_TYPES",
    "SCAN_TYPES",
    "TARGET_TYPES",
    "LatestScan",
    "ScanAuthenticationParams",
    "ScanDefinition",
    "ScanHistoryEntry",
    "ScanHistorySession",
    "ScannedTarget",
    "ScannerAgent",
]

SCAN_TYPES = ("Windows", "Network")
TARGET_TYPES = ("IP Address", "Hostname", "Ip")
"""The table says "IP Address"/"Hostname"; the examples send "Ip"."""
AUTH_PARAMS_ODATA_TYPES = (
    "#microsoft.windowsDefenderATP.api.SnmpAuthParams",
    "#microsoft.windowsDefenderATP.api.WindowsAuthParams",
)


class ScanAuthenticationParams(WireModel):
    """`scanAuthenticationParams`: SNMP or Windows credentials, told apart by `@odata.type`."""

    odata_type: str | None = Field(default=None, alias="@odata.type")
    type: str | None = None
    username: str | None = None
    domain: str | None = None
    is_gmsa_user: bool | None = None
    community_string: str | None = None
    auth_protocol: str | None = None
    auth_password: str | None = None
    priv_protocol: str | None = None
    priv_password: str | None = None
    key_vault_url: str | None = None
    key_vault_secret_name: str | None = None


class ScannerAgent(WireModel):
    """The device that runs a scan (`scannerAgent`, `/api/DeviceAuthenticatedScanAgents`)."""

    id: str | None = None
    machine_id: str | None = None
    machine_name: str | None = None
    last_seen: WireDateTime | None = None
    assigned_application_id: str | None = None
    scanner_software_version: str | None = None
    last_command_execution_timestamp: WireDateTime | None = None
    mde_client_version: str | None = None


class LatestScan(WireModel):
    """`latestScan` of a scan definition."""

    status: str | None = None
    failure_reason: str | None = None
    execution_date_time: WireDateTime | None = None


class ScanDefinition(WireModel):
    """An authenticated scan definition; also the create/update body."""

    id: str | None = None
    scan_type: str | None = None
    scan_name: str | None = None
    is_active: bool | None = None
    target: str | None = None
    org_id: str | None = None
    interval_in_hours: int | None = None
    created_by: str | None = None
    target_type: str | None = None
    scan_authentication_params: ScanAuthenticationParams | None = None
    scanner_agent: ScannerAgent | None = None
    latest_scan: LatestScan | None = None


class ScanHistoryEntry(PascalWireModel):
    """An item of `GetScanHistoryByScanDefinitionId` (PascalCase keys)."""

    scan_definition_ids: str | list[str] | None = None
    last_scanned: WireDateTime | None = None
    scan_status: str | None = None
    scanner_id: str | None = None


class ScannedTarget(PascalWireModel):
    """An item of `ListScannedTargets` in the by-session history."""

    ip: str | None = None
    hostname: str | None = None
    scanned_device_description: str | None = None
    error_message: str | None = None
    scan_status: str | None = None
    scan_duration: int | float | str | None = None


class ScanHistorySession(PascalWireModel):
    """An item of `GetScanHistoryBySessionId`."""

    org_id: str | None = Field(default=None, alias="orgId")
    scan_definition_ids: str | list[str] | None = None
    session_ids: str | list[str] | None = None
    number_of_successfully_scanned_targets: int | None = None
    number_of_targets: int | None = None
    scan_status: str | None = None
    last_scanned: WireDateTime | None = None
    list_scanned_targets: list[ScannedTarget] = Field(default_factory=list)
