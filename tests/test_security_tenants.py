"""Tenant isolation: a token of tenant A never reads or changes tenant B's data.

One emulator holds two tenants with their own worlds; B also gets objects of its own made
through the API (an indicator, a machine action, an investigation, a tag, a library file, a
registered app). Then every endpoint of the catalog is called with A's token and B's ids in
the path, the query and the body. An answer may be an error (400/403/404) or A's own data,
never anything that names B's objects; and afterwards B's rows in the database are exactly
what they were."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from mdekit.catalog.endpoint_model import Endpoint
from mdekit.catalog.endpoints import ENDPOINTS
from mdekit.emulator.store import schema
from tests.support.emulators import GRAPH_SCOPE, InProcess, in_process

TENANT_TABLES = (
    schema.alerts,
    schema.machines,
    schema.entities,
    schema.machine_actions,
    schema.files,
    schema.library_files,
    schema.applications,
    schema.service_principals,
    schema.app_role_assignments,
)
B_TAG = "b-only-tag-7f3a"
B_LIBRARY_FILE = "b-only-collect.ps1"
SHA1 = "2f6b3c1d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"


@dataclass
class Tenants:
    emu: InProcess
    a_id: str
    b_id: str
    a: str
    b: str
    b_ids: dict[str, str] = field(default_factory=dict)
    """One id of B per path segment that names a kind (`alerts`, `machines`, ...)."""
    b_private: set[str] = field(default_factory=set)
    """Strings that name B's objects and no object of A."""
    walked: list[tuple[str, str, int]] = field(default_factory=list)


def _admin(emu: InProcess) -> dict[str, str]:
    return {"X-Emulator-Admin-Key": emu.emulator.admin_key}


def _values(emu: InProcess, token: str, path: str) -> list[dict[str, Any]]:
    response = emu.api("GET", path, token)
    assert response.status_code == 200, (path, response.text[:300])
    items: list[dict[str, Any]] = response.json()["value"]
    return items


def _ids_of(emu: InProcess, token: str) -> dict[str, set[str]]:
    """Every id a tenant's token can list, by kind."""
    kinds = {
        "alerts": "/api/alerts?$top=10000",
        "machines": "/api/machines?$top=10000",
        "machineactions": "/api/machineactions?$top=10000",
        "investigations": "/api/investigations?$top=10000",
        "indicators": "/api/indicators?$top=10000",
        "deviceauthenticatedscandefinitions": "/api/DeviceAuthenticatedScanDefinitions",
        "deviceauthenticatedscanagents": "/api/DeviceAuthenticatedScanAgents",
        "remediationtasks": "/api/remediationTasks",
    }
    found = {
        kind: {str(i["id"]) for i in _values(emu, token, path)} for kind, path in kinds.items()
    }
    machines = _values(emu, token, "/api/machines?$top=10000")
    found["names"] = {m["computerDnsName"] for m in machines if m.get("computerDnsName")}
    return found


def _make_b_objects(emu: InProcess, b: str) -> dict[str, str]:
    windows = "startswith(osPlatform,'Windows') and healthStatus eq 'Active'"
    machines = _values(emu, b, f"/api/machines?$filter={windows}&$top=3")
    first, second = machines[0]["id"], machines[1]["id"]
    made: dict[str, str] = {}
    indicator = emu.api(
        "POST",
        "/api/indicators",
        b,
        json={
            "indicatorValue": "203.0.113.77",
            "indicatorType": "IpAddress",
            "action": "Block",
            "title": "B only",
            "description": "tenant B's own indicator",
        },
    )
    assert indicator.status_code == 200, indicator.text
    made["indicators"] = str(indicator.json()["id"])
    action = emu.api("POST", f"/api/machines/{first}/isolate", b, json={"Comment": "B isolates"})
    assert action.status_code == 201, action.text
    made["machineactions"] = action.json()["id"]
    investigation = emu.api(
        "POST", f"/api/machines/{second}/startInvestigation", b, json={"Comment": "B looks"}
    )
    assert investigation.status_code == 201, investigation.text
    made["investigations"] = str(investigation.json()["id"])
    tag = emu.api("POST", f"/api/machines/{first}/tags", b, json={"Value": B_TAG, "Action": "Add"})
    assert tag.status_code == 200, tag.text
    upload = emu.api(
        "POST", "/api/libraryfiles", b, files={"File": (B_LIBRARY_FILE, b"Get-Process\n")}
    )
    assert upload.status_code == 200, upload.text
    made["machines"] = first
    return made


@pytest.fixture(scope="module")
def tenants(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tenants]:
    with in_process(
        tmp_path_factory.mktemp("tenant-isolation"),
        quotas=False,
        machines=10,
        alerts=20,
        events=4000,
    ) as emu:
        added = emu.http.post("/_emulator/tenants", json={"name": "Fabrikam"}, headers=_admin(emu))
        assert added.status_code == 201, added.text
        b_id = added.json()["id"]
        world = Tenants(emu, emu.dev.tenant_id, b_id, emu.token(), emu.token(tenant=b_id))
        made = _make_b_objects(emu, world.b)
        a_ids, b_ids = _ids_of(emu, world.a), _ids_of(emu, world.b)
        for kind, ids in b_ids.items():
            world.b_private |= ids - a_ids.get(kind, set())
        world.b_private |= {b_id, B_TAG, B_LIBRARY_FILE}
        machine = emu.api("GET", f"/api/machines/{made['machines']}", world.b).json()
        alert = _values(emu, world.b, "/api/alerts?$top=1&$expand=evidence")[0]
        world.b_ids = {
            **made,
            "alerts": alert["id"],
            "deviceauthenticatedscandefinitions": sorted(
                b_ids["deviceauthenticatedscandefinitions"]
            )[0],
            "deviceauthenticatedscanagents": sorted(b_ids["deviceauthenticatedscanagents"])[0],
            "remediationtasks": sorted(b_ids["remediationtasks"] or {"0"})[0],
            "libraryfiles": B_LIBRARY_FILE,
            "files": next((e["sha1"] for e in alert.get("evidence", []) if e.get("sha1")), SHA1),
            "users": next(
                (e["accountName"] for e in alert.get("evidence", []) if e.get("accountName")),
                "nobody",
            ),
            "domains": "fabrikam.com",
            "ips": machine["lastIpAddress"],
            "ip": machine["lastIpAddress"],
            "key": machine["computerDnsName"],
            "timestamp": machine["lastSeen"],
            "index": "0",
            "software": "microsoft-_-windows_10",
            "vulnerabilities": "CVE-2025-30397",
            "recommendations": "va-_-microsoft-_-windows_10",
        }
        assert len(world.b_private) > 30, "the two worlds share almost no ids"
        yield world


def _body(endpoint: Endpoint, ids: dict[str, str]) -> dict[str, Any] | None:
    """A body the endpoint would accept in B's tenant, aimed at B's objects."""
    if endpoint.content_type != "application/json":
        return None
    machine, alert = ids["machines"], ids["alerts"]
    bodies: dict[str, dict[str, Any]] = {
        "hunting.run": {"Query": f"DeviceInfo | where DeviceId == '{machine}' | take 5"},
        "alerts.update": {"status": "Resolved", "comment": "A was here"},
        "alerts.batch_update": {"alertIds": [alert], "status": "Resolved", "comment": "A"},
        "alerts.create_by_reference": {
            "machineId": machine,
            "severity": "High",
            "title": "A raises an alert on B's machine",
            "description": "d",
            "recommendedAction": "r",
            "eventTime": ids["timestamp"],
            "reportId": "1",
            "category": "Exploit",
        },
        "indicators.batch_delete": {"IndicatorIds": [ids["indicators"]]},
        "machines.tags": {"Value": "A-tag", "Action": "Remove"},
        "machines.tags_bulk": {"Value": B_TAG, "Action": "Remove", "MachineIds": [machine]},
        "machines.set_device_value": {"DeviceValue": "High"},
        "machines.update": {"deviceValue": "High"},
        "machines.run_antivirus_scan": {"Comment": "A", "ScanType": "Quick"},
        "machines.stop_and_quarantine_file": {"Comment": "A", "Sha1": SHA1},
        "machines.run_live_response": {
            "Comment": "A",
            "Commands": [
                {"type": "RunScript", "params": [{"key": "ScriptName", "value": B_LIBRARY_FILE}]}
            ],
        },
        "authenticated_scans.create_definition": {
            "scanType": "Windows",
            "scanName": "A scans with B's agent",
            "isActive": True,
            "target": "127.0.0.1",
            "intervalInHours": 1,
            "targetType": "Ip",
            "scannerAgent": {"id": ids["deviceauthenticatedscanagents"], "machineId": machine},
            "scanAuthenticationParams": {
                "@odata.type": "#microsoft.windowsDefenderATP.api.WindowsAuthParams",
                "type": "Kerberos",
                "username": "u",
                "domain": "d",
                "isGmsaUser": True,
            },
        },
        "authenticated_scans.update_definition": {"scanName": "renamed by A"},
        "authenticated_scans.batch_delete_definitions": {
            "ScanDefinitionIds": [ids["deviceauthenticatedscandefinitions"]]
        },
        "authenticated_scans.history_by_definition": {
            "ScanDefinitionIds": [ids["deviceauthenticatedscandefinitions"]]
        },
        "authenticated_scans.history_by_session": {
            "SessionIds": [ids["deviceauthenticatedscandefinitions"]]
        },
    }
    return bodies.get(endpoint.operation, {"Comment": "A acts on B's object"})


def _path(endpoint: Endpoint, ids: dict[str, str]) -> str:
    """The endpoint's path with B's ids: by placeholder name, else by the segment before."""
    segments = endpoint.path.split("/")
    for position, segment in enumerate(segments):
        for name in re.findall(r"{(\w+)}", segment):
            value = ids.get(name) or ids.get(segments[position - 1].lower())
            assert value is not None, (endpoint.operation, name)
            segments[position] = segments[position].replace("{" + name + "}", value)
    query = ""
    if "tag" in endpoint.query_required:
        query = f"?tag={B_TAG}"
    if "sinceTime" in endpoint.query_required:
        query = f"?sinceTime={ids['timestamp']}"
    return "/".join(segments) + query


def _snapshot(emu: InProcess, tenant_id: str) -> str:
    """A digest of every row that belongs to the tenant."""
    digest = hashlib.sha256()
    with emu.emulator.engine.connect() as conn:
        for table in TENANT_TABLES:
            rows = conn.execute(select(table).where(table.c.tenant_id == tenant_id)).all()
            for row in sorted(repr(tuple(row)) for row in rows):
                digest.update(row.encode())
    return digest.hexdigest()


def _leaks(text: str, private: set[str]) -> list[str]:
    """B's names found in `text`; short ones (indicator numbers) only as a whole JSON value."""
    found = []
    for value in private:
        if len(value) >= 8:
            if value in text:
                found.append(value)
        elif f'"id": "{value}"' in text or f'"id":"{value}"' in text:
            found.append(value)
    return sorted(found)


def test_a_walk_of_the_whole_catalog_never_reaches_tenant_b(tenants: Tenants) -> None:
    emu, ids = tenants.emu, tenants.b_ids
    before = _snapshot(emu, tenants.b_id)
    statuses: dict[int, int] = {}
    for endpoint in ENDPOINTS:
        path = _path(endpoint, ids)
        if endpoint.content_type == "multipart/form-data":
            response = emu.api(
                endpoint.method, path, tenants.a, files={"File": (B_LIBRARY_FILE, b"A's\n")}
            )
        else:
            response = emu.api(endpoint.method, path, tenants.a, json=_body(endpoint, ids))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        tenants.walked.append((endpoint.operation, path, response.status_code))
        assert response.status_code < 500, (endpoint.operation, response.text[:300])
        # An error may name what the caller sent ("Alert X was not found"); nothing else.
        sent = path + json.dumps(_body(endpoint, ids))
        if endpoint.content_type == "multipart/form-data":
            # A's own file of the same name: it must be A's bytes, and B's file stays B's.
            sent += B_LIBRARY_FILE
            assert response.json()["sha256"] == hashlib.sha256(b"A's\n").hexdigest()
        unsent = {value for value in tenants.b_private if value not in sent}
        assert not _leaks(response.text, unsent), (endpoint.operation, path, response.text[:400])
        if endpoint.returns == "collection" and response.status_code == 200:
            count = emu.api("GET", path.split("?")[0] + "/$count", tenants.a)
            assert not _leaks(count.text, tenants.b_private)
    assert _snapshot(emu, tenants.b_id) == before, "B's rows are untouched"
    # A's own rows name none of B's objects (no action of A's on B's machine, say).
    a_rows = _dump_rows(emu, tenants.a_id)
    assert not _leaks(a_rows, tenants.b_private - {B_LIBRARY_FILE})
    # Every id'd endpoint aimed at B's objects was refused, not served.
    aimed = [w for w in tenants.walked if w[0] in _AIMED]
    assert aimed
    served = [w for w in aimed if w[2] < 300 and not w[1].startswith(_TOLERANT)]
    assert len(aimed) > 50
    assert not served, served
    print(f"tenant walk: {len(ENDPOINTS)} endpoints, statuses {sorted(statuses.items())}")


_TOLERANT = (
    # These answer 200 with an empty set for any id, as the service does (defender-api.md
    # §5.7: "an unknown file gives 200 with an empty set"); the leak check above covers them.
    "/api/files/",
    "/api/ips/",
    "/api/domains/",
    "/api/users/",
    "/api/machines/findbyip",
    "/api/machines/find(",
    "/api/machines/findbytag",
    "/api/Software/",
    "/api/vulnerabilities/",
    "/api/recommendations/",
    "/api/remediationTasks/",
    "/api/DeviceAuthenticatedScanDefinitions/GetScanHistory",
    "/api/indicators",
    "/api/advancedqueries/run",
    # A uploaded its own file of the same name first (the snapshot proves B's is untouched).
    "/api/libraryfiles/",
)


_AIMED = {e.operation for e in ENDPOINTS if e.path_params} | {
    "alerts.batch_update",
    "alerts.create_by_reference",
    "indicators.batch_delete",
    "machines.tags_bulk",
    "machines.find_by_tag",
    "authenticated_scans.create_definition",
    "authenticated_scans.batch_delete_definitions",
}
"""Operations that name one of B's objects in the path or the body."""


def _dump_rows(emu: InProcess, tenant_id: str) -> str:
    with emu.emulator.engine.connect() as conn:
        return "\n".join(
            repr(tuple(row))
            for table in TENANT_TABLES
            for row in conn.execute(select(table).where(table.c.tenant_id == tenant_id))
        )


def test_hunting_of_a_sees_none_of_bs_devices(tenants: Tenants) -> None:
    emu = tenants.emu
    query = {"Query": "DeviceInfo | distinct DeviceId, DeviceName"}
    response = emu.api("POST", "/api/advancedqueries/run", tenants.a, json=query)
    assert response.status_code == 200, response.text
    assert response.json()["Results"], "A sees its own devices"
    assert not _leaks(response.text, tenants.b_private)
    graph_a = emu.token(GRAPH_SCOPE)
    graph = emu.api(
        "POST",
        "/v1.0/security/runHuntingQuery",
        graph_a,
        json={"Query": "DeviceInfo | distinct DeviceId, DeviceName"},
    )
    assert graph.status_code in (200, 403), graph.text
    assert not _leaks(graph.text, tenants.b_private)


def test_graph_of_a_never_reaches_bs_applications(tenants: Tenants) -> None:
    emu = tenants.emu
    graph_b = emu.token(GRAPH_SCOPE, tenant=tenants.b_id)
    graph_a = emu.token(GRAPH_SCOPE)
    app = emu.api("POST", "/v1.0/applications", graph_b, json={"displayName": "B's own app"})
    assert app.status_code == 201, app.text
    object_id, app_id = app.json()["id"], app.json()["appId"]
    sp = emu.api("POST", "/v1.0/servicePrincipals", graph_b, json={"appId": app_id})
    assert sp.status_code == 201, sp.text
    sp_id = sp.json()["id"]
    before = _snapshot(emu, tenants.b_id)
    private = {object_id, app_id, sp_id, "B's own app"}
    listing = emu.api("GET", "/v1.0/applications", graph_a)
    assert listing.status_code == 200
    assert not _leaks(listing.text, private)
    assert not _leaks(emu.api("GET", "/v1.0/servicePrincipals", graph_a).text, private)
    attempts = [
        ("GET", f"/v1.0/applications/{object_id}", None),
        ("GET", f"/v1.0/applications(appId='{app_id}')", None),
        ("PATCH", f"/v1.0/applications/{object_id}", {"displayName": "taken"}),
        ("POST", f"/v1.0/applications/{object_id}/addPassword", {"passwordCredential": {}}),
        ("DELETE", f"/v1.0/applications/{object_id}", None),
        ("GET", f"/v1.0/servicePrincipals/{sp_id}", None),
        ("GET", f"/v1.0/servicePrincipals/{sp_id}/appRoleAssignments", None),
        ("POST", f"/v1.0/servicePrincipals/{sp_id}/appRoleAssignments", {"appRoleId": app_id}),
        ("DELETE", f"/v1.0/servicePrincipals/{sp_id}", None),
    ]
    for method, path, body in attempts:
        response = emu.api(method, path, graph_a, json=body)
        assert response.status_code in (400, 403, 404), (method, path, response.text)
        unsent = {value for value in private if value not in path + json.dumps(body)}
        assert not _leaks(response.text, unsent), (method, path)
    assert _snapshot(emu, tenants.b_id) == before
