"""Databases and emulator processes for the scale tests: a SQLite file or a PostgreSQL
database of its own per test (created on the server of `MDE_TEST_POSTGRES_URL`, dropped
afterwards, so parallel runs never meet), and `mdekit emulator serve` subprocesses on port 0
that share one of them."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from mdekit.emulator.bootstrap import DevCredentials, read_dev_credentials

DEFENDER_SCOPE = "https://api.securitycenter.microsoft.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
START_TIMEOUT = 120.0


def postgres_server_url() -> str | None:
    return os.environ.get("MDE_TEST_POSTGRES_URL") or None


def redis_url() -> str | None:
    return os.environ.get("MDE_TEST_REDIS_URL") or None


def _admin_engine(server_url: str) -> sa.Engine:
    url = sa.make_url(server_url).set(drivername="postgresql+psycopg")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server; its URL. Dropped afterwards."""
    name = f"mdekit_scale_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(server_url)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """`kind` is sqlite or postgresql (skipped with a reason when no server is given)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    server = postgres_server_url()
    if server is None:
        pytest.skip("MDE_TEST_POSTGRES_URL is not set: PostgreSQL scale tests skipped")
    with postgres_database(server) as url:
        yield url


@dataclass
class EmulatorProcess:
    """One `mdekit emulator serve` subprocess."""

    process: subprocess.Popen[bytes]
    state_dir: Path
    url: str
    bundle: str
    dev: DevCredentials

    def client(self) -> httpx.Client:
        verify = ssl.create_default_context(cafile=self.bundle)
        return httpx.Client(base_url=self.url, verify=verify, timeout=30)

    def token(self, http: httpx.Client, scope: str = DEFENDER_SCOPE, **creds: str) -> str:
        response = http.post(
            f"/{self.dev.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": creds.get("client_id", self.dev.client_id),
                "client_secret": creds.get("client_secret", self.dev.client_secret),
                "scope": scope,
            },
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def control(self, http: httpx.Client, method: str, path: str, **kwargs: Any) -> Any:
        response = http.request(method, f"/_emulator{path}", **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_emulator(state_dir: Path, db_url: str, *extra: str) -> EmulatorProcess:
    """Start `python -m mdekit emulator serve --port 0` and wait until it has announced
    itself in its state directory."""
    [started] = start_emulators([state_dir], db_url, *extra)
    return started


def start_emulators(state_dirs: list[Path], db_url: str, *extra: str) -> list[EmulatorProcess]:
    """Start one emulator per state directory on `db_url`, all at once."""
    processes = [_spawn(state_dir, db_url, *extra) for state_dir in state_dirs]
    try:
        return [
            _announced(state_dir, process)
            for state_dir, process in zip(state_dirs, processes, strict=True)
        ]
    except AssertionError:
        for process in processes:
            process.kill()
        raise


def _spawn(state_dir: Path, db_url: str, *extra: str) -> subprocess.Popen[bytes]:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "endpoint.json").unlink(missing_ok=True)
    command = [sys.executable, "-m", "mdekit", "emulator", "serve", "--port", "0"]
    command += ["--state-dir", str(state_dir), "--db", db_url, "--machines", "6", "--alerts", "6"]
    command += ["--no-quotas", *extra]
    with (state_dir / "serve.log").open("wb") as log:
        return subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


def _announced(state_dir: Path, process: subprocess.Popen[bytes]) -> EmulatorProcess:
    endpoint = state_dir / "endpoint.json"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if endpoint.exists():
            try:
                data = json.loads(endpoint.read_text())
            except ValueError:
                data = {}
            if data.get("pid") == process.pid:
                break
        if process.poll() is not None:
            raise AssertionError(
                f"the emulator exited ({process.returncode}):\n"
                + (state_dir / "serve.log").read_text()
            )
        if time.monotonic() > deadline:
            raise AssertionError("the emulator did not start in time")
        time.sleep(0.05)
    dev = read_dev_credentials(state_dir)
    assert dev is not None
    return EmulatorProcess(process, state_dir, data["url"], data["ca_bundle"], dev)


def wait_until(predicate: Any, timeout: float = 10.0, step: float = 0.05) -> Any:
    """The predicate's first truthy answer; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = predicate()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(step)
