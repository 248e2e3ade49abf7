"""Running the emulator on HTTPS with uvicorn: in the foreground (`mdekit emulator serve`,
one process or several workers on one socket) or in a background thread (the demo, tests).
A running instance records where it listens in `endpoint.json` of its state directory,
which `mdekit emulator env` reads. Plain HTTP is only for a reverse proxy on the same host
that terminates TLS (`insecure_http`, loopback only)."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import signal
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import uvicorn
from uvicorn.supervisors import Multiprocess

from mdekit.emulator.app import Emulator, build, create_app
from mdekit.emulator.config import EmulatorConfig
from mdekit.emulator.limits import GuardedH11Protocol
from mdekit.emulator.tls import TlsFiles, ensure_tls
from mdekit.emulator.workers import APP_FACTORY, CONFIG_ENV, config_to_env

STARTUP_TIMEOUT = 30.0


@dataclass(frozen=True)
class Endpoint:
    url: str
    host: str
    port: int
    pid: int
    ca_bundle: str

    @staticmethod
    def path(state_dir: Path) -> Path:
        return state_dir / "endpoint.json"


class ServeOptionError(ValueError):
    """A combination of serve options that is refused (plain HTTP off loopback)."""


def url_for(host: str, port: int, scheme: str = "https") -> str:
    """The URL clients use: the bound address itself, or localhost for a wildcard bind."""
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    if ":" in shown:
        shown = f"[{shown}]"
    return f"{scheme}://{shown}:{port}"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def write_endpoint(state_dir: Path, endpoint: Endpoint) -> None:
    Endpoint.path(state_dir).write_text(json.dumps(endpoint.__dict__, indent=2))


def read_endpoint(state_dir: Path) -> Endpoint | None:
    """The recorded endpoint, or None when none was recorded or its process is gone."""
    path = Endpoint.path(state_dir)
    if not path.is_file():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text())
        endpoint = Endpoint(**data)
    except (ValueError, TypeError):
        return None
    if not _alive(endpoint.pid):
        return None
    return endpoint


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _uvicorn_config(
    app: Any,
    host: str,
    port: int,
    tls: TlsFiles | None,
    *,
    graceful_seconds: int = 5,
    log_level: str = "warning",
    workers: int = 1,
    lifespan: Literal["on", "off"] = "off",
) -> uvicorn.Config:
    secure: dict[str, Any] = (
        {"ssl_certfile": str(tls.server_cert), "ssl_keyfile": str(tls.server_key)}
        if tls is not None
        else {}
    )
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan=lifespan,
        server_header=False,
        # A deadline for each request head on top of h11's own: slow clients are cut off.
        http=GuardedH11Protocol,
        timeout_keep_alive=30,
        limit_concurrency=1000,
        # Idle keep-alive connections would otherwise hold a shutdown until they time out.
        timeout_graceful_shutdown=graceful_seconds,
        workers=workers,
        factory=isinstance(app, str),
        **secure,
    )


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it a response written in two pieces
    # (headers, body) waits for the client's delayed ACK, some 40 ms per request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class RunningEmulator:
    """An emulator serving HTTPS from a background thread."""

    def __init__(
        self, config: EmulatorConfig, host: str = "127.0.0.1", port: int = 0, *, record: bool = True
    ) -> None:
        config = replace(config, loopback_admin=is_loopback(host))
        self.config = config
        self.tls = ensure_tls(config.state_dir)
        self.emulator: Emulator = build(config)
        self.app = create_app(config, self.emulator)
        self._sock = bind(host, port)
        self.port = self._sock.getsockname()[1]
        self.host = host
        self.url = url_for(host, self.port)
        self._server = uvicorn.Server(
            _uvicorn_config(
                self.app, host, self.port, self.tls, graceful_seconds=1, log_level="critical"
            )
        )
        self._thread = threading.Thread(target=self._run, name="mdekit-emulator", daemon=True)
        self._record = record

    def _run(self) -> None:
        self._server.run(sockets=[self._sock])

    def start(self) -> RunningEmulator:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        if self._record:
            write_endpoint(
                self.config.state_dir,
                Endpoint(self.url, self.host, self.port, os.getpid(), str(self.tls.bundle)),
            )
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        with contextlib.suppress(OSError):
            self._sock.close()
        if self._record:
            Endpoint.path(self.config.state_dir).unlink(missing_ok=True)
        self.emulator.close()

    def __enter__(self) -> RunningEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def running(
    config: EmulatorConfig, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningEmulator]:
    with RunningEmulator(config, host, port) as emulator:
        yield emulator


def serve_forever(
    config: EmulatorConfig,
    host: str,
    port: int,
    on_ready: Any = None,
    *,
    workers: int = 1,
    insecure_http: bool = False,
) -> None:
    """Serve in the foreground until interrupted (Ctrl-C / SIGTERM); with `workers` > 1,
    as that many processes on one socket sharing the database."""
    if insecure_http and not is_loopback(host):
        raise ServeOptionError(
            "plain HTTP is only for a reverse proxy on this host: bind it to loopback "
            "(--host 127.0.0.1) or serve HTTPS"
        )
    # Behind a proxy every caller arrives from loopback: nobody is admin without the key.
    config = replace(config, loopback_admin=is_loopback(host) and not insecure_http)
    tls = ensure_tls(config.state_dir)
    serving_tls = None if insecure_http else tls
    emulator = build(config)
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    url = url_for(host, actual, "http" if insecure_http else "https")
    endpoint = Endpoint(url, host, actual, os.getpid(), str(tls.bundle))
    try:
        if workers > 1:
            _serve_workers(config, emulator, endpoint, sock, serving_tls, workers, on_ready)
        else:
            _serve_one(config, emulator, endpoint, sock, serving_tls, on_ready)
    finally:
        Endpoint.path(config.state_dir).unlink(missing_ok=True)


def _serve_one(
    config: EmulatorConfig,
    emulator: Emulator,
    endpoint: Endpoint,
    sock: socket.socket,
    tls: TlsFiles | None,
    on_ready: Any,
) -> None:
    app = create_app(config, emulator)
    server = uvicorn.Server(_uvicorn_config(app, endpoint.host, endpoint.port, tls))

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.01)
        if server.started:
            write_endpoint(config.state_dir, endpoint)
            if on_ready is not None:
                on_ready(emulator, endpoint)

    watcher = threading.Thread(target=announce, daemon=True)
    watcher.start()
    _exit_cleanly_on_sigterm()
    try:
        server.run(sockets=[sock])
    finally:
        emulator.close()


def _exit_cleanly_on_sigterm() -> None:
    """After its graceful shutdown uvicorn raises the SIGTERM it caught again, with the
    handler it found: make that handler an exit, so that `finally` blocks (closing the
    emulator, flushing the journal, removing endpoint.json) still run."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_exit)


def _raise_exit(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _serve_workers(
    config: EmulatorConfig,
    emulator: Emulator,
    endpoint: Endpoint,
    sock: socket.socket,
    tls: TlsFiles | None,
    workers: int,
    on_ready: Any,
) -> None:
    """The parent has migrated and bootstrapped the database; the workers build their own
    emulators from it (a worker that uvicorn restarts keeps what the control API changed:
    the start-up quota switch was applied here, once)."""
    emulator.close()
    os.environ[CONFIG_ENV] = config_to_env(replace(config, quotas=None))
    supervisor = Multiprocess(
        _uvicorn_config(
            APP_FACTORY, endpoint.host, endpoint.port, tls, workers=workers, lifespan="on"
        ),
        sockets=[sock],
    )

    def announce() -> None:
        if _wait_until_answering(endpoint, supervisor.should_exit):
            write_endpoint(config.state_dir, endpoint)
            if on_ready is not None:
                on_ready(emulator, endpoint)

    threading.Thread(target=announce, daemon=True).start()
    supervisor.run()


def _wait_until_answering(endpoint: Endpoint, stop: threading.Event) -> bool:
    """Poll the health endpoint until a worker answers (or the supervisor stops)."""
    context = ssl.create_default_context(cafile=endpoint.ca_bundle)
    target = f"{endpoint.url}/_emulator/health"
    deadline = time.monotonic() + STARTUP_TIMEOUT * 4
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(  # noqa: S310 - our own https/http URL
                target,
                timeout=2,
                context=context if target.startswith("https") else None,
            ) as answer:
                if answer.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        stop.wait(0.1)
    return False
