"""Machine actions as state machines on the emulator clock, their effects, files and errors."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest

from tests.support.emulators import InProcess


def admin(emu: InProcess) -> dict[str, str]:
    return {"X-Emulator-Admin-Key": emu.emulator.admin_key}


def active_windows(emu: InProcess, token: str, n: int = 0) -> dict[str, Any]:
    machines = emu.api(
        "GET",
        "/api/machines",
        token,
        params={"$filter": "healthStatus eq 'Active' and startswith(osPlatform,'Windows')"},
    ).json()["value"]
    return machines[n]


def later(emu: InProcess, seconds: float = 10) -> None:
    emu.emulator.clock.advance(timedelta(seconds=seconds))


def test_isolate_progresses_and_shows_on_the_machine(emu: InProcess) -> None:
    token = emu.token()
    machine = active_windows(emu, token)
    created = emu.api(
        "POST",
        f"/api/machines/{machine['id']}/isolate",
        token,
        json={"Comment": "contain", "IsolationType": "Selective"},
    )
    assert created.status_code == 201
    action = created.json()
    assert action["@odata.context"].endswith("#MachineActions/$entity")
    assert (action["type"], action["status"], action["scope"]) == (
        "Isolate",
        "Pending",
        "Selective",
    )
    assert action["requestorComment"] == "contain"
    assert action["requestor"] == emu.dev.client_id
    later(emu, 3)
    assert (
        emu.api("GET", f"/api/machineactions/{action['id']}", token).json()["status"]
        == "InProgress"
    )
    later(emu, 10)
    done = emu.api("GET", f"/api/machineactions/{action['id']}", token).json()
    assert done["status"] == "Succeeded"
    assert done["lastUpdateDateTimeUtc"] > done["creationDateTimeUtc"]
    assert emu.emulator.defender.repo.is_isolated(emu.dev.tenant_id, machine["id"])
    released = emu.api(
        "POST", f"/api/machines/{machine['id']}/unisolate", token, json={"Comment": "ok"}
    )
    assert released.status_code == 201
    later(emu)
    emu.api("GET", "/api/machineactions", token)
    assert not emu.emulator.defender.repo.is_isolated(emu.dev.tenant_id, machine["id"])


def test_a_second_action_of_a_kind_in_flight_is_refused(emu: InProcess) -> None:
    token = emu.token()
    machine = active_windows(emu, token)
    first = emu.api(
        "POST",
        f"/api/machines/{machine['id']}/runAntiVirusScan",
        token,
        json={"Comment": "scan", "ScanType": "Full"},
    )
    assert first.status_code == 201
    second = emu.api(
        "POST",
        f"/api/machines/{machine['id']}/runAntiVirusScan",
        token,
        json={"Comment": "scan again"},
    )
    assert second.status_code == 400
    assert second.json()["error"]["code"] == "ActiveRequestAlreadyExists"
    other_kind = emu.api(
        "POST",
        f"/api/machines/{machine['id']}/restrictCodeExecution",
        token,
        json={"Comment": "restrict"},
    )
    assert other_kind.status_code == 201
    later(emu)
    again = emu.api(
        "POST",
        f"/api/machines/{machine['id']}/runAntiVirusScan",
        token,
        json={"Comment": "after the first finished"},
    )
    assert again.status_code == 201


def test_cancel_only_before_a_final_state(emu: InProcess) -> None:
    token = emu.token()
    machine = active_windows(emu, token)
    action = emu.api(
        "POST", f"/api/machines/{machine['id']}/offboard", token, json={"Comment": "bye"}
    ).json()
    cancelled = emu.api(
        "POST",
        f"/api/machineactions/{action['id']}/cancel",
        token,
        json={"Comment": "changed my mind"},
    )
    assert cancelled.status_code == 200
    body = cancelled.json()
    assert body["status"] == "Cancelled"
    assert body["cancellationComment"] == "changed my mind"
    later(emu)
    assert (
        emu.api("GET", f"/api/machineactions/{action['id']}", token).json()["status"] == "Cancelled"
    )
    assert (
        emu.api("GET", f"/api/machines/{machine['id']}", token).json()["healthStatus"] == "Active"
    )
    again = emu.api(
        "POST", f"/api/machineactions/{action['id']}/cancel", token, json={"Comment": "x"}
    )
    assert again.status_code == 400


def test_offboarding_makes_the_machine_inactive(emu: InProcess) -> None:
    token = emu.token()
    machine = active_windows(emu, token, 1)
    emu.api("POST", f"/api/machines/{machine['id']}/offboard", token, json={"Comment": "retire"})
    later(emu)
    assert (
        emu.api("GET", f"/api/machines/{machine['id']}", token).json()["healthStatus"] == "Inactive"
    )


def test_investigation_package_is_a_real_zip_behind_a_short_lived_link(emu: InProcess) -> None:
    token = emu.token()
    machine = active_windows(emu, token)
    action = emu.api(
        "POST",
        f"/api/machines/{machine['id']}/collectInvestigationPackage",
        token,
        json={"Comment": "forensics"},
    ).json()
    early = emu.api("GET", f"/api/machineactions/{action['id']}/GetPackageUri", token)
    assert early.status_code == 404
    later(emu)
    link = emu.api("GET", f"/api/machineactions/{action['id']}/getPackageUri", token).json()
    assert link["@odata.context"].endswith("#Edm.String")
    path = link["value"].replace("https://emulator.test", "")
    download = emu.http.get(path)
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert "Summary.txt" in names
    forged = emu.http.get(path.replace("sig=", "sig=0"))
    assert forged.status_code == 403
    later(emu, 3601)
    assert emu.http.get(path).status_code == 403, "the link expires"


def test_live_response_results(emu: InProcess) -> None:
    token = emu.token()
    machine = active_windows(emu, token)
    body = {
        "Comment": "triage",
        "Commands": [
            {"type": "GetFile", "params": [{"key": "Path", "value": "C:\\Windows\\Temp\\x.log"}]},
        ],
    }
    action = emu.api("POST", f"/api/machines/{machine['id']}/runliveresponse", token, json=body)
    assert action.status_code == 201, action.text
    payload = action.json()
    assert payload["type"] == "LiveResponse"
    assert payload["commands"][0]["command"]["type"] == "GetFile"
    busy = emu.api("POST", f"/api/machines/{machine['id']}/runliveresponse", token, json=body)
    assert busy.json()["error"]["code"] == "ActiveRequestAlreadyExists"
    later(emu)
    link = emu.api(
        "GET",
        f"/api/machineactions/{payload['id']}/GetLiveResponseResultDownloadLink(index=0)",
        token,
    ).json()["value"]
    content = emu.http.get(link.replace("https://emulator.test", "")).content
    assert b"x.log" in content
    missing = emu.api(
        "GET",
        f"/api/machineactions/{payload['id']}/GetLiveResponseResultDownloadLink(index=5)",
        token,
    )
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("isolate", {}, "MissingRequiredParameter"),
        ("isolate", {"comment": "lower-case name"}, "MissingRequiredParameter"),
        ("isolate", {"Comment": "c", "IsolationType": "Partial"}, "InvalidInput"),
        ("StopAndQuarantineFile", {"Comment": "c", "Sha1": "nothex"}, "InvalidHashValue"),
        (
            "runliveresponse",
            {"Comment": "c", "Commands": [{"type": "Format", "params": []}]},
            "InvalidInput",
        ),
        (
            "runliveresponse",
            {"Comment": "c", "Commands": [{"type": "GetFile", "params": []}]},
            "MissingRequiredParameter",
        ),
    ],
)
def test_bad_action_bodies(
    shared_emu: InProcess, path: str, body: dict[str, Any], code: str
) -> None:
    token = shared_emu.token()
    machine = active_windows(shared_emu, token)
    response = shared_emu.api("POST", f"/api/machines/{machine['id']}/{path}", token, json=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_unknown_machine_and_unsupported_platform(emu: InProcess) -> None:
    token = emu.token()
    unknown = emu.api(
        "POST", "/api/machines/" + "0" * 40 + "/isolate", token, json={"Comment": "c"}
    )
    assert unknown.status_code == 404
    # A larger world has every OS family, Linux included.
    emu.http.post("/_emulator/seed", headers=admin(emu), json={"machines": 200, "alerts": 10})
    machines = emu.api(
        "GET", "/api/machines", token, params={"$filter": "osPlatform eq 'Linux'"}
    ).json()["value"]
    assert machines, "a 200-machine world has Linux machines"
    refused = emu.api(
        "POST",
        f"/api/machines/{machines[0]['id']}/restrictCodeExecution",
        token,
        json={"Comment": "c"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "OsPlatformNotSupported"


def test_progression_modes_from_the_control_api(emu: InProcess) -> None:
    token = emu.token()
    machine = active_windows(emu, token)
    emu.http.put("/_emulator/actions", headers=admin(emu), json={"mode": "instant"})
    instant = emu.api(
        "POST", f"/api/machines/{machine['id']}/runAntiVirusScan", token, json={"Comment": "now"}
    ).json()
    assert instant["status"] == "Succeeded"
    emu.http.put("/_emulator/actions", headers=admin(emu), json={"mode": "fail"})
    failing = emu.api(
        "POST", f"/api/machines/{machine['id']}/runAntiVirusScan", token, json={"Comment": "doomed"}
    ).json()
    later(emu)
    assert (
        emu.api("GET", f"/api/machineactions/{failing['id']}", token).json()["status"] == "Failed"
    )
    emu.http.put("/_emulator/actions", headers=admin(emu), json={"mode": "manual"})
    manual = emu.api(
        "POST", f"/api/machines/{machine['id']}/runAntiVirusScan", token, json={"Comment": "wait"}
    ).json()
    later(emu, 3600)
    assert (
        emu.api("GET", f"/api/machineactions/{manual['id']}", token).json()["status"] == "Pending"
    )
    bad = emu.http.put("/_emulator/actions", headers=admin(emu), json={"mode": "sometimes"})
    assert bad.status_code == 400


def test_actions_list_filters_and_pages(emu: InProcess) -> None:
    token = emu.token()
    machine = active_windows(emu, token)
    for kind in ("runAntiVirusScan", "collectInvestigationPackage", "restrictCodeExecution"):
        emu.api("POST", f"/api/machines/{machine['id']}/{kind}", token, json={"Comment": "c"})
    listed = emu.api(
        "GET",
        "/api/machineactions",
        token,
        params={"$filter": f"machineId eq '{machine['id']}' and type eq 'RunAntiVirusScan'"},
    )
    assert [a["type"] for a in listed.json()["value"]] == ["RunAntiVirusScan"]
    top = emu.api("GET", "/api/machineactions?$top=2", token).json()["value"]
    assert len(top) == 2
    bad = emu.api("GET", "/api/machineactions", token, params={"$filter": "type eq 'Reboot'"})
    assert bad.status_code == 400


def test_requests_journal_the_action(emu: InProcess) -> None:
    token = emu.token()
    machine = active_windows(emu, token)
    emu.api("POST", f"/api/machines/{machine['id']}/isolate", token, json={"Comment": "c"})
    entries = emu.http.get(
        "/_emulator/journal", headers=admin(emu), params={"path": "/isolate"}
    ).json()
    assert entries[-1]["operation"] == "machines.isolate"
    assert entries[-1]["status"] == 201
    assert entries[-1]["appId"] == emu.dev.client_id
    assert "Machine.Isolate" in entries[-1]["rolesNeeded"]
    assert json.dumps(entries).find(emu.dev.client_secret) == -1
