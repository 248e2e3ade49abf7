"""The live response library (multipart upload of real files, list, delete, `library_has`,
samples) and authenticated scans (definitions, agents, history on the emulator clock)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdekit.emulator.defender import scans_service
from mdekit.emulator.defender.handlers_library import library_has
from mdekit.emulator.defender.library_samples import SAMPLES, seed_library
from mdekit.emulator.defender.scans_seed import seed_scans
from mdekit.emulator.store.library_repo import LibraryRepository
from mdekit.models.library import LIBRARY_FILE_MAX_BYTES
from tests.support.emulators import InProcess, in_process
from tests.support.role_apps import role_app

ORIGIN = "https://emulator.test"
API = f"{ORIGIN}/api"
SCRIPT = b"param([string]$Name)\nGet-Process -Name $Name | Stop-Process -Force\n"


def upload(
    emu: InProcess,
    token: str,
    name: str = "Stop-ByName.ps1",
    content: bytes = SCRIPT,
    field: str = "File",
    **data: str,
) -> Any:
    return emu.api(
        "POST", "/api/libraryfiles", token, files={field: (name, content)}, data=data or None
    )


def library(emu: InProcess, token: str) -> list[dict[str, Any]]:
    response = emu.api("GET", "/api/libraryfiles", token)
    assert response.status_code == 200, response.text
    assert response.json()["@odata.context"] == f"{API}/$metadata#LibraryFiles"
    items: list[dict[str, Any]] = response.json()["value"]
    return items


def code_of(response: Any) -> str:
    code: str = response.json()["error"]["code"]
    return code


# -- library --------------------------------------------------------------------------------


@pytest.fixture
def lib(emu: InProcess) -> InProcess:
    """An emulator whose tenant's library starts empty (the world seeds some files)."""
    token = emu.token()
    for item in library(emu, token):
        deleted = emu.api("DELETE", f"/api/libraryfiles/{item['fileName']}", token)
        assert deleted.status_code == 204
    return emu


def test_upload_a_real_file_and_list_it(lib: InProcess) -> None:
    token = lib.token()
    response = upload(
        lib,
        token,
        Description="Stops a process by name",
        ParametersDescription="-Name <process name>",
        HasParameters="true",
    )
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["@odata.context"] == f"{API}/$metadata#LibraryFiles/$entity"
    assert item["fileName"] == "Stop-ByName.ps1"
    assert item["sha256"] == hashlib.sha256(SCRIPT).hexdigest()
    assert item["description"] == "Stops a process by name"
    assert item["parametersDescription"] == "-Name <process name>"
    assert item["hasParameters"] is True
    assert item["createdBy"] == lib.dev.client_id
    assert item["creationTime"] == item["lastUpdatedTime"]
    assert library(lib, token) == [{k: v for k, v in item.items() if k != "@odata.context"}]
    stored = LibraryRepository(lib.emulator.defender.repo.engine).content(
        lib.dev.tenant_id, "stop-byname.PS1"
    )
    assert stored == SCRIPT


def test_upload_defaults_and_the_curl_field_name(lib: InProcess) -> None:
    response = upload(lib, lib.token(), "collect.sh", b"#!/bin/sh\nuname -a\n", field="file")
    assert response.status_code == 200, response.text
    item = response.json()
    assert (item["description"], item["parametersDescription"], item["hasParameters"]) == (
        None,
        "",
        False,
    )


def test_a_path_in_the_file_name_is_dropped(lib: InProcess) -> None:
    response = upload(lib, lib.token(), "C:\\scripts\\tools\\triage.ps1")
    assert response.status_code == 200, response.text
    assert response.json()["fileName"] == "triage.ps1"


def test_a_name_clash_needs_override(lib: InProcess) -> None:
    token = lib.token()
    first = upload(lib, token).json()
    clash = upload(lib, token, "STOP-BYNAME.ps1", b"other")
    assert clash.status_code == 400
    assert code_of(clash) == "BadRequest"
    assert "OverrideIfExists" in clash.json()["error"]["message"]
    lib.emulator.clock.advance(timedelta(seconds=30))
    replaced = upload(lib, token, content=b"new body", OverrideIfExists="True")
    assert replaced.status_code == 200
    item = replaced.json()
    assert item["sha256"] == hashlib.sha256(b"new body").hexdigest()
    assert item["creationTime"] == first["creationTime"]
    assert item["lastUpdatedTime"] > first["lastUpdatedTime"]
    assert len(library(lib, token)) == 1
    not_override = upload(lib, token, OverrideIfExists="false")
    assert not_override.status_code == 400


def test_the_20_mb_limit(lib: InProcess) -> None:
    token = lib.token()
    exactly = upload(lib, token, "big.bin", b"\0" * LIBRARY_FILE_MAX_BYTES)
    assert exactly.status_code == 200, exactly.text
    over = upload(lib, token, "bigger.bin", b"\0" * (LIBRARY_FILE_MAX_BYTES + 1))
    assert over.status_code == 400
    assert code_of(over) == "InvalidInput"
    assert [i["fileName"] for i in library(lib, token)] == ["big.bin"]


@pytest.mark.parametrize(
    ("files", "data", "code"),
    [
        ({"Other": ("x.ps1", b"x")}, None, "MissingRequiredParameter"),
        ({"File": (None, b"just text")}, None, "InvalidInput"),
        ({"File": ("x.ps1", b"x")}, {"HasParameters": "maybe"}, "InvalidInput"),
        ({"File": ("x.ps1", b"x")}, {"OverrideIfExists": "2"}, "InvalidInput"),
        ({"File": ("a<b>.ps1", b"x")}, None, "InvalidInput"),
        ({"File": ("..", b"x")}, None, "InvalidInput"),
    ],
)
def test_bad_uploads(
    shared_emu: InProcess, files: dict[str, Any], data: dict[str, str] | None, code: str
) -> None:
    token = shared_emu.token()
    response = shared_emu.api("POST", "/api/libraryfiles", token, files=files, data=data)
    assert response.status_code == 400, response.text
    assert code_of(response) == code


def test_an_upload_must_be_multipart(shared_emu: InProcess) -> None:
    token = shared_emu.token()
    as_json = shared_emu.api("POST", "/api/libraryfiles", token, json={"File": "x"})
    assert as_json.status_code == 400
    assert code_of(as_json) == "InvalidRequestBody"
    broken = shared_emu.api(
        "POST",
        "/api/libraryfiles",
        token,
        content=b"--xyz\r\nContent-Disposition: form-data",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert broken.status_code == 400


def test_delete(lib: InProcess) -> None:
    token = lib.token()
    upload(lib, token, "My Script.ps1")
    missing = lib.api("DELETE", "/api/libraryfiles/nothing.ps1", token)
    assert missing.status_code == 404
    assert code_of(missing) == "ResourceNotFound"
    gone = lib.api("DELETE", "/api/libraryfiles/my%20script.PS1", token)
    assert gone.status_code == 204
    assert gone.content == b""
    assert library(lib, token) == []
    assert lib.api("DELETE", "/api/libraryfiles/My%20Script.ps1", token).status_code == 404


def test_library_has_for_live_response(lib: InProcess) -> None:
    upload(lib, lib.token(), "Collect.ps1")
    services, tenant = lib.emulator.defender, lib.dev.tenant_id
    assert library_has(services, tenant, "Collect.ps1")
    assert library_has(services, tenant, "collect.PS1")
    assert not library_has(services, tenant, "other.ps1")
    assert not library_has(services, "another-tenant", "Collect.ps1")


def test_samples_are_seeded_once(lib: InProcess) -> None:
    engine, tenant = lib.emulator.defender.repo.engine, lib.dev.tenant_id
    assert seed_library(engine, tenant, lib.emulator.clock.now()) == len(SAMPLES)
    assert seed_library(engine, tenant, lib.emulator.clock.now()) == 0
    items = library(lib, lib.token())
    assert sorted(i["fileName"] for i in items) == sorted(s.file_name for s in SAMPLES)
    repo = LibraryRepository(engine)
    for item in items:
        content = repo.content(tenant, item["fileName"])
        assert content is not None
        assert item["sha256"] == hashlib.sha256(content).hexdigest()
        assert item["hasParameters"] is bool(item["parametersDescription"])
        assert item["creationTime"] < lib.emulator.clock.now().isoformat()


def test_seed_takes_the_worlds_files(lib: InProcess) -> None:
    engine, tenant = lib.emulator.defender.repo.engine, lib.dev.tenant_id
    body = b"Get-LocalGroupMember -Group Administrators\n"
    doc: dict[str, Any] = {
        "fileName": "Get-LocalAdmins.ps1",
        "sha256": hashlib.sha256(body).hexdigest(),
        "description": "Lists members of the local Administrators group",
        "creationTime": "2024-01-02T03:04:05.0000000Z",
        "lastUpdatedTime": "2024-01-02T03:04:05.0000000Z",
        "createdBy": "analyst@contoso.com",
        "hasParameters": False,
        "parametersDescription": None,
    }
    now = lib.emulator.clock.now()
    added = seed_library(engine, tenant, now, files=[doc], contents={doc["fileName"]: body})
    assert added == 1
    assert library(lib, lib.token()) == [doc]
    assert LibraryRepository(engine).content(tenant, "get-localadmins.ps1") == body
    assert library_has(lib.emulator.defender, tenant, "Get-LocalAdmins.ps1")


def test_library_needs_library_manage(emu: InProcess) -> None:
    other = role_app(emu, ["Machine.LiveResponse"], "responder").token(emu)
    for method, path, kwargs in (
        ("GET", "/api/libraryfiles", {}),
        ("POST", "/api/libraryfiles", {"files": {"File": ("x.ps1", b"x")}}),
        ("DELETE", "/api/libraryfiles/x.ps1", {}),
    ):
        response = emu.api(method, path, other, **kwargs)
        assert response.status_code == 403, path
        assert "Library.Manage" in response.json()["error"]["message"]
    manager = role_app(emu, ["Library.Manage"], "library manager").token(emu)
    assert upload(emu, manager).json()["createdBy"] != emu.dev.client_id


# -- authenticated scans ------------------------------------------------------------------

DEFINITIONS = "/api/DeviceAuthenticatedScanDefinitions"
WINDOWS_PARAMS = {
    "@odata.type": "#microsoft.windowsDefenderATP.api.WindowsAuthParams",
    "type": "Kerberos",
    "username": "username",
    "domain": "password",
    "isGmsaUser": True,
}
SNMP_PARAMS = {
    "@odata.type": "#microsoft.windowsDefenderATP.api.SnmpAuthParams",
    "type": "AuthPriv",
    "username": "scanner",
    "authProtocol": "SHA1",
    "authPassword": "s3cret-auth",
    "privProtocol": "AES",
    "privPassword": "s3cret-priv",
}


@pytest.fixture
def scans(emu: InProcess) -> InProcess:
    """An emulator whose tenant has scan agents and definitions (seeded from its world;
    seeding again changes nothing)."""
    now = emu.emulator.clock.now()
    assert seed_scans(emu.emulator.defender.repo.engine, emu.dev.tenant_id, now) == 0
    return emu


def agents(emu: InProcess, token: str) -> list[dict[str, Any]]:
    response = emu.api("GET", "/api/DeviceAuthenticatedScanAgents", token)
    assert response.status_code == 200, response.text
    assert response.json()["@odata.context"] == f"{API}/$metadata#DeviceAuthenticatedScanAgents"
    items: list[dict[str, Any]] = response.json()["value"]
    return items


def definitions(emu: InProcess, token: str) -> list[dict[str, Any]]:
    response = emu.api("GET", DEFINITIONS, token)
    assert response.status_code == 200, response.text
    assert response.json()["@odata.context"] == (
        f"{API}/$metadata#DeviceAuthenticatedScanDefinitions"
    )
    items: list[dict[str, Any]] = response.json()["value"]
    return items


def new_definition(machine_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "scanType": "Windows",
        "scanName": "Test Windows scan",
        "isActive": True,
        "target": "127.0.0.1",
        "intervalInHours": 1,
        "targetType": "Ip",
        "scannerAgent": {"machineId": machine_id},
        "scanAuthenticationParams": dict(WINDOWS_PARAMS),
    }
    body.update(changes)
    return body


def history(emu: InProcess, token: str, ids: Any, query: str = "") -> Any:
    return emu.api(
        "POST",
        f"{DEFINITIONS}/GetScanHistoryByScanDefinitionId{query}",
        token,
        json={"ScanDefinitionIds": ids},
    )


def test_agents_list_and_get(scans: InProcess) -> None:
    token = scans.token()
    found = agents(scans, token)
    assert found
    agent = found[0]
    assert agent["id"] == f"{scans.dev.tenant_id}_{agent['machineId']}"
    machine = scans.api("GET", f"/api/machines/{agent['machineId']}", token).json()
    assert agent["computerDnsName"] == machine["computerDnsName"]
    for key in (agent["id"], agent["machineId"], agent["machineId"].upper()):
        one = scans.api("GET", f"/api/DeviceAuthenticatedScanAgents/{key}", token)
        assert one.status_code == 200
        assert one.json()["@odata.context"].endswith("#DeviceAuthenticatedScanAgents/$entity")
        assert one.json()["id"] == agent["id"]
    missing = scans.api("GET", "/api/DeviceAuthenticatedScanAgents/nope", token)
    assert missing.status_code == 404


def test_seeded_definitions_have_a_history(scans: InProcess) -> None:
    token = scans.token()
    found = definitions(scans, token)
    assert {d["scanType"] for d in found} == {"Windows", "Network"}
    network = next(d for d in found if d["scanType"] == "Network")
    params = network["scanAuthenticationParams"]
    assert params["@odata.type"] == "#microsoft.windowsDefenderATP.api.SnmpAuthParams"
    assert params["authPassword"] is None
    assert params["privPassword"] is None
    assert network["latestScan"]["executionDateTime"] is not None
    response = history(scans, token, [d["id"] for d in found])
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == f"{ORIGIN}{DEFINITIONS}/GetScanHistoryByScanDefinitionId"
    items = body["value"]
    assert {i["ScanDefinitionIds"] for i in items} == {d["id"] for d in found}
    assert [i["LastScanned"] for i in items] == sorted(
        (i["LastScanned"] for i in items), reverse=True
    )
    for item in items:
        assert set(item) == {"ScanDefinitionIds", "LastScanned", "ScanStatus", "ScannerId"}
        assert item["ScanStatus"] in ("Success", "Partial Success", "Fail")
    newest = max(i["LastScanned"] for i in items if i["ScanDefinitionIds"] == network["id"])
    assert network["latestScan"]["executionDateTime"] == newest
    assert network["scannerAgent"]["machineId"] in {i["ScannerId"] for i in items}


def test_history_paging_and_bodies(scans: InProcess) -> None:
    token = scans.token()
    ids = [d["id"] for d in definitions(scans, token)]
    everything = history(scans, token, ids).json()["value"]
    assert len(everything) > 3
    top = history(scans, token, ids, "?$top=1").json()["value"]
    assert top == everything[:1]
    skipped = history(scans, token, ids, "?$skip=2&$top=2").json()["value"]
    assert skipped == everything[2:4]
    assert history(scans, token, ids, "?$top=4097").status_code == 400
    single = history(scans, token, ids[0]).json()["value"]
    assert {i["ScanDefinitionIds"] for i in single} == {ids[0]}
    assert history(scans, token, ["00000000-0000-0000-0000-000000000000"]).json()["value"] == []
    for body, code in (([], "InvalidInput"), ([3], "InvalidInput")):
        response = history(scans, token, body)
        assert response.status_code == 400
        assert code_of(response) == code
    missing = scans.api("POST", f"{DEFINITIONS}/GetScanHistoryByScanDefinitionId", token, json={})
    assert code_of(missing) == "MissingRequiredParameter"


def test_history_by_session(scans: InProcess) -> None:
    token = scans.token()
    definitions(scans, token)  # the clock's runs are recorded on reads
    stored = scans.emulator.defender.entities.docs(scans.dev.tenant_id, scans_service.SESSIONS)
    wanted = [s["SessionIds"] for s in stored[:2]]
    response = scans.api(
        "POST", f"{DEFINITIONS}/GetScanHistoryBySessionId", token, json={"SessionIds": wanted}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == f"{ORIGIN}{DEFINITIONS}/GetScanHistoryBySessionId"
    assert {s["SessionIds"] for s in body["value"]} == set(wanted)
    for session in body["value"]:
        assert session["orgId"] == scans.dev.tenant_id
        targets = session["ListScannedTargets"]
        assert session["NumberOfTargets"] == len(targets)
        ok = [t for t in targets if t["ScanStatus"] == "Success"]
        assert session["NumberOfSuccessfullyScannedTargets"] == len(ok)
        assert all(t["ErrorMessage"] == "" for t in ok)
    nothing = scans.api(
        "POST", f"{DEFINITIONS}/GetScanHistoryBySessionId", token, json={"SessionIds": ["ab"]}
    )
    assert nothing.json()["value"] == []


def test_create_then_it_runs_on_the_clock(scans: InProcess) -> None:
    token = scans.token()
    agent = agents(scans, token)[0]
    response = scans.api("POST", DEFINITIONS, token, json=new_definition(agent["machineId"]))
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["@odata.context"] == (
        f"{API}/$metadata#DeviceAuthenticatedScanDefinitions/$entity"
    )
    assert created["scanAuthenticationParams"] is None
    assert created["orgId"] == scans.dev.tenant_id
    assert created["createdBy"] == scans.dev.client_id
    assert created["scannerAgent"]["machineId"] == agent["machineId"]
    assert created["scannerAgent"]["machineName"] == agent["computerDnsName"]
    assert created["latestScan"] == {
        "status": None,
        "failureReason": None,
        "executionDateTime": None,
    }
    listed = next(d for d in definitions(scans, token) if d["id"] == created["id"])
    assert listed["scanAuthenticationParams"] == {
        "@odata.type": "#microsoft.windowsDefenderATP.api.WindowsAuthParams",
        "type": "Kerberos",
        "username": "username",
        "domain": "password",
        "isGMSAUser": True,
    }
    assert history(scans, token, [created["id"]]).json()["value"] == []
    scans.emulator.clock.advance(timedelta(hours=2, minutes=10))
    token = scans.token()
    runs = history(scans, token, [created["id"]]).json()["value"]
    assert len(runs) == 3, "at 5 minutes, then hourly"
    assert all(r["ScannerId"] == agent["machineId"] for r in runs)
    listed = next(d for d in definitions(scans, token) if d["id"] == created["id"])
    assert listed["latestScan"]["executionDateTime"] == runs[0]["LastScanned"]


def test_secrets_are_never_returned(scans: InProcess) -> None:
    token = scans.token()
    network = agents(scans, token)[0]
    created = scans.api(
        "POST",
        DEFINITIONS,
        token,
        json=new_definition(
            network["machineId"],
            scanType="Network",
            target="10.0.0.0/30,10.0.1.5",
            scanAuthenticationParams=SNMP_PARAMS,
        ),
    )
    assert created.status_code == 200, created.text
    text = json.dumps(definitions(scans, token))
    assert "s3cret" not in text
    scans.emulator.clock.advance(timedelta(minutes=10))
    runs = scans.emulator.defender.entities.docs(
        scans.dev.tenant_id, scans_service.SESSIONS, parent=created.json()["id"]
    )
    assert runs == []  # nothing is recorded until someone reads
    history(scans, scans.token(), [created.json()["id"]])
    runs = scans.emulator.defender.entities.docs(
        scans.dev.tenant_id, scans_service.SESSIONS, parent=created.json()["id"]
    )
    assert [t["Ip"] for t in runs[0]["ListScannedTargets"]] == ["10.0.0.1", "10.0.0.2", "10.0.1.5"]


@pytest.mark.parametrize(
    "field",
    [
        "scanType",
        "scanName",
        "isActive",
        "target",
        "intervalInHours",
        "targetType",
        "scannerAgent",
        "scanAuthenticationParams",
    ],
)
def test_create_needs_every_field(scans: InProcess, field: str) -> None:
    token = scans.token()
    body = new_definition(agents(scans, token)[0]["machineId"])
    del body[field]
    response = scans.api("POST", DEFINITIONS, token, json=body)
    assert response.status_code == 400
    assert code_of(response) == "MissingRequiredParameter"
    assert field in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"scanType": "Linux"}, "InvalidInput"),
        ({"isActive": "yes"}, "InvalidInput"),
        ({"intervalInHours": 0}, "InvalidInput"),
        ({"intervalInHours": 1.5}, "InvalidInput"),
        ({"targetType": "Mac"}, "InvalidInput"),
        ({"target": "not an ip"}, "InvalidInput"),
        ({"target": " , "}, "InvalidInput"),
        ({"targetType": "Hostname", "target": "bad host!"}, "InvalidInput"),
        ({"scannerAgent": {"machineId": "0" * 40}}, "InvalidInput"),
        ({"scannerAgent": {}}, "MissingRequiredParameter"),
        ({"scannerAgent": "abc"}, "InvalidInput"),
        ({"ScanName": "wrong case"}, "InvalidRequestBody"),
        ({"scanAuthenticationParams": SNMP_PARAMS}, "InvalidInput"),
        ({"scanAuthenticationParams": {"type": "Kerberos"}}, "MissingRequiredParameter"),
        (
            {"scanAuthenticationParams": {**WINDOWS_PARAMS, "@odata.type": "#x.Other"}},
            "InvalidInput",
        ),
        ({"scanAuthenticationParams": {**WINDOWS_PARAMS, "type": "NTLM"}}, "InvalidInput"),
        ({"scanAuthenticationParams": {**WINDOWS_PARAMS, "pasword": "x"}}, "InvalidInput"),
        (
            {"scanAuthenticationParams": {**WINDOWS_PARAMS, "username": None}},
            "MissingRequiredParameter",
        ),
        (
            {"scanAuthenticationParams": {**WINDOWS_PARAMS, "keyVaultUrl": "https://kv"}},
            "InvalidInput",
        ),
    ],
)
def test_create_checks(scans: InProcess, changes: dict[str, Any], code: str) -> None:
    token = scans.token()
    body = new_definition(agents(scans, token)[0]["machineId"], **changes)
    response = scans.api("POST", DEFINITIONS, token, json=body)
    assert response.status_code == 400, response.text
    assert code_of(response) == code


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"privPassword": None}, "MissingRequiredParameter"),
        ({"authProtocol": "SHA256"}, "InvalidInput"),
        ({"privProtocol": "RC4"}, "InvalidInput"),
        ({"type": "CommunityString"}, "MissingRequiredParameter"),
    ],
)
def test_snmp_parameters_by_type(scans: InProcess, params: dict[str, Any], code: str) -> None:
    token = scans.token()
    body = new_definition(
        agents(scans, token)[0]["machineId"],
        scanType="Network",
        scanAuthenticationParams={**SNMP_PARAMS, **params},
    )
    response = scans.api("POST", DEFINITIONS, token, json=body)
    assert response.status_code == 400, response.text
    assert code_of(response) == code


def test_key_vault_replaces_the_secrets(scans: InProcess) -> None:
    token = scans.token()
    body = new_definition(
        agents(scans, token)[0]["machineId"],
        scanType="Network",
        targetType="Hostname",
        target="sw-core-1,sw-core-2.contoso.com",
        scanAuthenticationParams={
            "@odata.type": "#microsoft.windowsDefenderATP.api.SnmpAuthParams",
            "Type": "CommunityString",
            "KeyVaultUrl": "https://kv-secops.vault.azure.net/",
            "KeyVaultSecretName": "snmp-community",
        },
    )
    response = scans.api("POST", DEFINITIONS, token, json=body)
    assert response.status_code == 200, response.text
    listed = next(d for d in definitions(scans, token) if d["id"] == response.json()["id"])
    assert listed["scanAuthenticationParams"]["keyVaultSecretName"] == "snmp-community"


def test_update(scans: InProcess) -> None:
    token = scans.token()
    definition = next(d for d in definitions(scans, token) if d["scanType"] == "Windows")
    path = f"{DEFINITIONS}/{definition['id']}"
    response = scans.api(
        "PATCH",
        path,
        token,
        json={
            "scanName": "Test Update Windows scan",
            "isActive": False,
            "target": "127.0.0.2,127.0.0.3",
            "targetType": "Ip",
        },
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["@odata.context"].endswith("#DeviceAuthenticatedScanDefinitions/$entity")
    assert updated["scanAuthenticationParams"] is None
    assert (updated["scanName"], updated["isActive"], updated["target"]) == (
        "Test Update Windows scan",
        False,
        "127.0.0.2,127.0.0.3",
    )
    assert updated["createdBy"] == definition["createdBy"]
    listed = next(d for d in definitions(scans, token) if d["id"] == definition["id"])
    assert listed["scanAuthenticationParams"] == definition["scanAuthenticationParams"]
    before = len(history(scans, token, [definition["id"]]).json()["value"])
    scans.emulator.clock.advance(timedelta(days=2))
    token = scans.token()
    assert len(history(scans, token, [definition["id"]]).json()["value"]) == before
    scans.api("PATCH", path, token, json={"isActive": True})
    scans.emulator.clock.advance(timedelta(minutes=6))
    token = scans.token()
    runs = history(scans, token, [definition["id"]]).json()["value"]
    assert len(runs) == before + 1, "a re-activated definition runs five minutes later"


def test_update_checks(scans: InProcess) -> None:
    token = scans.token()
    definition = next(d for d in definitions(scans, token) if d["scanType"] == "Windows")
    path = f"{DEFINITIONS}/{definition['id']}"
    for body, code in (
        ({"scanType": "Network"}, "InvalidInput"),
        ({"target": "not an ip", "targetType": "Ip"}, "InvalidInput"),
        ({"intervalInHours": -1}, "InvalidInput"),
        ({"scanAuthenticationParams": SNMP_PARAMS}, "InvalidInput"),
        ({"scannerAgent": {"machineId": "f" * 40}}, "InvalidInput"),
        ({"Target": "x"}, "InvalidRequestBody"),
    ):
        response = scans.api("PATCH", path, token, json=body)
        assert response.status_code == 400, body
        assert code_of(response) == code
    switched = scans.api(
        "PATCH",
        path,
        token,
        json={"scanType": "Network", "scanAuthenticationParams": SNMP_PARAMS},
    )
    assert switched.status_code == 200
    assert switched.json()["scanType"] == "Network"
    missing = scans.api("PATCH", f"{DEFINITIONS}/nope", token, json={"scanName": "x"})
    assert missing.status_code == 404
    assert code_of(missing) == "ResourceNotFound"


def test_batch_delete(scans: InProcess) -> None:
    token = scans.token()
    found = definitions(scans, token)
    ids = [d["id"] for d in found]
    unknown = scans.api(
        "POST", f"{DEFINITIONS}/BatchDelete", token, json={"ScanDefinitionIds": [ids[0], "nope"]}
    )
    assert unknown.status_code == 404
    assert len(definitions(scans, token)) == len(ids), "nothing deleted when one id is unknown"
    bad: list[dict[str, list[Any]]] = [{"ScanDefinitionIds": []}, {"ScanDefinitionIds": [1]}]
    for body in bad:
        response = scans.api("POST", f"{DEFINITIONS}/BatchDelete", token, json=body)
        assert response.status_code == 400
    done = scans.api("POST", f"{DEFINITIONS}/BatchDelete", token, json={"ScanDefinitionIds": ids})
    assert done.status_code == 204
    assert definitions(scans, token) == []
    assert history(scans, token, ids).json()["value"] == []
    entities = scans.emulator.defender.entities
    assert entities.docs(scans.dev.tenant_id, scans_service.SESSIONS) == []
    assert entities.docs(scans.dev.tenant_id, scans_service.SCHEDULES) == []


def test_scan_roles(scans: InProcess) -> None:
    reader = role_app(scans, ["Machine.Read.All"], "scan reader").token(scans)
    nobody = role_app(scans, ["Alert.Read.All"], "no machines").token(scans)
    machine = agents(scans, reader)[0]["machineId"]
    assert definitions(scans, reader), "Machine.Read.All may read the definitions"
    refused = scans.api("POST", DEFINITIONS, reader, json=new_definition(machine))
    assert refused.status_code == 403
    assert "Machine.ReadWrite.All" in refused.json()["error"]["message"]
    for method, path in (
        ("GET", DEFINITIONS),
        ("GET", "/api/DeviceAuthenticatedScanAgents"),
        ("POST", f"{DEFINITIONS}/GetScanHistoryBySessionId"),
    ):
        response = scans.api(method, path, nobody, json={"SessionIds": ["x"]})
        assert response.status_code == 403, path


def test_seed_takes_the_worlds_data(emu: InProcess) -> None:
    tenant = emu.dev.tenant_id
    token = emu.token()
    # Start from a tenant without scan data (its world seeded some).
    entities = emu.emulator.defender.entities
    for kind in (
        scans_service.AGENTS,
        scans_service.DEFINITIONS,
        scans_service.SESSIONS,
        scans_service.SCHEDULES,
    ):
        entities.clear_kind(tenant, kind)
    machine = emu.api("GET", "/api/machines?$top=1", token).json()["value"][0]
    agent = {
        "id": f"{tenant}_{machine['id']}",
        "machineId": machine["id"],
        "lastSeen": machine["lastSeen"],
        "computerDnsName": machine["computerDnsName"],
        "mdeClientVersion": "10.8760.1",
    }
    definition = {
        "id": "4ad8d463-6b3a-4894-b42a-a2de9ea0a8ae",
        "scanType": "Network",
        "scanName": "from the world",
        "isActive": True,
        "target": "10.9.9.9",
        "orgId": tenant,
        "intervalInHours": 24,
        "createdBy": "analyst@contoso.com",
        "targetType": "Ip",
        "scanAuthenticationParams": None,
        "scannerAgent": scans_service.embedded_agent(agent),
        "latestScan": {"status": None, "failureReason": None, "executionDateTime": None},
    }
    ran = emu.emulator.clock.now() - timedelta(hours=1)
    session = scans_service.make_session(tenant, definition, ran.timestamp(), {})
    stored = seed_scans(
        emu.emulator.defender.repo.engine,
        tenant,
        emu.emulator.clock.now(),
        agents=[agent],
        definitions=[definition],
        sessions=[session],
    )
    assert stored == 1
    assert agents(emu, token) == [agent]
    assert [i["LastScanned"] for i in history(emu, token, [definition["id"]]).json()["value"]] == [
        session["LastScanned"]
    ]
    emu.emulator.clock.advance(timedelta(hours=24))
    token = emu.token()
    assert len(history(emu, token, [definition["id"]]).json()["value"]) == 2
    assert seed_scans(emu.emulator.defender.repo.engine, tenant, emu.emulator.clock.now()) == 0


# -- never a 500 ----------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
_params = st.fixed_dictionaries(
    {"@odata.type": st.sampled_from([WINDOWS_PARAMS["@odata.type"], SNMP_PARAMS["@odata.type"]])},
    optional={
        name: _json | st.sampled_from(["AuthPriv", "Kerberos", "SHA1", "AES", "x"])
        for name in (
            "type",
            "username",
            "authProtocol",
            "privProtocol",
            "authPassword",
            "keyVaultUrl",
        )
    },
)
_definition = st.fixed_dictionaries(
    {},
    optional={
        "scanType": st.sampled_from(["Windows", "Network"]) | _json,
        "scanName": st.text(max_size=10) | _json,
        "isActive": st.booleans() | _json,
        "target": st.sampled_from(["10.0.0.1", "::/0", "a.b", "1.2.3.4/33", ""]) | _json,
        "intervalInHours": st.integers(-2, 10_000) | _json,
        "targetType": st.sampled_from(["Ip", "IP Address", "Hostname"]) | _json,
        "scannerAgent": _json,
        "scanAuthenticationParams": _params | _json,
    },
)


@pytest.fixture(scope="module")
def junk_scans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[InProcess, str, str]]:
    with in_process(tmp_path_factory.mktemp("scan-junk"), quotas=False) as emulator:
        now = emulator.emulator.clock.now()
        seed_scans(emulator.emulator.defender.repo.engine, emulator.dev.tenant_id, now)
        token = emulator.token()
        definition = emulator.api("GET", DEFINITIONS, token).json()["value"][0]["id"]
        yield emulator, token, definition


@settings(max_examples=80, deadline=None)
@given(body=_definition | _json)
def test_junk_definitions_are_400_never_500(
    junk_scans: tuple[InProcess, str, str], body: Any
) -> None:
    emu, token, definition = junk_scans
    created = emu.api("POST", DEFINITIONS, token, json=body)
    assert created.status_code in (200, 400), created.text
    patched = emu.api("PATCH", f"{DEFINITIONS}/{definition}", token, json=body)
    assert patched.status_code in (200, 400), patched.text
    for name in ("GetScanHistoryByScanDefinitionId", "GetScanHistoryBySessionId"):
        response = emu.api("POST", f"{DEFINITIONS}/{name}", token, json=body)
        assert response.status_code in (200, 400), response.text
