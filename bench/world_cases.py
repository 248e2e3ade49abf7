"""World generation: the machines, alerts and TVM of a world, then its Advanced Hunting
tables, against the issue's budget of 60 s for 10,000 machines, 100,000 alerts and a
million Device* events (a tenth of each, and of the budget, in quick mode)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.report import Row


def world_generation(work: Path, *, quick: bool) -> list[Row]:
    from mdekit.emulator.world import generate_tvm, generate_world
    from mdekit.emulator.world.events import EVENT_TABLES, write_hunting_tables

    machines, alerts, events = (1_000, 10_000, 100_000) if quick else (10_000, 100_000, 1_000_000)
    budget = 6.0 if quick else 60.0
    now = datetime.now(UTC).replace(microsecond=0)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    cpu_started = time.process_time()
    world = generate_world(
        tenant_id="00000000-0000-0000-0000-00000000b0b0",
        seed=7,
        now=now,
        machines=machines,
        alerts=alerts,
    )
    world_done = time.perf_counter()
    tvm = generate_tvm(world)
    tvm_done = time.perf_counter()
    conn = duckdb.connect()
    counts = write_hunting_tables(world, tvm, conn, events=events, now=now.replace(tzinfo=None))
    took = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    device_events = sum(counts[table] for table in EVENT_TABLES)
    return [
        Row(
            f"world generation ({machines:,} machines, {alerts:,} alerts, "
            f"{events:,} hunting events)",
            f"{took:.1f} s",
            f"budget {budget:.0f} s",
            took / budget,
            "<= 1.0",
            took <= budget,
            f"world {world_done - started:.1f} s, TVM {tvm_done - world_done:.1f} s, hunting "
            f"tables {took - (tvm_done - started):.1f} s: {device_events:,} Device* events, "
            f"{sum(counts.values()):,} rows in all; {cpu:.0f} s CPU; load average {load:.1f} "
            f"at the start on {os.cpu_count()} cores",
        )
    ]


ALL: dict[str, Callable[..., list[Row]]] = {"world_generation": world_generation}
