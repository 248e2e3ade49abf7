"""Starting the servers a benchmark compares, each in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Emulator:
    url: str
    state_dir: Path
    tenant_id: str
    client_id: str
    client_secret: str
    bundle: str
    pid: int = 0
    """The `mdekit emulator serve` process (its workers are its children)."""


@contextmanager
def emulator(
    state_dir: Path, *, machines: int, alerts: int, extra: list[str] | None = None
) -> Iterator[Emulator]:
    command = [
        sys.executable,
        "-m",
        "mdekit",
        "emulator",
        "serve",
        "--port",
        "0",
        "--state-dir",
        str(state_dir),
        "--machines",
        str(machines),
        "--alerts",
        str(alerts),
        "--no-quotas",
        *(extra or []),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        endpoint = state_dir / "endpoint.json"
        deadline = time.monotonic() + 600
        while not endpoint.exists():
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode() if process.stderr else "")
            if time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.1)
        info = json.loads(endpoint.read_text())
        dev = json.loads((state_dir / "dev-app.json").read_text())
        yield Emulator(
            info["url"],
            state_dir,
            dev["tenant_id"],
            dev["client_id"],
            dev["client_secret"],
            info["ca_bundle"],
            process.pid,
        )
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def baseline(state_dir: Path, page: Path) -> Iterator[str]:
    tls = state_dir / "tls"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.baseline_server",
            "--cert",
            str(tls / "server.pem"),
            "--key",
            str(tls / "server-key.pem"),
            "--page",
            str(page),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"https://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
