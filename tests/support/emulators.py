"""Starting emulators for tests: in process (ASGI, via Starlette's TestClient) or on a real
uvicorn with TLS bound to port 0."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from mdekit.client.settings import Settings, load_settings
from mdekit.emulator.app import Emulator, build, create_app
from mdekit.emulator.bootstrap import DevCredentials
from mdekit.emulator.config import EmulatorConfig
from mdekit.emulator.server import RunningEmulator

DEFENDER_SCOPE = "https://api.securitycenter.microsoft.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


@dataclass
class InProcess:
    """An emulator app driven through Starlette's TestClient (no sockets)."""

    emulator: Emulator
    http: TestClient

    @property
    def dev(self) -> DevCredentials:
        return self.emulator.dev

    def token(
        self,
        scope: str = DEFENDER_SCOPE,
        *,
        client_id: str | None = None,
        secret: str | None = None,
        tenant: str | None = None,
    ) -> str:
        response = self.http.post(
            f"/{tenant or self.dev.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id or self.dev.client_id,
                "client_secret": secret or self.dev.client_secret,
                "scope": scope,
            },
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def api(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, path, headers=headers, **kwargs)


@contextmanager
def in_process(state_dir: Path, **config: Any) -> Iterator[InProcess]:
    settings = EmulatorConfig(state_dir=state_dir, **config)
    emulator = build(settings)
    app = create_app(settings, emulator)
    with TestClient(app, base_url="https://emulator.test") as http:
        yield InProcess(emulator, http)
    emulator.close()


@dataclass
class Served:
    """An emulator on a real HTTPS port."""

    running: RunningEmulator

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def bundle(self) -> str:
        return str(self.running.tls.bundle)

    @property
    def dev(self) -> DevCredentials:
        return self.running.emulator.dev

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "api_url": self.url,
            "graph_url": self.url,
            "authority": self.url,
            "tenant_id": self.dev.tenant_id,
            "client_id": self.dev.client_id,
            "client_secret": self.dev.client_secret,
            "ca_bundle": self.bundle,
            "environ": {},
        }
        values.update(overrides)
        return load_settings(**values)

    def env(self) -> dict[str, str]:
        """The variables `mdekit emulator env` would print."""
        return {
            "AZURE_TENANT_ID": self.dev.tenant_id,
            "AZURE_CLIENT_ID": self.dev.client_id,
            "AZURE_CLIENT_SECRET": self.dev.client_secret,
            "AZURE_AUTHORITY_HOST": self.url,
            "MDE_API_URL": self.url,
            "MDE_GRAPH_URL": self.url,
            "REQUESTS_CA_BUNDLE": self.bundle,
            "SSL_CERT_FILE": self.bundle,
            "CURL_CA_BUNDLE": self.bundle,
        }


@contextmanager
def served(state_dir: Path, **config: Any) -> Iterator[Served]:
    with RunningEmulator(EmulatorConfig(state_dir=state_dir, **config)) as running:
        yield Served(running)


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
