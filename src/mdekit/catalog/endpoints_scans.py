"""Authenticated scans, a preview API of vulnerability management (defender-api.md §5.17):
8 endpoints. Scan definitions are written with POST/PATCH and read back, scan agents are
listed, and scan history is fetched with POST bodies naming definitions or sessions."""

from __future__ import annotations

from mdekit.catalog.endpoint_model import JSON, TOP_SKIP, Endpoint

# The pages print the delegated scopes "Machine.Read.All" and
# "Machine.Read.Write"; the service principal publishes Machine.Read and Machine.ReadWrite,
# which is what a user token can carry. Reads list only Machine.Read.All for the application.
_SCANS = "/api/DeviceAuthenticatedScanDefinitions"
_SCAN_READ = ("Machine.Read.All",)
_SCAN_READ_D = ("Machine.Read",)
_SCAN_WRITE = ("Machine.ReadWrite.All",)
_SCAN_WRITE_D = ("Machine.ReadWrite",)
_SCAN_FIELDS = (
    "scanType",
    "scanName",
    "isActive",
    "target",
    "intervalInHours",
    "targetType",
    "scannerAgent",
)

AUTHENTICATED_SCANS: tuple[Endpoint, ...] = (
    Endpoint(
        "authenticated_scans.list_definitions",
        "GET",
        _SCANS,
        _SCAN_READ,
        _SCAN_READ_D,
        entity_set="DeviceAuthenticatedScanDefinitions",
        returns="collection",
        preview=True,
        summary="List authenticated scan definitions",
    ),
    Endpoint(
        "authenticated_scans.create_definition",
        "POST",
        _SCANS,
        _SCAN_WRITE,
        _SCAN_WRITE_D,
        entity_set="DeviceAuthenticatedScanDefinitions",
        body_required=(*_SCAN_FIELDS, "scanAuthenticationParams"),
        content_type=JSON,
        preview=True,
        summary="Add an authenticated scan definition",
    ),
    # The update page states no rate limit; the add page on the same URL family gives the
    # default, which we apply.
    Endpoint(
        "authenticated_scans.update_definition",
        "PATCH",
        f"{_SCANS}/{{id}}",
        _SCAN_WRITE,
        _SCAN_WRITE_D,
        entity_set="DeviceAuthenticatedScanDefinitions",
        body_optional=(*_SCAN_FIELDS, "scanAuthenticationParams"),
        content_type=JSON,
        preview=True,
        summary="Update an authenticated scan definition",
    ),
    # No response is documented; we answer 204 like the indicator batch delete.
    Endpoint(
        "authenticated_scans.batch_delete_definitions",
        "POST",
        f"{_SCANS}/BatchDelete",
        _SCAN_WRITE,
        _SCAN_WRITE_D,
        returns="none",
        success_status=204,
        body_required=("ScanDefinitionIds",),
        content_type=JSON,
        preview=True,
        summary="Delete authenticated scan definitions",
    ),
    Endpoint(
        "authenticated_scans.list_agents",
        "GET",
        "/api/DeviceAuthenticatedScanAgents",
        _SCAN_READ,
        _SCAN_READ_D,
        entity_set="DeviceAuthenticatedScanAgents",
        returns="collection",
        preview=True,
        summary="List authenticated scan agents",
    ),
    # The page's HTTP line leaves out {id}; its example includes it.
    Endpoint(
        "authenticated_scans.get_agent",
        "GET",
        "/api/DeviceAuthenticatedScanAgents/{id}",
        _SCAN_READ,
        _SCAN_READ_D,
        entity_set="DeviceAuthenticatedScanAgents",
        preview=True,
        summary="Get an authenticated scan agent",
    ),
    Endpoint(
        "authenticated_scans.history_by_definition",
        "POST",
        f"{_SCANS}/GetScanHistoryByScanDefinitionId",
        _SCAN_READ,
        _SCAN_READ_D,
        returns="collection",
        page_cap=4096,
        odata=TOP_SKIP,
        body_required=("ScanDefinitionIds",),
        content_type=JSON,
        context_path=f"{_SCANS}/GetScanHistoryByScanDefinitionId",
        preview=True,
        summary="Scan history of scan definitions",
    ),
    Endpoint(
        "authenticated_scans.history_by_session",
        "POST",
        f"{_SCANS}/GetScanHistoryBySessionId",
        _SCAN_READ,
        _SCAN_READ_D,
        returns="collection",
        body_required=("SessionIds",),
        content_type=JSON,
        context_path=f"{_SCANS}/GetScanHistoryBySessionId",
        preview=True,
        summary="Scan history of scan sessions",
    ),
)

ENDPOINTS_SCANS: tuple[Endpoint, ...] = AUTHENTICATED_SCANS
