"""`mdekit alerts export` as a user runs it: a subprocess killed with SIGKILL at random
moments and restarted loses and repeats nothing; --follow stops cleanly on SIGTERM or SIGINT;
errors map to the usual exit codes."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import duckdb
import pytest

from mdekit import Client
from tests.support.emulators import Served, served, wait_for
from tests.test_cli import mdekit


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("export-cli"), quotas=False) as running:
        yield running


@pytest.fixture(scope="module")
def every_alert(own: Served) -> list[tuple[str, str]]:
    with Client(settings=own.settings()) as client:
        return sorted(
            (a.id, str(a.model_dump(mode="json", by_alias=True)["lastUpdateTime"]))
            for a in client.alerts.list()
        )


def exported(out: Path, kind: str) -> list[tuple[str, str]]:
    if kind == "ndjson":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    elif kind == "csv":
        with open(out, newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        found = duckdb.sql(
            f"SELECT id, lastUpdateTime FROM read_parquet('{out}/*.parquet')"
        ).fetchall()
        return sorted(
            (r[0], r[1].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")) for r in found
        )
    return sorted((r["id"], r["lastUpdateTime"]) for r in rows)


def export_args(tmp: Path, kind: str, *extra: str) -> list[str]:
    out = tmp / ("alerts" if kind == "parquet" else f"alerts.{kind}")
    # Small windows and pages make a run long enough to be killed in the middle of it.
    return [
        "alerts",
        "export",
        "--since",
        "60d",
        "--checkpoint",
        str(tmp / "checkpoint.json"),
        "--out",
        str(out),
        "--format",
        kind,
        "--window",
        "6h",
        "--page-size",
        "2",
        *extra,
    ]


def env_of(server: Served) -> dict[str, str]:
    # The emulator has no quotas here; the client's pacing would spread these hundreds of
    # small pages over minutes (100 calls a minute).
    return {**server.env(), "MDE_PACING": "off"}


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mdekit", *args],
        env={**os.environ, "COLUMNS": "200", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(("kind", "seed"), [("ndjson", 1), ("csv", 2), ("parquet", 3)])
def test_sigkill_at_random_moments_then_restart(
    own: Served, every_alert: list[tuple[str, str]], tmp_path: Path, kind: str, seed: int
) -> None:
    rng = random.Random(seed)
    args = export_args(tmp_path, kind)
    killed = 0
    for _ in range(3):
        process = start(args, env_of(own))
        time.sleep(rng.uniform(0.7, 2.8))  # start-up takes ~0.6 s, a whole run ~3 s
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.communicate(timeout=60)
    final = mdekit(*args, env=env_of(own))
    assert final.returncode == 0, final.stderr
    out = Path(args[args.index("--out") + 1])
    assert exported(out, kind) == every_alert, f"after {killed} kill(s)"
    again = mdekit(*args, env=env_of(own))
    assert again.returncode == 0
    assert "exported 0 alert(s) this round" in again.stderr
    assert exported(out, kind) == every_alert, "a second run adds nothing"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_follow_stops_cleanly(
    own: Served,
    every_alert: list[tuple[str, str]],
    tmp_path: Path,
    stop: signal.Signals,
) -> None:
    args = export_args(tmp_path, "ndjson", "--follow", "--interval", "0.2")
    out = tmp_path / "alerts.ndjson"
    process = start(args, env_of(own))
    try:
        wait_for(lambda: out.exists() and len(out.read_text().splitlines()) == len(every_alert), 60)
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert stop.name in stderr
    assert "stopped" in stderr
    assert "exported" in stderr, "a progress line per round"
    assert "Traceback" not in stderr
    assert exported(out, "ndjson") == every_alert
    checkpoint = json.loads((tmp_path / "checkpoint.json").read_text())
    assert checkpoint["rows"] == len(every_alert)


def test_export_errors_use_the_exit_codes(own: Served, tmp_path: Path) -> None:
    args = export_args(tmp_path, "ndjson")
    wrong = mdekit(*args, env={**env_of(own), "AZURE_CLIENT_SECRET": "not-the-secret-at-all"})
    assert wrong.returncode == 3
    assert wrong.stderr.startswith("error: AADSTS7000215")
    assert "not-the-secret-at-all" not in wrong.stderr
    no_since = mdekit(
        "alerts",
        "export",
        "--checkpoint",
        str(tmp_path / "fresh.json"),
        "--out",
        str(tmp_path / "fresh.ndjson"),
        env=env_of(own),
    )
    assert no_since.returncode == 2
    assert "--since is required" in no_since.stderr
    bad_since = mdekit(*args[:2], "--since", "last tuesday", *args[4:], env=env_of(own))
    assert bad_since.returncode == 2
    assert "not a time or a duration" in bad_since.stderr
    done = mdekit(*args, env=env_of(own))
    assert done.returncode == 0
    other = mdekit(*[a if a != "ndjson" else "csv" for a in args], env=env_of(own))
    assert other.returncode == 2, "the checkpoint belongs to the ndjson output"
    assert "belongs to" in other.stderr


def test_since_as_a_date(own: Served, every_alert: list[tuple[str, str]], tmp_path: Path) -> None:
    args = export_args(tmp_path, "ndjson")
    args[args.index("60d")] = "2000-01-01"
    args[args.index("6h")] = "7d"
    result = mdekit(*args, env=env_of(own))
    assert result.returncode == 0, result.stderr
    assert "180 days" in result.stderr, "clamped to the retention, with a note"
    assert exported(tmp_path / "alerts.ndjson", "ndjson") == every_alert
