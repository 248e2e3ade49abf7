"""`make soak`: the emulator under a steady, bounded, mixed load on loopback (tokens, alert
pages, machine actions and their reads, machine pages, hunting queries) for `--minutes`,
reporting the error rate (must be 0) and the server's RSS after warm-up, in the middle and at
the end (must stay flat: growth from the post-warm-up figure at most `--max-growth`).

    python -m bench.soak --minutes 10            # the full soak
    python -m bench.soak --seconds 20 --rate 30  # a short one (tests/test_reliability_soak.py)

Exit status 0 when both bounds hold, 1 otherwise. Any non-2xx answer or transport error is an
error: the load is chosen so that a healthy emulator answers every request with success
(machine actions complete at once, quotas are off)."""

from __future__ import annotations

import argparse
import faulthandler
import itertools
import json
import os
import random
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.servers import Emulator

DEFENDER_SCOPE = "https://api.securitycenter.microsoft.com/.default"
HUNTING_QUERIES = (
    "DeviceProcessEvents | where Timestamp > ago(1d) | summarize n = count() by DeviceName"
    " | top 5 by n",
    "DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | project DeviceName, OSPlatform",
    "AlertInfo | where Severity == 'High' | take 20",
)
# One cycle of a worker; weights are the repetitions.
MIX = ("token", "alerts", "alerts", "alerts", "machines", "action", "action_get", "hunting")


@dataclass
class Sample:
    elapsed: float
    rss_kib: int


@dataclass
class SoakResult:
    seconds: float
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    by_operation: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    warmup_seconds: float = 0.0
    first_answers: dict[str, float] = field(default_factory=dict)
    """Seconds into the run when each kind of call was first answered."""

    @property
    def error_rate(self) -> float:
        return len(self.errors) / self.requests if self.requests else 0.0

    def rss_after_warmup(self) -> int:
        later = (s.rss_kib for s in self.samples if s.elapsed >= self.warmup_seconds)
        return next(later, self.samples[-1].rss_kib)

    def rss_middle(self) -> int:
        later = [s for s in self.samples if s.elapsed >= self.seconds / 2]
        return (later or self.samples)[0].rss_kib

    def rss_end(self) -> int:
        return self.samples[-1].rss_kib

    def rss_each_tenth(self) -> list[int]:
        """RSS at 10%, 20%, ... 100% of the run: the trend, not only its ends."""
        marks = [self.seconds * tenth / 10 for tenth in range(1, 11)]
        return [
            next((s.rss_kib for s in self.samples if s.elapsed >= mark), self.rss_end())
            for mark in marks
        ]

    def growth(self) -> float:
        """RSS growth from the end of warm-up to the end, as a fraction."""
        start = self.rss_after_warmup()
        return (self.rss_end() - start) / start

    def summary(self) -> dict[str, Any]:
        p = {
            op: {
                "calls": len(times),
                "p50_ms": round(statistics.median(times) * 1000, 1),
                "p99_ms": round(sorted(times)[int(len(times) * 0.99) - 1] * 1000, 1),
            }
            for op, times in sorted(self.latencies.items())
            if times
        }
        return {
            "seconds": round(self.seconds),
            "requests": self.requests,
            "requests_per_second": round(self.requests / self.seconds, 1),
            "errors": len(self.errors),
            "error_rate": self.error_rate,
            "first_errors": self.errors[:5],
            "rss_mib": {
                "after_warmup": round(self.rss_after_warmup() / 1024, 1),
                "middle": round(self.rss_middle() / 1024, 1),
                "end": round(self.rss_end() / 1024, 1),
                "peak": round(max(s.rss_kib for s in self.samples) / 1024, 1),
            },
            "warmup_seconds": round(self.warmup_seconds, 1),
            "rss_growth": round(self.growth(), 4),
            "rss_mib_each_tenth": [round(rss / 1024, 1) for rss in self.rss_each_tenth()],
            "operations": p,
        }


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


class Load:
    """Workers sharing one pace: request n is due at start + n / rate."""

    def __init__(
        self,
        emu: Emulator,
        *,
        rate: float,
        seconds: float,
        seed: int,
        mix: tuple[str, ...] = MIX,
    ) -> None:
        self.emu = emu
        self.mix = mix
        self.rate = rate
        self.seconds = seconds
        self.verify = ssl.create_default_context(cafile=emu.bundle)
        self.result = SoakResult(seconds)
        self._lock = threading.Lock()
        self._ticket = itertools.count()
        self._start = 0.0
        self._rng = random.Random(seed)
        self.machines: list[str] = []
        self.workers = 1
        self.alert_count = 0

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.emu.url, verify=self.verify, timeout=30)

    def token(self, http: httpx.Client) -> httpx.Response:
        return http.post(
            f"/{self.emu.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.emu.client_id,
                "client_secret": self.emu.client_secret,
                "scope": DEFENDER_SCOPE,
            },
        )

    def prepare(self) -> None:
        admin_key = (self.emu.state_dir / "admin-key").read_text().strip()
        with self.http() as http:
            answer = http.put(
                "/_emulator/actions",
                json={"mode": "instant"},
                headers={"X-Emulator-Admin-Key": admin_key},
            )
            answer.raise_for_status()
            bearer = {"Authorization": f"Bearer {self.token(http).json()['access_token']}"}
            machines = http.get(
                "/api/machines",
                params={"$filter": "startswith(osPlatform,'Windows')"},
                headers=bearer,
            )
            self.machines = [m["id"] for m in machines.json()["value"]]
            alerts = http.get("/api/alerts", params={"$select": "id"}, headers=bearer)
            self.alert_count = len(alerts.json()["value"])
            # The first hunting query builds the tenant's hunting store (seconds, once): a
            # start-up cost, not part of the steady state the soak measures.
            hunted = http.post(
                "/api/advancedqueries/run",
                json={"Query": HUNTING_QUERIES[0]},
                headers=bearer,
                timeout=300,
            )
            hunted.raise_for_status()
        if not self.machines:
            raise RuntimeError("the world has no Windows machine for the action mix")

    def _due(self) -> float | None:
        """Seconds from now until this worker's next request, None when the soak is over."""
        moment = self._start + next(self._ticket) / self.rate
        if moment - self._start >= self.seconds:
            return None
        return moment - time.monotonic()

    def _record(self, operation: str, started: float, answer: httpx.Response | Exception) -> None:
        took = time.monotonic() - started
        with self._lock:
            self.result.requests += 1
            self.result.by_operation[operation] += 1
            self.result.latencies.setdefault(operation, []).append(took)
            self.result.first_answers.setdefault(operation, time.monotonic() - self._start)
            if isinstance(answer, Exception):
                self.result.errors.append(f"{operation}: {type(answer).__name__}: {answer}")
            elif not answer.is_success:
                self.result.errors.append(f"{operation}: {answer.status_code} {answer.text[:200]}")

    def worker(self, index: int) -> None:
        rng = random.Random(index)
        with self.http() as http:
            bearer: dict[str, str] = {}
            last_action: str | None = None
            turn = index % len(self.mix)
            for operation in itertools.cycle(self.mix[turn:] + self.mix[:turn]):
                wait = self._due()
                if wait is None:
                    return
                if wait > 0:
                    time.sleep(wait)
                if not bearer and operation != "token":
                    operation = "token"
                started = time.monotonic()
                try:
                    answer = self._call(http, operation, bearer, rng, last_action, index)
                except httpx.HTTPError as exc:
                    self._record(operation, started, exc)
                    continue
                self._record(operation, started, answer)
                if answer.is_success and operation == "token":
                    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
                if answer.is_success and operation == "action":
                    last_action = answer.json()["id"]

    def _call(
        self,
        http: httpx.Client,
        operation: str,
        bearer: dict[str, str],
        rng: random.Random,
        last_action: str | None,
        worker: int,
    ) -> httpx.Response:
        if operation == "token":
            return self.token(http)
        if operation == "alerts":
            skip = rng.randrange(max(1, self.alert_count - 20))
            return http.get("/api/alerts", params={"$top": 20, "$skip": skip}, headers=bearer)
        if operation == "machines":
            return http.get("/api/machines", params={"$top": 10}, headers=bearer)
        if operation == "action":
            # Each worker acts on machines of its own: two scans racing on one machine get
            # ActiveRequestAlreadyExists, as on the real service.
            machine = rng.choice(self.machines[worker :: self.workers] or self.machines)
            return http.post(
                f"/api/machines/{machine}/runAntiVirusScan",
                json={"Comment": "soak", "ScanType": "Quick"},
                headers=bearer,
            )
        if operation == "action_get":
            if last_action is None:
                return http.get("/api/machineactions", params={"$top": 5}, headers=bearer)
            return http.get(f"/api/machineactions/{last_action}", headers=bearer)
        return http.post(
            "/api/advancedqueries/run",
            json={"Query": rng.choice(HUNTING_QUERIES)},
            headers=bearer,
        )

    def run(self, *, workers: int, pid: int, sample_every: float) -> SoakResult:
        self.workers = workers
        self._start = time.monotonic()
        threads = [
            threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(workers)
        ]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            elapsed = time.monotonic() - self._start
            self.result.samples.append(Sample(elapsed, rss_kib(pid)))
            for thread in threads:
                thread.join(timeout=max(0.0, sample_every / len(threads)))
        self.result.samples.append(Sample(time.monotonic() - self._start, rss_kib(pid)))
        return self.result


@contextmanager
def emulator(state_dir: Path, *, machines: int, alerts: int) -> Iterator[tuple[Emulator, int]]:
    """A served emulator process and its pid. Its output goes to `serve.log` in the state
    directory (a pipe nobody reads would block it once full), with faulthandler on so that
    `kill -ABRT` shows where a hung one is."""
    state_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "mdekit", "emulator", "serve", "--port", "0"]
    command += ["--state-dir", str(state_dir), "--machines", str(machines)]
    command += ["--alerts", str(alerts), "--no-quotas"]
    with (state_dir / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "COLUMNS": "200", "PYTHONFAULTHANDLER": "1"},
        )
    try:
        endpoint = state_dir / "endpoint.json"
        deadline = time.monotonic() + 600
        info: dict[str, Any] = {}
        while info.get("pid") != process.pid:
            if process.poll() is not None:
                raise RuntimeError((state_dir / "serve.log").read_text()[-4000:])
            if time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.1)
            try:
                info = json.loads(endpoint.read_text())
            except (OSError, ValueError):
                info = {}
        dev = json.loads((state_dir / "dev-app.json").read_text())
        yield (
            Emulator(
                info["url"],
                state_dir,
                dev["tenant_id"],
                dev["client_id"],
                dev["client_secret"],
                info["ca_bundle"],
            ),
            process.pid,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def soak(
    state_dir: Path,
    *,
    seconds: float,
    rate: float = 40.0,
    workers: int = 4,
    machines: int = 25,
    alerts: int = 200,
    warmup_fraction: float = 0.1,
    sample_every: float = 1.0,
    seed: int = 1,
    mix: tuple[str, ...] = MIX,
) -> SoakResult:
    """Start an emulator in `state_dir`, load it for `seconds`, stop it; the figures."""
    with emulator(state_dir, machines=machines, alerts=alerts) as (emu, pid):
        load = Load(emu, rate=rate, seconds=seconds, seed=seed, mix=mix)
        load.prepare()
        result = load.run(workers=workers, pid=pid, sample_every=sample_every)
    # Warm-up ends once every kind of call has been answered (the first hunting query builds
    # the tenant's store, which takes seconds on a busy machine) and a little after.
    settled = max(result.first_answers.values(), default=0.0) + 2.0
    result.warmup_seconds = max(5.0, seconds * warmup_fraction, settled)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, default=10.0)
    length.add_argument("--seconds", type=float)
    parser.add_argument("--rate", type=float, default=40.0, help="requests a second, in all")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--max-growth", type=float, default=0.20, help="RSS growth bound")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--mix",
        default=",".join(MIX),
        help="the calls of one cycle, comma-separated (repeat one to weigh it more): "
        + ", ".join(sorted(set(MIX))),
    )
    args = parser.parse_args()
    seconds = args.seconds if args.seconds is not None else args.minutes * 60
    mix = tuple(args.mix.split(","))
    unknown = sorted(set(mix) - set(MIX))
    if unknown:
        parser.error(f"--mix: unknown call(s) {', '.join(unknown)}")
    # A hang is a failure too: dump every thread's stack and exit instead of waiting forever.
    faulthandler.dump_traceback_later(seconds + 600, exit=True)
    with tempfile.TemporaryDirectory(prefix="mdekit-soak-") as tmp:
        result = soak(
            Path(tmp),
            seconds=seconds,
            rate=args.rate,
            workers=args.workers,
            mix=mix,
        )
    figures = result.summary()
    figures["max_growth"] = args.max_growth
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    ok = not result.errors and result.growth() <= args.max_growth
    print("soak: " + ("ok" if ok else "FAILED"))
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
