"""Two `mdekit emulator serve` processes on one database (each with its own state directory,
as on two hosts) behave as one service: tokens, secrets, signing keys, the clock, faults,
quotas and machine actions. Run on SQLite (one file) and on PostgreSQL; quota counters in
Redis are covered in process by test_scale_counters."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest

from tests.support.scale import (
    GRAPH_SCOPE,
    EmulatorProcess,
    database_url,
    start_emulator,
    start_emulators,
    wait_until,
)

pytestmark = pytest.mark.slow


@dataclass
class Pair:
    a: EmulatorProcess
    b: EmulatorProcess
    http_a: httpx.Client
    http_b: httpx.Client
    db_url: str
    extra: tuple[str, ...]

    def restart_b(self) -> None:
        self.http_b.close()
        assert self.b.stop() == 0
        self.b = start_emulator(self.b.state_dir, self.db_url, *self.extra)
        self.http_b = self.b.client()

    def close(self) -> None:
        self.http_a.close()
        self.http_b.close()
        for process in (self.b, self.a):
            process.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    kind = str(request.param)
    root = tmp_path_factory.mktemp(kind)
    with database_url(kind, root) as db_url:
        # Started together, as hosts would be: the first start-up lock holder seeds the
        # tenant, the other waits and finds it.
        a, b = start_emulators([root / "host-a", root / "host-b"], db_url)
        found = Pair(a, b, a.client(), b.client(), db_url, ())
        try:
            yield found
        finally:
            found.close()


def _machines(emu: EmulatorProcess, http: httpx.Client, token: str) -> httpx.Response:
    return http.get("/api/machines", headers={"Authorization": f"Bearer {token}"})


def test_a_token_from_one_process_works_on_the_other(pair: Pair) -> None:
    token = pair.a.token(pair.http_a)
    answer = _machines(pair.b, pair.http_b, token)
    assert answer.status_code == 200, answer.text
    assert answer.json()["value"]
    # Each state directory has its own secret for the one dev app.
    assert pair.a.dev.client_id == pair.b.dev.client_id
    assert pair.a.dev.client_secret != pair.b.dev.client_secret


def test_a_secret_added_through_one_works_on_the_other_at_once(pair: Pair) -> None:
    graph = pair.a.token(pair.http_a, GRAPH_SCOPE)
    headers = {"Authorization": f"Bearer {graph}"}
    apps = pair.http_a.get(
        "/v1.0/applications",
        params={"$filter": f"appId eq '{pair.a.dev.client_id}'"},
        headers=headers,
    ).json()["value"]
    added = pair.http_a.post(
        f"/v1.0/applications/{apps[0]['id']}/addPassword",
        json={"passwordCredential": {"displayName": "added on A"}},
        headers=headers,
    )
    assert added.status_code == 200, added.text
    token = pair.b.token(pair.http_b, client_secret=added.json()["secretText"])
    assert _machines(pair.b, pair.http_b, token).status_code == 200


def _kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


def test_a_key_rotation_on_one_process_reaches_the_other(pair: Pair) -> None:
    old_token = pair.b.token(pair.http_b)
    rotated = pair.a.control(pair.http_a, "POST", "/keys/rotate")
    kid = rotated["kid"]
    tenant = pair.b.dev.tenant_id

    def published_on_b() -> bool:
        keys = pair.http_b.get(f"/{tenant}/discovery/v2.0/keys").json()["keys"]
        return kid in {key["kid"] for key in keys}

    def signed_with_it_on_b() -> str | None:
        token = pair.b.token(pair.http_b)
        return token if _kid(token) == kid else None

    wait_until(published_on_b, timeout=5)
    fresh = wait_until(signed_with_it_on_b, timeout=5)
    assert _machines(pair.a, pair.http_a, fresh).status_code == 200
    # The key before it stays published, so tokens signed with it still verify.
    assert _machines(pair.a, pair.http_a, old_token).status_code == 200


def test_the_clock_moved_on_one_process_moves_on_the_other(pair: Pair) -> None:
    before = pair.b.control(pair.http_b, "GET", "/clock")["offsetSeconds"]
    pair.a.control(pair.http_a, "POST", "/clock", json={"advance": 7200})
    wait_until(
        lambda: pair.b.control(pair.http_b, "GET", "/clock")["offsetSeconds"] == before + 7200,
        timeout=5,
    )
    pair.b.control(pair.http_b, "POST", "/clock", json={"advance": -7200})
    wait_until(
        lambda: pair.a.control(pair.http_a, "GET", "/clock")["offsetSeconds"] == before,
        timeout=5,
    )


def test_a_fault_injected_on_one_process_fires_on_the_other_once(pair: Pair) -> None:
    token = pair.a.token(pair.http_a)
    headers = {"Authorization": f"Bearer {token}"}
    pair.a.control(pair.http_a, "POST", "/faults", json={"path": "/api/alerts*", "status": 503})
    statuses: list[int] = []

    def faulted_on_b() -> bool:
        statuses.append(pair.http_b.get("/api/alerts", headers=headers).status_code)
        return statuses[-1] == 503

    wait_until(faulted_on_b, timeout=5)
    assert set(statuses[:-1]) <= {200}
    # Used up on B: neither process faults again, and A's list is empty.
    assert pair.http_a.get("/api/alerts", headers=headers).status_code == 200
    assert pair.http_b.get("/api/alerts", headers=headers).status_code == 200
    assert pair.a.control(pair.http_a, "GET", "/faults") == []


def test_quotas_are_counted_across_both_processes(pair: Pair) -> None:
    # A frozen clock keeps every call in one quota window, two hours on: windows that
    # nobody has counted in yet.
    pair.a.control(pair.http_a, "POST", "/clock", json={"freeze": True, "advance": 7200})
    pair.a.control(pair.http_a, "PUT", "/quotas", json={"enabled": True, "scale": 0.03})
    try:
        wait_until(
            lambda: (
                pair.b.control(pair.http_b, "GET", "/quotas") == {"enabled": True, "scale": 0.03}
                and pair.b.control(pair.http_b, "GET", "/clock")["frozen"]
            ),
            timeout=5,
        )
        token = pair.a.token(pair.http_a)
        sides = [(pair.a, pair.http_a), (pair.b, pair.http_b)] * 3
        statuses = [_machines(emu, http, token).status_code for emu, http in sides]
        # 100 calls a minute scaled to 3: the fourth call, whichever process gets it, is refused.
        assert statuses == [200, 200, 200, 429, 429, 429]
        refused = _machines(pair.b, pair.http_b, token)
        assert "maximum allowed 3 per 00:01:00" in refused.json()["error"]["message"]
    finally:
        pair.a.control(pair.http_a, "PUT", "/quotas", json={"enabled": False, "scale": 1})
        pair.a.control(pair.http_a, "POST", "/clock", json={"thaw": True, "advance": -7200})
        wait_until(lambda: not pair.b.control(pair.http_b, "GET", "/quotas")["enabled"], timeout=5)


def _windows_machine_ids(pair: Pair, token: str) -> list[str]:
    answer = pair.http_a.get(
        "/api/machines",
        params={"$filter": "healthStatus eq 'Active' and startswith(osPlatform,'Windows')"},
        headers={"Authorization": f"Bearer {token}"},
    )
    return [machine["id"] for machine in answer.json()["value"]]


def test_machine_actions_at_the_same_moment_on_both_exactly_one_accepted(pair: Pair) -> None:
    pair.a.control(pair.http_a, "PUT", "/actions", json={"mode": "manual"})
    wait_until(lambda: pair.b.control(pair.http_b, "GET", "/actions")["mode"] == "manual", 5)
    token = pair.a.token(pair.http_a)
    headers = {"Authorization": f"Bearer {token}"}
    clients = [pair.http_a, pair.http_b, pair.http_a, pair.http_b]
    for machine_id in _windows_machine_ids(pair, token)[:2]:
        barrier = threading.Barrier(len(clients))
        answers: list[Any] = [None] * len(clients)

        def ask(
            index: int, machine_id: str = machine_id, barrier: Any = barrier, answers: Any = answers
        ) -> None:
            barrier.wait(timeout=30)
            answers[index] = clients[index].post(
                f"/api/machines/{machine_id}/runAntiVirusScan",
                json={"Comment": f"scan {index}", "ScanType": "Quick"},
                headers=headers,
            )

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(clients))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [201, 400, 400, 400]
        messages = {a.json()["error"]["message"] for a in answers if a.status_code == 400}
        assert messages == {"Action is already in progress"}


def test_a_restarted_process_keeps_what_the_service_was_doing(pair: Pair) -> None:
    if pair.db_url.startswith("sqlite"):
        pytest.skip("one restart (on PostgreSQL) is enough: the path is the same")
    pair.a.control(pair.http_a, "POST", "/clock", json={"advance": 600})
    pair.a.control(pair.http_a, "POST", "/faults", json={"path": "/api/nothing*", "count": None})
    expected_clock = pair.a.control(pair.http_a, "GET", "/clock")["offsetSeconds"]
    pair.restart_b()
    assert pair.b.control(pair.http_b, "GET", "/clock")["offsetSeconds"] == expected_clock
    assert pair.b.control(pair.http_b, "GET", "/actions")["mode"] == "manual"
    assert [rule["path"] for rule in pair.b.control(pair.http_b, "GET", "/faults")] == [
        "/api/nothing*"
    ]
    token = pair.b.token(pair.http_b)
    assert _machines(pair.b, pair.http_b, token).status_code == 200
    pair.b.control(pair.http_b, "DELETE", "/faults")
    pair.b.control(pair.http_b, "POST", "/clock", json={"advance": -600})
