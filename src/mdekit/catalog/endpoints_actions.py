"""Machine actions (response actions and their results) and the live response library
(defender-api.md §5.4, §5.13): 17 endpoints.

Response actions answer 201 Created with a MachineAction. Two pages disagree with that: the
offboard page says "200 - Created" and the live response example shows 200 while its text
says 201 (§9.1). We answer 201 for both, as the text and every sibling action do."""

from __future__ import annotations

from mdekit.catalog.endpoint_model import (
    JSON,
    LIBRARY,
    MACHINE_ACTIONS,
    MACHINE_READ,
    MACHINE_READ_D,
    MULTIPART,
    PAGED,
    STANDARD_LIMITS,
    Endpoint,
    RateLimit,
)

_COMMENT = ("Comment",)


def _response_action(
    operation: str,
    segment: str,
    role: str,
    summary: str,
    *,
    body_required: tuple[str, ...] = _COMMENT,
    body_optional: tuple[str, ...] = (),
    rate_limits: tuple[RateLimit, ...] = STANDARD_LIMITS,
    max_concurrent: int | None = None,
    notes: str = "",
) -> Endpoint:
    """`POST /api/machines/{id}/<segment>`: one role, granted alike to apps and users."""
    return Endpoint(
        operation,
        "POST",
        f"/api/machines/{{id}}/{segment}",
        (role,),
        (role,),
        entity_set="MachineActions",
        success_status=201,
        body_required=body_required,
        body_optional=body_optional,
        content_type=JSON,
        max_concurrent=max_concurrent,
        summary=summary,
        rate_limits=rate_limits,
        notes=notes,
    )


MACHINE_ACTIONS_TABLE: tuple[Endpoint, ...] = (
    Endpoint(
        "machine_actions.list",
        "GET",
        "/api/machineactions",
        MACHINE_READ,
        MACHINE_READ_D,
        entity_set="MachineActions",
        returns="collection",
        page_cap=10_000,
        filterable=("id", "status", "machineId", "type", "requestor", "creationDateTimeUtc"),
        odata=PAGED,
        summary="List machine actions",
    ),
    Endpoint(
        "machine_actions.get",
        "GET",
        "/api/machineactions/{id}",
        MACHINE_READ,
        MACHINE_READ_D,
        entity_set="MachineActions",
        summary="Get a machine action",
    ),
    _response_action(
        "machines.collect_investigation_package",
        "collectInvestigationPackage",
        "Machine.CollectForensics",
        "Collect an investigation package from a device",
    ),
    Endpoint(
        "machine_actions.package_uri",
        "GET",
        "/api/machineactions/{actionId}/getPackageUri",
        MACHINE_READ,
        ("Machine.CollectForensics",),
        entity_set="Edm.String",
        returns="string",
        rate_limits=(RateLimit(2, 60), RateLimit(120, 3600)),
        summary="Download link of a collected investigation package",
        notes="404 while the collection action exists but is not complete.",
    ),
    _response_action(
        "machines.isolate",
        "isolate",
        "Machine.Isolate",
        "Isolate a device from the network",
        body_optional=("IsolationType",),
    ),
    _response_action(
        "machines.unisolate",
        "unisolate",
        "Machine.Isolate",
        "Release a device from isolation",
    ),
    _response_action(
        "machines.restrict_code_execution",
        "restrictCodeExecution",
        "Machine.RestrictExecution",
        "Allow only Microsoft-signed code to run on a device",
    ),
    _response_action(
        "machines.unrestrict_code_execution",
        "unrestrictCodeExecution",
        "Machine.RestrictExecution",
        "Lift a code execution restriction",
    ),
    _response_action(
        "machines.run_antivirus_scan",
        "runAntiVirusScan",
        "Machine.Scan",
        "Run a Microsoft Defender Antivirus scan (ScanType: Quick | Full)",
        body_required=("Comment", "ScanType"),
    ),
    _response_action(
        "machines.offboard",
        "offboard",
        "Machine.Offboard",
        "Offboard a device",
    ),
    # The page also lists Machine.Read.All and Machine.ReadWrite.All for the application.
    # That would let a read-only app kill and quarantine files; we treat it as a doc error.
    _response_action(
        "machines.stop_and_quarantine_file",
        "StopAndQuarantineFile",
        "Machine.StopAndQuarantine",
        "Stop a file's processes and quarantine the file",
        body_required=("Comment", "Sha1"),
    ),
    _response_action(
        "machines.run_live_response",
        "runliveresponse",
        "Machine.LiveResponse",
        "Run live response commands (PutFile, RunScript, GetFile) on a device",
        body_required=("Comment", "Commands"),
        rate_limits=(RateLimit(10, 60),),
        max_concurrent=25,
        notes="One session per device (a second gets 400 ActiveRequestAlreadyExists); "
        "queued up to 3 days for an offline device; RunScript times out after 10 minutes.",
    ),
    Endpoint(
        "machine_actions.live_response_result",
        "GET",
        "/api/machineactions/{id}/GetLiveResponseResultDownloadLink(index={index})",
        MACHINE_READ,
        ("Machine.LiveResponse",),
        entity_set="Edm.String",
        returns="string",
        summary="Download link of one live response command's result (valid 30 minutes)",
    ),
    Endpoint(
        "machine_actions.cancel",
        "POST",
        "/api/machineactions/{id}/cancel",
        MACHINE_ACTIONS,
        MACHINE_ACTIONS,
        entity_set="MachineActions",
        body_required=_COMMENT,
        content_type=JSON,
        summary="Cancel a machine action that has not reached a final state",
    ),
)

LIBRARY_FILES: tuple[Endpoint, ...] = (
    Endpoint(
        "library_files.list",
        "GET",
        "/api/libraryfiles",
        LIBRARY,
        LIBRARY,
        entity_set="LibraryFiles",
        returns="collection",
        summary="List live response library files",
    ),
    # The curl sample also sends HasParameters, which the parameter table does not list.
    Endpoint(
        "library_files.upload",
        "POST",
        "/api/libraryfiles",
        LIBRARY,
        LIBRARY,
        entity_set="LibraryFiles",
        body_required=("File",),
        body_optional=("Description", "ParametersDescription", "HasParameters", "OverrideIfExists"),
        content_type=MULTIPART,
        max_body_bytes=20 * 1024 * 1024,
        summary="Upload a file to the live response library",
    ),
    Endpoint(
        "library_files.delete",
        "DELETE",
        "/api/libraryfiles/{fileName}",
        LIBRARY,
        LIBRARY,
        returns="none",
        success_status=204,
        summary="Delete a live response library file",
    ),
)

ENDPOINTS_ACTIONS: tuple[Endpoint, ...] = (*MACHINE_ACTIONS_TABLE, *LIBRARY_FILES)
