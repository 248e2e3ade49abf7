"""A steady load for a fixed time at a fixed number of connections: the Defender API's
alerts page with a token request every tenth call, counting 5xx answers apart from the
other statuses and reporting latency percentiles.

wrk (Debian's package) drives it when present; otherwise an asyncio httpx loop does, which
costs more client CPU, so its figures are lower on a small machine (the tool is reported)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.load import wrk_threads


@dataclass
class SteadyResult:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    server_errors: int
    """5xx answers."""
    other_failures: int
    """4xx answers, connection errors and timeouts."""
    tool: str


@dataclass
class Target:
    page_url: str
    """GET, with the bearer token below."""
    token_url: str
    """POST, with the form below."""
    bearer: str
    form: str


# Each wrk thread has its own Lua state: counters are read back per thread in done().
_WRK_LUA = """
local page_headers = {{["Authorization"] = "Bearer {bearer}"}}
local form_headers = {{["Content-Type"] = "application/x-www-form-urlencoded"}}
local form = {form}
local threads = {{}}
local n = 0
server_errors = 0
other_failures = 0

setup = function(thread) table.insert(threads, thread) end

request = function()
  n = n + 1
  if n % 10 == 0 then
    return wrk.format("POST", "{token_path}", form_headers, form)
  end
  return wrk.format("GET", "{page_path}", page_headers)
end

response = function(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 400 then
    other_failures = other_failures + 1
  end
end

done = function(summary, latency, requests)
  local s, o = 0, 0
  for _, thread in ipairs(threads) do
    s = s + thread:get("server_errors")
    o = o + thread:get("other_failures")
  end
  local e = summary.errors
  io.write(string.format(
    "JSON{{\\"p50\\":%f,\\"p99\\":%f,\\"server_errors\\":%d,\\"other\\":%d,\\"requests\\":%d}}\\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, s,
    o + e.connect + e.read + e.write + e.timeout, summary.requests))
end
"""


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _origin(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


def _wrk(target: Target, seconds: int, connections: int) -> SteadyResult:
    script = _WRK_LUA.format(
        bearer=target.bearer,
        form=json.dumps(target.form),
        token_path=_path(target.token_url),
        page_path=_path(target.page_url),
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = ["wrk", f"-t{wrk_threads()}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "30s"]
    try:
        output = subprocess.run(
            [*command, "-s", handle.name, _origin(target.page_url)],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 120,
        ).stdout
    finally:
        Path(handle.name).unlink()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    stats = json.loads(output.split("JSON", 1)[1].splitlines()[0])
    return SteadyResult(
        int(stats["requests"]),
        float(rps.group(1)) if rps else 0.0,
        stats["p50"],
        stats["p99"],
        int(stats["server_errors"]),
        int(stats["other"]),
        f"wrk -t{wrk_threads()}",
    )


async def _python(target: Target, seconds: int, connections: int, cafile: str) -> SteadyResult:
    latencies: list[float] = []
    server_errors = other = 0
    context = ssl.create_default_context(cafile=cafile)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    stop = time.monotonic() + seconds
    async with httpx.AsyncClient(verify=context, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal server_errors, other
            n = 0
            while time.monotonic() < stop:
                n += 1
                started = time.perf_counter()
                try:
                    if n % 10 == 0:
                        response = await client.post(
                            target.token_url,
                            content=target.form,
                            headers={"Content-Type": "application/x-www-form-urlencoded"},
                        )
                    else:
                        response = await client.get(
                            target.page_url, headers={"Authorization": f"Bearer {target.bearer}"}
                        )
                except httpx.HTTPError:
                    other += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code >= 500:
                    server_errors += 1
                elif response.status_code >= 400:
                    other += 1

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.monotonic() - began
    latencies.sort()

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0

    return SteadyResult(
        len(latencies),
        len(latencies) / elapsed,
        pick(0.5),
        pick(0.99),
        server_errors,
        other,
        "python-httpx",
    )


def steady(target: Target, *, seconds: int, connections: int, cafile: str) -> SteadyResult:
    if shutil.which("wrk"):
        return _wrk(target, seconds, connections)
    return asyncio.run(_python(target, seconds, connections, cafile))
