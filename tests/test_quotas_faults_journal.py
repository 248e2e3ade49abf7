"""Quotas from the catalog (429 with Retry-After), fault injection, the request journal."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from mdekit import Client
from mdekit.catalog import DEFENDER
from tests.support.emulators import GRAPH_SCOPE, InProcess, Served, in_process, served


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[InProcess]:
    """An emulator with quotas on, scaled to 5% (alerts: 5/min, hunting: 2/min). Its clock is
    frozen so that a test's calls all fall in one fixed quota window: on a running clock, a
    minute boundary between two calls starts a fresh count (a CI run once saw that)."""
    with in_process(tmp_path / "limited") as emu:
        emu.http.put("/_emulator/quotas", headers=admin(emu), json={"scale": 0.05})
        emu.http.post("/_emulator/clock", headers=admin(emu), json={"freeze": True})
        yield emu


def admin(emu: InProcess) -> dict[str, str]:
    return {"X-Emulator-Admin-Key": emu.emulator.admin_key}


def second_app_token(emu: InProcess) -> str:
    graph = emu.token(GRAPH_SCOPE)
    roles = [DEFENDER.role(name) for name in ("Alert.Read.All", "AdvancedQuery.Read.All")]
    access = [{"id": role.id, "type": "Role"} for role in roles if role is not None]
    app = emu.api(
        "POST",
        "/v1.0/applications",
        graph,
        json={
            "displayName": "second",
            "requiredResourceAccess": [
                {"resourceAppId": DEFENDER.app_id, "resourceAccess": access}
            ],
        },
    ).json()
    secret = emu.api("POST", f"/v1.0/applications/{app['id']}/addPassword", graph, json={}).json()[
        "secretText"
    ]
    emu.http.post(
        "/_emulator/consent",
        headers=admin(emu),
        json={"tenant": emu.dev.tenant_id, "clientId": app["appId"]},
    )
    return emu.token(client_id=app["appId"], secret=secret)


def test_quota_per_app_and_endpoint_with_retry_after(limited: InProcess) -> None:
    token = limited.token()
    statuses = [limited.api("GET", "/api/alerts?$top=1", token).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    refused = limited.api("GET", "/api/alerts?$top=1", token)
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    error = refused.json()["error"]
    assert error["code"] == "TooManyRequests"
    assert error["message"] == "API calls quota exceeded! maximum allowed 5 per 00:01:00"
    # Another endpoint, or another app, has its own count.
    assert limited.api("GET", "/api/machines?$top=1", token).status_code == 200
    assert limited.api("GET", "/api/alerts?$top=1", second_app_token(limited)).status_code == 200
    limited.emulator.clock.advance(timedelta(seconds=retry_after))
    assert limited.api("GET", "/api/alerts?$top=1", token).status_code == 200


def test_hunting_quota_is_per_tenant(limited: InProcess) -> None:
    first, second = limited.token(), second_app_token(limited)
    body = {"Query": "DeviceInfo | take 1"}
    for token in (first, second):
        assert limited.api("POST", "/api/advancedqueries/run", token, json=body).status_code != 429
    refused = limited.api("POST", "/api/advancedqueries/run", first, json=body)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "429"
    assert (
        refused.json()["error"]["message"]
        == "API calls quota exceeded! maximum allowed 2 per 00:01:00"
    )


def test_quotas_can_be_switched_off(limited: InProcess) -> None:
    limited.http.put("/_emulator/quotas", headers=admin(limited), json={"enabled": False})
    token = limited.token()
    assert all(
        limited.api("GET", "/api/alerts?$top=1", token).status_code == 200 for _ in range(20)
    )
    assert limited.http.get("/_emulator/quotas", headers=admin(limited)).json() == {
        "enabled": False,
        "scale": 0.05,
    }
    bad = limited.http.put("/_emulator/quotas", headers=admin(limited), json={"scale": -1})
    assert bad.status_code == 400


def test_injected_faults_then_recovery(emu: InProcess) -> None:
    token = emu.token()
    added = emu.http.post(
        "/_emulator/faults",
        headers=admin(emu),
        json={"path": "/api/alerts*", "status": 503, "count": 2, "retryAfter": 7},
    )
    assert added.status_code == 201
    first = emu.api("GET", "/api/alerts", token)
    assert first.status_code == 503
    assert first.headers["retry-after"] == "7"
    assert emu.api("GET", "/api/alerts", token).status_code == 503
    assert emu.api("GET", "/api/alerts", token).status_code == 200
    assert emu.http.get("/_emulator/faults", headers=admin(emu)).json() == []


def test_faults_by_method_and_until_cleared(emu: InProcess) -> None:
    token = emu.token()
    emu.http.post(
        "/_emulator/faults",
        headers=admin(emu),
        json={"path": "*/oauth2/v2.0/token", "status": 500, "count": None, "method": "POST"},
    )
    for _ in range(3):
        response = emu.http.post(f"/{emu.dev.tenant_id}/oauth2/v2.0/token", data={})
        assert response.status_code == 500
    assert emu.api("GET", "/api/alerts?$top=1", token).status_code == 200
    assert len(emu.http.get("/_emulator/faults", headers=admin(emu)).json()) == 1
    assert emu.http.delete("/_emulator/faults", headers=admin(emu)).status_code == 204
    assert emu.token()


@pytest.mark.parametrize(
    "body",
    [
        {"path": "no-slash"},
        {"path": "/api", "status": 200},
        {"path": "/api", "count": 0},
        {"path": "/api", "status": "x"},
    ],
)
def test_bad_fault_rules_are_refused(emu: InProcess, body: dict[str, object]) -> None:
    assert emu.http.post("/_emulator/faults", headers=admin(emu), json=body).status_code == 400


def test_journal_records_who_why_and_never_a_secret(emu: InProcess) -> None:
    token = emu.token()
    emu.api("GET", "/api/alerts?$top=2", token)
    emu.api("GET", "/api/alerts")
    emu.http.post(
        f"/{emu.dev.tenant_id}/oauth2/v2.0/token?client_secret=leaked",
        data={
            "grant_type": "client_credentials",
            "client_id": emu.dev.client_id,
            "client_secret": "wrong",
            "scope": "x/.default",
        },
    )
    entries = emu.http.get("/_emulator/journal", headers=admin(emu)).json()
    ok = next(e for e in entries if e["path"].startswith("/api/alerts?") and e["status"] == 200)
    assert ok["operation"] == "alerts.list"
    assert ok["tenantId"] == emu.dev.tenant_id
    assert "Alert.Read.All" in ok["roles"]
    assert ok["durationMs"] > 0
    denied = next(e for e in entries if e["status"] == 401)
    assert denied["reason"] == "no Authorization header"
    text = json.dumps(entries)
    assert "leaked" not in text
    assert emu.dev.client_secret not in text
    assert token not in text
    only_401 = emu.http.get("/_emulator/journal", headers=admin(emu), params={"status": 401}).json()
    assert {e["status"] for e in only_401} == {401}


@pytest.fixture
def limited_server(tmp_path: Path) -> Iterator[Served]:
    with served(tmp_path / "limited-served") as running:
        yield running


def test_the_client_waits_out_a_throttle(limited_server: Served) -> None:
    control = httpx.Client(
        base_url=limited_server.url,
        verify=ssl.create_default_context(cafile=limited_server.bundle),
        headers={"X-Emulator-Admin-Key": limited_server.running.emulator.admin_key},
    )
    control.put("/_emulator/quotas", json={"scale": 0.02})  # alerts.list: 2 per minute
    control.post("/_emulator/clock", json={"freeze": True})
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:  # the emulator's time passes instead of ours
        sleeps.append(seconds)
        control.post("/_emulator/clock", json={"advance": seconds})

    with Client(settings=limited_server.settings(), sleep=sleep) as client:
        ids = [a.id for a in client.alerts.list(page_size=20)]
    assert len(ids) == 60
    assert sleeps, "the client slept on a 429 instead of failing"
    assert all(0 < s <= 60 for s in sleeps)
    control.close()
