"""Load generation: wrk (Debian's package) when present, otherwise an asyncio httpx loop.
Both targets of a ratio are always driven by the same generator in the same run."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str


_WRK_LUA = """
wrk.method = "{method}"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
{headers}
done = function(summary, latency, requests)
  io.write(string.format("JSON{{\\"p50\\":%f,\\"p99\\":%f,\\"errors\\":%d}}\\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def wrk_threads() -> int:
    """Half the cores for the load generator: on a small machine a second wrk thread would
    take the core that the server under test (and its handler threads) needs, and one
    thread drives these servers to their limit."""
    return max(1, (os.cpu_count() or 2) // 2)


def _wrk(
    url: str, method: str, body: str | None, headers: dict[str, str], seconds: int, connections: int
) -> LoadResult:
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    script = _WRK_LUA.format(
        method=method, body=json.dumps(body) if body else "nil", headers=header_lines
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    output = subprocess.run(
        ["wrk", f"-t{wrk_threads()}", f"-c{connections}", f"-d{seconds}s", "-s", handle.name, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    Path(handle.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    stats = json.loads(output.split("JSON", 1)[1].splitlines()[0])
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(stats["errors"]) + (int(non_2xx.group(1)) if non_2xx else 0)
    return LoadResult(rps, stats["p50"], stats["p99"], errors, f"wrk -t{wrk_threads()}")


async def _python_load(
    url: str,
    method: str,
    body: str | None,
    headers: dict[str, str],
    seconds: int,
    connections: int,
    cafile: str,
) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    context = ssl.create_default_context(cafile=cafile)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(verify=context, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = await client.request(
                    method,
                    url,
                    content=body,
                    headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
                )
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code >= 400:
                    errors += 1

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.monotonic() - began
    latencies.sort()

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0

    return LoadResult(len(latencies) / elapsed, pick(0.5), pick(0.99), errors, "python-httpx")


def drive(
    url: str,
    *,
    method: str = "GET",
    body: str | None = None,
    headers: dict[str, str] | None = None,
    seconds: int = 10,
    connections: int = 16,
    cafile: str,
) -> LoadResult:
    if shutil.which("wrk"):
        return _wrk(url, method, body, headers or {}, seconds, connections)
    return asyncio.run(_python_load(url, method, body, headers or {}, seconds, connections, cafile))
