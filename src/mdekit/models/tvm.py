"""Vulnerability-management entities and export rows (defender-api.md §6.8).

Export rows carry timestamps such as "2021-01-11 09:47:58.854" (space, no zone), read
as UTC by `ExportDateTime`. `endOfSupportDate` arrives as "2021-05-11T00:00:00+00:00"."""

from __future__ import annotations

from pydantic import Field

from mdekit.models._base import ExportDateTime, WireDateTime, WireModel

__all__ = [
    "CVE_SUPPORTABILITY",
    "END_OF_SUPPORT_STATUSES",
    "EXPLOITABILITY_LEVELS",
    "RECOMMENDATION_CATEGORIES",
    "REMEDIATION_TYPES",
    "VULNERABILITY_SEVERITIES",
    "AssetNonCpeSoftware",
    "AssetSecureConfiguration",
    "AssetSoftware",
    "AssetVulnerability",
    "Distribution",
    "ExportFilesResponse",
    "Kb",
    "MachineRef",
    "MachineVulnerability",
    "Recommendation",
    "RemediationTask",
    "Score",
    "Software",
    "Vulnerability",
]

VULNERABILITY_SEVERITIES = ("Low", "Medium", "High", "Critical")
CVE_SUPPORTABILITY = ("Supported", "Not Supported", "SupportedInPremium")
RECOMMENDATION_CATEGORIES = ("Accounts", "Application", "Network", "OS", "SecurityControls")
REMEDIATION_TYPES = ("ConfigurationChange", "Update", "Upgrade", "Uninstall")
EXPLOITABILITY_LEVELS = ("NoExploit", "ExploitIsPublic", "ExploitIsVerified", "ExploitIsInKit")
END_OF_SUPPORT_STATUSES = (
    "None",
    "EOS Version",
    "Upcoming EOS Version",
    "EOS Software",
    "Upcoming EOS Software",
)


class Vulnerability(WireModel):
    """A CVE as TVM knows it (`GET /api/vulnerabilities[/{cveId}]`)."""

    id: str
    name: str | None = None
    description: str | None = None
    severity: str | None = None
    cvss_v3: float | None = None
    cvss_vector: str | None = None
    exposed_machines: int | None = None
    published_on: WireDateTime | None = None
    updated_on: WireDateTime | None = None
    public_exploit: bool | None = None
    exploit_verified: bool | None = None
    exploit_in_kit: bool | None = None
    exploit_types: list[str] = Field(default_factory=list)
    exploit_uris: list[str] = Field(default_factory=list)
    cve_supportability: str | None = None
    epss: float | None = None


class Software(WireModel):
    """A software product (`GET /api/Software[/{vendor-_-name}]`)."""

    id: str
    name: str | None = None
    vendor: str | None = None
    weaknesses: int | None = None
    public_exploit: bool | None = None
    active_alert: bool | None = None
    exposed_machines: int | None = None
    impact_score: float | None = None


class Distribution(WireModel):
    """A version of a software with its install count (`.../distributions`)."""

    version: str | None = None
    installations: int | None = None
    vulnerabilities: int | None = None


class Kb(WireModel):
    """A missing security update (`PublicProductFixDto`, `.../getmissingkbs`)."""

    id: str
    name: str | None = None
    products_names: list[str] = Field(default_factory=list)
    url: str | None = None
    machine_missed_on: int | None = None
    cve_addressed: int | None = None


class Recommendation(WireModel):
    """A security recommendation (`GET /api/recommendations[/{id}]`)."""

    id: str
    product_name: str | None = None
    recommendation_name: str | None = None
    weaknesses: int | None = None
    vendor: str | None = None
    recommended_version: str | None = None
    recommended_program: str | None = None
    recommended_vendor: str | None = None
    recommendation_category: str | None = None
    sub_category: str | None = None
    severity_score: float | None = None
    public_exploit: bool | None = None
    active_alert: bool | None = None
    associated_threats: list[str] = Field(default_factory=list)
    remediation_type: str | None = None
    status: str | None = None
    config_score_impact: float | None = None
    exposure_impact: float | None = None
    total_machine_count: int | None = None
    exposed_machines_count: int | None = None
    non_productivity_impacted_assets: int | None = None
    related_component: str | None = None
    exposed_critical_devices: int | None = None
    tags: list[str] = Field(default_factory=list)


class Score(WireModel):
    """Exposure or configuration score (`/api/exposureScore`, `/api/configurationScore`)."""

    time: WireDateTime | None = None
    score: float | None = None
    rbac_group_name: str | None = None
    rbac_group_id: int | str | None = None


class RemediationTask(WireModel):
    """A remediation activity (`GET /api/remediationTasks[/{id}]`)."""

    id: str
    title: str | None = None
    created_on: WireDateTime | None = None
    requester_id: str | None = None
    requester_email: str | None = None
    status: str | None = None
    status_last_modified_on: WireDateTime | None = None
    description: str | None = None
    related_component: str | None = None
    target_devices: int | None = None
    rbac_group_names: list[str] = Field(default_factory=list)
    fixed_devices: int | None = None
    requester_notes: str | None = None
    due_on: WireDateTime | None = None
    category: str | None = None
    productivity_impact_remediation_type: str | None = None
    priority: str | None = None
    completion_method: str | None = None
    completer_id: str | None = None
    completer_email: str | None = None
    scid: str | None = None
    type: str | None = None
    product_id: str | None = None
    vendor_id: str | None = None
    name_id: str | None = None
    recommended_version: str | None = None
    recommended_vendor: str | None = None
    recommended_program: str | None = None


class MachineRef(WireModel):
    """A device reference (`.../machineReferences`)."""

    id: str
    computer_dns_name: str | None = None
    os_platform: str | None = None
    rbac_group_name: str | None = None
    rbac_group_id: int | str | None = None


class MachineVulnerability(WireModel):
    """`PublicAssetVulnerabilityDto` (`GET /api/vulnerabilities/machinesVulnerabilities`)."""

    id: str
    cve_id: str | None = None
    machine_id: str | None = None
    fixing_kb_id: str | None = None
    product_name: str | None = None
    product_vendor: str | None = None
    product_version: str | None = None
    severity: str | None = None


class _AssetRow(WireModel):
    """Columns every per-device export row shares."""

    device_id: str | None = None
    device_name: str | None = None
    os_platform: str | None = None
    rbac_group_name: str | None = None
    rbac_group_id: int | str | None = None


class AssetSoftware(_AssetRow):
    """A software inventory export row (`SoftwareInventoryByMachine`)."""

    software_vendor: str | None = None
    software_name: str | None = None
    software_version: str | None = None
    number_of_weaknesses: int | None = None
    disk_paths: list[str] = Field(default_factory=list)
    registry_paths: list[str] = Field(default_factory=list)
    software_first_seen_timestamp: ExportDateTime | None = None
    end_of_support_status: str | None = None
    end_of_support_date: ExportDateTime | None = None


class AssetNonCpeSoftware(_AssetRow):
    """A non-CPE software inventory export row (`SoftwareInventoryNoProductCodeByMachine`)."""

    software_vendor: str | None = None
    software_name: str | None = None
    software_version: str | None = None
    software_last_seen_timestamp: ExportDateTime | None = None


class AssetVulnerability(_AssetRow):
    """A software vulnerabilities export row (`SoftwareVulnerabilitiesByMachine`, delta too)."""

    id: str | None = None
    os_version: str | None = None
    os_architecture: str | None = None
    software_vendor: str | None = None
    software_name: str | None = None
    software_version: str | None = None
    cve_id: str | None = None
    cvss_score: float | None = None
    vulnerability_severity_level: str | None = None
    recommended_security_update: str | None = None
    recommended_security_update_id: str | None = None
    recommended_security_update_url: str | None = None
    disk_paths: list[str] = Field(default_factory=list)
    registry_paths: list[str] = Field(default_factory=list)
    first_seen_timestamp: ExportDateTime | None = None
    last_seen_timestamp: ExportDateTime | None = None
    exploitability_level: str | None = None
    recommendation_reference: str | None = None
    security_update_available: bool | None = None
    event_timestamp: ExportDateTime | None = None
    """Delta export only, like `status` (New/Fixed/Updated) and `isOnboarded`."""
    status: str | None = None
    is_onboarded: bool | None = None


class AssetSecureConfiguration(_AssetRow):
    """A secure configuration assessment export row (`SecureConfigurationsAssessmentByMachine`)."""

    os_version: str | None = None
    timestamp: ExportDateTime | None = None
    configuration_id: str | None = None
    configuration_category: str | None = None
    configuration_subcategory: str | None = None
    configuration_impact: float | None = None
    configuration_name: str | None = None
    is_compliant: bool | None = None
    is_applicable: bool | None = None
    is_expected_user_impact: bool | None = None
    recommendation_reference: str | None = None


class ExportFilesResponse(WireModel):
    """Answer of the "via files" exports: SAS URLs of gzip JSON-lines files."""

    export_files: list[str] = Field(default_factory=list)
    generated_time: WireDateTime | None = None
