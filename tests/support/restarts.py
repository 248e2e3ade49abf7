"""An emulator process that tests kill with SIGKILL and start again on the same port, state
directory and database, as a crashed service comes back under a supervisor."""

from __future__ import annotations

import signal
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.support.scale import EmulatorProcess, start_emulator


@dataclass
class Restartable:
    current: EmulatorProcess
    db_url: str
    extra: tuple[str, ...] = ()
    kills: int = 0
    errors: list[BaseException] = field(default_factory=list)
    """Restarts in the background that failed (raised by settle())."""
    _pending: list[threading.Thread] = field(default_factory=list)

    @classmethod
    def start(cls, state_dir: Path, db_url: str, *extra: str) -> Restartable:
        return cls(start_emulator(state_dir, db_url, *extra), db_url, extra)

    @property
    def port(self) -> int:
        port = urlsplit(self.current.url).port
        assert port is not None
        return port

    def env(self) -> dict[str, str]:
        """What `mdekit emulator env` prints: the same before and after a restart."""
        emu = self.current
        return {
            "AZURE_TENANT_ID": emu.dev.tenant_id,
            "AZURE_CLIENT_ID": emu.dev.client_id,
            "AZURE_CLIENT_SECRET": emu.dev.client_secret,
            "AZURE_AUTHORITY_HOST": emu.url,
            "MDE_API_URL": emu.url,
            "MDE_GRAPH_URL": emu.url,
            "SSL_CERT_FILE": emu.bundle,
            "REQUESTS_CA_BUNDLE": emu.bundle,
            "MDE_PACING": "off",
        }

    def http(self) -> httpx.Client:
        verify = ssl.create_default_context(cafile=self.current.bundle)
        return httpx.Client(base_url=self.current.url, verify=verify, timeout=30)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, whatever was in flight is cut."""
        self.current.process.send_signal(signal.SIGKILL)
        self.current.process.wait()
        self.kills += 1

    def restart(self, *, down_for: float = 0.0) -> None:
        """Kill, stay down `down_for` seconds, then start again on the same port; returns
        once it has announced itself."""
        self.kill()
        time.sleep(down_for)
        self._start_again()

    def _start_again(self) -> None:
        url = self.current.url
        self.current = start_emulator(
            self.current.state_dir, self.db_url, *self.extra, "--port", str(self.port)
        )
        assert self.current.url == url

    def restart_in_background(self) -> None:
        """Kill now; start again while the caller carries on (and meets the outage)."""
        self.kill()

        def start() -> None:
            try:
                self._start_again()
            except BaseException as exc:  # reported by settle()
                self.errors.append(exc)

        thread = threading.Thread(target=start, daemon=True)
        self._pending.append(thread)
        thread.start()

    def settle(self) -> None:
        """Wait for restarts under way; fail if one did not come up."""
        for thread in self._pending:
            thread.join(timeout=180)
        self._pending.clear()
        if self.errors:
            raise self.errors[0]

    def stop(self) -> None:
        self.settle()
        self.current.stop()
