"""Running compiled KQL on DuckDB: table creation, execution, typed results.

`create_tables()` makes the tables of a schema (empty, with the DuckDB types the
translator expects), `run()` compiles and executes a query and returns its rows as KQL
values, and `Result.to_api()` shapes them like the Advanced Hunting API's answer.

On the wire the API's `Schema` uses .NET-style type names (`DateTime`, `String`, `Int64`,
…), and its `Results` carry datetimes as ISO 8601 strings with seven fraction digits and
`Z`, timespans as `d.hh:mm:ss`, and dynamic values as JSON values.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import duckdb

from mdekit.kql import types as T
from mdekit.kql.compiler import compile_query
from mdekit.kql.context import FileProfileHook
from mdekit.kql.errors import KqlRuntimeError
from mdekit.kql.plan_cache import CompiledQueries
from mdekit.kql.tab_sources import FILE_PROFILE_COLUMNS

Schema = Mapping[str, Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class Result:
    """Rows of a query with their (name, KQL type) columns, and the SQL that produced them.

    `raw` holds the rows as DuckDB returned them. `rows` (KQL values: "" for null strings,
    UTC-aware datetimes, timedeltas, parsed dynamics) is computed when first read, and
    `to_api()` formats straight from `raw`: the API path never builds the intermediate
    Python values, which for a large answer cost more than running the query."""

    columns: tuple[tuple[str, str], ...]
    raw: list[tuple[object, ...]]
    sql: str

    @cached_property
    def rows(self) -> list[tuple[object, ...]]:
        return _convert(self.raw, [kind for _, kind in self.columns], _PYTHON)

    def records(self) -> list[dict[str, object]]:
        names = [name for name, _ in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]

    def to_api(self) -> dict[str, object]:
        """The Advanced Hunting API body: `{"Schema": [...], "Results": [...]}`."""
        schema = [{"Name": name, "Type": api_type_name(kind)} for name, kind in self.columns]
        names = [name for name, _ in self.columns]
        values = _convert(self.raw, [kind for _, kind in self.columns], _JSON)
        results = [dict(zip(names, row, strict=True)) for row in values]
        return {"Schema": schema, "Results": results}


def _convert(
    raw: list[tuple[object, ...]], kinds: list[str], converters: dict[str, Converter]
) -> list[tuple[object, ...]]:
    """Apply each column's converter, column by column (only to columns that need one)."""
    if not raw:
        return []
    plan = [(index, converters[kind]) for index, kind in enumerate(kinds) if kind in converters]
    if not plan:
        return raw
    columns: list[Sequence[object]] = list(zip(*raw, strict=True))
    for index, convert in plan:
        columns[index] = convert(columns[index])
    return list(zip(*columns, strict=True))


Converter = Callable[[Sequence[object]], Sequence[object]]


def _strings(column: Sequence[object]) -> Sequence[object]:
    return ["" if value is None else str(value) for value in column] if None in column else column


def _aware(column: Sequence[object]) -> Sequence[object]:
    return [
        (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC))
        if isinstance(value, datetime)
        else value
        for value in column
    ]


def _wire_datetimes(column: Sequence[object]) -> Sequence[object]:
    # isoformat is C code; strftime per value would double the cost of a large answer.
    return [
        (
            (
                value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
            ).isoformat(timespec="microseconds")
            + "0Z"
        )
        if isinstance(value, datetime)
        else value
        for value in column
    ]


def _timedeltas(column: Sequence[object]) -> Sequence[object]:
    return [timedelta(microseconds=v) if isinstance(v, int) else v for v in column]


def _wire_timespans(column: Sequence[object]) -> Sequence[object]:
    return [T.format_timespan(v) if isinstance(v, int) else v for v in column]


def _dynamics(column: Sequence[object]) -> Sequence[object]:
    return [json.loads(v) if isinstance(v, str) else v for v in column]


def _integers(column: Sequence[object]) -> Sequence[object]:
    return [int(v) if v is not None and not isinstance(v, int) else v for v in column]  # type: ignore[call-overload]


def _reals(column: Sequence[object]) -> Sequence[object]:
    return [float(v) if v is not None else None for v in column]  # type: ignore[arg-type]


def _wire_reals(column: Sequence[object]) -> Sequence[object]:
    return [json_value(float(v), T.REAL) if v is not None else None for v in column]  # type: ignore[arg-type]


_PYTHON: dict[str, Converter] = {
    T.STRING: _strings, T.GUID: _strings, T.DATETIME: _aware, T.TIMESPAN: _timedeltas,
    T.DYNAMIC: _dynamics, T.LONG: _integers, T.INT: _integers, T.REAL: _reals,
    T.DECIMAL: _reals,
}  # fmt: skip
_JSON: dict[str, Converter] = {
    **_PYTHON, T.DATETIME: _wire_datetimes, T.TIMESPAN: _wire_timespans,
    T.REAL: _wire_reals, T.DECIMAL: _wire_reals,
}  # fmt: skip


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_tables(
    conn: duckdb.DuckDBPyConnection, tables: Schema, *, replace: bool = False
) -> None:
    """Create one DuckDB table per entry of `tables` (column types mapped from KQL types)."""
    for table, columns in tables.items():
        body = ", ".join(
            f"{quote(column)} {T.duckdb_type(T.canonical_type(kind) or T.STRING)}"
            for column, kind in columns
        )
        verb = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE IF NOT EXISTS"
        conn.execute(f"{verb} {quote(table)} ({body})")


def create_file_profile_table(
    conn: duckdb.DuckDBPyConnection, name: str = "FileProfiles"
) -> FileProfileHook:
    """An empty table with the FileProfile() columns, ready to fill; returns its hook."""
    create_tables(conn, {name: FILE_PROFILE_COLUMNS})
    return FileProfileHook(name)


def run(
    conn: duckdb.DuckDBPyConnection,
    text: str,
    tables: Schema,
    *,
    now: datetime | None = None,
    max_rows: int | None = None,
    file_profile: FileProfileHook | str | None = None,
    compiled_by: CompiledQueries | None = None,
) -> Result:
    """Compile and run a KQL query; raises KqlError subclasses (syntax, semantic, runtime).

    `compiled_by` keeps compiled queries for reuse; it must have been made for these
    `tables` and this `file_profile`."""

    def probe(sql: str) -> list[tuple[object, ...]]:
        try:
            return list(conn.execute(sql).fetchall())
        except duckdb.Error as error:
            raise KqlRuntimeError(f"Query execution failed: {error}") from error

    if compiled_by is None:
        compiled = compile_query(text, tables, now=now, file_profile=file_profile, probe=probe)
    elif compiled_by.tables is not tables or compiled_by.file_profile != file_profile:
        raise ValueError("compiled_by was made for other tables or another file_profile")
    else:
        compiled = compiled_by.compile(text, now=now, probe=probe)
    try:
        cursor = conn.execute(compiled.sql)
        raw = cursor.fetchall() if max_rows is None else cursor.fetchmany(max_rows)
    except duckdb.Error as error:
        raise KqlRuntimeError(f"Query execution failed: {error}") from error
    return Result(compiled.columns, raw, compiled.sql)


# ---------------------------------------------------------------- wire forms

API_TYPE_NAMES = {
    T.STRING: "String", T.LONG: "Int64", T.INT: "Int32", T.REAL: "Double", T.BOOL: "Boolean",
    T.DATETIME: "DateTime", T.TIMESPAN: "TimeSpan", T.DYNAMIC: "Object", T.GUID: "Guid",
    T.DECIMAL: "Decimal",
}  # fmt: skip


def api_type_name(kql_type: str) -> str:
    """The Advanced Hunting API's name for a KQL type (`datetime` -> `DateTime`)."""
    canonical = T.canonical_type(kql_type) or kql_type
    return API_TYPE_NAMES.get(canonical, "Object")


def python_value(value: object, kql_type: str) -> object:
    """A DuckDB result value as the Python value of its KQL type.

    Strings are never null in KQL (null becomes ""), datetimes are UTC-aware, timespans
    are `timedelta`, dynamic values are parsed JSON.
    """
    if kql_type in (T.STRING, T.GUID):
        return "" if value is None else str(value)
    if value is None:
        return None
    if kql_type == T.DATETIME and isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if kql_type == T.TIMESPAN and isinstance(value, int):
        return timedelta(microseconds=value)
    if kql_type == T.DYNAMIC and isinstance(value, str):
        return json.loads(value)
    if kql_type in (T.LONG, T.INT) and not isinstance(value, bool):
        return int(value)  # type: ignore[call-overload]
    if kql_type in (T.REAL, T.DECIMAL):
        return float(value)  # type: ignore[arg-type]
    return value


def json_value(value: object, kql_type: str) -> object:
    """A Python value of a KQL type in the form the service writes it in JSON results."""
    if value is None:
        return None
    if kql_type == T.DATETIME and isinstance(value, datetime):
        return T.format_datetime(value)
    if kql_type == T.TIMESPAN and isinstance(value, timedelta):
        return T.format_timespan(value // timedelta(microseconds=1))
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value
