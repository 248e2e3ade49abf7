"""Writing hunting answers: JSON (one array of row objects), NDJSON, CSV or Parquet, streamed
window by window so that a long windowed hunt runs in bounded memory.

Parquet gets the answer's own column types (DateTime -> TIMESTAMP, Int64 -> BIGINT,
Object -> JSON, ...): rows are staged as NDJSON next to the target and converted by DuckDB
in one pass at the end, then moved into place, so a failed hunt leaves no partial file."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import IO, Any

PARQUET_TYPES = {
    "String": "VARCHAR", "DateTime": "TIMESTAMP", "Int64": "BIGINT", "Int32": "INTEGER",
    "Double": "DOUBLE", "Boolean": "BOOLEAN", "Object": "JSON", "Guid": "VARCHAR",
    "TimeSpan": "VARCHAR", "Decimal": "DOUBLE",
}  # fmt: skip


def _cell(value: Any) -> Any:
    return json.dumps(value, separators=(",", ":")) if isinstance(value, dict | list) else value


class RowWriter:
    """Streams rows in one of the text formats; `close()` finishes the document."""

    def __init__(self, stream: IO[str], fmt: str) -> None:
        self.stream = stream
        self.fmt = fmt
        self.count = 0
        self._csv: Any = None

    def write(self, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if self.fmt == "json":
                self.stream.write(("[\n  " if self.count == 0 else ",\n  ") + json.dumps(row))
            elif self.fmt == "ndjson":
                self.stream.write(json.dumps(row) + "\n")
            else:
                if self._csv is None:
                    names = [name for name, _ in columns] or list(row)
                    self._csv = csv.DictWriter(self.stream, fieldnames=names, extrasaction="ignore")
                    self._csv.writeheader()
                self._csv.writerow({k: _cell(row.get(k)) for k in self._csv.fieldnames})
            self.count += 1

    def close(self, columns: list[tuple[str, str]]) -> None:
        if self.fmt == "json":
            self.stream.write("\n]\n" if self.count else "[]\n")
        elif self.fmt == "csv" and self._csv is None and columns:
            csv.writer(self.stream).writerow([name for name, _ in columns])


class ParquetWriter:
    """Stages rows as NDJSON, then writes one typed Parquet file at `close()`."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.staging = target.with_name(f".{target.name}.{os.getpid()}.ndjson")
        self.handle: IO[str] = open(self.staging, "w", encoding="utf-8")  # noqa: SIM115
        self.count = 0

    def write(self, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.handle.write(json.dumps({k: _cell(v) for k, v in row.items()}) + "\n")
            self.count += 1

    def close(self, columns: list[tuple[str, str]]) -> None:
        import duckdb

        self.handle.close()
        temporary = self.target.with_name(f".{self.target.name}.{os.getpid()}.tmp")
        try:
            typed = {name: "VARCHAR" for name, _ in columns}
            casts = ", ".join(
                f'CAST("{name.replace(chr(34), chr(34) * 2)}" AS '
                f'{PARQUET_TYPES.get(kind, "VARCHAR")}) AS "{name.replace(chr(34), chr(34) * 2)}"'
                for name, kind in columns
            )
            with duckdb.connect() as conn:
                source = "read_json(?, format='newline_delimited', columns=?)"
                # Column names are quoted above; the staging path is a parameter.
                select = (
                    f"SELECT {casts} FROM {source}"  # noqa: S608
                    if columns
                    else "SELECT 1 AS empty LIMIT 0"
                )
                # COPY takes no bound parameter for its target; the path is ours, quoted.
                target_sql = str(temporary).replace("'", "''")
                params = [str(self.staging), typed] if columns else []
                conn.execute(f"COPY ({select}) TO '{target_sql}' (FORMAT PARQUET)", params)
            os.replace(temporary, self.target)
        finally:
            self.staging.unlink(missing_ok=True)
            temporary.unlink(missing_ok=True)

    def abort(self) -> None:
        self.handle.close()
        self.staging.unlink(missing_ok=True)
