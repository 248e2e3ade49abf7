"""Hunting over files, with no service: KQL on exported Parquet, NDJSON or CSV in DuckDB.

Each file becomes a table named after it (`alerts.ndjson` -> `alerts`,
`DeviceProcessEvents.parquet` -> `DeviceProcessEvents`); the part files of an export
directory (`part-000001.parquet`, ...) make one table named after their directory. Files
that share a table name are read together. Column types come from the files: Parquet
carries them, DuckDB infers those of NDJSON and CSV (ISO 8601 strings become datetimes)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from mdekit.client.errors import MdeError
from mdekit.kql import Result, run

READERS = {
    ".parquet": "read_parquet",
    ".ndjson": "read_json_auto",
    ".jsonl": "read_json_auto",
    ".json": "read_json_auto",
    ".csv": "read_csv_auto",
}
_PART = re.compile(r"^part-\d+$")
_TYPES = (
    ("BOOLEAN", "bool"), ("TINYINT", "int"), ("SMALLINT", "int"), ("INTEGER", "int"),
    ("BIGINT", "long"), ("HUGEINT", "long"), ("UTINYINT", "int"), ("USMALLINT", "int"),
    ("UINTEGER", "long"), ("UBIGINT", "long"), ("FLOAT", "real"), ("DOUBLE", "real"),
    ("DECIMAL", "real"), ("TIMESTAMP", "datetime"), ("DATE", "datetime"), ("UUID", "guid"),
    ("VARCHAR", "string"), ("INTERVAL", "timespan"),
)  # fmt: skip


class LocalHuntError(MdeError):
    """The files cannot be read as tables."""


@dataclass(frozen=True)
class LocalTable:
    name: str
    files: tuple[Path, ...]
    reader: str


def _table_name(path: Path) -> str:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return path.parent.name if _PART.match(stem) else stem


def find_tables(paths: Iterable[Path]) -> list[LocalTable]:
    """The tables a set of files and directories make, in a stable order."""
    grouped: dict[str, list[Path]] = {}
    readers: dict[str, str] = {}
    for given in paths:
        if not given.exists():
            raise LocalHuntError(
                f"{given} does not exist", hint="give exported files or the directory holding them"
            )
        candidates = sorted(given.rglob("*")) if given.is_dir() else [given]
        for path in candidates:
            reader = READERS.get(path.suffix.lower())
            if reader is None or not path.is_file():
                if not given.is_dir():
                    raise LocalHuntError(
                        f"{path} is not a Parquet, NDJSON (.ndjson/.jsonl/.json) or CSV file",
                        hint="local hunting reads the formats mdekit exports write",
                    )
                continue
            name = _table_name(path)
            if readers.setdefault(name, reader) != reader:
                raise LocalHuntError(
                    f"Files of table {name} mix formats ({path.name})",
                    hint="keep one format per table, or rename the files",
                )
            grouped.setdefault(name, []).append(path)
    if not grouped:
        raise LocalHuntError(
            "No Parquet, NDJSON or CSV files found",
            hint="point --local at exported files or the directory holding them",
        )
    return [
        LocalTable(name, tuple(files), readers[name]) for name, files in sorted(grouped.items())
    ]


def _kql_type(duckdb_type: str) -> str:
    upper = duckdb_type.upper()
    for prefix, kql in _TYPES:
        if upper.startswith(prefix):
            return kql
    return "dynamic"  # STRUCT, LIST, MAP, JSON


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _projection(name: str, kind: str, stored: str) -> str:
    """The column as the KQL engine stores its type: JSON for dynamic, naive UTC times."""
    column = _quote(name)
    if kind == "dynamic":
        return f"CAST(to_json({column}) AS JSON) AS {column}"
    if kind == "datetime" and "WITH TIME ZONE" in stored.upper():
        return f"timezone('UTC', {column}) AS {column}"
    if kind == "datetime":
        return f"CAST({column} AS TIMESTAMP) AS {column}"
    return column


def load_tables(
    conn: duckdb.DuckDBPyConnection, tables: list[LocalTable]
) -> dict[str, list[tuple[str, str]]]:
    """Create one DuckDB table per LocalTable; return the KQL schema of each."""
    schema: dict[str, list[tuple[str, str]]] = {}
    for table in tables:
        files = [str(f) for f in table.files]
        options = ", union_by_name = true" if table.reader != "read_json_auto" else ""
        # The reader comes from READERS and names are quoted; the paths are parameters.
        source = f"{table.reader}(?{options})"
        try:
            described = conn.execute(f"DESCRIBE SELECT * FROM {source}", [files]).fetchall()  # noqa: S608
            columns = [(str(row[0]), _kql_type(str(row[1]))) for row in described]
            projections = [
                _projection(name, kind, str(row[1]))
                for (name, kind), row in zip(columns, described, strict=True)
            ]
            conn.execute(
                f"CREATE TABLE {_quote(table.name)} AS "  # noqa: S608
                f"SELECT {', '.join(projections)} FROM {source}",
                [files],
            )
        except duckdb.Error as exc:
            raise LocalHuntError(
                f"Cannot read {table.files[0]}: {str(exc).splitlines()[0]}",
                hint="check that the file is complete and in the format its name says",
            ) from None
        schema[table.name] = columns
    return schema


def hunt_local(paths: Iterable[Path], query: str, *, now: datetime | None = None) -> Result:
    """Run KQL over files; raises LocalHuntError for unreadable files, KqlError for the query."""
    tables = find_tables(paths)
    with duckdb.connect() as conn:
        schema = load_tables(conn, tables)
        return run(conn, query, schema, now=now)
