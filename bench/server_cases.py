"""Server cases for a team's emulator: the alerts page with 4 workers against 1 worker on one
PostgreSQL database, and a steady load at 64 connections (no 5xx, latency percentiles).

PostgreSQL comes from `MDE_BENCH_POSTGRES_URL` (else `MDE_TEST_POSTGRES_URL`, else the local
server as `postgres`); the case makes a database of its own there and drops it afterwards."""

from __future__ import annotations

import os
import ssl
import statistics
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench import servers
from bench.cpu import machine_cpu_seconds, tree_cpu_seconds
from bench.load import LoadResult, drive
from bench.report import Row
from bench.steady_load import Target, steady

DEFENDER_SCOPE = "https://api.securitycenter.microsoft.com/.default"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
SCALING_WORKERS = 4
SCALING_EFFICIENCY = 0.8
"""Requests per CPU-second that several workers keep of one worker's (what sharing one
database and its switches may cost)."""
MIN_CPU_GAIN = 1.1
"""How much more CPU the workers must get than one process for the case to show scaling."""


def _form(emu: servers.Emulator) -> str:
    return urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
            "scope": DEFENDER_SCOPE,
        }
    )


def _token(emu: servers.Emulator) -> str:
    response = httpx.post(
        f"{emu.url}/{emu.tenant_id}/oauth2/v2.0/token",
        content=_form(emu),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        verify=ssl.create_default_context(cafile=emu.bundle),
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def machine_load() -> str:
    """The 1-minute load average as a case starts: on a shared machine other work takes
    cores from both sides of a ratio, and from a scaling figure most of all."""
    try:
        return f"load average {os.getloadavg()[0]:.1f} at the start"
    except OSError:
        return "load average unknown"


def _postgres_server() -> str:
    return (
        os.environ.get("MDE_BENCH_POSTGRES_URL")
        or os.environ.get("MDE_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES
    )


def _admin(server_url: str) -> sa.Engine:
    url = sa.make_url(server_url).set(drivername="postgresql+psycopg")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _unreachable(server_url: str) -> str | None:
    """Why the server cannot be used, or None."""
    admin = _admin(server_url)
    try:
        with admin.connect():
            return None
    except sa.exc.OperationalError as exc:
        return str(exc.orig or exc).splitlines()[0]
    finally:
        admin.dispose()


@contextmanager
def _fresh_database(server_url: str) -> Iterator[str]:
    """A new database on the server (its URL), dropped afterwards."""
    name = f"mdekit_bench_{uuid.uuid4().hex[:10]}"
    admin = _admin(server_url)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _alternate(
    loads: dict[str, Callable[[int], LoadResult]], *, seconds: int, rounds: int
) -> dict[str, list[LoadResult]]:
    """Each load once to warm up, then `rounds` rounds of all of them in turn."""
    for load in loads.values():
        load(1)
    results: dict[str, list[LoadResult]] = {name: [] for name in loads}
    for _ in range(rounds):
        for name, load in loads.items():
            results[name].append(load(seconds))
    return results


def team_scaling(work: Path, *, quick: bool) -> list[Row]:
    """`GET /api/alerts?$top=100` on one PostgreSQL database: `--workers 4` against
    `--workers 1`, both serving at once and driven in alternating rounds."""
    seconds, rounds = (2, 3) if quick else (5, 5)
    cores = os.cpu_count() or 1
    busy = machine_load()
    server = _postgres_server()
    case = f"alerts page, {SCALING_WORKERS} workers vs 1 worker on PostgreSQL"
    unreachable = _unreachable(server)
    if unreachable:
        return [Row(case, "not run", f"no PostgreSQL: {unreachable}", None, "-", False)]
    work.mkdir(parents=True)

    def emulator(name: str, workers: int, db_url: str) -> servers.Emulator:
        extra = ["--db", db_url, "--workers", str(workers)]
        return stack.enter_context(
            servers.emulator(work / name, machines=100, alerts=500, extra=extra)
        )

    with ExitStack() as stack:
        db_url = stack.enter_context(_fresh_database(server))
        one, many = emulator("one", 1, db_url), emulator("many", SCALING_WORKERS, db_url)
        # One token for both: the signing keys live in the shared database.
        headers = {"Authorization": f"Bearer {_token(one)}"}

        cores_used: dict[str, list[float]] = {"one": [], "many": []}
        machine_busy: dict[str, list[float]] = {"one": [], "many": []}

        def load(name: str, emu: servers.Emulator) -> Callable[[int], LoadResult]:
            def measured(span: int) -> LoadResult:
                cpu, started = tree_cpu_seconds(emu.pid), time.monotonic()
                busy, total = machine_cpu_seconds()
                result = drive(
                    f"{emu.url}/api/alerts?$top=100",
                    headers=headers,
                    seconds=span,
                    connections=32,
                    cafile=emu.bundle,
                )
                used = tree_cpu_seconds(emu.pid) - cpu
                cores_used[name].append(used / (time.monotonic() - started))
                busy_after, total_after = machine_cpu_seconds()
                machine_busy[name].append(
                    (busy_after - busy) / (total_after - total) if total_after > total else 0.0
                )
                return result

            return measured

        found = _alternate(
            {"one": load("one", one), "many": load("many", many)}, seconds=seconds, rounds=rounds
        )
    ratios = [
        m.requests_per_second / o.requests_per_second
        for m, o in zip(found["many"], found["one"], strict=True)
    ]
    ratio = statistics.median(ratios)
    many_rps = statistics.median(r.requests_per_second for r in found["many"])
    one_rps = statistics.median(r.requests_per_second for r in found["one"])
    errors = sum(r.errors for rs in found.values() for r in rs)
    # The first figure of each is the warm-up's.
    one_cores = statistics.median(cores_used["one"][1:])
    many_cores = statistics.median(cores_used["many"][1:])
    one_busy = statistics.median(machine_busy["one"][1:])
    many_busy = statistics.median(machine_busy["many"][1:])
    # Scaling with cores: requests/s grow with the CPU the workers get. On a machine with
    # idle cores that is up to min(workers, cores) times one process's; here the load
    # generator and PostgreSQL run on the same cores, so what the workers got is measured
    # (their processes' CPU time), not assumed. Scaling is shown only if they got more.
    more_cpu = many_cores / one_cores if one_cores > 0 else 0.0
    shown = more_cpu >= MIN_CPU_GAIN
    target = round(SCALING_EFFICIENCY * more_cpu, 2)
    per_cpu = (
        f"; {many_rps / many_cores:.0f} against {one_rps / one_cores:.0f} requests per CPU-second"
        if shown
        else "; the workers got no more CPU than one process: scaling not shown"
    )
    return [
        Row(
            case,
            f"{many_rps:.0f}/s with {SCALING_WORKERS} workers on {many_cores:.2f} cores "
            f"({errors} errors)",
            f"{one_rps:.0f}/s with 1 worker on {one_cores:.2f} cores",
            ratio,
            f">= {target} ({SCALING_EFFICIENCY} x the {more_cpu:.2f}x CPU the workers got)",
            shown and ratio >= target and errors == 0,
            f"{found['one'][0].tool}, 32 connections, median of {rounds} alternating "
            f"{seconds} s rounds; cores: the emulator processes' CPU time over the round's; "
            f"the machine's {cores} cores were {one_busy:.0%} busy with 1 worker, "
            f"{many_busy:.0%} with {SCALING_WORKERS} (the load generator and PostgreSQL "
            f"share them){per_cpu}; {busy}",
        )
    ]


def steady_load(work: Path, *, quick: bool) -> list[Row]:
    """64 connections for 60 s (10 s in quick mode) on the default emulator (SQLite, one
    process): alerts pages with a token request every tenth call."""
    seconds, connections = (10, 64) if quick else (60, 64)
    busy = machine_load()
    work.mkdir(parents=True)
    with servers.emulator(work / "state", machines=100, alerts=500) as emu:
        target = Target(
            page_url=f"{emu.url}/api/alerts?$top=100",
            token_url=f"{emu.url}/{emu.tenant_id}/oauth2/v2.0/token",
            bearer=_token(emu),
            form=_form(emu),
        )
        result = steady(target, seconds=seconds, connections=connections, cafile=emu.bundle)
    return [
        Row(
            f"steady load, {connections} connections for {seconds} s",
            f"{result.requests:,} requests, {result.requests_per_second:.0f}/s, "
            f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
            f"{result.server_errors} 5xx, {result.other_failures} other failures",
            "-",
            None,
            "0 5xx",
            result.server_errors == 0 and result.requests > 0,
            f"{result.tool}; 9 alerts pages ($top=100) to 1 token request; SQLite, one "
            f"process; {busy}",
        )
    ]


ALL: dict[str, Callable[..., list[Row]]] = {
    "team_scaling": team_scaling,
    "steady_load": steady_load,
}
