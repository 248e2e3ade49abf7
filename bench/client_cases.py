"""The client's cases: paging through alerts beside a plain httpx loop, the docs' urllib
sample and a peer client, and the peak memory of exporting a million alerts."""

from __future__ import annotations

import json
import os
import ssl
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import servers
from bench.report import Row

PEER = "check-msdefender"
"""The one other Defender API client on PyPI that pages alerts (a Nagios plugin's client:
requests + azure-identity). `mde-client` has no installable release here."""


def _alternated(runs: dict[str, Callable[[], int]], rounds: int, expect: int) -> dict[str, float]:
    """Median seconds of each run, the runs taken in turn round after round, so that other
    work on a shared machine weighs on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.perf_counter()
            count = run()
            times[name].append(time.perf_counter() - started)
            if count != expect:
                raise AssertionError(f"{name} paged {count} alerts, not {expect}")
    return {name: statistics.median(spans) for name, spans in times.items()}


class _Token:
    """What check-msdefender's client asks its authenticator for (azure-identity's shape)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.expires_on = int(time.time()) + 3000

    def get_token(self, *_scopes: str) -> _Token:
        return self


def _peer(url: str, token: str, bundle: str) -> Callable[[], int] | None:
    """check-msdefender's alert paging (it follows @odata.nextLink), or None when the
    package is not installed."""
    try:
        from check_msdefender.core.defender import DefenderClient  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        return None
    peer = DefenderClient(_Token(token))
    peer.base_url = url
    peer.session.verify = bundle
    peer.session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment wins

    def run() -> int:
        return len(peer._fetch_alerts_paginated(f"{url}/api/alerts", None))

    return run


def client_paging(work: Path, *, quick: bool) -> list[Row]:
    """Our client against a plain httpx loop, the docs' urllib sample and a peer, over the
    same pages of the emulator. Client pacing is off: the emulator runs without quotas."""
    from mdekit import Client
    from mdekit.client.pacing import PacingSettings
    from mdekit.client.settings import load_settings

    alerts, page, rounds = (10_000, 1_000, 3) if quick else (100_000, 10_000, 5)
    load = os.getloadavg()[0]
    work.mkdir(parents=True)
    with servers.emulator(work / "state", machines=500, alerts=alerts) as emu:
        context = ssl.create_default_context(cafile=emu.bundle)
        settings = load_settings(
            api_url=emu.url,
            authority=emu.url,
            tenant_id=emu.tenant_id,
            client_id=emu.client_id,
            client_secret=emu.client_secret,
            ca_bundle=emu.bundle,
            environ={},
        )
        with Client(settings=settings, pacing=PacingSettings(enabled=False)) as client:
            token = client.token()
            headers = {"Authorization": f"Bearer {token}"}

            def plain() -> int:
                count, skip = 0, 0
                with httpx.Client(verify=context, timeout=120) as http:
                    while True:
                        body = http.get(
                            f"{emu.url}/api/alerts",
                            headers=headers,
                            params={"$top": page, "$skip": skip},
                        ).json()
                        count += len(body["value"])
                        if len(body["value"]) < page:
                            return count
                        skip += page

            def sample() -> int:
                # The docs' Python sample: urllib, a request per page, json.loads.
                count, skip = 0, 0
                while True:
                    request = urllib.request.Request(
                        f"{emu.url}/api/alerts?$top={page}&$skip={skip}", headers=headers
                    )
                    with urllib.request.urlopen(request, context=context) as response:
                        body = json.loads(response.read())
                    count += len(body["value"])
                    if len(body["value"]) < page:
                        return count
                    skip += page

            def typed() -> int:
                return sum(1 for _ in client.alerts.list(page_size=page))

            def dicts() -> int:
                return sum(1 for _ in client.paginate("alerts.list", page_size=page))

            runs = {"plain": plain, "typed": typed, "dicts": dicts, "sample": sample}
            peer = _peer(emu.url, token, emu.bundle)
            if peer is not None:
                runs["peer"] = peer
            _alternated(runs, 1, alerts)  # warm-up: connections, caches, the first token
            median = _alternated(runs, rounds, alerts)
    return _paging_rows(alerts, page, rounds, median, load)


def _paging_rows(
    alerts: int, page: int, rounds: int, median: dict[str, float], load: float
) -> list[Row]:
    plain = median["plain"]
    note = (
        f"emulator, pages of {page:,}, median of {rounds} alternated rounds; load average "
        f"{load:.1f} at the start on {os.cpu_count()} cores"
    )
    ours = {
        "dicts": ("`Client.paginate`", "JSON items"),
        "typed": ("`client.alerts.list`", "typed models"),
    }
    rows = [
        Row(
            f"client paging through {alerts:,} alerts ({call}, {kind})",
            f"{median[key]:.2f} s",
            f"{plain:.2f} s (plain httpx loop{', JSON only' if key == 'typed' else ''})",
            median[key] / plain,
            "<= 1.1",
            median[key] <= 1.1 * plain,
            note,
        )
        for key, (call, kind) in ours.items()
    ]
    rows += [
        Row(
            f"client paging ({kind}) vs the docs' urllib sample",
            f"{median[key]:.2f} s",
            f"{median['sample']:.2f} s (urllib + json.loads per page)",
            median[key] / median["sample"],
            "< 1.0",
            median[key] < median["sample"],
            note,
        )
        for key, (_call, kind) in ours.items()
    ]
    if "peer" in median:
        rows.append(
            Row(
                f"peer: {PEER} paging the same {alerts:,} alerts",
                f"{median['dicts']:.2f} s (ours, JSON items)",
                f"{median['peer']:.2f} s ({PEER}, JSON items, next links)",
                median["dicts"] / median["peer"],
                "< 1.0",
                median["dicts"] < median["peer"],
                f"{note}; the peer follows @odata.nextLink pages of the emulator's default size "
                f"and returns dicts, so ours is timed with JSON items too (typed: "
                f"{median['typed']:.2f} s)",
            )
        )
    else:
        rows.append(
            Row(
                "peer clients for paging",
                "-",
                "-",
                None,
                "-",
                True,
                f"{PEER} not installed (pip install {PEER}); `mde-client` has no "
                "installable release here, and no other Defender API client on PyPI pages alerts",
            )
        )
    return rows


@contextmanager
def _alert_pages(emu: servers.Emulator, count: int, end: datetime) -> Iterator[str]:
    """The page server of `bench.alert_pages` over `count` alerts shaped like the emulator's."""
    context = ssl.create_default_context(cafile=emu.bundle)
    token = httpx.post(
        f"{emu.url}/{emu.tenant_id}/oauth2/v2.0/token",
        verify=context,
        data={
            "grant_type": "client_credentials",
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
            "scope": "https://api.securitycenter.microsoft.com/.default",
        },
    ).json()["access_token"]
    sample = httpx.get(
        f"{emu.url}/api/alerts?$top=1",
        verify=context,
        headers={"Authorization": f"Bearer {token}"},
    ).json()["value"][0]
    sample_file = emu.state_dir / "sample-alert.json"
    sample_file.write_text(json.dumps(sample))
    tls = emu.state_dir / "tls"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.alert_pages",
            "--cert",
            str(tls / "server.pem"),
            "--key",
            str(tls / "server-key.pem"),
            "--sample",
            str(sample_file),
            "--count",
            str(count),
            "--days",
            "179",
            "--end",
            end.isoformat(),
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


LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""
"""Runs the measured command as its own child. Linux carries the peak RSS of the memory a
process had before `exec` into its own figure, so a child started straight from the bench
(gigabytes after the world case) would report the bench's peak; the small launcher's is a
few MB."""


def _run_measured(command: list[str], env: dict[str, str], work: Path) -> tuple[float, int, str]:
    """Seconds, peak RSS (KiB) and stderr of one process, its own rusage only."""
    result, errors = work / "measured.txt", work / "measured-stderr.txt"
    started = time.perf_counter()
    with errors.open("w") as stderr:
        subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(result), *command],
            env=env,
            stderr=stderr,
            check=True,
        )
    took = time.perf_counter() - started
    peak, code = (int(part) for part in result.read_text().split())
    text = errors.read_text()
    if code != 0:
        raise RuntimeError(f"{command[2:5]} failed ({code}): {text[-2000:]}")
    return took, peak, text


def export_memory(work: Path, *, quick: bool) -> list[Row]:
    """`mdekit alerts export` of a million alerts to NDJSON, in its own process: its peak
    RSS. The emulator signs the client in; the alerts come from `bench.alert_pages`, which
    serves any number of alerts shaped like the emulator's without holding them."""
    count = 100_000 if quick else 1_000_000
    work.mkdir(parents=True)
    end = datetime.now(UTC).replace(microsecond=0)
    out = work / "alerts.ndjson"
    with (
        servers.emulator(work / "state", machines=20, alerts=20) as emu,
        _alert_pages(emu, count, end) as pages,
    ):
        env: dict[str, Any] = {
            **os.environ,
            "AZURE_AUTHORITY_HOST": emu.url,
            "AZURE_TENANT_ID": emu.tenant_id,
            "AZURE_CLIENT_ID": emu.client_id,
            "AZURE_CLIENT_SECRET": emu.client_secret,
            "MDE_API_URL": pages,
            "MDE_CA_BUNDLE": emu.bundle,
            "MDE_PACING": "off",
            "COLUMNS": "200",
        }
        env.pop("MDE_PROFILE", None)
        took, peak_kib, _ = _run_measured(
            [
                sys.executable,
                "-m",
                "mdekit",
                "alerts",
                "export",
                "--since",
                "180d",
                "--checkpoint",
                str(work / "checkpoint.json"),
                "--out",
                str(out),
            ],
            env,
            work,
        )
    with out.open("rb") as handle:
        lines = sum(1 for _ in handle)
    size = out.stat().st_size
    out.unlink()
    if lines != count:
        raise AssertionError(f"the export wrote {lines} alerts, not {count}")
    peak = peak_kib / 1024
    return [
        Row(
            f"peak memory exporting {count:,} alerts to NDJSON (`mdekit alerts export`)",
            f"{peak:.0f} MB max RSS",
            "budget 150 MB",
            peak / 150,
            "<= 1.0",
            peak <= 150,
            f"{took:.0f} s, {size / 2**20:,.0f} MiB written; alerts served by bench.alert_pages "
            f"(emulator-shaped alerts over 179 days, one page of ~{count // 179:,} per one-day "
            "window of the feed), token from the emulator",
        )
    ]


ALL: dict[str, Callable[..., list[Row]]] = {
    "client_paging": client_paging,
    "export_memory": export_memory,
}
