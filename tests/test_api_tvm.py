"""Vulnerability management (defender-api.md §5.3, §5.8-§5.12): a device's software, CVEs,
recommendations and missing KBs; vulnerabilities, software, recommendations, scores and
remediation activities with OData over their documented properties, their related
devices and products, 404s, case-insensitive ids and role checks. Answers are checked
against each other and against the exports, which come from the same world."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.emulators import InProcess, in_process
from tests.support.role_apps import role_app

CONTEXT = "https://emulator.test/api/$metadata#"


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    with in_process(tmp_path_factory.mktemp("tvm"), quotas=False, machines=40, alerts=80) as e:
        yield e


@pytest.fixture(scope="module")
def token(emu: InProcess) -> str:
    return emu.token()


def get(emu: InProcess, token: str, path: str, **params: Any) -> Any:
    response = emu.api("GET", path, token, params=params)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def values(emu: InProcess, token: str, path: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = get(emu, token, path, **params)["value"]
    return found


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


@pytest.fixture(scope="module")
def machines(emu: InProcess, token: str) -> list[dict[str, Any]]:
    return values(emu, token, "/api/machines")


@pytest.fixture(scope="module")
def inventory(emu: InProcess, token: str) -> list[dict[str, Any]]:
    return values(emu, token, "/api/machines/SoftwareInventoryByMachine")


@pytest.fixture(scope="module")
def machine_cves(emu: InProcess, token: str) -> list[dict[str, Any]]:
    return values(emu, token, "/api/vulnerabilities/machinesVulnerabilities")


# -- a device's lists ----------------------------------------------------------------------


def test_device_software_is_its_inventory(
    emu: InProcess, token: str, machines: list[dict[str, Any]], inventory: list[dict[str, Any]]
) -> None:
    for machine in machines[:12]:
        body = get(emu, token, f"/api/machines/{machine['id']}/software")
        assert body["@odata.context"] == CONTEXT + "Software"
        installed = {
            f"{row['softwareVendor']}-_-{row['softwareName']}"
            for row in inventory
            if row["deviceId"] == machine["id"]
        }
        assert set(ids(body["value"])) == installed


def test_device_vulnerabilities_and_missing_kbs_match_the_machine_cve_rows(
    emu: InProcess, token: str, machines: list[dict[str, Any]], machine_cves: list[dict[str, Any]]
) -> None:
    exposed = 0
    for machine in machines:
        rows = [r for r in machine_cves if r["machineId"] == machine["id"]]
        body = get(emu, token, f"/api/machines/{machine['id']}/vulnerabilities")
        assert body["@odata.context"] == (
            CONTEXT + "Collection(Analytics.Contracts.PublicAPI.PublicVulnerabilityDto)"
        )
        assert set(ids(body["value"])) == {r["cveId"] for r in rows}
        kbs = values(emu, token, f"/api/machines/{machine['id']}/getmissingkbs")
        assert set(ids(kbs)) == {r["fixingKbId"] for r in rows if r["fixingKbId"]}
        exposed += bool(rows)
    assert exposed


def test_device_recommendations_are_those_of_its_weaknesses(
    emu: InProcess, token: str, machines: list[dict[str, Any]], machine_cves: list[dict[str, Any]]
) -> None:
    for machine in machines[:15]:
        recommended = set(ids(values(emu, token, f"/api/machines/{machine['id']}/recommendations")))
        vulnerable = {
            f"va-_-{r['productVendor']}-_-{r['productName']}"
            for r in machine_cves
            if r["machineId"] == machine["id"]
        }
        assert vulnerable <= recommended
        for rec_id in recommended:
            refs = values(emu, token, f"/api/recommendations/{rec_id}/machineReferences")
            assert machine["id"] in ids(refs)


def test_a_device_may_be_named_by_computer_name(
    emu: InProcess, token: str, machines: list[dict[str, Any]]
) -> None:
    machine = machines[0]
    by_id = values(emu, token, f"/api/machines/{machine['id']}/software")
    by_name = values(emu, token, f"/api/machines/{machine['computerDnsName']}/software")
    assert by_name == by_id


@pytest.mark.parametrize(
    "suffix", ["software", "vulnerabilities", "recommendations", "getmissingkbs"]
)
def test_an_unknown_device_is_404(emu: InProcess, token: str, suffix: str) -> None:
    response = emu.api("GET", f"/api/machines/{'0' * 40}/{suffix}", token)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ResourceNotFound"


# -- vulnerabilities -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def cves(emu: InProcess, token: str) -> list[dict[str, Any]]:
    return values(emu, token, "/api/vulnerabilities")


def test_vulnerability_filters_follow_the_values(
    emu: InProcess, token: str, cves: list[dict[str, Any]]
) -> None:
    assert cves
    critical = values(emu, token, "/api/vulnerabilities", **{"$filter": "severity eq 'Critical'"})
    assert ids(critical) == [c["id"] for c in cves if c["severity"] == "Critical"]
    high_or_worse = values(emu, token, "/api/vulnerabilities", **{"$filter": "severity ge 'High'"})
    assert ids(high_or_worse) == [c["id"] for c in cves if c["severity"] in ("High", "Critical")]
    scored = values(emu, token, "/api/vulnerabilities", **{"$filter": "cvssV3 ge 9.0"})
    assert ids(scored) == [c["id"] for c in cves if c["cvssV3"] >= 9.0]
    moment = sorted(c["publishedOn"] for c in cves)[len(cves) // 2]
    later = values(emu, token, "/api/vulnerabilities", **{"$filter": f"publishedOn gt {moment}"})
    assert ids(later) == [c["id"] for c in cves if c["publishedOn"] > moment]
    assert all(c["publishedOn"] != moment for c in later)
    named = values(
        emu, token, "/api/vulnerabilities", **{"$filter": f"startswith(id,'{cves[0]['id'][:8]}')"}
    )
    assert cves[0]["id"] in ids(named)


def test_vulnerabilities_page_by_top_and_skip_up_to_8000(
    emu: InProcess, token: str, cves: list[dict[str, Any]]
) -> None:
    pages = [
        values(emu, token, "/api/vulnerabilities", **{"$top": 10, "$skip": skip})
        for skip in range(0, len(cves), 10)
    ]
    assert [c for page in pages for c in page] == cves
    count = emu.api("GET", "/api/vulnerabilities/$count", token)
    assert count.text == str(len(cves))
    too_many = emu.api("GET", "/api/vulnerabilities", token, params={"$top": 8001})
    assert too_many.status_code == 400
    assert too_many.json()["error"]["code"] == "ODataError"
    unfilterable = emu.api(
        "GET", "/api/vulnerabilities", token, params={"$filter": "cvssVector eq 'x'"}
    )
    assert unfilterable.status_code == 400


def test_a_vulnerability_by_id_in_any_case_and_its_devices(
    emu: InProcess, token: str, cves: list[dict[str, Any]], machine_cves: list[dict[str, Any]]
) -> None:
    for cve in [c for c in cves if c["exposedMachines"]][:6]:
        found = get(emu, token, f"/api/vulnerabilities/{cve['id'].lower()}")
        assert found["@odata.context"] == CONTEXT + "Vulnerabilities/$entity"
        assert found["id"] == cve["id"]
        refs = get(emu, token, f"/api/vulnerabilities/{cve['id']}/machineReferences")
        assert refs["@odata.context"] == CONTEXT + "MachineReferences"
        assert {"id", "computerDnsName", "osPlatform", "rbacGroupName"} <= set(refs["value"][0])
        assert len(refs["value"]) == cve["exposedMachines"]
        on_rows = {r["machineId"] for r in machine_cves if r["cveId"] == cve["id"]}
        assert set(ids(refs["value"])) == on_rows
    for suffix in ("", "/machineReferences"):
        missing = emu.api("GET", f"/api/vulnerabilities/CVE-1999-0000{suffix}", token)
        assert missing.status_code == 404


def test_machine_vulnerability_rows_filter_and_page(
    emu: InProcess, token: str, machine_cves: list[dict[str, Any]]
) -> None:
    path = "/api/vulnerabilities/machinesVulnerabilities"
    machine_id = machine_cves[0]["machineId"]
    mine = values(emu, token, path, **{"$filter": f"machineId eq '{machine_id}'"})
    assert mine == [r for r in machine_cves if r["machineId"] == machine_id]
    high = values(
        emu, token, path, **{"$filter": "severity eq 'High' and productVendor eq 'google'"}
    )
    assert high == [
        r for r in machine_cves if r["severity"] == "High" and r["productVendor"] == "google"
    ]
    first = values(emu, token, path, **{"$top": 5})
    rest = values(emu, token, path, **{"$skip": 5})
    assert first + rest == machine_cves
    assert emu.api("GET", path, token, params={"$top": 10001}).status_code == 400


# -- software ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def software(emu: InProcess, token: str) -> list[dict[str, Any]]:
    return values(emu, token, "/api/Software")


def test_software_list_and_filters(
    emu: InProcess, token: str, software: list[dict[str, Any]], inventory: list[dict[str, Any]]
) -> None:
    assert {s["id"] for s in software} == {
        f"{r['softwareVendor']}-_-{r['softwareName']}" for r in inventory
    }
    microsoft = values(emu, token, "/api/Software", **{"$filter": "vendor eq 'microsoft'"})
    assert microsoft == [s for s in software if s["vendor"] == "microsoft"]
    by_name = values(emu, token, "/api/Software", **{"$filter": f"name eq '{software[0]['name']}'"})
    assert software[0] in by_name
    refused = emu.api("GET", "/api/Software", token, params={"$filter": "weaknesses gt 1"})
    assert refused.status_code == 400


def test_software_by_id_and_what_hangs_off_it(
    emu: InProcess, token: str, software: list[dict[str, Any]], inventory: list[dict[str, Any]]
) -> None:
    for item in software:
        upper = item["id"].upper()
        found = get(emu, token, f"/api/Software/{upper}")
        assert found["@odata.context"] == CONTEXT + "Software/$entity"
        assert found["id"] == item["id"]
        distributions = get(emu, token, f"/api/Software/{upper}/distributions")
        assert distributions["@odata.context"] == CONTEXT + "Distributions"
        rows = [
            r for r in inventory if f"{r['softwareVendor']}-_-{r['softwareName']}" == item["id"]
        ]
        assert sorted(d["version"] for d in distributions["value"]) == sorted(
            {r["softwareVersion"] for r in rows}
        )
        assert sum(d["installations"] for d in distributions["value"]) == len(rows)
        refs = values(emu, token, f"/api/Software/{item['id']}/machineReferences")
        assert set(ids(refs)) == {r["deviceId"] for r in rows}
        vulnerabilities = values(emu, token, f"/api/Software/{item['id']}/vulnerabilities")
        assert all(v["id"].startswith("CVE-") for v in vulnerabilities)
        kbs = get(emu, token, f"/api/Software/{item['id']}/getmissingkbs")
        assert kbs["@odata.context"] == (
            CONTEXT + "Collection(microsoft.windowsDefenderATP.api.PublicProductFixDto)"
        )
        assert all(item["name"] in kb["productsNames"] for kb in kbs["value"])


@pytest.mark.parametrize(
    "suffix", ["", "/distributions", "/machineReferences", "/vulnerabilities", "/getmissingkbs"]
)
def test_unknown_software_is_404(emu: InProcess, token: str, suffix: str) -> None:
    response = emu.api("GET", f"/api/Software/nobody-_-nothing{suffix}", token)
    assert response.status_code == 404


# -- recommendations -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def recommendations(emu: InProcess, token: str) -> list[dict[str, Any]]:
    return values(emu, token, "/api/recommendations")


def test_recommendation_filters(
    emu: InProcess, token: str, recommendations: list[dict[str, Any]]
) -> None:
    path = "/api/recommendations"
    cases: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
        ("status eq 'Active'", lambda r: r["status"] == "Active"),
        ("remediationType eq 'Update'", lambda r: r["remediationType"] == "Update"),
        ("severityScore gt 5", lambda r: r["severityScore"] > 5),
        (
            "vendor eq 'microsoft' and status ne 'Exception'",
            lambda r: r["vendor"] == "microsoft" and r["status"] != "Exception",
        ),
    ]
    for expression, keep in cases:
        assert values(emu, token, path, **{"$filter": expression}) == [
            r for r in recommendations if keep(r)
        ]
    assert values(emu, token, path, **{"$top": 3}) == recommendations[:3]


def test_recommendation_by_id_its_software_devices_and_cves(
    emu: InProcess, token: str, recommendations: list[dict[str, Any]]
) -> None:
    software_ones = [r for r in recommendations if r["id"].startswith("va-")]
    config_ones = [r for r in recommendations if r["id"].startswith("sca-")]
    assert software_ones
    assert config_ones
    for rec in software_ones[:5]:
        found = get(emu, token, f"/api/recommendations/{rec['id'].upper()}")
        assert found["@odata.context"] == CONTEXT + "Recommendations/$entity"
        product = get(emu, token, f"/api/recommendations/{rec['id']}/software")
        assert product["@odata.context"] == (
            CONTEXT + "Analytics.Contracts.PublicAPI.PublicProductDto"
        )
        assert product["id"] == f"{rec['vendor']}-_-{rec['productName']}"
        refs = values(emu, token, f"/api/recommendations/{rec['id']}/machineReferences")
        assert len(refs) == rec["exposedMachinesCount"]
        cves = values(emu, token, f"/api/recommendations/{rec['id']}/vulnerabilities")
        assert cves == values(emu, token, f"/api/Software/{product['id']}/vulnerabilities")
    for rec in config_ones[:3]:
        assert values(emu, token, f"/api/recommendations/{rec['id']}/vulnerabilities") == []
        refs = values(emu, token, f"/api/recommendations/{rec['id']}/machineReferences")
        assert len(refs) == rec["exposedMachinesCount"]


@pytest.mark.parametrize("suffix", ["", "/software", "/machineReferences", "/vulnerabilities"])
def test_unknown_recommendation_is_404(emu: InProcess, token: str, suffix: str) -> None:
    response = emu.api("GET", f"/api/recommendations/va-_-nobody-_-nothing{suffix}", token)
    assert response.status_code == 404


# -- scores and remediation ----------------------------------------------------------------


def test_scores(emu: InProcess, token: str, machines: list[dict[str, Any]]) -> None:
    exposure = get(emu, token, "/api/exposureScore")
    assert exposure["@odata.context"] == CONTEXT + "ExposureScore/$entity"
    assert 0 <= exposure["score"] <= 100
    groups = get(emu, token, "/api/exposureScore/ByMachineGroups")
    assert groups["@odata.context"] == CONTEXT + "ExposureScore"
    assert {g["rbacGroupName"] for g in groups["value"]} == {m["rbacGroupName"] for m in machines}
    assert all(g["time"] == exposure["time"] for g in groups["value"])
    configuration = get(emu, token, "/api/configurationScore")
    assert configuration["@odata.context"] == CONTEXT + "ConfigurationScore/$entity"
    assert set(configuration) == {"@odata.context", "time", "score"}


def test_remediation_activities(emu: InProcess, token: str, machines: list[dict[str, Any]]) -> None:
    tasks = values(emu, token, "/api/remediationTasks")
    assert tasks
    active = values(emu, token, "/api/remediationTasks", **{"$filter": "status eq 'Active'"})
    assert active == [t for t in tasks if t["status"] == "Active"]
    moment = sorted(t["createdOn"] for t in tasks)[0]
    later = values(emu, token, "/api/remediationTasks", **{"$filter": f"createdon gt {moment}"})
    assert later == [t for t in tasks if t["createdOn"] > moment]
    groups = {m["id"]: m["rbacGroupName"] for m in machines}
    for task in tasks:
        found = get(emu, token, f"/api/remediationTasks/{task['id'].upper()}")
        assert found["@odata.context"] == CONTEXT + "RemediationTasks/$entity"
        refs = values(emu, token, f"/api/remediationTasks/{task['id']}/machineReferences")
        assert all(groups[ref["id"]] in task["rbacGroupNames"] for ref in refs)
    missing = emu.api("GET", f"/api/remediationTasks/{'0' * 8}-0000-0000-0000-{'0' * 12}", token)
    assert missing.status_code == 404


# -- counts and roles ----------------------------------------------------------------------


def test_computed_collections_count_too(
    emu: InProcess, token: str, software: list[dict[str, Any]]
) -> None:
    item = software[0]["id"]
    listed = values(emu, token, f"/api/Software/{item}/machineReferences")
    counted = emu.api("GET", f"/api/Software/{item}/machineReferences/$count", token)
    assert counted.status_code == 200
    assert counted.headers["content-type"].startswith("text/plain")
    assert counted.text == str(len(listed))


@pytest.fixture(scope="module")
def role_tokens(emu: InProcess) -> dict[str, str]:
    roles = (
        "Vulnerability.Read.All",
        "Software.Read.All",
        "SecurityRecommendation.Read.All",
        "Score.Read.All",
        "RemediationTasks.Read.All",
    )
    return {role: role_app(emu, [role], f"only {role}").token(emu) for role in roles}


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/machines/{machine}/software", "Software.Read.All"),
        ("/api/machines/{machine}/vulnerabilities", "Vulnerability.Read.All"),
        ("/api/machines/{machine}/recommendations", "SecurityRecommendation.Read.All"),
        ("/api/machines/{machine}/getmissingkbs", "Software.Read.All"),
        ("/api/vulnerabilities", "Vulnerability.Read.All"),
        ("/api/vulnerabilities/machinesVulnerabilities", "Vulnerability.Read.All"),
        ("/api/Software", "Software.Read.All"),
        ("/api/Software/{software}/vulnerabilities", "Vulnerability.Read.All"),
        ("/api/Software/{software}/distributions", "Software.Read.All"),
        ("/api/recommendations", "SecurityRecommendation.Read.All"),
        ("/api/recommendations/{recommendation}/software", "Software.Read.All"),
        ("/api/recommendations/{recommendation}/vulnerabilities", "Vulnerability.Read.All"),
        ("/api/exposureScore", "Score.Read.All"),
        ("/api/exposureScore/ByMachineGroups", "Score.Read.All"),
        ("/api/configurationScore", "Score.Read.All"),
        ("/api/remediationTasks", "RemediationTasks.Read.All"),
    ],
)
def test_roles(
    emu: InProcess,
    role_tokens: dict[str, str],
    machines: list[dict[str, Any]],
    recommendations: list[dict[str, Any]],
    path: str,
    role: str,
) -> None:
    rec = next(r for r in recommendations if r["id"].startswith("va-"))
    url = path.format(
        machine=machines[0]["id"],
        software=f"{rec['vendor']}-_-{rec['productName']}",
        recommendation=rec["id"],
    )
    assert emu.api("GET", url, role_tokens[role]).status_code == 200
    for other, other_token in role_tokens.items():
        if other != role:
            refused = emu.api("GET", url, other_token)
            assert refused.status_code == 403, (url, other)
            assert refused.json()["error"]["code"] == "Forbidden"
