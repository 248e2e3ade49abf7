"""The results table: each figure, its baseline, the ratio and the target."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class Row:
    case: str
    ours: str
    baseline: str
    ratio: float | None
    target: str
    ok: bool
    note: str = ""
    group: str = ""
    """The case that measured it (a hidden tag in the table, to regenerate one case's rows)."""

    def describe(self) -> str:
        ratio = f"{self.ratio:.2f}" if self.ratio is not None else "-"
        return (
            f"{self.case}: ours {self.ours} | baseline {self.baseline} | ratio {ratio} "
            f"(target {self.target}) {'OK' if self.ok else 'MISSED'} {self.note}"
        )


def _memory() -> str:
    """Total memory as /proc/meminfo says (the machine's size matters as much as its CPU)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


TAG = "<!-- case:{} -->"


def _line(row: Row, quick: bool) -> str:
    ratio = f"{row.ratio:.2f}" if row.ratio is not None else "-"
    notes = [row.note] if row.note else []
    if quick:
        notes.append("quick mode")
    note = f" ({'; '.join(notes)})" if notes else ""
    tag = TAG.format(row.group) if row.group else ""
    return (
        f"| {row.case}{note} | {row.ours} | {row.baseline} | {ratio} | {row.target} | "
        f"{'yes' if row.ok else '**no**'} |{tag}"
    )


def _merged(path: Path, new: list[str], groups: set[str]) -> list[str]:
    """The table rows of `path` with those of `groups` replaced by `new` (in the place of
    the first replaced row, or at the end)."""
    lines = path.read_text().splitlines()
    old = [line for line in lines if line.startswith("| ") and not line.startswith("| case |")]
    merged: list[str] = []
    placed = False
    for line in old:
        if any(line.endswith(TAG.format(group)) for group in groups):
            if not placed:
                merged += new
                placed = True
            continue
        merged.append(line)
    return merged if placed else merged + new


def write_report(path: Path, rows: list[Row], *, quick: bool, only: set[str] | None = None) -> None:
    """Write the table; with `only`, keep the rows of the other cases already in `path`."""
    table = [_line(row, quick) for row in rows]
    if only and path.exists():
        table = _merged(path, table, only)
    lines = [
        "# mdekit benchmarks",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores ({_cpu()}), "
        f"{_memory()} RAM, "
        f"Python {platform.python_version()}, {'quick' if quick else 'full'} mode. "
        "Reproduce with `make bench` (or `python -m bench --quick`). Every figure is compared "
        "with a baseline measured in the same run on the same machine."
        + (
            f" This run measured {', '.join(sorted(only))}; the other rows are from earlier "
            "runs on this machine (`python -m bench --only CASE` regenerates one case)."
            if only
            else ""
        ),
        "",
        "| case | mdekit | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    lines += table
    path.write_text("\n".join(lines) + "\n")
