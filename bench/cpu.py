"""CPU time a process tree used, from /proc (Linux): how many cores a server really got
while a load ran, beside the load generator and the database on the same machine."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name, in parentheses, may hold spaces: the fields follow its last ')'.
    return text[text.rindex(")") + 2 :].split()


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of `pid` and its living descendants (0 off Linux)."""
    if not Path("/proc").is_dir():
        return 0.0
    # One pass over /proc: each process's CPU time and children, then the tree from `pid`.
    children: dict[int, list[int]] = {}
    seconds: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is None:
            continue
        # utime and stime are fields 14 and 15 of stat (from 1); counted from the field
        # after the name (the 3rd), they are at 11 and 12 from 0; the parent is at 1.
        seconds[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICKS
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        total += seconds.get(current, 0.0)
        pending += children.get(current, [])
    return total


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat's `cpu`
    line ((0, 0) off Linux): the difference over a round tells how busy the machine was."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return 0.0, 0.0
    # user nice system idle iowait irq softirq steal (guest time is inside user already).
    values = [int(v) for v in first[1:9]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / _TICKS, sum(values) / _TICKS
