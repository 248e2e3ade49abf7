"""generate_tvm exports: documented row keys, the export timestamp form, consistency
between the exports and with the entities, laziness, AV health, baselines and scans."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from mdekit.emulator.world import Tvm, World, generate_tvm, generate_world
from mdekit.emulator.world.catalog_assets import PERMISSION_RISK, RISK_ORDER
from mdekit.models import (
    AssetNonCpeSoftware,
    AssetSecureConfiguration,
    AssetSoftware,
    AssetVulnerability,
    ScanDefinition,
    ScanHistoryEntry,
    ScanHistorySession,
    ScannerAgent,
    as_utc,
)
from mdekit.models.scans import AUTH_PARAMS_ODATA_TYPES, SCAN_TYPES, TARGET_TYPES
from mdekit.models.tvm import END_OF_SUPPORT_STATUSES, EXPLOITABILITY_LEVELS

TENANT = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
EXPORT_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z")

# Row keys as defender-api.md §6.8/§6.9 list them (sets: the order is the examples').
SCA = {"deviceId", "deviceName", "osPlatform", "osVersion", "rbacGroupName", "rbacGroupId",
       "timestamp", "configurationId", "configurationCategory", "configurationSubcategory",
       "configurationImpact", "configurationName", "isCompliant", "isApplicable",
       "isExpectedUserImpact", "recommendationReference"}  # fmt: skip
SOFTWARE = {"deviceId", "deviceName", "osPlatform", "rbacGroupName", "rbacGroupId",
            "softwareVendor", "softwareName", "softwareVersion", "numberOfWeaknesses",
            "diskPaths", "registryPaths", "softwareFirstSeenTimestamp", "endOfSupportStatus",
            "endOfSupportDate"}  # fmt: skip
NON_CPE = {"deviceId", "deviceName", "osPlatform", "rbacGroupName", "rbacGroupId",
           "softwareVendor", "softwareName", "softwareVersion",
           "softwareLastSeenTimestamp"}  # fmt: skip
VULNERABILITY = {"id", "cveId", "cvssScore", "deviceId", "deviceName", "diskPaths",
                 "exploitabilityLevel", "firstSeenTimestamp", "lastSeenTimestamp", "osPlatform",
                 "osVersion", "osArchitecture", "rbacGroupName", "rbacGroupId",
                 "recommendationReference", "recommendedSecurityUpdate",
                 "recommendedSecurityUpdateId", "recommendedSecurityUpdateUrl", "registryPaths",
                 "securityUpdateAvailable", "softwareName", "softwareVendor", "softwareVersion",
                 "vulnerabilitySeverityLevel"}  # fmt: skip
CHANGE = VULNERABILITY | {"eventTimestamp", "status", "isOnboarded"}
BROWSER = {"BrowserName", "DeviceId", "DeviceName", "ExtensionDescription", "ExtensionId",
           "ExtensionName", "ExtensionRisk", "ExtensionVersion", "IsActivated", "RbacGroupId",
           "RbacGroupName", "InstallationTime", "Permissions"}  # fmt: skip
CERTIFICATE = {"deviceId", "deviceName", "thumbprint", "path", "signatureAlgorithm",
               "keyLength", "notAfter", "notBefore", "subjectType", "serialNumber",
               "subjectObject", "issuerObject", "keyUsageArray", "extendedKeyUsageArray",
               "isSelfSigned", "rbacGroupId", "rbacGroupName"}  # fmt: skip
HARDWARE = {"deviceId", "rbacGroupId", "rbacGroupName", "deviceName", "componentType",
            "manufacturer", "componentName", "componentVersion", "additionalFields"}  # fmt: skip
BASELINE = {"id", "configurationId", "profileId", "deviceId", "deviceName", "osPlatform",
            "osVersion", "rbacGroupId", "rbacGroupName", "isApplicable", "isCompliant",
            "dataCollectionTimeOffset", "complianceCalculationTimeOffset", "recommendedValue",
            "currentValue", "source"}  # fmt: skip
PROFILE = {"id", "name", "description", "benchmark", "version", "operatingSystem",
           "operatingSystemVersion", "status", "complianceLevel", "settingsNumber", "createdBy",
           "lastUpdatedBy", "createdOnTimestampUTC", "lastUpdateTimestampUTC", "passedDevices",
           "totalDevices"}  # fmt: skip
CONFIGURATION = {"uniqueId", "id", "benchmarkName", "benchmarkVersion", "name", "description",
                 "category", "complianceLevels", "cce", "rationale", "source",
                 "recommendedValue", "remediation", "isCustom"}  # fmt: skip
AV_HEALTH = {"id", "machineId", "computerDnsName", "osKind", "osPlatform", "osVersion",
             "avMode", "avSignatureVersion", "avEngineVersion", "avPlatformVersion",
             "avIsSignatureUpToDate", "avIsEngineUpToDate", "avIsPlatformUpToDate",
             "avSignatureUpdateTime", "avEngineUpdateTime", "avPlatformUpdateTime",
             "avSignaturePublishTime", "lastSeenTime", "dataRefreshTimestamp", "quickScanResult",
             "fullScanResult", "quickScanError", "fullScanError", "quickScanTime",
             "fullScanTime", "rbacGroupId", "rbacGroupName"}  # fmt: skip


@cache
def world(machines: int = 120) -> World:
    return generate_world(tenant_id=TENANT, seed=23, now=NOW, machines=machines, alerts=80)


@cache
def tvm(machines: int = 120) -> Tvm:
    return generate_tvm(world(machines))


@cache
def rows(name: str, machines: int = 120) -> tuple[dict[str, Any], ...]:
    return tuple(getattr(tvm(machines), name)())


def export_time(text: str) -> datetime:
    assert EXPORT_TIME.fullmatch(text), text
    return as_utc(datetime.fromisoformat(text))


def iso_time(text: str) -> datetime:
    assert ISO_TIME.fullmatch(text), text
    return as_utc(datetime.fromisoformat(text[:26].rstrip("Z") + "+00:00"))


def test_every_export_has_exactly_the_documented_keys() -> None:
    expected = {
        "export_secure_configurations": SCA,
        "export_software_inventory": SOFTWARE,
        "export_non_cpe_software": NON_CPE,
        "export_software_vulnerabilities": VULNERABILITY,
        "export_browser_extensions": BROWSER,
        "export_certificates": CERTIFICATE,
        "export_hardware_firmware": HARDWARE,
        "export_baseline_compliance": BASELINE,
        "av_health_rows": AV_HEALTH,
    }
    for name, keys in expected.items():
        produced = rows(name)
        assert produced, name
        for row in produced:
            assert set(row) == keys, (name, set(row) ^ keys)
    for row in tvm().export_software_vulnerability_changes(NOW - timedelta(days=14)):
        assert set(row) == CHANGE
    assert all(set(p) == PROFILE for p in tvm().baseline_profiles)
    assert all(set(c) == CONFIGURATION for c in tvm().baseline_configurations)
    permissions = tvm().browser_extension_permissions
    assert all(set(p) == {"key", "permissionName", "description"} for p in permissions)


def test_exports_are_lazy_generators() -> None:
    t = tvm()
    for name in ("export_secure_configurations", "export_software_inventory",
                 "export_non_cpe_software", "export_software_vulnerabilities",
                 "export_browser_extensions", "export_certificates",
                 "export_hardware_firmware", "export_baseline_compliance", "av_health_rows",
                 "machine_vulnerability_rows"):  # fmt: skip
        produced = getattr(t, name)()
        assert isinstance(produced, Iterator), name
        assert iter(produced) is produced
        assert json.dumps(next(produced)) == json.dumps(rows(name)[0])


def test_exports_are_deterministic() -> None:
    again = generate_tvm(
        generate_world(tenant_id=TENANT, seed=23, now=NOW, machines=120, alerts=80)
    )
    for name in (
        "export_secure_configurations",
        "export_software_vulnerabilities",
        "export_certificates",
        "export_baseline_compliance",
        "av_health_rows",
    ):
        assert json.dumps(list(getattr(again, name)())) == json.dumps(list(rows(name)))


def test_software_inventory_rows() -> None:
    machines = world().machine_by_id()
    per_device: Counter[str] = Counter()
    for row in rows("export_software_inventory"):
        AssetSoftware.model_validate(row)
        machine = machines[row["deviceId"]]
        assert row["deviceName"] == machine["computerDnsName"]
        assert row["rbacGroupId"] == machine["rbacGroupId"]
        assert row["endOfSupportStatus"] in END_OF_SUPPORT_STATUSES
        assert (row["endOfSupportDate"] is None) == (row["endOfSupportStatus"] == "None")
        assert export_time(row["softwareFirstSeenTimestamp"]) <= NOW
        per_device[row["deviceId"]] += 1
    assert set(per_device) == set(machines)
    assert min(per_device.values()) >= 2  # the OS and at least one more product
    statuses = {r["endOfSupportStatus"] for r in rows("export_software_inventory")}
    assert "Upcoming EOS Software" in statuses  # Windows 10 ends in October 2025


def test_vulnerability_rows_agree_with_inventory_and_dtos() -> None:
    inventory = {(r["deviceId"], r["softwareVendor"], r["softwareName"], r["softwareVersion"]):
                 r["numberOfWeaknesses"] for r in rows("export_software_inventory")}  # fmt: skip
    cve_rows: Counter[tuple[str, str, str, str]] = Counter()
    recommendations = {r["id"] for r in tvm().recommendations}
    for row in rows("export_software_vulnerabilities"):
        AssetVulnerability.model_validate(row)
        key = (row["deviceId"], row["softwareVendor"], row["softwareName"], row["softwareVersion"])
        assert key in inventory
        assert row["id"] == (f"{row['deviceId']}_{row['softwareName']}_{row['softwareVersion']}_"
                             f"{row['cveId'] or ''}_")  # fmt: skip
        assert row["exploitabilityLevel"] in EXPLOITABILITY_LEVELS
        assert export_time(row["firstSeenTimestamp"]) <= export_time(row["lastSeenTimestamp"])
        assert export_time(row["lastSeenTimestamp"]) <= NOW
        if row["cveId"] is not None:
            cve_rows[key] += 1
            assert row["recommendationReference"] in recommendations
            assert row["securityUpdateAvailable"] is True
            if row["recommendedSecurityUpdateId"] is not None:
                assert row["recommendedSecurityUpdateUrl"].endswith(
                    row["recommendedSecurityUpdateId"]
                )
    for key, weaknesses in inventory.items():
        assert cve_rows[key] == weaknesses
    dtos = {(d["machineId"], d["cveId"], d["productName"], d["productVersion"])
            for d in tvm().machine_vulnerability_rows()}  # fmt: skip
    exported = {(r["deviceId"], r["cveId"], r["softwareName"], r["softwareVersion"])
                for r in rows("export_software_vulnerabilities") if r["cveId"]}  # fmt: skip
    assert dtos == exported


def test_vulnerability_changes() -> None:
    t = tvm(machines=300)
    current = {r["id"] for r in t.export_software_vulnerabilities()}
    since = NOW - timedelta(days=14)
    changes = list(t.export_software_vulnerability_changes(since))
    statuses = Counter(row["status"] for row in changes)
    assert statuses["Fixed"] > 0
    assert statuses["New"] > 0
    assert set(statuses) <= {"New", "Fixed", "Updated"}
    for row in changes:
        AssetVulnerability.model_validate(row)
        event = export_time(row["eventTimestamp"])
        assert since - timedelta(hours=6) <= event <= NOW
        assert event.hour % 6 == 0
        assert event.minute == event.second == 0
        assert row["cveId"] is not None
        assert row["isOnboarded"] is True
        if row["status"] == "Fixed":
            assert row["id"] not in current  # that version is gone from the device
        else:
            assert row["id"] in current
    recent = list(t.export_software_vulnerability_changes(NOW - timedelta(days=3)))
    assert len(recent) < len(changes)
    older = {json.dumps(r, sort_keys=True) for r in changes}
    assert all(json.dumps(r, sort_keys=True) in older for r in recent)


def test_secure_configuration_rows() -> None:
    recommendations = {r["id"] for r in tvm().recommendations}
    machines = world().machine_by_id()
    devices = set()
    for row in rows("export_secure_configurations"):
        AssetSecureConfiguration.model_validate(row)
        devices.add(row["deviceId"])
        assert re.fullmatch(r"scid-\d+", row["configurationId"])
        assert row["recommendationReference"] == f"sca-_-{row['configurationId']}"
        assert 1 <= row["configurationImpact"] <= 10
        assert export_time(row["timestamp"]) <= NOW
        if row["isApplicable"] and not row["isCompliant"]:
            assert row["recommendationReference"] in recommendations
        if not row["isApplicable"]:
            assert row["isCompliant"] is False
        health = machines[row["deviceId"]]["healthStatus"]
        if row["configurationId"] == "scid-2001":
            assert row["isCompliant"] == (not health.startswith("NoSensorData"))
    assert devices == set(machines)


def test_non_cpe_rows() -> None:
    for row in rows("export_non_cpe_software"):
        AssetNonCpeSoftware.model_validate(row)
        assert export_time(row["softwareLastSeenTimestamp"]) <= NOW
    vendors = {r["softwareVendor"] for r in rows("export_non_cpe_software")}
    assert "contoso lob apps" in vendors


def test_av_health_rows() -> None:
    machines = world().machine_by_id()
    windows = {m["id"] for m in world().machines if m["osPlatform"].startswith("Windows")}
    produced = rows("av_health_rows")
    assert {r["machineId"] for r in produced} == windows
    assert len(produced) == len(windows)
    os_versions = {r["deviceId"]: r["softwareVersion"] for r in rows("export_software_inventory")
                   if r["softwareName"].startswith("windows_")}  # fmt: skip
    for row in produced:
        machine = machines[row["machineId"]]
        assert row["id"] == row["machineId"]
        assert row["osKind"] == "windows"
        assert row["osVersion"] == os_versions[row["machineId"]]
        assert row["avMode"] in ("", "0", "1", "2", "3", "4", "5")
        flags = (
            row["avIsSignatureUpToDate"],
            row["avIsEngineUpToDate"],
            row["avIsPlatformUpToDate"],
        )
        assert set(flags) <= {"True", "False", "Unknown"}
        status = machine["defenderAvStatus"]
        assert row["avIsSignatureUpToDate"] == {"Updated": "True", "OutOfDate": "False"}.get(
            status, "Unknown"
        )
        assert row["quickScanResult"] in ("Completed", "Canceled", "Failed", "")
        assert (row["quickScanTime"] is None) == (row["quickScanResult"] == "")
        assert re.fullmatch(r"1\.\d{3}\.\d+\.0", row["avSignatureVersion"])
        assert re.fullmatch(r"4\.18\.\d{4,5}\.\d+", row["avPlatformVersion"])
        for key in (
            "lastSeenTime",
            "dataRefreshTimestamp",
            "avSignatureUpdateTime",
            "avEngineUpdateTime",
            "avPlatformUpdateTime",
            "avSignaturePublishTime",
        ):
            assert iso_time(row[key]) <= NOW, key
        assert iso_time(row["avSignaturePublishTime"]) <= iso_time(row["avSignatureUpdateTime"])
        assert row["rbacGroupId"] == machine["rbacGroupId"]
    assert tvm().av_health(produced[0]["machineId"]) == produced[0]


def test_browser_extension_rows() -> None:
    t = tvm()
    browsers_installed = defaultdict(set)
    for row in rows("export_software_inventory"):
        browsers_installed[row["deviceId"]].add(row["softwareName"])
    catalogue = {p["key"] for p in t.browser_extension_permissions}
    risks: Counter[str] = Counter()
    for row in rows("export_browser_extensions"):
        assert row["BrowserName"] in browsers_installed[row["DeviceId"]]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", row["InstallationTime"])
        assert iso_time(row["InstallationTime"]) <= NOW
        assert row["Permissions"]
        for permission in row["Permissions"]:
            assert set(permission) == {"Id", "IsRequired", "Risk"}
            assert permission["Id"] in catalogue
            assert permission["Risk"] == PERMISSION_RISK[permission["Id"]]
        worst = max((p["Risk"] for p in row["Permissions"]), key=RISK_ORDER.index)
        assert row["ExtensionRisk"] == worst
        risks[row["ExtensionRisk"]] += 1
    assert set(risks) <= set(RISK_ORDER)
    assert len(risks) >= 2


def test_certificate_and_hardware_rows() -> None:
    roots: Counter[str] = Counter()
    for row in rows("export_certificates"):
        assert iso_time(row["notBefore"]) <= NOW
        assert iso_time(row["notBefore"]) < iso_time(row["notAfter"])
        assert row["path"].endswith(row["thumbprint"])
        assert re.fullmatch(r"[0-9A-F]{40}", row["thumbprint"])
        assert row["subjectType"] in ("CA", "End entity")
        assert row["isSelfSigned"] == (row["subjectObject"] == row["issuerObject"])
        if row["subjectType"] == "CA":
            roots[row["thumbprint"]] += 1
    assert len(roots) == 1  # one tenant root CA, on every Windows device
    per_device = defaultdict(list)
    for row in rows("export_hardware_firmware"):
        per_device[row["deviceId"]].append(row["componentType"])
        assert isinstance(json.loads(row["additionalFields"]), dict)
    assert set(per_device) == {m["id"] for m in world().machines}
    assert all(sorted(v) == ["Bios", "Hardware", "Processor"] for v in per_device.values())


def test_baseline_rows_profiles_and_configurations() -> None:
    t = tvm()
    profiles = {p["id"]: p for p in t.baseline_profiles}
    configuration_ids = {c["id"] for c in t.baseline_configurations}
    unique = {c["uniqueId"] for c in t.baseline_configurations}
    assert len(unique) == len(t.baseline_configurations)
    per_device: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for row in rows("export_baseline_compliance"):
        assert row["id"] == f"{row['deviceId']}_{row['profileId']}_{row['configurationId']}"
        assert row["profileId"] in profiles
        assert row["configurationId"] in configuration_ids
        assert (
            iso_time(row["dataCollectionTimeOffset"])
            <= iso_time(row["complianceCalculationTimeOffset"])
            <= NOW
        )
        per_device[(row["profileId"], row["deviceId"])].append(row["isCompliant"])
    for profile_id, profile in profiles.items():
        results = [v for (p, _), v in per_device.items() if p == profile_id]
        assert all(len(v) == profile["settingsNumber"] for v in results)
        assert profile["totalDevices"] == len(results)
        assert profile["passedDevices"] == sum(1 for v in results if all(v))
        assert (
            iso_time(profile["createdOnTimestampUTC"])
            <= iso_time(profile["lastUpdateTimestampUTC"])
            <= NOW
        )
    assert any(p["totalDevices"] for p in profiles.values())


def test_scans() -> None:
    t = tvm()
    machines = world().machine_by_id()
    agents = {a["machineId"]: a for a in t.scan_agents}
    assert agents
    for agent in t.scan_agents:
        ScannerAgent.model_validate(agent)
        assert agent["id"] == f"{TENANT}_{agent['machineId']}"
        assert machines[agent["machineId"]]["osPlatform"].startswith("WindowsServer")
        assert (
            iso_time(agent["LastCommandExecutionTimestamp"]) <= iso_time(agent["lastSeen"]) <= NOW
        )
    sessions_by_definition = defaultdict(list)
    for session in t.scan_sessions:
        ScanHistorySession.model_validate(session)
        sessions_by_definition[session["ScanDefinitionIds"]].append(session)
        assert session["NumberOfTargets"] == len(session["ListScannedTargets"])
        assert iso_time(session["LastScanned"]) <= NOW
    for definition in t.scan_definitions:
        ScanDefinition.model_validate(definition)
        assert definition["scanType"] in SCAN_TYPES
        assert definition["targetType"] in TARGET_TYPES
        assert definition["scanAuthenticationParams"]["@odata.type"] in AUTH_PARAMS_ODATA_TYPES
        assert definition["scannerAgent"]["machineId"] in agents
        assert definition["orgId"] == TENANT
        newest = sessions_by_definition[definition["id"]][0]
        assert definition["latestScan"]["executionDateTime"] == newest["LastScanned"]
        assert definition["latestScan"]["status"] == newest["ScanStatus"]
        assert len(definition["target"].split(",")) == newest["NumberOfTargets"]
        history = t.scan_history_by_definition([definition["id"]])
        assert len(history) == len(sessions_by_definition[definition["id"]])
        for entry in history:
            ScanHistoryEntry.model_validate(entry)
            assert entry["ScannerId"] == definition["scannerAgent"]["machineId"]
    session_id = t.scan_sessions[0]["SessionIds"]
    assert t.scan_history_by_session([session_id]) == [t.scan_sessions[0]]


def test_row_counts_grow_with_the_number_of_devices() -> None:
    small = len(rows("export_software_inventory", 60))
    large = len(rows("export_software_inventory", 240))
    assert 2.5 < large / small < 6


FUTURE_BY_NATURE = {"notAfter", "endOfSupportDate", "dueOn"}
"""Certificates expire, support ends and tasks fall due after now; nothing else may."""


def _times(value: Any, key: str = "") -> Iterator[tuple[str, datetime]]:
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from _times(inner, inner_key)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _times(item, key)
    elif isinstance(value, str):
        if ISO_TIME.fullmatch(value):
            yield key, iso_time(value)
        elif EXPORT_TIME.fullmatch(value):
            yield key, export_time(value)
        elif re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\+00:00", value):
            yield key, as_utc(datetime.fromisoformat(value))


def test_no_timestamp_is_after_now_unless_future_by_nature() -> None:
    t = tvm()
    everything: list[Any] = [
        t.software, t.vulnerabilities, t.recommendations, t.remediation_tasks,
        t.exposure_score, t.configuration_score, t.exposure_scores_by_machine_group,
        t.baseline_profiles, t.scan_agents, t.scan_definitions, t.scan_sessions,
        world().logon_users, world().library_files,
        list(t.export_software_vulnerability_changes(NOW - timedelta(days=14))),
    ]  # fmt: skip
    everything += [rows(name) for name in (
        "export_secure_configurations", "export_software_inventory", "export_non_cpe_software",
        "export_software_vulnerabilities", "export_browser_extensions", "export_certificates",
        "export_hardware_firmware", "export_baseline_compliance", "av_health_rows")]  # fmt: skip
    checked: Counter[str] = Counter()
    for key, moment in _times(everything):
        checked[key] += 1
        if key not in FUTURE_BY_NATURE:
            assert moment <= NOW, (key, moment)
    assert len(checked) > 30  # the walk really saw the timestamp fields
    assert checked["endOfSupportDate"]
    assert checked["dueOn"]
    assert checked["notAfter"]
