"""`mdekit hunt corpus FILE.jsonl`: the engine's measuring stick. Every query of the file
runs over the hunting tables of a generated world (the emulator's, built the same way), and
the report says how many parse, run and return rows, and why the others failed, grouped."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mdekit.cli.common import err, out
from mdekit.cli.errors import CliError, ExitCode
from mdekit.cli.output import write_json

CORPUS_TENANT = "00000000-0000-4000-8000-00000000c0de"


def read_corpus(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", code=ExitCode.USAGE) from None
    queries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise CliError(
                f"{path}:{number}: not a JSON object",
                code=ExitCode.USAGE,
                hint='each line must be an object such as {"query": "DeviceEvents | take 1"}',
            ) from None
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            raise CliError(
                f"{path}:{number}: no 'query' string in this line", code=ExitCode.USAGE,
                hint='each line must be an object such as {"query": "DeviceEvents | take 1"}',
            )  # fmt: skip
        queries.append(item)
    return queries


def run_corpus_report(path: Path, *, as_json: bool, machines: int, events: int | None) -> None:
    import duckdb
    from rich.progress import Progress

    from mdekit.catalog.hunting_schema import HUNTING_TABLES
    from mdekit.emulator.defender.hunting_source import build_hunting_tables, world_parameters
    from mdekit.emulator.hunting.store import FILE_PROFILES
    from mdekit.kql import create_file_profile_table, create_tables, run_corpus

    queries = read_corpus(path)
    now = datetime.now(UTC).replace(microsecond=0)
    meta = world_parameters(CORPUS_TENANT, now=now, machines=machines, events=events)
    with duckdb.connect() as conn:
        with err.status("generating the world's hunting tables"):
            create_tables(conn, HUNTING_TABLES)
            create_file_profile_table(conn, FILE_PROFILES)
            build_hunting_tables(conn, meta)
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("running queries", total=len(queries))
            report = run_corpus(
                queries, conn, HUNTING_TABLES, now, file_profile=FILE_PROFILES,
                on_query=lambda index: progress.update(task, completed=index),
            )  # fmt: skip
    if as_json:
        write_json(
            {
                "total": report.total,
                "parsed": report.parsed,
                "ran": report.ran,
                "returned_rows": report.returned_rows,
                "failures": [
                    {"reason": reason, **asdict(group)}
                    for reason, group in sorted(
                        report.failures.items(), key=lambda kv: -kv[1].count
                    )
                ],
                "queries": [asdict(outcome) for outcome in report.outcomes],
            }
        )
        return
    total = max(report.total, 1)
    out.print(f"queries        {report.total}")
    out.print(f"parsed         {report.parsed} ({report.parsed / total:.1%})")
    out.print(f"ran            {report.ran} ({report.ran / total:.1%})")
    out.print(f"returned rows  {report.returned_rows} ({report.returned_rows / total:.1%})")
    if report.failures:
        out.print("\nfailures by reason:")
        for reason, group in sorted(report.failures.items(), key=lambda kv: -kv[1].count):
            out.print(f"{group.count:5d}  {reason}  (e.g. {group.examples[0]})", markup=False)
