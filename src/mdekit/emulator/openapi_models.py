"""Which wire model describes what, for the OpenAPI document: the entity an endpoint returns
(from its OData entity set, or its operation when the response has no entity set), the
request body an operation takes, and the documented values of enum-like request fields.

The catalog names entity sets as the service does (`Alerts`,
`Collection(...PublicAssetVulnerabilityDto)`); these tables tie those names to
`mdekit.models`. Entity sets without a model here are documented as plain JSON objects."""

from __future__ import annotations

from types import MappingProxyType

from pydantic import BaseModel

from mdekit.catalog.endpoint_model import Endpoint
from mdekit.models import (
    ALERT_CATEGORIES,
    ALERT_CLASSIFICATIONS,
    ALERT_DETERMINATIONS,
    ALERT_SEVERITIES,
    ALERT_STATUSES,
    DEVICE_VALUES,
    INDICATOR_SEVERITIES,
    INDICATOR_TYPES,
    ISOLATION_TYPES,
    SCAN_TYPES,
    ActionRequest,
    Alert,
    AlertBatchUpdate,
    AlertUpdate,
    ApiErrorBody,
    AssetNonCpeSoftware,
    AssetSecureConfiguration,
    AssetSoftware,
    AssetVulnerability,
    CreateAlertByReference,
    DeviceValueRequest,
    Distribution,
    Domain,
    DomainStats,
    ExportFilesResponse,
    File,
    FileStats,
    Indicator,
    IndicatorBatchDeleteRequest,
    IndicatorImportRequest,
    IndicatorImportResult,
    Investigation,
    Ip,
    IpStats,
    IsolateRequest,
    Kb,
    LibraryFile,
    LiveResponseRequest,
    Machine,
    MachineAction,
    MachineRef,
    MachineTagRequest,
    MachineUpdate,
    MachineVulnerability,
    MultipleMachinesTagRequest,
    QueryRequest,
    QueryResponse,
    Recommendation,
    RemediationTask,
    RunAntiVirusScanRequest,
    ScanDefinition,
    ScanHistoryEntry,
    ScanHistorySession,
    ScannerAgent,
    Score,
    Software,
    StartInvestigationRequest,
    StopAndQuarantineRequest,
    User,
    Vulnerability,
)
from mdekit.models.indicators import API_INDICATOR_ACTIONS
from mdekit.models.machines import TAG_ACTIONS

__all__ = ["ERROR_BODY", "entity_model", "request_enums", "request_model"]

ERROR_BODY = ApiErrorBody

_BY_ENTITY_SET: MappingProxyType[str, type[BaseModel]] = MappingProxyType(
    {
        "Alerts": Alert,
        "Machines": Machine,
        "Users": User,
        "Domains": Domain,
        "Files": File,
        "Ips": Ip,
        "Investigations": Investigation,
        "Indicators": Indicator,
        "InOrgFileStats": FileStats,
        "InOrgIPStats": IpStats,
        "InOrgDomainStats": DomainStats,
        "Software": Software,
        "PublicVulnerabilityDto": Vulnerability,
        "Recommendations": Recommendation,
        "PublicProductFixDto": Kb,
        "MachineActions": MachineAction,
        "LibraryFiles": LibraryFile,
        "Vulnerabilities": Vulnerability,
        "MachineReferences": MachineRef,
        "PublicAssetVulnerabilityDto": MachineVulnerability,
        "Distributions": Distribution,
        "PublicProductDto": Software,
        "ExposureScore": Score,
        "ConfigurationScore": Score,
        "RemediationTasks": RemediationTask,
        "AssetConfiguration": AssetSecureConfiguration,
        "AssetSoftware": AssetSoftware,
        "AssetNonCpeSoftware": AssetNonCpeSoftware,
        "AssetVulnerability": AssetVulnerability,
        "DeltaAssetVulnerability": AssetVulnerability,
        "ExportFilesResponse": ExportFilesResponse,
        "DeviceAuthenticatedScanDefinitions": ScanDefinition,
        "DeviceAuthenticatedScanAgents": ScannerAgent,
    }
)
"""Entity sets (last dotted name, without `Collection(...)`) and their item models."""

_BY_OPERATION: MappingProxyType[str, type[BaseModel]] = MappingProxyType(
    {
        "hunting.run": QueryResponse,
        "indicators.import": IndicatorImportResult,
        "authenticated_scans.history_by_definition": ScanHistoryEntry,
        "authenticated_scans.history_by_session": ScanHistorySession,
    }
)
"""Responses without an OData entity set."""

_ACTION = ActionRequest
_REQUESTS: MappingProxyType[str, type[BaseModel]] = MappingProxyType(
    {
        "hunting.run": QueryRequest,
        "alerts.update": AlertUpdate,
        "alerts.batch_update": AlertBatchUpdate,
        "alerts.create_by_reference": CreateAlertByReference,
        "machines.start_investigation": StartInvestigationRequest,
        "indicators.submit": Indicator,
        "indicators.import": IndicatorImportRequest,
        "indicators.batch_delete": IndicatorBatchDeleteRequest,
        "machines.tags": MachineTagRequest,
        "machines.tags_bulk": MultipleMachinesTagRequest,
        "machines.set_device_value": DeviceValueRequest,
        "machines.update": MachineUpdate,
        "machines.collect_investigation_package": _ACTION,
        "machines.isolate": IsolateRequest,
        "machines.unisolate": _ACTION,
        "machines.restrict_code_execution": _ACTION,
        "machines.unrestrict_code_execution": _ACTION,
        "machines.run_antivirus_scan": RunAntiVirusScanRequest,
        "machines.offboard": _ACTION,
        "machines.stop_and_quarantine_file": StopAndQuarantineRequest,
        "machines.run_live_response": LiveResponseRequest,
        "machine_actions.cancel": _ACTION,
        "authenticated_scans.create_definition": ScanDefinition,
        "authenticated_scans.update_definition": ScanDefinition,
    }
)
"""Request bodies that have a model (the others are described from the catalog's field names)."""

_ALERT_UPDATE_ENUMS = {
    "status": ALERT_STATUSES,
    "classification": ALERT_CLASSIFICATIONS,
    "determination": ALERT_DETERMINATIONS,
}
_ENUMS: MappingProxyType[type[BaseModel], dict[str, tuple[str, ...]]] = MappingProxyType(
    {
        AlertUpdate: _ALERT_UPDATE_ENUMS,
        AlertBatchUpdate: _ALERT_UPDATE_ENUMS,
        CreateAlertByReference: {"severity": ALERT_SEVERITIES, "category": ALERT_CATEGORIES},
        Indicator: {
            "indicatorType": INDICATOR_TYPES,
            "action": API_INDICATOR_ACTIONS,
            "severity": INDICATOR_SEVERITIES,
        },
        IsolateRequest: {"IsolationType": ISOLATION_TYPES},
        RunAntiVirusScanRequest: {"ScanType": SCAN_TYPES},
        MachineTagRequest: {"Action": TAG_ACTIONS},
        MultipleMachinesTagRequest: {"Action": TAG_ACTIONS},
        DeviceValueRequest: {"DeviceValue": DEVICE_VALUES},
        MachineUpdate: {"deviceValue": DEVICE_VALUES},
    }
)
"""Request fields with documented values (the models keep them as free text so that
responses with values added later still parse)."""


def _entity_set_key(entity_set: str) -> str:
    name = entity_set.removeprefix("Collection(").removesuffix(")")
    return name.rsplit(".", 1)[-1]


def entity_model(endpoint: Endpoint) -> type[BaseModel] | None:
    """The model of one returned entity (of one collection item), or None when unknown."""
    by_operation = _BY_OPERATION.get(endpoint.operation)
    if by_operation is not None:
        return by_operation
    if endpoint.entity_set is None:
        return None
    return _BY_ENTITY_SET.get(_entity_set_key(endpoint.entity_set))


def request_model(operation: str) -> type[BaseModel] | None:
    """The model of the operation's request body, or None when the catalog alone describes it."""
    return _REQUESTS.get(operation)


def request_enums(model: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """Wire names of the model's enum-like fields and their documented values."""
    return dict(_ENUMS.get(model, {}))
