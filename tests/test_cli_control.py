"""`mdekit emulator reset|seed|actions|quotas|fault|journal` as a user runs them:
subprocesses against an emulator on a real TLS port, each effect checked through the API."""

from __future__ import annotations

import json
import os
import queue
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mdekit.emulator.config import EmulatorConfig
from mdekit.emulator.server import RunningEmulator
from tests.support.emulators import Served, served


def mdekit(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    # The caller's own emulator settings must not leak into these runs.
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MDE_EMULATOR_ADMIN_KEY", "MDE_EMULATOR_URL")
    }
    full_env = {**inherited, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mdekit", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """An emulator these tests may reconfigure (small world, quotas off)."""
    with served(
        tmp_path_factory.mktemp("cli-control"), quotas=False, machines=6, alerts=9
    ) as running:
        yield running


def emulator_cli(own: Served, *args: str) -> subprocess.CompletedProcess[str]:
    return mdekit("emulator", *args, "--state-dir", str(own.running.config.state_dir))


def ok_json(own: Served, *args: str) -> Any:
    result = emulator_cli(own, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def api(own: Served) -> Iterator[httpx.Client]:
    """The Defender API of `own` with the dev app's token."""
    verify = ssl.create_default_context(cafile=own.bundle)
    with httpx.Client(base_url=own.url, verify=verify, timeout=30) as anonymous:
        token = anonymous.post(
            f"/{own.dev.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": own.dev.client_id,
                "client_secret": own.dev.client_secret,
                "scope": "https://api.securitycenter.microsoft.com/.default",
            },
        ).json()["access_token"]
    with httpx.Client(
        base_url=own.url,
        verify=verify,
        timeout=30,
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client


def test_quotas_switch_and_scale_the_limits(own: Served, api: httpx.Client) -> None:
    shown = emulator_cli(own, "quotas")
    assert shown.returncode == 0, shown.stderr
    assert "quotas off" in shown.stdout
    assert emulator_cli(own, "reset").returncode == 0  # quota counters start from zero
    assert ok_json(own, "quotas", "scale", "0.01", "--json") == {"enabled": False, "scale": 0.01}
    on = emulator_cli(own, "quotas", "on")
    assert "quotas on, scale 0.01" in on.stdout
    # 100 calls a minute scaled by 0.01: the second call in a minute is refused. The frozen
    # clock keeps both calls in one quota window.
    assert emulator_cli(own, "clock", "freeze").returncode == 0
    try:
        statuses = [api.get("/api/alerts", params={"$top": "1"}).status_code for _ in range(2)]
    finally:
        assert emulator_cli(own, "clock", "thaw").returncode == 0
    assert statuses == [200, 429]
    assert "quotas off" in emulator_cli(own, "quotas", "off").stdout
    assert api.get("/api/alerts", params={"$top": "1"}).status_code == 200
    assert ok_json(own, "quotas", "scale", "1", "--json")["scale"] == 1


def test_quotas_usage_errors(own: Served) -> None:
    missing = emulator_cli(own, "quotas", "scale")
    assert missing.returncode == 2
    assert "needs a FACTOR" in missing.stderr
    stray = emulator_cli(own, "quotas", "on", "3")
    assert stray.returncode == 2
    bad = emulator_cli(own, "quotas", "scale", "0")
    assert bad.returncode == 2, "the control API refuses a zero scale"
    assert "'scale' must be a number" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_actions_mode_and_timings(own: Served, api: httpx.Client) -> None:
    windows = "startswith(osPlatform,'Windows') and healthStatus eq 'Active'"
    machine = api.get("/api/machines", params={"$top": "1", "$filter": windows}).json()["value"][0][
        "id"
    ]
    instant = ok_json(own, "actions", "instant", "--json")
    assert instant["mode"] == "instant"
    action = api.post(
        f"/api/machines/{machine}/runAntiVirusScan",
        json={"Comment": "from the CLI test", "ScanType": "Quick"},
    )
    assert action.status_code == 201, action.text
    assert action.json()["status"] == "Succeeded"
    manual = emulator_cli(own, "actions", "manual", "--pending-seconds", "1", "--done-seconds", "3")
    assert manual.returncode == 0, manual.stderr
    assert "machine actions: manual (pending 1 s, done after 3 s)" in manual.stdout
    assert ok_json(own, "actions", "--json") == {
        "mode": "manual",
        "pendingSeconds": 1,
        "doneSeconds": 3,
    }
    backwards = emulator_cli(own, "actions", "--pending-seconds", "9")
    assert backwards.returncode == 2
    assert "'doneSeconds' must not be less than 'pendingSeconds'" in backwards.stderr
    unknown = emulator_cli(own, "actions", "later")
    assert unknown.returncode != 0
    assert "'later' is not one of" in unknown.stderr
    assert ok_json(own, "actions", "auto", "--json")["mode"] == "auto"


def test_seed_then_reset(own: Served, api: httpx.Client) -> None:
    seeded = ok_json(own, "seed", "--machines", "3", "--alerts", "4", "--seed", "7", "--json")
    (world,) = seeded["tenants"]
    assert world == {"tenant": own.dev.tenant_id, "machines": 3, "alerts": 4, "seed": 7}
    assert len(api.get("/api/machines").json()["value"]) == 3
    assert len(api.get("/api/alerts").json()["value"]) == 4
    reset = emulator_cli(own, "reset")
    assert reset.returncode == 0, reset.stderr
    assert f"tenant {own.dev.tenant_id}: 6 machines, 9 alerts (seed 1)" in reset.stdout
    assert len(api.get("/api/machines").json()["value"]) == 6
    by_domain = emulator_cli(own, "seed", "--tenant", "contoso.onmicrosoft.com", "--alerts", "2")
    assert "6 machines, 2 alerts" in by_domain.stdout
    nobody = emulator_cli(own, "seed", "--tenant", "nobody.onmicrosoft.com")
    assert nobody.returncode == 5
    assert "does not exist" in nobody.stderr
    emulator_cli(own, "reset")


def test_faults_add_list_and_clear(own: Served, api: httpx.Client) -> None:
    added = emulator_cli(
        own,
        "fault",
        "add",
        "--path",
        "/api/alerts*",
        "--status",
        "503",
        "--count",
        "2",
        "--retry-after",
        "7",
        "--method",
        "get",
    )
    assert added.returncode == 0, added.stderr
    assert "GET /api/alerts* answers 503, Retry-After 7, 2 time(s)" in added.stdout
    (rule,) = ok_json(own, "fault", "list", "-o", "json")
    assert rule["status"] == 503
    assert rule["method"] == "GET"
    first, second, third = (api.get("/api/alerts", params={"$top": "1"}) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["Retry-After"] == "7"
    assert first.json()["error"]["code"] == "ServiceUnavailable"
    assert ok_json(own, "fault", "list", "-o", "json") == [], "used up after two requests"

    forever = ok_json(
        own, "fault", "add", "--path", "/api/machines/*", "--status", "429", "--forever", "--json"
    )
    assert forever["count"] is None
    stall = emulator_cli(own, "fault", "add", "--path", "/api/alerts", "--stall", "0.1")
    assert "answers normally after a 0.1 s stall" in stall.stdout
    assert api.get("/api/alerts").status_code == 200, "a stall alone keeps the real answer"
    table = emulator_cli(own, "fault", "list")
    assert "/api/machines/*" in table.stdout
    cleared = emulator_cli(own, "fault", "clear")
    assert "faults cleared" in cleared.stdout
    assert ok_json(own, "fault", "list", "-o", "json") == []


def test_fault_add_needs_a_status_or_a_stall(own: Served) -> None:
    result = emulator_cli(own, "fault", "add", "--path", "/api/alerts")
    assert result.returncode == 2
    assert "give --status CODE, --stall SECONDS, or both" in result.stderr
    out_of_range = emulator_cli(own, "fault", "add", "--path", "/api/*", "--status", "200")
    assert out_of_range.returncode != 0
    assert "400" in out_of_range.stderr
    assert ok_json(own, "fault", "list", "-o", "json") == []


def test_journal_filters_and_formats(own: Served, api: httpx.Client) -> None:
    refused = httpx.get(
        f"{own.url}/api/alerts", verify=ssl.create_default_context(cafile=own.bundle)
    )
    assert refused.status_code == 401
    assert api.get("/api/machines", params={"$top": "1"}).status_code == 200

    unauthorized = ok_json(own, "journal", "--status", "401", "--format", "json")
    assert unauthorized
    assert {entry["status"] for entry in unauthorized} == {401}
    assert any(entry["path"] == "/api/alerts" for entry in unauthorized)
    assert all(entry["reason"] for entry in unauthorized)

    machines = ok_json(own, "journal", "--path", "/api/machines", "-n", "2", "--format", "json")
    assert 1 <= len(machines) <= 2
    assert all("/api/machines" in entry["path"] for entry in machines)

    mine = ok_json(own, "journal", "--app", own.dev.client_id, "--format", "json")
    assert mine
    assert {entry["appId"] for entry in mine} == {own.dev.client_id}

    table = emulator_cli(own, "journal", "--status", "401")
    assert table.returncode == 0, table.stderr
    assert "Journal" in table.stdout
    assert "/api/alerts" in table.stdout


def _lines(stream: Any, into: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):
        into.put(line)


def test_journal_follow_prints_new_entries_until_interrupted(
    own: Served, api: httpx.Client
) -> None:
    marker = "follow-marker-4711"
    command = [sys.executable, "-m", "mdekit", "emulator", "journal", "--follow"]
    command += ["--format", "json", "--path", marker, "--interval", "0.2"]
    command += ["--state-dir", str(own.running.config.state_dir)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()
    try:
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 60
        while len(seen) < 2 and time.monotonic() < deadline:
            # Requests keep coming until two of them have been printed by the follower.
            api.get(f"/api/alerts/{marker}")
            try:
                seen.append(json.loads(lines.get(timeout=1)))
            except queue.Empty:
                continue
        assert len(seen) >= 2, process.stderr.read() if process.poll() is not None else ""
        assert all(marker in entry["path"] for entry in seen)
        assert all(entry["status"] == 404 for entry in seen)
        assert seen[0]["seq"] < seen[1]["seq"], "each entry printed once, oldest first"
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    """An emulator listening on every interface: local callers need the admin key too."""
    config = EmulatorConfig(state_dir=tmp_path_factory.mktemp("keyed"), quotas=False)
    with RunningEmulator(config, host="0.0.0.0", record=False) as running:
        yield running


def test_url_with_the_admin_key_from_the_environment(
    keyed: RunningEmulator, tmp_path: Path
) -> None:
    elsewhere = str(tmp_path / "not-the-emulators-state-dir")
    base = {"SSL_CERT_FILE": str(keyed.tls.bundle)}
    no_key = mdekit("emulator", "quotas", "--url", keyed.url, "--state-dir", elsewhere, env=base)
    assert no_key.returncode == 4, no_key.stderr
    assert "MDE_EMULATOR_ADMIN_KEY" in no_key.stderr
    wrong = mdekit(
        "emulator",
        "quotas",
        "--url",
        keyed.url,
        "--state-dir",
        elsewhere,
        env={**base, "MDE_EMULATOR_ADMIN_KEY": "not-the-key"},
    )
    assert wrong.returncode == 4
    keyed_env = {**base, "MDE_EMULATOR_ADMIN_KEY": keyed.emulator.admin_key}
    shown = mdekit(
        "emulator", "quotas", "--url", keyed.url, "--state-dir", elsewhere, env=keyed_env
    )
    assert shown.returncode == 0, shown.stderr
    assert "quotas off, scale 1" in shown.stdout
    by_env = mdekit(
        "emulator",
        "tenant",
        "list",
        "-o",
        "json",
        "--state-dir",
        elsewhere,
        env={**keyed_env, "MDE_EMULATOR_URL": keyed.url},
    )
    assert by_env.returncode == 0, by_env.stderr
    assert [t["id"] for t in json.loads(by_env.stdout)] == [keyed.emulator.dev.tenant_id]


def test_without_a_running_emulator_the_hint_names_url(tmp_path: Path) -> None:
    result = mdekit("emulator", "reset", "--state-dir", str(tmp_path))
    assert result.returncode == 1
    assert "no emulator is running" in result.stderr
    assert "--url" in result.stderr
    assert "Traceback" not in result.stderr
