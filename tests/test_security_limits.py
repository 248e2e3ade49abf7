"""Request size limits and slow clients, on a real uvicorn with TLS: an oversized body gets
413 before the server reads it (declared) or as soon as it passes the limit (chunked);
clients trickling their headers neither block others nor hold a connection past the head
deadline."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mdekit.emulator.limits import MB, BodyLimit, GuardedH11Protocol
from tests.support.emulators import DEFENDER_SCOPE, Served, served, wait_for

HANG_GUARD = 20.0
"""Seconds before a socket read gives up: a guard against hanging, not a timing check."""


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(
        tmp_path_factory.mktemp("limits"), quotas=False, machines=6, alerts=6, events=1500
    ) as running:
        yield running


def _tls(running: Served) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=running.bundle)
    raw = socket.create_connection((running.running.host, running.running.port), HANG_GUARD)
    return context.wrap_socket(raw, server_hostname="localhost")


def _client(running: Served) -> httpx.Client:
    return httpx.Client(
        base_url=running.url,
        verify=ssl.create_default_context(cafile=running.bundle),
        timeout=HANG_GUARD,
    )


def _token(running: Served) -> str:
    with _client(running) as client:
        response = client.post(
            f"/{running.dev.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": running.dev.client_id,
                "client_secret": running.dev.client_secret,
                "scope": DEFENDER_SCOPE,
            },
        )
    token: str = response.json()["access_token"]
    return token


def _status_line(sock: ssl.SSLSocket) -> bytes:
    answer = b""
    while b"\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    return answer.split(b"\r\n", 1)[0]


@pytest.mark.parametrize(
    ("path", "declared"),
    [
        ("/api/indicators", 50 * MB),
        ("/api/advancedqueries/run", 10 * MB),
        ("/api/libraryfiles", 30 * MB),
        ("/_emulator/tenants", 2 * MB),
        ("/v1.0/applications", 2 * MB),
        ("/common/oauth2/v2.0/token", 2 * MB),
        ("/_console/apps/new", 2 * MB),
    ],
)
def test_a_declared_oversized_body_gets_413_without_being_sent(
    limited: Served, path: str, declared: int
) -> None:
    with _tls(limited) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n".encode()
        )
        # Not one byte of the body was sent: the answer cannot have waited for it.
        assert _status_line(sock) == b"HTTP/1.1 413 Request Entity Too Large"


@pytest.mark.parametrize(
    ("path", "size"),
    [
        ("/api/indicators", 5 * MB),
        ("/api/advancedqueries/run", 10 * MB),
        ("/_emulator/seed", 2 * MB),
    ],
)
def test_a_streamed_oversized_body_gets_413(limited: Served, path: str, size: int) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        piece = b'{"Query": "' + b"x" * (64 * 1024)
        while sent < size:
            sent += len(piece)
            yield piece

    with _client(limited) as client:
        response = client.post(
            path,
            content=chunks(),
            headers={"Authorization": f"Bearer {_token(limited)}"},
        )
    assert response.status_code == 413, response.text[:300]
    assert response.json()["error"]["code"] == "RequestEntityTooLarge"


def test_bodies_under_the_limits_keep_the_services_own_answers(limited: Served) -> None:
    token = _token(limited)
    with _client(limited) as client:
        form = client.post(
            f"/{limited.dev.tenant_id}/oauth2/v2.0/token", data={"scope": "x" * 200_000}
        )
        assert form.status_code == 400, "the token endpoint's own 64 KB refusal (AADSTS90015)"
        assert form.json()["error_codes"] == [90015]
        query = client.post(
            "/api/advancedqueries/run",
            json={"Query": "DeviceInfo | where DeviceName == '" + "a" * (3 * MB) + "'"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=3 * HANG_GUARD,  # the first query also builds the hunting tables
        )
        assert query.status_code in (200, 400), query.text[:300]


def _trickle(running: Served, count: int) -> list[ssl.SSLSocket]:
    slow = []
    for n in range(count):
        sock = _tls(running)
        sock.sendall(f"GET /api/alerts HTTP/1.1\r\nHost: localhost\r\nX-Slow-{n}: ".encode())
        slow.append(sock)
    return slow


def test_slow_clients_do_not_block_others(limited: Served) -> None:
    slow = _trickle(limited, 60)
    try:
        token = _token(limited)
        with _client(limited) as client:
            for _ in range(5):
                for sock in slow:
                    sock.sendall(b"a")  # still talking, never finishing
                response = client.get(
                    "/api/alerts?$top=1", headers={"Authorization": f"Bearer {token}"}
                )
                assert response.status_code == 200
    finally:
        for sock in slow:
            sock.close()


def test_a_trickled_head_is_cut_off_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GuardedH11Protocol, "head_seconds", 1.0)
    with served(tmp_path / "deadline", quotas=False) as running:
        (sock,) = _trickle(running, 1)
        sock.settimeout(0.2)
        closed = False

        def cut_off() -> bool:
            nonlocal closed
            try:
                sock.sendall(b"a")  # a byte every poll: the deadline does not move
                closed = sock.recv(1024) == b""
            except TimeoutError:
                return False
            except (OSError, ssl.SSLError):
                closed = True
            return closed

        started = time.monotonic()
        wait_for(cut_off, timeout=HANG_GUARD)
        assert closed
        assert time.monotonic() - started < HANG_GUARD
        # A client that sends its head in time is served as before, also on keep-alive.
        with _client(running) as client:
            for _ in range(2):
                assert client.get("/_emulator/health").status_code == 200
        sock.close()


def test_a_trickled_head_on_a_kept_alive_connection_is_cut_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a response the deadline waits for the next head's first byte (uvicorn's
    keep-alive timer covers the silence); from that byte on, the head has `head_seconds`."""
    monkeypatch.setattr(GuardedH11Protocol, "head_seconds", 1.0)
    with served(tmp_path / "kept-alive", quotas=False) as running:
        sock = _tls(running)
        sock.settimeout(HANG_GUARD)
        sock.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        sock.settimeout(0.2)
        closed = False

        def cut_off() -> bool:
            nonlocal closed
            try:
                sock.sendall(b"a")
                rest = sock.recv(4096)
            except TimeoutError:
                return False
            except (OSError, ssl.SSLError):
                closed = True
                return True
            # What is left of the first answer's body may come first; then the close.
            closed = rest == b""
            return closed

        wait_for(cut_off, timeout=HANG_GUARD)
        assert closed
        sock.close()


@pytest.mark.parametrize("trickle", [True, False], ids=["trickled body", "stalled body"])
def test_a_slow_body_gets_408(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trickle: bool
) -> None:
    monkeypatch.setattr(BodyLimit, "grace_seconds", 0.5)
    monkeypatch.setattr(BodyLimit, "idle_seconds", 1.0)
    with served(tmp_path / "slow-body", quotas=False, machines=4, alerts=4) as running:
        sock = _tls(running)
        sock.sendall(
            b"POST /common/oauth2/v2.0/token HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n"
        )
        sock.settimeout(0.1)
        answer = b""

        def answered() -> bool:
            nonlocal answer
            if trickle:
                sock.sendall(b"a")  # far below the minimum rate, but never idle
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                return False
            answer += chunk
            return b"\r\n" in answer or not chunk

        wait_for(answered, timeout=HANG_GUARD)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        sock.close()
        # Bodies sent at a normal pace are unaffected.
        with _client(running) as client:
            form = client.post("/common/oauth2/v2.0/token", data={"grant_type": "x" * 5000})
            assert form.status_code == 400
