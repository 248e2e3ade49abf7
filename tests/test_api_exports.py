"""Assessment exports and the other bulk TVM endpoints (defender-api.md §1.4, §5.14-§5.16):
JSON exports paged by `$skiptoken` next links (every row once) or cut by `$top`, the delta
export's `sinceTime` and its 14 days, "via files" exports whose signed links download
gzip'd JSON lines and expire, browser extension permissions, security baselines and
antivirus health on both of its paths, and role checks."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from mdekit.catalog.endpoints import endpoint
from mdekit.emulator.defender.tvm_source import tenant_tvm
from mdekit.emulator.domain.clock import ClockState
from tests.support.emulators import InProcess, in_process
from tests.support.role_apps import role_app

ORIGIN = "https://emulator.test"
CONTEXT = f"{ORIGIN}/api/$metadata#"

JSON_EXPORTS: dict[str, tuple[str, set[str]]] = {
    "exports.secure_configurations": (
        "SecureConfigurationsAssessmentByMachine",
        {"deviceId", "deviceName", "osPlatform", "osVersion", "rbacGroupName", "rbacGroupId",
         "timestamp", "configurationId", "configurationCategory", "configurationSubcategory",
         "configurationImpact", "configurationName", "isCompliant", "isApplicable",
         "isExpectedUserImpact", "recommendationReference"},
    ),
    "exports.software_inventory": (
        "SoftwareInventoryByMachine",
        {"deviceId", "deviceName", "osPlatform", "rbacGroupName", "rbacGroupId",
         "softwareVendor", "softwareName", "softwareVersion", "numberOfWeaknesses", "diskPaths",
         "registryPaths", "softwareFirstSeenTimestamp", "endOfSupportStatus", "endOfSupportDate"},
    ),
    "exports.software_inventory_non_cpe": (
        "SoftwareInventoryNoProductCodeByMachine",
        {"deviceId", "deviceName", "osPlatform", "rbacGroupName", "rbacGroupId",
         "softwareVendor", "softwareName", "softwareVersion", "softwareLastSeenTimestamp"},
    ),
    "exports.software_vulnerabilities": (
        "SoftwareVulnerabilitiesByMachine",
        {"id", "cveId", "cvssScore", "deviceId", "deviceName", "diskPaths",
         "exploitabilityLevel", "firstSeenTimestamp", "lastSeenTimestamp", "osPlatform",
         "osVersion", "osArchitecture", "rbacGroupName", "rbacGroupId",
         "recommendationReference", "recommendedSecurityUpdate", "recommendedSecurityUpdateId",
         "recommendedSecurityUpdateUrl", "registryPaths", "securityUpdateAvailable",
         "softwareName", "softwareVendor", "softwareVersion", "vulnerabilitySeverityLevel"},
    ),
    "exports.browser_extensions": (
        "BrowserExtensionsInventoryByMachine",
        {"BrowserName", "DeviceId", "DeviceName", "ExtensionDescription", "ExtensionId",
         "ExtensionName", "ExtensionRisk", "ExtensionVersion", "IsActivated", "RbacGroupId",
         "RbacGroupName", "InstallationTime", "Permissions"},
    ),
    "exports.certificates": (
        "certificateAssessmentByMachine",
        {"deviceId", "deviceName", "thumbprint", "path", "signatureAlgorithm", "keyLength",
         "notAfter", "notBefore", "subjectType", "serialNumber", "subjectObject",
         "issuerObject", "keyUsageArray", "extendedKeyUsageArray", "rbacGroupId",
         "rbacGroupName"},
    ),
    "exports.hardware_firmware": (
        "HardwareFirmwareInventoryByMachine",
        {"deviceId", "rbacGroupId", "rbacGroupName", "deviceName", "componentType",
         "manufacturer", "componentName", "componentVersion", "additionalFields"},
    ),
    "exports.security_baselines": (
        "baselineComplianceAssessmentByMachine",
        {"id", "configurationId", "profileId", "deviceId", "deviceName", "osPlatform",
         "osVersion", "rbacGroupId", "rbacGroupName", "isApplicable", "isCompliant",
         "dataCollectionTimeOffset", "complianceCalculationTimeOffset", "recommendedValue",
         "currentValue", "source"},
    ),
}  # fmt: skip

FILES_EXPORTS: dict[str, str | None] = {
    "exports.secure_configurations_files": "exports.secure_configurations",
    "exports.software_inventory_files": "exports.software_inventory",
    "exports.software_inventory_non_cpe_files": "exports.software_inventory_non_cpe",
    "exports.software_vulnerabilities_files": "exports.software_vulnerabilities",
    "exports.browser_extensions_files": "exports.browser_extensions",
    "exports.certificates_files": "exports.certificates",
    "exports.hardware_firmware_files": "exports.hardware_firmware",
    "exports.security_baselines_files": "exports.security_baselines",
    "exports.information_gathering_files": None,
}


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    with in_process(
        tmp_path_factory.mktemp("exports"), quotas=False, machines=60, alerts=60
    ) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def token(emu: InProcess) -> str:
    return emu.token()


def path_of(operation: str) -> str:
    return endpoint(operation).path


def get(emu: InProcess, token: str, url: str, **params: Any) -> Any:
    response = emu.api("GET", url.removeprefix(ORIGIN), token, params=params or None)
    assert response.status_code == 200, (url, response.text)
    return response.json()


def follow(
    emu: InProcess, token: str, url: str, *, by_token: bool = True, **params: Any
) -> list[dict[str, Any]]:
    """Every page's rows, following next links; checks each export link's shape."""
    rows: list[dict[str, Any]] = []
    body = get(emu, token, url, **params)
    rows.extend(body["value"])
    while "@odata.nextLink" in body:
        link = body["@odata.nextLink"]
        if by_token:
            assert "$skiptoken=" in link
            assert "pagesize" in parse_qs(urlparse(link).query)
        body = get(emu, token, link)
        rows.extend(body["value"])
    return rows


def token_position(link: str) -> dict[str, Any]:
    token = parse_qs(urlparse(link).query)["$skiptoken"][0]
    position: dict[str, Any] = json.loads(base64.b64decode(token))
    return position


@pytest.fixture(scope="module")
def full(emu: InProcess, token: str) -> dict[str, list[dict[str, Any]]]:
    """Each JSON export in one page."""
    found = {}
    for operation in JSON_EXPORTS:
        body = get(emu, token, path_of(operation), pageSize=200_000)
        assert "@odata.nextLink" not in body
        found[operation] = body["value"]
    return found


# -- JSON exports --------------------------------------------------------------------------


@pytest.mark.parametrize("operation", sorted(JSON_EXPORTS))
def test_rows_have_the_documented_keys_and_context(
    emu: InProcess, token: str, full: dict[str, list[dict[str, Any]]], operation: str
) -> None:
    rows = full[operation]
    assert rows
    keys = JSON_EXPORTS[operation][1]
    assert all(keys <= set(row) for row in rows)
    body = get(emu, token, path_of(operation), **{"$top": 1})
    assert body["@odata.context"] == CONTEXT + (endpoint(operation).entity_set or "")
    assert body["value"] == rows[:1]


@pytest.mark.parametrize("operation", sorted(JSON_EXPORTS))
def test_next_links_page_through_every_row_once(
    emu: InProcess, token: str, full: dict[str, list[dict[str, Any]]], operation: str
) -> None:
    size = max(3, len(full[operation]) // 4 + 1)
    assert follow(emu, token, path_of(operation), pageSize=size) == full[operation]


def test_the_skiptoken_is_the_position_in_the_snapshot_files(
    emu: InProcess, token: str, full: dict[str, list[dict[str, Any]]]
) -> None:
    path = path_of("exports.secure_configurations")
    offsets = []
    body = get(emu, token, path, pageSize=97)
    while "@odata.nextLink" in body:
        link = body["@odata.nextLink"]
        assert link.startswith(f"{ORIGIN}{path}?pagesize=97&$skiptoken=")
        position = token_position(link)
        assert set(position) == {"ExportDefinition", "ExportFileIndex", "LineStoppedAt"}
        time_path = position["ExportDefinition"]["TimePath"]
        assert len(time_path) == len("2021-01-11/1101/")
        assert time_path.endswith("/")
        offsets.append((position["ExportFileIndex"], position["LineStoppedAt"]))
        body = get(emu, token, link)
    assert len(offsets) == (len(full["exports.secure_configurations"]) - 1) // 97
    assert offsets == sorted(offsets)
    assert offsets[0] == (0, 97)
    assert len({index for index, _ in offsets}) > 1, "rows span several part files"


def test_top_cuts_the_page_and_drops_the_link(
    emu: InProcess, token: str, full: dict[str, list[dict[str, Any]]]
) -> None:
    path = path_of("exports.software_inventory")
    rows = full["exports.software_inventory"]
    body = get(emu, token, path, **{"$top": 5, "pageSize": 2})
    assert body["value"] == rows[:5]
    assert "@odata.nextLink" not in body
    assert get(emu, token, path, **{"$top": 0})["value"] == []
    first = get(emu, token, path, pageSize=4)
    after = get(emu, token, first["@odata.nextLink"] + "&$top=3")
    assert after["value"] == rows[4:7]
    assert "@odata.nextLink" not in after


def test_the_default_page_is_50000_rows(emu: InProcess, token: str) -> None:
    body = get(emu, token, path_of("exports.software_inventory"))
    assert "@odata.nextLink" not in body
    assert len(body["value"]) < 50_000


@pytest.mark.parametrize(
    "params",
    [
        {"pageSize": "0"},
        {"pageSize": "-5"},
        {"pageSize": "many"},
        {"pageSize": "200001"},
        {"$top": "200001"},
        {"$top": "-1"},
        {"$filter": "deviceId eq 'x'"},
        {"$skip": "10"},
        {"$orderby": "deviceId"},
        {"$skiptoken": "not base64 at all!"},
        {"$skiptoken": base64.b64encode(b"[1, 2]").decode()},
        {"$skiptoken": base64.b64encode(b"\xff\xfe").decode()},
        {"sinceTime": "yesterday"},
    ],
)
def test_bad_paging_parameters_are_400(emu: InProcess, token: str, params: dict[str, str]) -> None:
    response = emu.api("GET", path_of("exports.software_inventory"), token, params=params)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] in ("InvalidInput", "ODataError")


def _token(position: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(position).encode()).decode()


def test_a_skiptoken_must_name_a_position_of_this_snapshot(emu: InProcess, token: str) -> None:
    path = path_of("exports.secure_configurations")
    link = get(emu, token, path, pageSize=5)["@odata.nextLink"]
    good = token_position(link)
    time_path = good["ExportDefinition"]["TimePath"]
    bad = [
        {**good, "ExportDefinition": {"TimePath": "2021-01-11/1101/"}},
        {**good, "LineStoppedAt": 10**6},
        {**good, "LineStoppedAt": -1},
        {**good, "ExportFileIndex": "0"},
        {**good, "ExportFileIndex": True},
        {**good, "ExportFileIndex": 10**30},
        {"ExportDefinition": {"TimePath": time_path}},
    ]
    for position in bad:
        response = emu.api("GET", path, token, params={"$skiptoken": _token(position)})
        assert response.status_code == 400, position
    far = {**good, "ExportFileIndex": 10_000}
    beyond = get(emu, token, path, **{"$skiptoken": _token(far)})
    assert beyond["value"] == []
    assert "@odata.nextLink" not in beyond


def test_since_time_is_accepted_on_full_exports(
    emu: InProcess, token: str, full: dict[str, list[dict[str, Any]]]
) -> None:
    """The docs' examples send it to full exports; they stay full snapshots."""
    rows = full["exports.software_inventory_non_cpe"]
    for since in ("2021-05-19", "2021-05-19T18:35:49.924Z"):
        path = path_of("exports.software_inventory_non_cpe")
        assert follow(emu, token, path, sinceTime=since, pageSize=50) == rows


# -- the delta export ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def delta_emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[InProcess, str]]:
    """A world observed in mid-2025, while its software catalogue still had releases (a
    later `now` leaves few changes in the last 14 days), and a token of that time."""
    with in_process(tmp_path_factory.mktemp("delta"), quotas=False) as emulator:
        moment = datetime(2025, 6, 1, 12, tzinfo=UTC).timestamp()
        emulator.emulator.clock.set_state(ClockState(frozen_at=moment))
        emulator.emulator.runtime.seed({"machines": 60})
        directory = emulator.emulator.identity.directory
        secret = directory.add_secret(directory.application(emulator.dev.client_id))
        yield emulator, emulator.token(secret=secret.value)


def _since(emu: InProcess, days: float) -> str:
    moment = emu.emulator.clock.now() - timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_changes_need_since_time_within_14_days(emu: InProcess, token: str) -> None:
    path = path_of("exports.software_vulnerability_changes")
    missing = emu.api("GET", path, token)
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "MissingRequiredParameter"
    too_old = emu.api("GET", path, token, params={"sinceTime": _since(emu, 14.01)})
    assert too_old.status_code == 400
    assert "14 days" in too_old.json()["error"]["message"]
    garbage = emu.api("GET", path, token, params={"sinceTime": "2021-13-45"})
    assert garbage.status_code == 400
    assert get(emu, token, path, sinceTime=_since(emu, 13.99))["@odata.context"] == (
        CONTEXT + "Collection(microsoft.windowsDefenderATP.api.DeltaAssetVulnerability)"
    )


def test_changes_are_the_generators_delta_and_page_with_since_time(
    delta_emu: tuple[InProcess, str],
) -> None:
    emu, token = delta_emu
    path = path_of("exports.software_vulnerability_changes")
    since = _since(emu, 13.9)
    rows = get(emu, token, path, sinceTime=since)["value"]
    assert rows, "a world of 60 devices has changes in 14 days"
    tvm = tenant_tvm(emu.emulator.defender, emu.dev.tenant_id)
    moment = emu.emulator.clock.now() - timedelta(days=13.9)
    expected = list(tvm.export_software_vulnerability_changes(moment))
    assert rows == expected
    assert {r["status"] for r in rows} <= {"New", "Fixed", "Updated"}
    keys = JSON_EXPORTS["exports.software_vulnerabilities"][1] | {"eventTimestamp", "status"}
    assert all(keys <= set(row) for row in rows)
    assert all(row["eventTimestamp"] >= since[:10] for row in rows)
    paged = follow(emu, token, path, sinceTime=since, pageSize=2)
    assert paged == rows
    if len(rows) > 2:
        link = get(emu, token, path, sinceTime=since, pageSize=2)["@odata.nextLink"]
        assert "sinceTime=" in link
    recent = get(emu, token, path, sinceTime=_since(emu, 3))["value"]
    assert len(recent) <= len(rows)
    assert {r["id"] + r["status"] for r in recent} <= {r["id"] + r["status"] for r in rows}
    assert get(emu, token, path, sinceTime=_since(emu, -1))["value"] == []


# -- via files -----------------------------------------------------------------------------


def download(emu: InProcess, url: str) -> list[dict[str, Any]]:
    response = emu.http.get(url.removeprefix(ORIGIN))
    assert response.status_code == 200, response.text
    assert response.content[:2] == b"\x1f\x8b", "gzip"
    assert "content-encoding" not in response.headers
    lines = gzip.decompress(response.content).decode().splitlines()
    rows = [json.loads(line) for line in lines]
    assert all(isinstance(row, dict) for row in rows)
    return rows


@pytest.mark.parametrize("operation", sorted(FILES_EXPORTS))
def test_files_hold_the_snapshot_as_gzip_json_lines(
    emu: InProcess, token: str, full: dict[str, list[dict[str, Any]]], operation: str
) -> None:
    body = get(emu, token, path_of(operation))
    assert set(body) == {"@odata.context", "exportFiles", "generatedTime"}
    assert body["@odata.context"] == (
        CONTEXT + "microsoft.windowsDefenderATP.api.ExportFilesResponse"
    )
    assert body["generatedTime"].endswith(":00Z")
    assert body["exportFiles"]
    rows = [row for url in body["exportFiles"] for row in download(emu, url)]
    paired = FILES_EXPORTS[operation]
    if paired is not None:
        assert rows == full[paired]
    else:
        machines = get(emu, token, "/api/machines", **{"$top": 10_000})["value"]
        assert [r["deviceId"] for r in rows] == [m["id"] for m in machines]
        assert all(
            {"deviceId", "deviceName", "osPlatform", "additionalFields"} <= set(r) for r in rows
        )
    again = get(emu, token, path_of(operation))
    assert [urlparse(u).path for u in again["exportFiles"]] == [
        urlparse(u).path for u in body["exportFiles"]
    ]


@pytest.mark.parametrize("operation", sorted(FILES_EXPORTS))
def test_sas_valid_hours(emu: InProcess, token: str, operation: str) -> None:
    most = endpoint(operation).sas_valid_hours_max or 6
    default = 3 if most == 24 else 1
    now = emu.emulator.clock.timestamp()

    def lifetime(**params: Any) -> float:
        url = get(emu, token, path_of(operation), **params)["exportFiles"][0]
        return int(parse_qs(urlparse(url).query)["se"][0]) - now

    assert default * 3600 - 5 <= lifetime() <= default * 3600 + 5
    assert most * 3600 - 5 <= lifetime(sasValidHours=most) <= most * 3600 + 5
    for bad in (0, most + 1, "x"):
        response = emu.api("GET", path_of(operation), token, params={"sasValidHours": bad})
        assert response.status_code == 400
        assert "sasValidHours" in response.json()["error"]["message"]


def test_links_expire_after_sas_valid_hours(tmp_path: Path) -> None:
    with in_process(tmp_path / "expiry", quotas=False, machines=5, alerts=5) as emu:
        token = emu.token()
        path = path_of("exports.software_inventory_files")
        url = get(emu, token, path, sasValidHours=2)["exportFiles"][0]
        assert download(emu, url)
        emu.emulator.clock.advance(timedelta(hours=1, minutes=59))
        assert download(emu, url)
        emu.emulator.clock.advance(timedelta(minutes=2))
        expired = emu.http.get(url.removeprefix(ORIGIN))
        assert expired.status_code == 403
        tampered = url.replace("part-00000", "part-00001")
        assert emu.http.get(tampered.removeprefix(ORIGIN)).status_code == 403


def test_a_reseed_makes_a_new_snapshot(tmp_path: Path) -> None:
    with in_process(tmp_path / "reseed", quotas=False, machines=6, alerts=5) as emu:
        token = emu.token()
        files_path = path_of("exports.software_inventory_files")
        before = get(emu, token, files_path)["exportFiles"]
        rows_path = path_of("exports.software_inventory")
        link = get(emu, token, rows_path, pageSize=2)["@odata.nextLink"]
        emu.emulator.clock.advance(timedelta(hours=2))
        emu.emulator.runtime.seed({"machines": 8})
        later = emu.token()
        after = get(emu, later, files_path)["exportFiles"]
        assert {urlparse(u).path for u in after}.isdisjoint(urlparse(u).path for u in before)
        stale = emu.api("GET", link.removeprefix(ORIGIN), later)
        assert stale.status_code == 400
        devices = {r["deviceId"] for url in after for r in download(emu, url)}
        assert len(devices) == 8


# -- the smaller bulk endpoints ------------------------------------------------------------


def test_browser_extension_permissions(emu: InProcess, token: str) -> None:
    everything = get(emu, token, "/api/browserextensions/permissionsinfo")
    assert everything["@odata.context"] == CONTEXT + "BrowserExtension"
    items = everything["value"]
    assert items
    assert all(set(i) == {"key", "permissionName", "description"} for i in items)
    first = get(emu, token, "/api/browserextensions/permissionsinfo", **{"$top": 2})["value"]
    rest = get(emu, token, "/api/browserextensions/permissionsinfo", **{"$skip": 2})["value"]
    assert first + rest == items
    used = {p["Id"] for row in follow(emu, token, path_of("exports.browser_extensions"))
            for p in row["Permissions"]}  # fmt: skip
    assert used <= {i["key"] for i in items}
    refused = emu.api(
        "GET", "/api/browserextensions/permissionsinfo", token, params={"$filter": "key eq 'x'"}
    )
    assert refused.status_code == 400


def test_security_baseline_profiles_and_configurations(
    emu: InProcess, token: str, full: dict[str, list[dict[str, Any]]]
) -> None:
    profiles = get(emu, token, "/api/baselineProfiles")
    assert profiles["@odata.context"] == (
        CONTEXT + "Collection(microsoft.windowsDefenderATP.api.PublicBaselineProfileDto)"
    )
    items = profiles["value"]
    assert items
    active = get(emu, token, "/api/baselineProfiles", **{"$filter": "status eq true"})["value"]
    assert active == [p for p in items if p["status"] is True]
    big = get(emu, token, "/api/baselineProfiles", **{"$filter": "totalDevices gt 1"})["value"]
    assert big == [p for p in items if p["totalDevices"] > 1]
    assessed = {r["profileId"] for r in full["exports.security_baselines"]}
    assert assessed <= {p["id"] for p in items}
    configurations = get(emu, token, "/api/baselineConfigurations")
    assert configurations["@odata.context"] == CONTEXT + "BaselineConfigurations"
    config = configurations["value"][0]
    by_cce = get(
        emu, token, "/api/baselineConfigurations", **{"$filter": f"CCE eq '{config['cce']}'"}
    )["value"]
    assert config in by_cce
    assert all(c["cce"] == config["cce"] for c in by_cce)


def test_antivirus_health_on_both_paths(emu: InProcess, token: str) -> None:
    first = get(emu, token, "/api/deviceavinfo")
    assert first["@odata.context"] == CONTEXT + "DeviceAvInfo"
    assert len(first["value"]) == 20, "the default page is 20 devices"
    every = follow(emu, token, "/api/deviceavinfo", by_token=False)
    assert every[:20] == first["value"]
    assert len({row["machineId"] for row in every}) == len(every)
    assert get(emu, token, "/api/public/avdeviceshealth", **{"$top": 10_000})["value"] == every
    machines = {m["id"]: m for m in get(emu, token, "/api/machines")["value"]}
    windows = {i for i, m in machines.items() if str(m["osPlatform"]).startswith("Windows")}
    assert {row["machineId"] for row in every} == windows
    group = every[0]["rbacGroupId"]
    in_group = get(
        emu, token, "/api/deviceavinfo", **{"$filter": f"rbacGroupId eq {group}", "$top": 10_000}
    )["value"]
    assert in_group == [row for row in every if row["rbacGroupId"] == group]
    current = get(
        emu,
        token,
        "/api/public/avdeviceshealth",
        **{"$filter": "avIsSignatureUpToDate eq 'True'", "$top": 10_000},
    )["value"]
    assert current == [row for row in every if row["avIsSignatureUpToDate"] == "True"]
    refused = emu.api("GET", "/api/deviceavinfo", token, params={"$filter": "id eq 'x'"})
    assert refused.status_code == 400


# -- roles and quotas ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def role_tokens(emu: InProcess) -> dict[str, str]:
    roles = (
        "Vulnerability.Read.All",
        "Software.Read.All",
        "SecurityBaselinesAssessment.Read.All",
        "Machine.Read.All",
    )
    return {role: role_app(emu, [role], f"only {role}").token(emu) for role in roles}


@pytest.mark.parametrize(
    ("operation", "role"),
    [
        ("exports.secure_configurations", "Vulnerability.Read.All"),
        ("exports.secure_configurations_files", "Vulnerability.Read.All"),
        ("exports.software_inventory", "Software.Read.All"),
        ("exports.software_inventory_non_cpe_files", "Software.Read.All"),
        ("exports.software_vulnerabilities", "Vulnerability.Read.All"),
        ("exports.browser_extensions", "Software.Read.All"),
        ("exports.certificates_files", "Vulnerability.Read.All"),
        ("exports.hardware_firmware", "Software.Read.All"),
        ("exports.information_gathering_files", "Vulnerability.Read.All"),
        ("exports.security_baselines", "SecurityBaselinesAssessment.Read.All"),
        ("security_baselines.profiles", "SecurityBaselinesAssessment.Read.All"),
        ("security_baselines.configurations", "SecurityBaselinesAssessment.Read.All"),
        ("browser_extensions.permissions_info", "Software.Read.All"),
        ("device_av_info.list", "Machine.Read.All"),
    ],
)
def test_roles(emu: InProcess, role_tokens: dict[str, str], operation: str, role: str) -> None:
    path = path_of(operation)
    assert emu.api("GET", path, role_tokens[role]).status_code == 200
    for other, other_token in role_tokens.items():
        if other != role:
            refused = emu.api("GET", path, other_token)
            assert refused.status_code == 403, (operation, other)
            assert role in refused.json()["error"]["message"]


def test_files_exports_allow_5_calls_a_minute(tmp_path: Path) -> None:
    with in_process(tmp_path / "quota", quotas=True, machines=3, alerts=3) as emu:
        emu.emulator.clock.freeze()  # all six calls in one quota window
        token = emu.token()
        path = path_of("exports.certificates_files")
        statuses = [emu.api("GET", path, token).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        emu.emulator.clock.advance(timedelta(seconds=61))
        assert emu.api("GET", path, emu.token()).status_code == 200
