"""Showing hunting answers: a table on the terminal, or JSON (an array of row objects),
NDJSON, CSV or Parquet, to stdout or `--output`. Answers arrive window by window and are
written as they come, except for the table, which needs every row to size its columns."""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from mdekit.cli.common import err, out
from mdekit.cli.errors import CliError, ExitCode
from mdekit.export.hunt_output import ParquetWriter, RowWriter

Answer = tuple[list[tuple[str, str]], list[dict[str, Any]]]


class Api(enum.StrEnum):
    mde = "mde"
    graph = "graph"


class HuntFormat(enum.StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    parquet = "parquet"


def _cell(value: Any) -> str:
    import json

    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _table(answers: Iterator[Answer], output: Path | None) -> None:
    columns: list[tuple[str, str]] = []
    rows: list[dict[str, Any]] = []
    for found, batch in answers:
        columns = columns or found
        rows.extend(batch)
    table = Table(header_style="bold", show_lines=False)
    for name, _ in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(name)) for name, _ in columns))
    if output is None:
        out.print(table)
    else:
        with _open(output) as stream:
            Console(file=stream, width=max(80, 24 * len(columns)), soft_wrap=True).print(table)
    err.print(f"[dim]{_rows(len(rows))}[/]")


def _rows(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}"


def _open(target: Path) -> IO[str]:
    try:
        return open(target, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror}", code=ExitCode.USAGE) from None


def render(answers: Iterator[Answer], fmt: HuntFormat, output: Path | None) -> None:
    if fmt is HuntFormat.table:
        _table(answers, output)
        return
    columns: list[tuple[str, str]] = []
    if fmt is HuntFormat.parquet:
        assert output is not None
        parquet = ParquetWriter(output)
        try:
            for found, batch in answers:
                columns = columns or found
                parquet.write(columns, batch)
        except BaseException:
            parquet.abort()
            raise
        parquet.close(columns)
        err.print(f"[green]wrote[/] {_rows(parquet.count)} to {output}")
        return
    # A file is written under a temporary name and renamed once complete: a hunt that fails
    # half way leaves no file that looks finished.
    staging = output.with_name(f".{output.name}.partial") if output is not None else None
    stream = _open(staging) if staging is not None else sys.stdout
    writer = RowWriter(stream, fmt.value)
    try:
        for found, batch in answers:
            columns = columns or found
            writer.write(columns, batch)
        writer.close(columns)
    except BaseException:
        if staging is not None:
            stream.close()
            staging.unlink(missing_ok=True)
        raise
    if staging is not None and output is not None:
        stream.close()
        os.replace(staging, output)
        err.print(f"[green]wrote[/] {_rows(writer.count)} to {output}")
