"""A served emulator process killed with SIGKILL and started again on the same port, state
directory and database: what it acknowledged before the kill is all there afterwards (SQLite
and PostgreSQL), and the client and the alert export carry on across the outage, getting
every alert exactly once."""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mdekit import AsyncClient, Client
from mdekit.catalog import DEFENDER
from mdekit.client.core import RetryPolicy
from mdekit.client.pacing import PacingSettings
from mdekit.client.settings import Settings, load_settings
from tests.support.emulators import wait_for
from tests.support.restarts import Restartable
from tests.support.scale import GRAPH_SCOPE, database_url
from tests.test_cli import mdekit
from tests.test_cli_alert_export import export_args, exported, start

pytestmark = pytest.mark.slow

NO_PACING = PacingSettings(enabled=False)
OUTAGE_POLICY = RetryPolicy(attempts=12, backoff=0.5, max_backoff=4.0)
"""The default policy (4 attempts, 1.75-3.5 s of backoff in all) rides out a blip; a process
restart takes longer, so a caller that must outlive one asks for more attempts."""


@pytest.fixture
def sqlite_emulator(tmp_path: Path) -> Iterator[Restartable]:
    with database_url("sqlite", tmp_path) as db_url:
        emu = Restartable.start(tmp_path / "state", db_url, "--alerts", "40")
        try:
            yield emu
        finally:
            emu.stop()


def settings_of(emu: Restartable) -> Settings:
    process = emu.current
    return load_settings(
        api_url=process.url,
        graph_url=process.url,
        authority=process.url,
        tenant_id=process.dev.tenant_id,
        client_id=process.dev.client_id,
        client_secret=process.dev.client_secret,
        ca_bundle=process.bundle,
        environ={},
    )


def list_alerts(kind: str, emu: Restartable, on_item: Callable[[int], None]) -> list[str]:
    ids: list[str] = []
    settings = settings_of(emu)
    if kind == "sync":
        with Client(settings=settings, pacing=NO_PACING, retry=OUTAGE_POLICY) as client:
            for alert in client.alerts.list(page_size=4):
                ids.append(alert.id)
                on_item(len(ids))
        return ids

    async def run() -> None:
        async with AsyncClient(settings=settings, pacing=NO_PACING, retry=OUTAGE_POLICY) as client:
            async for alert in client.alerts.list(page_size=4):
                ids.append(alert.id)
                on_item(len(ids))

    asyncio.run(run())
    return ids


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_client_carries_on_across_restarts(kind: str, sqlite_emulator: Restartable) -> None:
    emu = sqlite_emulator
    with Client(settings=settings_of(emu), pacing=NO_PACING) as client:
        every_alert = sorted(a.id for a in client.alerts.list())
    assert len(every_alert) == 40

    def on_item(n: int) -> None:
        if n in (6, 22):  # killed mid-listing, twice; back while the client retries
            emu.settle()
            emu.restart_in_background()

    ids = list_alerts(kind, emu, on_item)
    emu.settle()
    assert emu.kills == 2
    assert len(ids) == len(set(ids)), "an alert came twice"
    assert sorted(ids) == every_alert, "an alert is missing"


def test_the_first_token_waits_for_a_restarting_emulator(sqlite_emulator: Restartable) -> None:
    """Killed before the client has a token: fetching it meets the outage, and is retried
    by the same policy as the API calls."""
    emu = sqlite_emulator
    with Client(settings=settings_of(emu), pacing=NO_PACING) as client:
        every_alert = sorted(a.id for a in client.alerts.list())
    emu.restart_in_background()
    ids = list_alerts("sync", emu, lambda _n: None)
    emu.settle()
    assert sorted(ids) == every_alert


def test_the_alert_export_across_emulator_kills(
    sqlite_emulator: Restartable, tmp_path: Path
) -> None:
    """The export runs while the emulator is killed at random moments; each run either
    outlives the outage or stops with the transport error (exit 6), and the next run picks
    up from the checkpoint. In the end: every alert once."""
    emu = sqlite_emulator
    with Client(settings=settings_of(emu), pacing=NO_PACING) as client:
        every_alert = sorted(
            (a.id, str(a.model_dump(mode="json", by_alias=True)["lastUpdateTime"]))
            for a in client.alerts.list()
        )
    rng = random.Random(5)
    args = export_args(tmp_path, "ndjson")
    codes: list[int] = []
    errors: list[str] = []
    for _ in range(3):
        process = start(args, emu.env())
        time.sleep(rng.uniform(0.8, 2.5))  # a random moment of the run (start-up ~0.6 s)
        emu.restart()
        _, stderr = process.communicate(timeout=180)
        assert "Traceback" not in stderr
        codes.append(process.returncode)
        errors.append(stderr[-600:])
    assert set(codes) <= {0, 6}, (codes, errors)
    final = mdekit(*args, env=emu.env())
    assert final.returncode == 0, final.stderr
    out = tmp_path / "alerts.ndjson"
    found = exported(out, "ndjson")
    assert len(found) == len(set(found)), "an alert was written twice"
    assert found == every_alert


def _ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _write_everything(emu: Restartable, http: httpx.Client) -> dict[str, Any]:
    """One of each kind of state, each acknowledged; what to look for after the kill."""
    process = emu.current
    graph = process.token(http, GRAPH_SCOPE)
    roles = [DEFENDER.role(name) for name in ("Alert.Read.All", "Ti.ReadWrite.All")]
    access = [{"id": role.id, "type": "Role"} for role in roles if role is not None]
    app = _ok(
        http.post(
            "/v1.0/applications",
            headers=_bearer(graph),
            json={
                "displayName": "survives a kill",
                "requiredResourceAccess": [
                    {"resourceAppId": DEFENDER.app_id, "resourceAccess": access}
                ],
            },
        )
    )
    secret = _ok(
        http.post(f"/v1.0/applications/{app['id']}/addPassword", headers=_bearer(graph), json={})
    )["secretText"]
    process.control(
        http,
        "POST",
        "/consent",
        json={"tenant": process.dev.tenant_id, "clientId": app["appId"]},
    )
    process.control(http, "PUT", "/actions", json={"mode": "manual"})
    process.control(http, "POST", "/clock", json={"advance": 900})
    own = process.token(http, client_id=app["appId"], client_secret=secret)
    dev = process.token(http)
    indicator = _ok(
        http.post(
            "/api/indicators",
            headers=_bearer(own),
            json={
                "indicatorValue": "kill-test.example",
                "indicatorType": "DomainName",
                "action": "Audit",
                "generateAlert": True,
                "title": "survives a kill",
                "description": "written just before SIGKILL",
                "severity": "High",
            },
        )
    )
    alert = _ok(http.get("/api/alerts", params={"$top": 1}, headers=_bearer(dev)))["value"][0]
    patched = _ok(
        http.patch(
            f"/api/alerts/{alert['id']}",
            headers=_bearer(dev),
            json={
                "status": "Resolved",
                "classification": "TruePositive",
                "determination": "Malware",
                "comment": "resolved just before SIGKILL",
            },
        )
    )
    machine = _ok(http.get("/api/machines", params={"$top": 1}, headers=_bearer(dev)))["value"][0]
    action = _ok(
        http.post(
            f"/api/machines/{machine['id']}/isolate",
            headers=_bearer(dev),
            json={"Comment": "isolated just before SIGKILL", "IsolationType": "Full"},
        )
    )
    clock = process.control(http, "GET", "/clock")
    return {
        "app": app,
        "secret": secret,
        "indicator": indicator,
        "alert": patched,
        "machine": machine["id"],
        "action": action,
        "dev_token": dev,
        "clock_offset": clock.get("offsetSeconds"),
    }


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_killed_emulator_comes_back_with_its_state(kind: str, tmp_path: Path) -> None:
    with database_url(kind, tmp_path) as db_url:
        emu = Restartable.start(tmp_path / "state", db_url)
        try:
            with emu.http() as http:
                before = _write_everything(emu, http)
            emu.restart()  # SIGKILL right after the last acknowledged write
            with emu.http() as http:
                _check_everything(emu, http, before)
        finally:
            emu.stop()


def _check_everything(emu: Restartable, http: httpx.Client, before: dict[str, Any]) -> None:
    process = emu.current
    # The app, its secret and its consent: the secret still gets a token with the roles.
    own = process.token(http, client_id=before["app"]["appId"], client_secret=before["secret"])
    graph = process.token(http, GRAPH_SCOPE)
    app = _ok(http.get(f"/v1.0/applications/{before['app']['id']}", headers=_bearer(graph)))
    assert app["displayName"] == "survives a kill"
    # A token issued before the kill is still good: the signing keys were kept.
    dev = before["dev_token"]
    alert = _ok(http.get(f"/api/alerts/{before['alert']['id']}", headers=_bearer(dev)))
    for field in ("status", "classification", "determination", "lastUpdateTime"):
        assert alert[field] == before["alert"][field], field
    indicators = _ok(http.get("/api/indicators", headers=_bearer(own)))["value"]
    assert [i["id"] for i in indicators if i["indicatorValue"] == "kill-test.example"] == [
        before["indicator"]["id"]
    ]
    action = _ok(http.get(f"/api/machineactions/{before['action']['id']}", headers=_bearer(dev)))
    assert action["status"] == "Pending", "manual mode was kept: the action waits as before"
    assert action["requestorComment"] == "isolated just before SIGKILL"
    again = http.post(
        f"/api/machines/{before['machine']}/isolate",
        headers=_bearer(dev),
        json={"Comment": "a second one", "IsolationType": "Full"},
    )
    assert again.status_code == 400, "the action in flight still blocks a second one"
    assert again.json()["error"]["code"] == "ActiveRequestAlreadyExists"
    clock = process.control(http, "GET", "/clock")
    assert clock.get("offsetSeconds") == before["clock_offset"]


def test_a_follow_export_outlives_emulator_restarts(
    sqlite_emulator: Restartable, tmp_path: Path
) -> None:
    """`--follow` runs for days: the emulator killed and restarted twice under it ends no
    round for good, and an update made afterwards still arrives, once."""
    emu = sqlite_emulator
    with Client(settings=settings_of(emu), pacing=NO_PACING) as client:
        every_alert = [
            (a.id, str(a.model_dump(mode="json", by_alias=True)["lastUpdateTime"]))
            for a in client.alerts.list()
        ]
    out = tmp_path / "alerts.ndjson"

    def lines() -> int:
        return len(out.read_text().splitlines()) if out.exists() else 0

    process = start(export_args(tmp_path, "ndjson", "--follow", "--interval", "0.2"), emu.env())
    try:
        wait_for(lambda: lines() >= len(every_alert), 120)
        # Down longer than a request's retries last (three waits of at most 0.5, 1 and 2 s):
        # a round meets the outage for good, whatever the machine's load.
        emu.restart(down_for=4.0)
        emu.restart()
        with emu.http() as http:
            token = emu.current.token(http)
            updated = _ok(
                http.patch(
                    f"/api/alerts/{every_alert[0][0]}",
                    headers=_bearer(token),
                    json={"status": "InProgress", "comment": "updated after two restarts"},
                )
            )
        wait_for(lambda: lines() > len(every_alert), 120)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "retrying in 0.2 s" in stderr, "rounds met the outage and carried on"
    assert emu.current.dev.client_secret not in stderr
    found = exported(out, "ndjson")
    assert found == sorted([*every_alert, (updated["id"], updated["lastUpdateTime"])])
