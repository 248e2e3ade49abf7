# ruff: noqa: E501  (column lists)
"""The DeviceTvm* and DeviceBaseline* tables, from the same device states as the TVM API.

Each device's vulnerability-management state is computed once and every table is read
from it, so software inventory, vulnerabilities, secure configuration, browser
extensions, certificates, hardware, information gathering and baseline compliance tell
the story the API's exports tell. The knowledge-base tables come from the catalogues."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from mdekit.emulator.world.av_health import av_health_row
from mdekit.emulator.world.catalog_assets import EXTENSIONS, PERMISSION_RISK, PERMISSIONS
from mdekit.emulator.world.catalog_configs import BASELINE_CONTROLS, SECURE_CONFIGS
from mdekit.emulator.world.events_device import compact_json
from mdekit.emulator.world.events_host import Context
from mdekit.emulator.world.events_load import Sinks
from mdekit.emulator.world.events_procs import SECOND, ticks_to_us
from mdekit.emulator.world.exports import (
    ExportContext,
    secure_configuration_rows,
    software_inventory_rows,
    software_vulnerability_rows,
)
from mdekit.emulator.world.exports_assets import (
    browser_extension_rows,
    certificate_rows,
    hardware_rows,
)
from mdekit.emulator.world.inventory import MachineState
from mdekit.emulator.world.tvm import Tvm

ASR_RULES = (
    "BlockExecutableContentFromEmailClientAndWebmail",
    "BlockAllOfficeApplicationsFromCreatingChildProcesses",
    "BlockOfficeApplicationsFromCreatingExecutableContent",
    "BlockCredentialStealingFromWindowsLocalSecurityAuthoritySubsystem",
    "BlockProcessCreationsOriginatingFromPSExecAndWMICommands",
    "UseAdvancedProtectionAgainstRansomware",
)
IG_FIELDS = (
    ("AvMode", "Antivirus mode: 0 active, 1 passive, 2 disabled, 4 EDR in block mode", "Antivirus"),
    ("AvSignatureVersion", "Security intelligence version", "Antivirus"),
    ("AvEngineVersion", "Antivirus engine version", "Antivirus"),
    ("AvPlatformVersion", "Antivirus platform version", "Antivirus"),
    ("AvSignatureRing", "Security intelligence update ring", "Antivirus"),
    ("AvEngineRing", "Engine update ring", "Antivirus"),
    ("AvPlatformRing", "Platform update ring", "Antivirus"),
    (
        "AsrConfigurationStates",
        "Attack surface reduction rules and their modes",
        "Attack surface reduction",
    ),
    ("IsVirtualMachine", "Whether the device is a virtual machine", "Device"),
    ("OsVersion", "Full operating system version", "Device"),
)


def _export_us(text: str | None) -> int | None:
    """Microseconds of "2021-01-11 09:47:58.854", "2021-01-11" or ISO 8601 text."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * SECOND)


def write(
    ctx: Context,
    tvm: Tvm,
    sinks: Sinks,
    export: ExportContext | None = None,
    states: dict[str, MachineState] | None = None,
) -> None:
    """Every DeviceTvm* and DeviceBaseline* table; `export` and `states` (its device states
    by id) when the caller derived them already."""
    if export is None or states is None:
        export = tvm.export_context()
        states = {state.profile.machine_id: state for state in export.states()}
    _inventory(sinks, export, states)
    _vulnerabilities(sinks, export, tvm, states)
    _configurations(sinks, export)
    _extensions(sinks, export)
    _assets(sinks, export)
    _info_gathering(sinks, tvm, states)
    _baselines(sinks, tvm, states)
    del ctx


def _inventory(sinks: Sinks, export: Any, states: dict[str, Any]) -> None:
    inventory = sinks.open(
        "DeviceTvmSoftwareInventory",
        (
            "DeviceId",
            "DeviceName",
            "OSPlatform",
            "OSVersion",
            "OSArchitecture",
            "SoftwareVendor",
            "SoftwareName",
            "SoftwareVersion",
            "EndOfSupportStatus",
            "EndOfSupportDate",
            "ProductCodeCpe",
        ),
    )
    evidence = sinks.open(
        "DeviceTvmSoftwareEvidenceBeta",
        (
            "DeviceId",
            "SoftwareVendor",
            "SoftwareName",
            "SoftwareVersion",
            "RegistryPaths",
            "DiskPaths",
            "LastSeenTime",
        ),
    )
    for row in software_inventory_rows(export):
        state = states[row["deviceId"]]
        architecture = "arm64" if state.profile.family == "macos" else "x64"
        status = row["endOfSupportStatus"] if row["endOfSupportStatus"] != "None" else None
        cpe = f"cpe:2.3:a:{row['softwareVendor']}:{row['softwareName']}:{row['softwareVersion']}:*:*:*:*:*:*:*"
        inventory.append(
            (
                row["deviceId"],
                row["deviceName"],
                row["osPlatform"],
                state.os_version,
                architecture,
                row["softwareVendor"],
                row["softwareName"],
                row["softwareVersion"],
                status,
                _export_us(row["endOfSupportDate"]),
                cpe,
            )
        )
        if row["diskPaths"] or row["registryPaths"]:
            evidence.append(
                (
                    row["deviceId"],
                    row["softwareVendor"],
                    row["softwareName"],
                    row["softwareVersion"],
                    json.dumps(row["registryPaths"]),
                    json.dumps(row["diskPaths"]),
                    export.fmt.export(state.seen),
                )
            )


def _vulnerabilities(sinks: Sinks, export: Any, tvm: Tvm, states: dict[str, Any]) -> None:
    table = sinks.open(
        "DeviceTvmSoftwareVulnerabilities",
        (
            "DeviceId",
            "DeviceName",
            "OSPlatform",
            "OSVersion",
            "OSArchitecture",
            "SoftwareVendor",
            "SoftwareName",
            "SoftwareVersion",
            "CveId",
            "VulnerabilitySeverityLevel",
            "RecommendedSecurityUpdate",
            "RecommendedSecurityUpdateId",
            "CveTags",
        ),
    )
    tags: dict[str, str] = {}
    for vulnerability in tvm.vulnerabilities:
        names = []
        if vulnerability["exploitVerified"]:
            names.append("ExploitVerified")
        if vulnerability["exploitInKit"]:
            names.append("ExploitKit")
        tags[vulnerability["id"]] = json.dumps(names)
    for row in software_vulnerability_rows(export):
        if row["cveId"] is None:
            continue
        table.append(
            (
                row["deviceId"],
                row["deviceName"],
                row["osPlatform"],
                row["osVersion"],
                row["osArchitecture"],
                row["softwareVendor"],
                row["softwareName"],
                row["softwareVersion"],
                row["cveId"],
                row["vulnerabilitySeverityLevel"],
                row["recommendedSecurityUpdate"],
                row["recommendedSecurityUpdateId"],
                tags.get(row["cveId"], "[]"),
            )
        )
    affected: dict[str, set[str]] = {}
    for index, product in enumerate(tvm.catalogue.products):
        for release_index, release in enumerate(product.releases):
            for cve_index, _ in tvm.catalogue.vulnerable[index][release_index]:
                cve = tvm.catalogue.cves[cve_index].id
                affected.setdefault(cve, set()).add(
                    f"{product.vendor} {product.name} {release.version}"
                )
    kb = sinks.open(
        "DeviceTvmSoftwareVulnerabilitiesKB",
        (
            "CveId",
            "CvssScore",
            "IsExploitAvailable",
            "VulnerabilitySeverityLevel",
            "LastModifiedTime",
            "PublishedDate",
            "VulnerabilityDescription",
            "AffectedSoftware",
        ),
    )
    for vulnerability in tvm.vulnerabilities:
        kb.append(
            (
                vulnerability["id"],
                str(vulnerability["cvssV3"]),
                bool(vulnerability["publicExploit"]),
                vulnerability["severity"],
                _export_us(vulnerability["updatedOn"]),
                _export_us(vulnerability["publishedOn"]),
                vulnerability["description"],
                json.dumps(sorted(affected.get(vulnerability["id"], ()))),
            )
        )


def _configurations(sinks: Sinks, export: Any) -> None:
    table = sinks.open(
        "DeviceTvmSecureConfigurationAssessment",
        (
            "DeviceId",
            "DeviceName",
            "OSPlatform",
            "Timestamp",
            "ConfigurationId",
            "ConfigurationCategory",
            "ConfigurationSubcategory",
            "ConfigurationImpact",
            "IsCompliant",
            "IsApplicable",
            "Context",
            "IsExpectedUserImpact",
        ),
    )
    stamps: dict[str, int | None] = {}
    for row in secure_configuration_rows(export):
        stamp = stamps.get(row["timestamp"])
        if stamp is None:
            stamp = stamps[row["timestamp"]] = _export_us(row["timestamp"])
        table.append(
            (
                row["deviceId"],
                row["deviceName"],
                row["osPlatform"],
                stamp,
                row["configurationId"],
                row["configurationCategory"],
                row["configurationSubcategory"],
                float(row["configurationImpact"]),
                row["isCompliant"],
                row["isApplicable"],
                "[]",
                row["isExpectedUserImpact"],
            )
        )
    kb = sinks.open(
        "DeviceTvmSecureConfigurationAssessmentKB",
        (
            "ConfigurationId",
            "ConfigurationImpact",
            "ConfigurationName",
            "ConfigurationDescription",
            "RiskDescription",
            "ConfigurationCategory",
            "ConfigurationSubcategory",
            "ConfigurationBenchmarks",
            "Tags",
            "RemediationOptions",
        ),
    )
    for config in SECURE_CONFIGS:
        kb.append(
            (
                config.scid,
                float(config.impact),
                config.name,
                f"{config.name}.",
                "Devices without this setting are easier to attack.",
                config.category,
                config.subcategory,
                compact_json([{"benchmark": "CIS", "Id": config.scid}]),
                json.dumps([config.subcategory]),
                f"Remediate: {config.name}.",
            )
        )


def _extensions(sinks: Sinks, export: Any) -> None:
    table = sinks.open(
        "DeviceTvmBrowserExtensions",
        (
            "DeviceId",
            "BrowserName",
            "ExtensionId",
            "ExtensionName",
            "ExtensionDescription",
            "ExtensionVersion",
            "ExtensionRisk",
            "ExtensionVendor",
            "IsActivated",
            "InstallationTime",
        ),
    )
    for row in browser_extension_rows(export):
        table.append(
            (
                row["DeviceId"],
                row["BrowserName"],
                row["ExtensionId"],
                row["ExtensionName"],
                row["ExtensionDescription"],
                row["ExtensionVersion"],
                row["ExtensionRisk"],
                None,
                str(row["IsActivated"]).lower(),
                _export_us(row["InstallationTime"]),
            )
        )
    kb = sinks.open(
        "DeviceTvmBrowserExtensionsKB",
        (
            "BrowserName",
            "ExtensionId",
            "ExtensionName",
            "ExtensionDescription",
            "ExtensionVersion",
            "ExtensionRisk",
            "PermissionId",
            "PermissionName",
            "PermissionDescription",
            "PermissionRisk",
            "IsPermissionRequired",
        ),
    )
    names = {key: (name, description) for key, name, description, _ in PERMISSIONS}
    for extension in EXTENSIONS:
        risks = [PERMISSION_RISK.get(p, "Low") for p in extension.permissions]
        worst = (
            max(risks, key=("None", "Low", "Medium", "High", "Critical").index) if risks else "Low"
        )
        for permission in extension.permissions:
            name, description = names.get(permission, (permission, permission))
            kb.append(
                (
                    extension.browser,
                    extension.id,
                    extension.name,
                    extension.description,
                    json.dumps([extension.version]),
                    worst,
                    permission,
                    name,
                    description,
                    PERMISSION_RISK.get(permission, "Low"),
                    "true",
                )
            )


def _assets(sinks: Sinks, export: Any) -> None:
    certificates = sinks.open(
        "DeviceTvmCertificateInfo",
        (
            "DeviceId",
            "Thumbprint",
            "Path",
            "SerialNumber",
            "IssuedTo",
            "IssuedBy",
            "FriendlyName",
            "SignatureAlgorithm",
            "KeySize",
            "ExpirationDate",
            "IssueDate",
            "SubjectType",
            "KeyUsage",
            "ExtendedKeyUsage",
        ),
    )
    for row in certificate_rows(export):
        certificates.append(
            (
                row["deviceId"],
                row["thumbprint"],
                row["path"],
                row["serialNumber"],
                compact_json(row["subjectObject"]),
                compact_json(row["issuerObject"]),
                row["subjectObject"]["CommonName"],
                row["signatureAlgorithm"],
                str(row["keyLength"]),
                row["notAfter"],
                row["notBefore"],
                row["subjectType"],
                json.dumps(row["keyUsageArray"]),
                json.dumps(row["extendedKeyUsageArray"]),
            )
        )
    hardware = sinks.open(
        "DeviceTvmHardwareFirmware",
        (
            "DeviceId",
            "DeviceName",
            "ComponentType",
            "Manufacturer",
            "ComponentName",
            "ComponentFamily",
            "ComponentVersion",
            "AdditionalFields",
        ),
    )
    for row in hardware_rows(export):
        fields = json.loads(row["additionalFields"])
        hardware.append(
            (
                row["deviceId"],
                row["deviceName"],
                row["componentType"],
                row["manufacturer"],
                row["componentName"],
                fields.get("DeviceFamily"),
                row["componentVersion"],
                row["additionalFields"],
            )
        )


def _info_gathering(sinks: Sinks, tvm: Tvm, states: dict[str, Any]) -> None:
    table = sinks.open(
        "DeviceTvmInfoGathering",
        ("Timestamp", "LastSeenTime", "DeviceId", "DeviceName", "OSPlatform", "AdditionalFields"),
    )
    for machine_id, state in states.items():
        fields: dict[str, Any] = {"OsVersion": state.os_version, "IsVirtualMachine": state.virtual}
        if state.av is not None:
            health = av_health_row(tvm.world, state, tvm.fmt)
            ring = str(1 + int(machine_id[:2], 16) % 5)
            fields.update(
                {
                    "AvMode": state.av.mode,
                    "AvSignatureVersion": health.get("avSignatureVersion"),
                    "AvEngineVersion": health.get("avEngineVersion"),
                    "AvPlatformVersion": health.get("avPlatformVersion"),
                    "AvSignatureRing": ring,
                    "AvEngineRing": ring,
                    "AvPlatformRing": ring,
                    "AvIsSignatureUptoDate": state.av.signatures,
                    "AsrConfigurationStates": {
                        rule: ("Block", "Audit", "NotConfigured")[
                            (int(machine_id[2 + i], 16) + i) % 3
                        ]
                        for i, rule in enumerate(ASR_RULES)
                    },
                }
            )
        seen = ticks_to_us(state.seen)
        table.append(
            (
                seen,
                seen,
                machine_id,
                state.machine["computerDnsName"],
                state.machine["osPlatform"],
                compact_json(fields),
            )
        )
    kb = sinks.open(
        "DeviceTvmInfoGatheringKB",
        ("IgId", "FieldName", "Description", "Categories", "DataStructure"),
    )
    for index, (name, description, category) in enumerate(IG_FIELDS, 1):
        kb.append(
            (
                f"ig-{index:04d}",
                name,
                description,
                json.dumps([category]),
                "Dictionary" if name == "AsrConfigurationStates" else "String",
            )
        )


def _baselines(sinks: Sinks, tvm: Tvm, states: dict[str, Any]) -> None:
    rows = sinks.open(
        "DeviceBaselineComplianceAssessment",
        (
            "DeviceId",
            "DeviceName",
            "OSPlatform",
            "OSVersion",
            "ConfigurationId",
            "ProfileId",
            "IsCompliant",
            "IsApplicable",
            "Source",
            "RecommendedValue",
            "CurrentValue",
            "IsExempt",
        ),
    )
    for state in states.values():
        for row in tvm.baseline_rows(state):
            rows.append(
                (
                    row["deviceId"],
                    row["deviceName"],
                    row["osPlatform"],
                    row["osVersion"],
                    row["configurationId"],
                    row["profileId"],
                    row["isCompliant"],
                    row["isApplicable"],
                    json.dumps(row["source"]),
                    json.dumps(row["recommendedValue"]),
                    json.dumps(row["currentValue"]),
                    False,
                )
            )
    kb = sinks.open(
        "DeviceBaselineComplianceAssessmentKB",
        (
            "ConfigurationId",
            "ConfigurationName",
            "ConfigurationDescription",
            "ConfigurationRationale",
            "ConfigurationCategory",
            "BenchmarkProfileLevels",
            "CCEReference",
            "RemediationOptions",
            "ConfigurationBenchmark",
            "Source",
            "RecommendedValue",
        ),
    )
    for control in BASELINE_CONTROLS:
        kb.append(
            (
                control.id,
                control.name,
                control.description,
                control.rationale,
                control.category,
                json.dumps(["Level 1 (L1) - Corporate/Enterprise Environment (general use)"]),
                control.cce,
                control.remediation,
                "CIS",
                json.dumps([control.source]),
                json.dumps([control.recommended]),
            )
        )
    profiles = sinks.open(
        "DeviceBaselineComplianceProfiles",
        (
            "ProfileId",
            "ProfileName",
            "ProfileDescription",
            "OSPlatform",
            "OSVersion",
            "BaseBenchmark",
            "BenchmarkVersion",
            "BenchmarkProfileLevel",
            "Status",
            "CreatedBy",
            "CreatedOn",
            "LastUpdatedBy",
            "LastUpdatedOn",
        ),
    )
    for profile in tvm.baseline_profiles:
        profiles.append(
            (
                profile["id"],
                profile["name"],
                profile["description"],
                json.dumps([profile["operatingSystem"]]),
                profile["operatingSystemVersion"],
                profile["benchmark"],
                profile["version"],
                profile["complianceLevel"],
                profile["status"],
                profile["createdBy"],
                _export_us(profile["createdOnTimestampUTC"]),
                profile["lastUpdatedBy"],
                _export_us(profile["lastUpdateTimestampUTC"]),
            )
        )
