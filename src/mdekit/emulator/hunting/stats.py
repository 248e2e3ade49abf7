"""The `Stats` object the Advanced Hunting API puts before `Schema` and `Results`.

The real service reports the Kusto cluster's figures (execution time, CPU as .NET
timespans, cache hits, peak memory per node, result size). The emulator reports its own
measurements of the same things: the wall time and process CPU spent on the query, the
process's peak memory, and the answer's row count and size; it has no extent cache, so the
cache counters are zero."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from typing import Any


def dotnet_timespan(seconds: float) -> str:
    """`00:00:19.0468750`: hours, minutes, seconds and seven fraction digits."""
    ticks = max(0, round(seconds * 10_000_000))
    whole, fraction = divmod(ticks, 10_000_000)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{fraction:07d}"


@dataclass(frozen=True)
class QueryMeter:
    """Readings taken when a query starts; `stats` compares them with the end."""

    wall: float
    user: float
    system: float

    @classmethod
    def start(cls) -> QueryMeter:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return cls(time.perf_counter(), usage.ru_utime, usage.ru_stime)

    def stats(self, rows: int, result_bytes: int) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        user = usage.ru_utime - self.user
        system = usage.ru_stime - self.system
        empty = {"hits": 0, "misses": 0, "total": 0}
        return {
            "ExecutionTime": round(time.perf_counter() - self.wall, 6),
            "resource_usage": {
                "cache": {"memory": dict(empty), "disk": dict(empty)},
                "cpu": {
                    "user": dotnet_timespan(user),
                    "kernel": dotnet_timespan(system),
                    "total cpu": dotnet_timespan(user + system),
                },
                # ru_maxrss is in KiB on Linux.
                "memory": {"peak_per_node": usage.ru_maxrss * 1024},
            },
            "dataset_statistics": [{"table_row_count": rows, "table_size": result_bytes}],
        }
