"""Writing records as a table, JSON (one array), NDJSON or CSV. Streams: items are written
as they come, so a long listing runs in constant memory."""

from __future__ import annotations

import csv
import enum
import json
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


def as_dict(item: Any) -> dict[str, Any]:
    """Wire-shaped dict of a model (the service's names, only the fields it sent)."""
    if isinstance(item, BaseModel):
        return item.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return dict(item)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def write_records(
    items: Iterable[Any],
    fmt: Format,
    *,
    columns: Sequence[str] = (),
    title: str | None = None,
    console: Console | None = None,
    stream: IO[str] | None = None,
) -> int:
    """Write every item; return how many were written."""
    out = stream or sys.stdout
    count = 0
    if fmt is Format.table:
        table = Table(title=title, show_lines=False, header_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        for item in items:
            data = as_dict(item)
            table.add_row(*(_cell(data.get(column)) for column in columns))
            count += 1
        (console or Console()).print(table)
        return count
    if fmt is Format.json:
        out.write("[")
        for item in items:
            out.write(("\n  " if count == 0 else ",\n  ") + json.dumps(as_dict(item)))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    if fmt is Format.ndjson:
        for item in items:
            out.write(json.dumps(as_dict(item)) + "\n")
            count += 1
        return count
    writer: Any = None
    for item in items:
        data = as_dict(item)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(data), extrasaction="ignore")
            writer.writeheader()
        writer.writerow({k: _cell(data.get(k)) for k in writer.fieldnames})
        count += 1
    return count


def write_json(value: Any, stream: IO[str] | None = None) -> None:
    (stream or sys.stdout).write(json.dumps(value, indent=2, default=str) + "\n")
