"""`mdekit emulator serve --workers 2` as a user starts it: one socket, two worker processes
on one database. A token from it works on many connections at once (whichever worker
accepts each), the alerts page is the same on all of them, and SIGTERM stops the workers
with the parent. On SQLite, and on PostgreSQL when MDE_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.scale import EmulatorProcess, database_url, start_emulator, wait_until

pytestmark = pytest.mark.slow

CONNECTIONS = 12


def _children(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux's /proc), or [] where /proc cannot tell."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        return []
    return [int(child) for child in path.read_text().split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _page_on_a_new_connection(emu: EmulatorProcess, token: str) -> tuple[int, list[str], str]:
    """One alerts page on a client of its own (its own TCP and TLS connection)."""
    with emu.client() as http:
        answer = http.get("/api/alerts?$top=5", headers={"Authorization": f"Bearer {token}"})
        ids = [alert["id"] for alert in answer.json().get("value", [])]
        return answer.status_code, ids, answer.headers.get("request-id", "")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_two_workers_serve_tokens_and_alerts_on_many_connections(kind: str, tmp_path: Path) -> None:
    with database_url(kind, tmp_path) as db_url:
        emu = start_emulator(tmp_path / "state", db_url, "--workers", "2")
        try:
            if Path("/proc").exists():
                # Two worker processes under the one that owns the socket.
                wait_until(lambda: len(_children(emu.process.pid)) >= 2)
            with emu.client() as http:
                token = emu.token(http)
            with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
                answers = list(
                    pool.map(
                        lambda _: _page_on_a_new_connection(emu, token), range(CONNECTIONS * 2)
                    )
                )
            statuses = {status for status, _, _ in answers}
            assert statuses == {200}
            # Every worker reads the same database: the same page whoever answered.
            pages = {tuple(ids) for _, ids, _ in answers}
            assert len(pages) == 1
            assert len(next(iter(pages))) == 5
            # Each answer is a request of its own.
            assert len({request_id for _, _, request_id in answers}) == len(answers)
            # A token issued by a worker verifies on every connection; a second token
            # (perhaps from the other worker) does too.
            with emu.client() as http:
                second = emu.token(http)
            assert _page_on_a_new_connection(emu, second)[0] == 200
            children = _children(emu.process.pid)
        finally:
            code = emu.stop()
        assert code == 0
        assert not (emu.state_dir / "endpoint.json").exists()
        wait_until(lambda: not any(_alive(child) for child in children), timeout=20)
