"""Automated investigations: the world's investigations through OData, get by id or by the
triggering alert, and investigations started on a device running on the emulator clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from mdekit.emulator.defender.handlers_investigations import AIR_PLATFORMS
from mdekit.emulator.domain.actions import Mode
from tests.support.emulators import InProcess
from tests.support.role_apps import role_app

CONTEXT = "https://emulator.test/api/$metadata#Investigations"


@pytest.fixture(scope="module")
def token(shared_emu: InProcess) -> str:
    return shared_emu.token()


def _all(emu: InProcess, token: str) -> list[dict[str, Any]]:
    response = emu.api("GET", "/api/investigations", token)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["value"]
    return items


def _machines(emu: InProcess, token: str) -> list[dict[str, Any]]:
    machines: list[dict[str, Any]] = emu.api("GET", "/api/machines", token).json()["value"]
    return machines


def _open_alert_machines(emu: InProcess, token: str) -> set[str]:
    alerts = emu.api(
        "GET", "/api/alerts", token, params={"$filter": "status ne 'Resolved'"}
    ).json()["value"]
    return {a["machineId"] for a in alerts}


def _windows(emu: InProcess, token: str, *, open_alerts: bool) -> dict[str, Any]:
    busy = _open_alert_machines(emu, token)
    return next(
        m
        for m in _machines(emu, token)
        if m["osPlatform"] in ("Windows10", "Windows11")
        and m["healthStatus"] == "Active"
        and (m["id"] in busy) == open_alerts
    )


def _later(emu: InProcess, seconds: float = 10) -> None:
    emu.emulator.clock.advance(timedelta(seconds=seconds))


# -- list and get ---------------------------------------------------------------------------


def test_list_has_the_documented_shape(shared_emu: InProcess, token: str) -> None:
    response = shared_emu.api("GET", "/api/investigations", token)
    body = response.json()
    assert body["@odata.context"] == CONTEXT
    assert body["value"], "the world has investigations"
    for item in body["value"]:
        assert set(item) == {
            "id",
            "startTime",
            "endTime",
            "state",
            "cancelledBy",
            "statusDetails",
            "machineId",
            "computerDnsName",
            "triggeringAlertId",
        }
        assert item["id"].isdigit()


@pytest.mark.parametrize(
    ("field", "pick"),
    [
        ("state", lambda i: i["state"]),
        ("machineId", lambda i: i["machineId"]),
        ("id", lambda i: i["id"]),
        ("triggeringAlertId", lambda i: i["triggeringAlertId"]),
    ],
)
def test_filters_on_the_documented_fields(
    shared_emu: InProcess, token: str, field: str, pick: Any
) -> None:
    everything = _all(shared_emu, token)
    wanted = pick(next(i for i in everything if pick(i)))
    response = shared_emu.api(
        "GET", "/api/investigations", token, params={"$filter": f"{field} eq '{wanted}'"}
    )
    assert response.status_code == 200, response.text
    expected = [i["id"] for i in everything if i[field] == wanted]
    assert [i["id"] for i in response.json()["value"]] == expected


def test_filters_on_two_fields_in_turn_each_read_their_own_field(
    shared_emu: InProcess, token: str
) -> None:
    """Both filters compile to the same SQL shape over different JSON keys; each must read
    its own key (a statement cache that ignored the key once served the first to both)."""
    item = _all(shared_emu, token)[0]
    for field in ("state", "machineId", "state", "id"):
        found = shared_emu.api(
            "GET", "/api/investigations", token, params={"$filter": f"{field} eq '{item[field]}'"}
        ).json()["value"]
        assert item["id"] in {i["id"] for i in found}
        assert all(i[field] == item[field] for i in found)


def test_start_time_filter_splits_the_set(shared_emu: InProcess, token: str) -> None:
    everything = _all(shared_emu, token)
    times = sorted(i["startTime"] for i in everything)
    middle = times[len(times) // 2]
    newer = shared_emu.api(
        "GET", "/api/investigations", token, params={"$filter": f"startTime ge {middle}"}
    ).json()["value"]
    assert {i["id"] for i in newer} == {i["id"] for i in everything if i["startTime"] >= middle}
    assert 0 < len(newer) < len(everything)


def test_a_filter_on_an_undocumented_property_is_an_odata_error(
    shared_emu: InProcess, token: str
) -> None:
    response = shared_emu.api(
        "GET", "/api/investigations", token, params={"$filter": "cancelledBy eq 'x'"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "ODataError"


def test_top_and_skip_page_through(shared_emu: InProcess, token: str) -> None:
    everything = [i["id"] for i in _all(shared_emu, token)]
    seen: list[str] = []
    for skip in range(0, len(everything), 4):
        page = shared_emu.api(
            "GET", "/api/investigations", token, params={"$top": "4", "$skip": str(skip)}
        ).json()
        assert "@odata.nextLink" not in page
        seen.extend(i["id"] for i in page["value"])
    assert seen == everything
    too_many = shared_emu.api("GET", "/api/investigations", token, params={"$top": "10001"})
    assert too_many.status_code == 400


def test_count(shared_emu: InProcess, token: str) -> None:
    response = shared_emu.api("GET", "/api/investigations/$count", token)
    assert response.status_code == 200
    assert int(response.text) == len(_all(shared_emu, token))


def test_get_by_id_and_by_triggering_alert(shared_emu: InProcess, token: str) -> None:
    item = next(i for i in _all(shared_emu, token) if i["triggeringAlertId"])
    by_id = shared_emu.api("GET", f"/api/investigations/{item['id']}", token)
    by_alert = shared_emu.api("GET", f"/api/investigations/{item['triggeringAlertId']}", token)
    assert by_id.status_code == by_alert.status_code == 200
    assert by_id.json()["@odata.context"] == CONTEXT + "/$entity"
    assert by_id.json()["id"] == by_alert.json()["id"] == item["id"]
    alert = shared_emu.api("GET", f"/api/alerts/{item['triggeringAlertId']}", token).json()
    assert str(alert["investigationId"]) == item["id"]


def test_unknown_investigation_is_404(shared_emu: InProcess, token: str) -> None:
    response = shared_emu.api("GET", "/api/investigations/999999999", token)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "ResourceNotFound"
    assert error["target"] == response.headers["request-id"]


# -- start ----------------------------------------------------------------------------------


def test_start_runs_then_finishes_benign_on_a_quiet_device(emu: InProcess) -> None:
    token = emu.token()
    machine = _windows(emu, token, open_alerts=False)
    before = {i["id"] for i in _all(emu, token)}
    response = emu.api(
        "POST", f"/api/machines/{machine['id']}/startInvestigation", token, json={"Comment": "go"}
    )
    assert response.status_code == 201, response.text
    started = response.json()
    assert started["@odata.context"] == CONTEXT + "/$entity"
    assert started["state"] == "Running"
    assert (started["machineId"], started["computerDnsName"]) == (
        machine["id"],
        machine["computerDnsName"],
    )
    assert started["endTime"] is None
    assert started["triggeringAlertId"] is None
    assert started["id"].isdigit()
    assert started["id"] not in before
    assert int(started["id"]) > max(int(i) for i in before)
    _later(emu, 2)
    assert emu.api("GET", f"/api/investigations/{started['id']}", token).json()["state"] == (
        "Running"
    )
    _later(emu)
    done = emu.api("GET", f"/api/investigations/{started['id']}", token).json()
    assert done["state"] == "Benign"
    assert done["endTime"] > done["startTime"]
    listed = emu.api(
        "GET", "/api/investigations", token, params={"$filter": f"machineId eq '{machine['id']}'"}
    ).json()["value"]
    assert started["id"] in {i["id"] for i in listed}


def test_a_device_with_open_alerts_is_remediated(emu: InProcess) -> None:
    token = emu.token()
    machine = _windows(emu, token, open_alerts=True)
    started = emu.api(
        "POST", f"/api/machines/{machine['id']}/startInvestigation", token, json={"Comment": "x"}
    ).json()
    _later(emu)
    listed = emu.api(
        "GET", "/api/investigations", token, params={"$filter": f"id eq '{started['id']}'"}
    ).json()["value"]
    assert [i["state"] for i in listed] == ["SuccessfullyRemediated"]


def test_ids_keep_growing(emu: InProcess) -> None:
    token = emu.token()
    machine = _windows(emu, token, open_alerts=False)
    ids = [
        int(
            emu.api(
                "POST",
                f"/api/machines/{machine['computerDnsName']}/startInvestigation",
                token,
                json={"Comment": str(n)},
            ).json()["id"]
        )
        for n in range(3)
    ]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3


def test_an_offline_device_waits_for_resources(emu: InProcess) -> None:
    token = emu.token()
    machine = next(
        m
        for m in _machines(emu, token)
        if m["osPlatform"].startswith("Windows1") and m["healthStatus"] != "Active"
    )
    started = emu.api(
        "POST", f"/api/machines/{machine['id']}/startInvestigation", token, json={"Comment": "x"}
    ).json()
    assert started["state"] == "PendingResource"
    _later(emu, 3600)
    token = emu.token()
    found = emu.api("GET", f"/api/investigations/{started['id']}", token).json()
    assert found["state"] == "PendingResource"
    _later(emu, 3 * 24 * 3600)
    token = emu.token()
    found = emu.api("GET", f"/api/investigations/{started['id']}", token).json()
    assert found["state"] == "TerminatedBySystem"
    assert found["endTime"] is not None


@pytest.mark.parametrize(("mode", "state"), [(Mode.INSTANT, "Benign"), (Mode.FAIL, "Failed")])
def test_progression_modes(emu: InProcess, mode: Mode, state: str) -> None:
    emu.emulator.defender.actions.mode = mode
    token = emu.token()
    machine = _windows(emu, token, open_alerts=False)
    started = emu.api(
        "POST", f"/api/machines/{machine['id']}/startInvestigation", token, json={"Comment": "x"}
    ).json()
    _later(emu)
    assert emu.api("GET", f"/api/investigations/{started['id']}", token).json()["state"] == state


def test_manual_mode_keeps_it_running(emu: InProcess) -> None:
    emu.emulator.defender.actions.mode = Mode.MANUAL
    token = emu.token()
    machine = _windows(emu, token, open_alerts=False)
    started = emu.api(
        "POST", f"/api/machines/{machine['id']}/startInvestigation", token, json={"Comment": "x"}
    ).json()
    _later(emu, 600)
    token = emu.token()
    assert emu.api("GET", f"/api/investigations/{started['id']}", token).json()["state"] == (
        "Running"
    )


def test_unsupported_platforms_are_refused(emu: InProcess) -> None:
    # A 200-machine world has every OS family (a 25-machine one may not).
    admin = {"X-Emulator-Admin-Key": emu.emulator.admin_key}
    emu.http.post("/_emulator/seed", headers=admin, json={"machines": 200, "alerts": 10})
    shared_emu, token = emu, emu.token()
    unsupported = [m for m in _machines(shared_emu, token) if m["osPlatform"] not in AIR_PLATFORMS]
    assert unsupported, "the world has macOS, Linux or older Windows Server devices"
    for machine in unsupported:
        response = shared_emu.api(
            "POST",
            f"/api/machines/{machine['id']}/startInvestigation",
            token,
            json={"Comment": "x"},
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "OsPlatformNotSupported"
        assert machine["osPlatform"] in error["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "MissingRequiredParameter"),
        ({"comment": "wrong case"}, "MissingRequiredParameter"),
        ({"Comment": 5}, "InvalidInput"),
        ([1, 2], "InvalidRequestBody"),
        (None, "InvalidRequestBody"),
    ],
)
def test_bad_bodies(shared_emu: InProcess, token: str, body: Any, code: str) -> None:
    machine = _machines(shared_emu, token)[0]
    response = shared_emu.api(
        "POST", f"/api/machines/{machine['id']}/startInvestigation", token, json=body
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_broken_json_is_invalid_request_body(shared_emu: InProcess, token: str) -> None:
    machine = _machines(shared_emu, token)[0]
    response = shared_emu.api(
        "POST",
        f"/api/machines/{machine['id']}/startInvestigation",
        token,
        content=b'{"Comment": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidRequestBody"


def test_unknown_machine_is_404(shared_emu: InProcess, token: str) -> None:
    response = shared_emu.api(
        "POST", "/api/machines/nosuchmachine/startInvestigation", token, json={"Comment": "x"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ResourceNotFound"


def test_roles(emu: InProcess) -> None:
    reader = role_app(emu, ["Alert.Read.All"], "alert reader").token(emu)
    machines = role_app(emu, ["Machine.Read.All"], "machine reader").token(emu)
    machine = _machines(emu, emu.token())[0]
    assert emu.api("GET", "/api/investigations", reader).status_code == 200
    refused = emu.api(
        "POST", f"/api/machines/{machine['id']}/startInvestigation", reader, json={"Comment": "x"}
    )
    assert refused.status_code == 403
    assert "Alert.ReadWrite.All" in refused.json()["error"]["message"]
    listing = emu.api("GET", "/api/investigations", machines)
    assert listing.status_code == 403
    assert listing.json()["error"]["code"] == "Forbidden"


def test_fifty_starts_an_hour(tmp_path: Any) -> None:
    from tests.support.emulators import in_process

    with in_process(tmp_path / "quota", quotas=True) as emu:
        emu.emulator.clock.freeze()  # all 51 calls in one quota window
        token = emu.token()
        machine = _windows(emu, token, open_alerts=False)
        path = f"/api/machines/{machine['id']}/startInvestigation"
        statuses = [
            emu.api("POST", path, token, json={"Comment": str(n)}).status_code for n in range(51)
        ]
        assert statuses[:50] == [201] * 50
        assert statuses[50] == 429
        _later(emu, 3601)
        assert emu.api("POST", path, emu.token(), json={"Comment": "next hour"}).status_code == 201
