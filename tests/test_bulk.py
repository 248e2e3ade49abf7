"""Response actions across many machines: concurrency within quotas, waiting, idempotent
re-runs, "already in progress" resolved to the action in flight."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mdekit import Client
from mdekit.client.bulk import run_bulk
from mdekit.client.pacing import PacingSettings
from tests.support.emulators import Served, served
from tests.test_cli import mdekit


@pytest.fixture
def own(tmp_path: Path) -> Iterator[Served]:
    with served(tmp_path / "bulk", quotas=False, machines=40) as running:
        yield running


def control(server: Served) -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        verify=ssl.create_default_context(cafile=server.bundle),
        headers={"X-Emulator-Admin-Key": server.running.emulator.admin_key},
    )


def active(client: Client, n: int) -> list[str]:
    machines = client.machines.list(
        filter="healthStatus eq 'Active' and startswith(osPlatform,'Windows')"
    )
    return [m.id for m in machines][:n]


def test_bulk_isolate_waits_and_reruns_reuse(own: Served) -> None:
    with control(own) as admin:
        admin.put("/_emulator/actions", json={"pendingSeconds": 0.05, "doneSeconds": 0.2})
    with Client(settings=own.settings()) as client:
        machines = active(client, 5)
        assert len(machines) == 5
        seen: list[str] = []
        outcomes = run_bulk(
            client,
            "machines.isolate",
            machines,
            "IR-42 contain",
            body={"IsolationType": "Full"},
            wait=True,
            poll_seconds=0.05,
            on_progress=lambda o: seen.append(o.machine_id),
        )
        assert sorted(seen) == sorted(machines)
        assert [o.status for o in outcomes] == ["Succeeded"] * 5
        again = run_bulk(client, "machines.isolate", machines, "IR-42 contain")
        assert all(o.reused for o in again)
        assert {o.action.id for o in again if o.action} == {
            o.action.id for o in outcomes if o.action
        }
        total = list(client.machine_actions.list(filter="type eq 'Isolate'"))
        assert len(total) == 5, "the re-run created nothing new"


def test_in_flight_action_of_another_run_is_resolved(own: Served) -> None:
    with control(own) as admin:
        admin.put("/_emulator/actions", json={"mode": "manual"})
    with Client(settings=own.settings()) as client:
        machine = active(client, 1)[0]
        first = client.machine_actions.run_antivirus_scan(machine, "scheduled scan")
        outcome = run_bulk(client, "machines.run_antivirus_scan", [machine], "ad-hoc scan")[0]
        assert outcome.reused
        assert outcome.action is not None
        assert outcome.action.id == first.id


def test_bulk_stays_under_the_quota(tmp_path: Path) -> None:
    """With the emulator's quotas at 10% and the client pacing at 70% of them (7%), a
    25-machine run gets no 429 at all (time is simulated: the client's sleeps move the
    emulator's clock). The headroom covers requests that arrive later than their booked
    slot, as they do when threads interleave."""
    with served(tmp_path / "quota", machines=60) as server, control(server) as admin:
        admin.put("/_emulator/quotas", json={"scale": 0.1})
        admin.post("/_emulator/clock", json={"freeze": True})
        lock = threading.Lock()
        now = [0.0]

        def clock() -> float:
            return now[0]

        def sleep(seconds: float) -> None:
            with lock:
                now[0] += seconds
                admin.post("/_emulator/clock", json={"advance": seconds})

        with Client(
            settings=server.settings(), pacing=PacingSettings(scale=0.07), clock=clock, sleep=sleep
        ) as client:
            machines = [m.id for m in client.machines.list()][:25]
            outcomes = run_bulk(
                client,
                "machines.restrict_code_execution",
                machines,
                "quota test",
                concurrency=4,
                sleep=sleep,
            )
        assert not [o for o in outcomes if o.error and "OsPlatformNotSupported" not in o.error]
        journal = admin.get("/_emulator/journal", params={"status": 429}).json()
        assert journal == [], f"throttled {len(journal)} times"
        assert now[0] > 60, "the run had to be spread over more than a minute"


def test_cli_bulk_actions(own: Served) -> None:
    env = own.env()
    with control(own) as admin:
        admin.put("/_emulator/actions", json={"pendingSeconds": 0.05, "doneSeconds": 0.2})
    with Client(settings=own.settings()) as client:
        machines = active(client, 2)
    result = mdekit(
        "machines",
        "scan",
        *machines,
        "--comment",
        "cli scan",
        "--wait",
        "--poll-seconds",
        "0.1",
        "-o",
        "json",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["status"] for r in rows] == ["Succeeded", "Succeeded"]
    missing = mdekit("machines", "isolate", machines[0], env=env)
    assert missing.returncode == 2
    assert "--comment is required" in missing.stderr
    unknown = mdekit("machines", "offboard", "0" * 40, "-c", "x", "-o", "json", env=env)
    assert unknown.returncode == 1
    assert json.loads(unknown.stdout)[0]["status"] == "Error"
