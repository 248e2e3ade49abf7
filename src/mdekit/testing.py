"""A pytest plugin that runs the mdekit emulator for a test suite (`pip install mdekit` is
enough: pytest finds it through the `pytest11` entry point).

Fixtures:

* `mde_emulator` (session): one emulator on a free loopback port with TLS, a temporary state
  directory and a consented dev app holding every Defender permission; an `MdeEmulator`.
* `mde_clean_emulator` (function): the same emulator, first put back to its starting state
  (seeded world, no faults, quotas and machine-action settings as configured, clock thawed).
* `mde_env` (function): the variables `mdekit emulator env` prints, set for one test with
  monkeypatch (azure-identity, MSAL, requests, curl and mdekit then talk to the emulator).

Options: `--mde-emulator-quotas` (enforce the documented rate limits; off by default since a
test suite calls faster than 100 a minute), `--mde-emulator-seed`, `--mde-emulator-machines`,
`--mde-emulator-alerts`. Nothing heavy is imported until a fixture is used."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx

    from mdekit.emulator.server import RunningEmulator

__all__ = ["DEFENDER_SCOPE", "EmulatorControlError", "EmulatorOptions", "MdeEmulator"]

DEFENDER_SCOPE = "https://api.securitycenter.microsoft.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mdekit", "mdekit emulator (mde_emulator fixtures)")
    group.addoption(
        "--mde-emulator-quotas",
        action="store_true",
        default=False,
        help="Enforce the Defender API's documented rate limits (429 with Retry-After).",
    )
    group.addoption("--mde-emulator-seed", type=int, default=1, help="Seed of the synthetic world.")
    group.addoption("--mde-emulator-machines", type=int, default=25, help="Machines in the world.")
    group.addoption("--mde-emulator-alerts", type=int, default=60, help="Alerts in the world.")


@dataclass(frozen=True)
class EmulatorOptions:
    """How the plugin's emulator is set up (from the command-line options)."""

    quotas: bool = False
    seed: int = 1
    machines: int = 25
    alerts: int = 60

    @classmethod
    def from_config(cls, config: pytest.Config) -> EmulatorOptions:
        return cls(
            quotas=bool(config.getoption("--mde-emulator-quotas")),
            seed=int(config.getoption("--mde-emulator-seed")),
            machines=int(config.getoption("--mde-emulator-machines")),
            alerts=int(config.getoption("--mde-emulator-alerts")),
        )


class EmulatorControlError(RuntimeError):
    """The control API refused a request (bad argument, unknown tenant, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class MdeEmulator:
    """A running emulator as a test sees it: where it is, the dev app's credentials, and
    the control API (reset, seed, faults, quotas, machine actions, journal, clock)."""

    def __init__(self, running: RunningEmulator, options: EmulatorOptions) -> None:
        import httpx

        self._running = running
        self.options = options
        dev = running.emulator.dev
        self.url: str = running.url
        self.ca_bundle: str = str(running.tls.bundle)
        self.state_dir: Path = running.config.state_dir
        self.tenant_id: str = dev.tenant_id
        self.tenant_domain: str = dev.tenant_domain
        self.client_id: str = dev.client_id
        self.client_secret: str = dev.client_secret
        self.admin_key: str = running.emulator.admin_key
        self._http = httpx.Client(
            base_url=self.url, verify=ssl.create_default_context(cafile=self.ca_bundle), timeout=60
        )
        self._initial_actions: dict[str, Any] = self.control("GET", "/actions")
        self._initial_settings: dict[str, Any] = self.control("GET", "/settings")

    # -- where it is ---------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """What `mdekit emulator env` prints for this emulator."""
        return {
            "AZURE_TENANT_ID": self.tenant_id,
            "AZURE_CLIENT_ID": self.client_id,
            "AZURE_CLIENT_SECRET": self.client_secret,
            "AZURE_AUTHORITY_HOST": self.url,
            "MDE_API_URL": self.url,
            "MDE_GRAPH_URL": self.url,
            "MDE_EMULATOR_STATE_DIR": str(self.state_dir),
            "REQUESTS_CA_BUNDLE": self.ca_bundle,
            "SSL_CERT_FILE": self.ca_bundle,
            "CURL_CA_BUNDLE": self.ca_bundle,
        }

    def apply_env(self, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
        """Set `env` for the current test (undone after it); returns it."""
        for name, value in self.env.items():
            monkeypatch.setenv(name, value)
        return self.env

    @property
    def http(self) -> httpx.Client:
        """An httpx client for the emulator's origin that trusts its CA (no token attached)."""
        return self._http

    def token(self, scope: str = DEFENDER_SCOPE) -> str:
        """An app-only token for the dev app (v2 endpoint, client credentials)."""
        response = self._http.post(
            f"/{self.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": scope,
            },
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    # -- the control API -----------------------------------------------------------------

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        """One control API call (`path` below `/_emulator`); its JSON answer or None."""
        headers = {"X-Emulator-Admin-Key": self.admin_key, **kwargs.pop("headers", {})}
        response = self._http.request(method, f"/_emulator{path}", headers=headers, **kwargs)
        if response.status_code >= 400:
            try:
                message = str(response.json()["error"]["message"])
            except (ValueError, KeyError, TypeError):
                message = response.text[:300]
            raise EmulatorControlError(response.status_code, message)
        return response.json() if response.content else None

    def reset(self) -> None:
        """Back to the starting state: every tenant's world reseeded, faults and quota
        counters cleared, quotas, machine-action settings and token lifetime as configured,
        and the clock thawed and back at real time."""
        self.control("POST", "/reset")
        self.set_quotas(enabled=self.options.quotas, scale=1.0)
        self.control("PUT", "/actions", json=self._initial_actions)
        self.control("PATCH", "/settings", json=self._initial_settings)
        clock = self.control("POST", "/clock", json={"thaw": True})
        if clock["offsetSeconds"]:
            self.control("POST", "/clock", json={"advance": -clock["offsetSeconds"]})

    def seed(
        self,
        *,
        tenant: str | None = None,
        machines: int | None = None,
        alerts: int | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """Regenerate a tenant's world (the first tenant's by default)."""
        body = {"tenant": tenant, "machines": machines, "alerts": alerts, "seed": seed}
        answer: dict[str, Any] = self.control(
            "POST", "/seed", json={k: v for k, v in body.items() if v is not None}
        )
        return answer

    def add_fault(
        self,
        path: str,
        *,
        status: int | None = 503,
        count: int | None = 1,
        retry_after: int | None = None,
        stall_seconds: float = 0.0,
        method: str | None = None,
    ) -> dict[str, Any]:
        """Make the next `count` requests matching `method` and the `path` glob answer
        `status` (None: only stall), optionally with Retry-After; `count=None` until cleared."""
        body: dict[str, Any] = {"path": path, "status": status, "count": count}
        if retry_after is not None:
            body["retryAfter"] = retry_after
        if stall_seconds:
            body["stallSeconds"] = stall_seconds
        if method:
            body["method"] = method
        rule: dict[str, Any] = self.control("POST", "/faults", json=body)
        return rule

    def faults(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = self.control("GET", "/faults")
        return rules

    def clear_faults(self) -> None:
        self.control("DELETE", "/faults")

    def set_quotas(self, *, enabled: bool | None = None, scale: float | None = None) -> None:
        """Switch rate limiting on or off, or scale every limit (0.01: a hundredth)."""
        body: dict[str, Any] = {"enabled": enabled, "scale": scale}
        self.control("PUT", "/quotas", json={k: v for k, v in body.items() if v is not None})

    def set_actions(
        self,
        mode: str | None = None,
        *,
        pending_seconds: float | None = None,
        done_seconds: float | None = None,
    ) -> dict[str, Any]:
        """How machine actions progress: `auto`, `instant`, `manual` or `fail`."""
        body = {"mode": mode, "pendingSeconds": pending_seconds, "doneSeconds": done_seconds}
        answer: dict[str, Any] = self.control(
            "PUT", "/actions", json={k: v for k, v in body.items() if v is not None}
        )
        return answer

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock forward (tokens expire, machine actions progress)."""
        self.control("POST", "/clock", json={"advance": seconds})

    def journal(self, **filters: str | int) -> list[dict[str, Any]]:
        """Recorded requests, oldest first. Filters: status, app, tenant, path, since, limit."""
        entries: list[dict[str, Any]] = self.control(
            "GET", "/journal", params={k: str(v) for k, v in filters.items()}
        )
        return entries

    def close(self) -> None:
        self._http.close()


def _start(state_dir: Path, options: EmulatorOptions) -> RunningEmulator:
    from mdekit.emulator.config import EmulatorConfig
    from mdekit.emulator.server import RunningEmulator

    config = EmulatorConfig(
        state_dir=state_dir,
        quotas=options.quotas,
        seed=options.seed,
        machines=options.machines,
        alerts=options.alerts,
    )
    return RunningEmulator(config).start()


@pytest.fixture(scope="session")
def mde_emulator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MdeEmulator]:
    """One emulator for the whole test session (HTTPS on a free loopback port)."""
    options = EmulatorOptions.from_config(request.config)
    running = _start(tmp_path_factory.mktemp("mde-emulator"), options)
    emulator = MdeEmulator(running, options)
    try:
        yield emulator
    finally:
        emulator.close()
        running.stop()


@pytest.fixture
def mde_clean_emulator(mde_emulator: MdeEmulator) -> MdeEmulator:
    """The session's emulator, reset to its starting state before this test."""
    mde_emulator.reset()
    return mde_emulator


@pytest.fixture
def mde_env(mde_emulator: MdeEmulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """`mdekit emulator env` applied to this test's environment."""
    return mde_emulator.apply_env(monkeypatch)
