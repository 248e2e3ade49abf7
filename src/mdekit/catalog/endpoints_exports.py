"""Per-device assessment exports and the other vulnerability-management bulk endpoints
(defender-api.md §5.14, §5.15): 21 endpoints.

Each assessment comes in two shapes. The "JSON" one pages rows through `@odata.nextLink`
(`pageSize` default 50,000, max 200,000; 30 calls/min, 1,000/h). The "via files" one answers
an ExportFilesResponse with SAS links to gzip'd multiline JSON (5 calls/min, 20/h).
Operation names follow the data: `exports.<data>` for JSON, `exports.<data>_files` for files."""

from __future__ import annotations

from mdekit.catalog.endpoint_model import (
    BASELINE,
    BASELINE_D,
    EXPORT_FILES_LIMITS,
    EXPORT_JSON_LIMITS,
    NO_LIMITS,
    PAGED,
    SOFTWARE,
    SOFTWARE_D,
    TOP_SKIP,
    VULN,
    VULN_D,
    Endpoint,
)

_API_TYPE = "microsoft.windowsDefenderATP.api"
EXPORT_FILES_RESPONSE = f"{_API_TYPE}.ExportFilesResponse"


def _json_export(
    operation: str,
    segment: str,
    roles: tuple[str, ...],
    delegated: tuple[str, ...],
    row_type: str,
    summary: str,
    *,
    query_required: tuple[str, ...] = (),
) -> Endpoint:
    """`GET /api/machines/<segment>`: rows of `row_type`, paged by `@odata.nextLink`."""
    return Endpoint(
        operation,
        "GET",
        f"/api/machines/{segment}",
        roles,
        delegated,
        entity_set=f"Collection({_API_TYPE}.{row_type})",
        returns="collection",
        rate_limits=EXPORT_JSON_LIMITS,
        page_cap=200_000,
        default_page_size=50_000,
        odata=("$top",),  # with $top the service sends no nextLink
        query_required=query_required,
        query_optional=tuple(q for q in ("pageSize", "sinceTime") if q not in query_required),
        summary=summary,
    )


def _files_export(
    operation: str,
    segment: str,
    roles: tuple[str, ...],
    delegated: tuple[str, ...],
    sas_valid_hours_max: int | None,
    summary: str,
) -> Endpoint:
    """`GET /api/machines/<segment>`: an ExportFilesResponse with download links."""
    return Endpoint(
        operation,
        "GET",
        f"/api/machines/{segment}",
        roles,
        delegated,
        entity_set=EXPORT_FILES_RESPONSE,
        returns="files",
        rate_limits=EXPORT_FILES_LIMITS,
        query_optional=("sasValidHours",),
        sas_valid_hours_max=sas_valid_hours_max,
        summary=summary,
    )


ASSESSMENT_EXPORTS: tuple[Endpoint, ...] = (
    _json_export(
        "exports.secure_configurations",
        "SecureConfigurationsAssessmentByMachine",
        VULN,
        VULN_D,
        "AssetConfiguration",
        "Secure configuration assessment, one row per device and configuration",
    ),
    _files_export(
        "exports.secure_configurations_files",
        "SecureConfigurationsAssessmentExport",
        VULN,
        VULN_D,
        6,
        "Secure configuration assessment as files",
    ),
    _json_export(
        "exports.software_inventory",
        "SoftwareInventoryByMachine",
        SOFTWARE,
        SOFTWARE_D,
        "AssetSoftware",
        "Software inventory, one row per device and software version",
    ),
    _files_export(
        "exports.software_inventory_files",
        "SoftwareInventoryExport",
        SOFTWARE,
        SOFTWARE_D,
        6,
        "Software inventory as files",
    ),
    _json_export(
        "exports.software_inventory_non_cpe",
        "SoftwareInventoryNoProductCodeByMachine",
        SOFTWARE,
        SOFTWARE_D,
        "AssetNonCpeSoftware",
        "Software without a CPE, one row per device and software version",
    ),
    _files_export(
        "exports.software_inventory_non_cpe_files",
        "SoftwareInventoryNonCpeExport",
        SOFTWARE,
        SOFTWARE_D,
        24,  # links valid 3 h by default on this page
        "Software without a CPE as files",
    ),
    _json_export(
        "exports.software_vulnerabilities",
        "SoftwareVulnerabilitiesByMachine",
        VULN,
        VULN_D,
        "AssetVulnerability",
        "Software vulnerabilities, one row per device, software and CVE",
    ),
    _files_export(
        "exports.software_vulnerabilities_files",
        "SoftwareVulnerabilitiesExport",
        VULN,
        VULN_D,
        6,
        "Software vulnerabilities as files",
    ),
    _json_export(
        "exports.software_vulnerability_changes",
        "SoftwareVulnerabilityChangesByMachine",
        VULN,
        VULN_D,
        "DeltaAssetVulnerability",
        "Changes in software vulnerabilities since a time (at most 14 days back)",
        query_required=("sinceTime",),
    ),
)

OTHER_EXPORTS: tuple[Endpoint, ...] = (
    # The page's example context names Collection(contoso...AssetSoftware), a copy of the
    # software inventory page; we keep the type name with the real namespace.
    _json_export(
        "exports.browser_extensions",
        "BrowserExtensionsInventoryByMachine",
        SOFTWARE,
        SOFTWARE_D,
        "AssetSoftware",
        "Browser extensions, one row per device, browser and extension",
    ),
    _files_export(
        "exports.browser_extensions_files",
        "browserextensionsinventoryExport",
        SOFTWARE,
        SOFTWARE_D,
        None,
        "Browser extensions as files",
    ),
    # The page's $filter list is the vulnerabilities one, which fits none of this entity's
    # properties (key, permissionName, description); only $top and $skip are kept.
    Endpoint(
        "browser_extensions.permissions_info",
        "GET",
        "/api/browserextensions/permissionsinfo",
        SOFTWARE,
        SOFTWARE_D,
        entity_set="BrowserExtension",
        returns="collection",
        rate_limits=NO_LIMITS,
        page_cap=10_000,
        odata=TOP_SKIP,
        summary="What each browser extension permission allows",
    ),
    _json_export(
        "exports.certificates",
        "certificateAssessmentByMachine",
        VULN,
        VULN_D,
        "AssetCertificateAssessment",
        "Certificate inventory, one row per device, thumbprint and path",
    ),
    _files_export(
        "exports.certificates_files",
        "certificateAssessmentExport",
        VULN,
        VULN_D,
        24,  # links valid 3 h by default on this page
        "Certificate inventory as files",
    ),
    _json_export(
        "exports.hardware_firmware",
        "HardwareFirmwareInventoryByMachine",
        SOFTWARE,
        SOFTWARE_D,
        "AssetHardwareFirmware",
        "Hardware and firmware inventory, one row per device and component",
    ),
    _files_export(
        "exports.hardware_firmware_files",
        "HardwareFirmwareInventoryExport",
        SOFTWARE,
        SOFTWARE_D,
        None,
        "Hardware and firmware inventory as files",
    ),
    # Documented twice: as a vulnerability-management export (Vulnerability.Read.All, 5/min
    # and 20/h, sasValidHours <= 6) and, in preview, as the files variant of the antivirus
    # health report (30/min, 1,000/h, sasValidHours <= 24). We follow the first (§9.9).
    _files_export(
        "exports.information_gathering_files",
        "InfoGatheringExport",
        VULN,
        VULN_D,
        6,
        "Information gathering assessment as files",
    ),
    _json_export(
        "exports.security_baselines",
        "baselineComplianceAssessmentByMachine",
        BASELINE,
        BASELINE_D,
        "AssetBaselineAssessment",
        "Security baseline compliance, one row per device, profile and configuration",
    ),
    # This page and the two below list no permissions (§9.12); we require the permission of
    # the JSON baseline export, the only one the service principal has for baselines.
    _files_export(
        "exports.security_baselines_files",
        "BaselineComplianceAssessmentExport",
        BASELINE,
        BASELINE_D,
        6,
        "Security baseline compliance as files",
    ),
    Endpoint(
        "security_baselines.profiles",
        "GET",
        "/api/baselineProfiles",
        BASELINE,
        BASELINE_D,
        entity_set=f"Collection({_API_TYPE}.PublicBaselineProfileDto)",
        returns="collection",
        rate_limits=NO_LIMITS,
        page_cap=10_000,
        filterable=(
            "id",
            "name",
            "operatingSystem",
            "operatingSystemVersion",
            "status",
            "settingsNumber",
            "passedDevices",
            "totalDevices",
        ),
        odata=PAGED,
        summary="Security baseline assessment profiles",
    ),
    Endpoint(
        "security_baselines.configurations",
        "GET",
        "/api/baselineConfigurations",
        BASELINE,
        BASELINE_D,
        entity_set="BaselineConfigurations",
        returns="collection",
        rate_limits=NO_LIMITS,
        page_cap=10_000,
        filterable=("id", "category", "name", "CCE"),
        odata=PAGED,
        summary="Security baseline configurations",
    ),
)

ENDPOINTS_EXPORTS: tuple[Endpoint, ...] = (*ASSESSMENT_EXPORTS, *OTHER_EXPORTS)
