"""Bulk loading of generated rows into the DuckDB hunting tables.

Generators append plain tuples to a `TableSink` whose column names they chose (any order,
any subset of the table's columns); the sink turns every batch into columns and inserts
them `BY NAME`, so columns left out stay null. A sink may name its own SELECT over the
batch (the event tables join their process columns in that way, see `events_device`).
With pyarrow the batch becomes an Arrow table (the fast path); without it the columns go
in as DuckDB lists through `unnest`, slower but with the same result. Datetimes travel
as integer microseconds since 1970 (naive UTC, as the KQL engine expects)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import duckdb

from mdekit.catalog.hunting_schema import HUNTING_TABLES

BATCH_ROWS = 50_000
"""Rows kept in memory per table before they are written."""

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "long": "BIGINT",
    "int": "INTEGER",
    "real": "DOUBLE",
    "bool": "BOOLEAN",
    "datetime": "TIMESTAMP",
    "dynamic": "JSON",
    "guid": "VARCHAR",
    "timespan": "BIGINT",
}


def _pyarrow() -> ModuleType | None:
    try:
        return importlib.import_module("pyarrow")
    except ImportError:
        return None


class TableSink:
    """Collects rows for one table and writes them in batches.

    `kinds` gives the KQL type of each column (default: the hunting schema's); `select`
    is the SELECT that feeds the INSERT, with `{batch}` standing for the batch (default:
    every batch column); `before_flush` runs before each write (to write what the
    SELECT joins with first)."""

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection | None,
        table: str,
        columns: Sequence[str],
        *,
        kinds: Sequence[str] | None = None,
        select: str = "SELECT * FROM {batch}",
        before_flush: Callable[[], None] | None = None,
        batch_rows: int = BATCH_ROWS,
        staged: bool = False,
    ) -> None:
        if kinds is None:
            known = dict(HUNTING_TABLES[table])
            unknown = [c for c in columns if c not in known]
            if unknown:
                raise ValueError(f"{table} has no columns {unknown}")
            kinds = [known[c] for c in columns]
        self.conn = conn
        self.table = table
        self.columns = tuple(columns)
        self.kinds = tuple(kinds)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self._select = select
        self._before = before_flush
        self._batch_rows = batch_rows
        self._arrow = _pyarrow()
        self._staged = staged and select != "SELECT * FROM {batch}"
        self._stage = f"_mdekit_stage_{table}"
        self._staged_batches = 0

    def append(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self._batch_rows:
            self.flush()

    @property
    def count(self) -> int:
        """Rows written plus rows waiting."""
        return self.written + len(self.rows)

    def flush(self) -> None:
        """Write the waiting rows."""
        if not self.rows:
            return
        if self._before is not None:
            self._before()
        rows, self.rows = self.rows, []
        self.written += len(rows)
        if self.conn is None:
            return
        if self._arrow is not None:
            self._insert_arrow(self.conn, self._arrow, rows)
        else:
            columns = list(zip(*rows, strict=True))
            del rows
            self._insert_lists(self.conn, columns)

    def _insert_arrow(
        self, conn: duckdb.DuckDBPyConnection, pa: ModuleType, rows: list[tuple[Any, ...]]
    ) -> None:
        # The rows become one struct array and that a table: Arrow turns the tuples into
        # columns in C++, at twice the speed of transposing them in Python first.
        struct = pa.struct(
            [
                pa.field(name, _arrow_type(pa, kind))
                for name, kind in zip(self.columns, self.kinds, strict=True)
            ]
        )
        table = pa.Table.from_batches([pa.RecordBatch.from_struct_array(pa.array(rows, struct))])
        del rows
        names = [
            name
            for name, column in zip(table.column_names, table.columns, strict=True)
            # an all-null column stays null by being left out
            if name.startswith("_") or column.null_count < len(column)
        ]
        batch = table.select(names)
        view = f"_mdekit_batch_{self.table}"
        conn.register(view, batch)
        try:
            self._insert(conn, view)
        finally:
            conn.unregister(view)

    def _insert_lists(
        self, conn: duckdb.DuckDBPyConnection, columns: list[tuple[Any, ...]]
    ) -> None:
        selects = []
        for position, (name, kind) in enumerate(zip(self.columns, self.kinds, strict=True), 1):
            value = f"unnest(${position})"
            if kind == "datetime":
                value = f"make_timestamp(CAST({value} AS BIGINT))"
            else:
                value = f"CAST({value} AS {DUCKDB_TYPES[kind]})"
            selects.append(f'{value} AS "{name}"')
        view = f"_mdekit_lists_{self.table}"
        conn.execute(
            f'CREATE OR REPLACE TEMP TABLE "{view}" AS SELECT {", ".join(selects)}',
            [list(values) for values in columns],
        )
        try:
            self._insert(conn, view)
        finally:
            conn.execute(f'DROP TABLE IF EXISTS "{view}"')

    def _insert(self, conn: duckdb.DuckDBPyConnection, view: str) -> None:
        if self._staged:
            # The SELECT joins a table that grows all run long (the processes): joining each
            # batch would scan it once per batch, so batches wait in a plain table instead
            # and `finish` joins them all at once.
            if self._staged_batches == 0:
                columns = ", ".join(
                    f'"{name}" {_stage_type(kind)}'
                    for name, kind in zip(self.columns, self.kinds, strict=True)
                )
                conn.execute(f'CREATE OR REPLACE TEMP TABLE "{self._stage}" ({columns})')
            conn.execute(f'INSERT INTO "{self._stage}" BY NAME SELECT * FROM "{view}"')  # noqa: S608
            self._staged_batches += 1
            return
        select = self._select.format(batch=f'"{view}"')
        conn.execute(f'INSERT INTO "{self.table}" BY NAME {select}')

    def finish(self) -> None:
        """Write the waiting rows, and for a staged sink the staged batches too: after
        this the table holds every row appended so far."""
        self.flush()
        if not self._staged_batches or self.conn is None:
            return
        if self._before is not None:
            self._before()
        select = self._select.format(batch=f'"{self._stage}"')
        self.conn.execute(f'INSERT INTO "{self.table}" BY NAME {select}')
        self.conn.execute(f'DROP TABLE "{self._stage}"')
        self._staged_batches = 0


def _stage_type(kind: str) -> str:
    # JSON is checked once, when the staged rows reach the real table.
    return "VARCHAR" if kind == "dynamic" else DUCKDB_TYPES[kind]


def _arrow_type(pa: ModuleType, kind: str) -> Any:
    if kind == "datetime":
        return pa.timestamp("us")
    if kind in ("long", "timespan"):
        return pa.int64()
    if kind == "int":
        return pa.int32()
    if kind == "real":
        return pa.float64()
    if kind == "bool":
        return pa.bool_()
    return pa.string()


class Sinks:
    """The open sinks of one generation run, by table name (no connection: rows are
    counted and dropped, for runs that only want to know what would be written)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection | None) -> None:
        self.conn = conn
        self._sinks: dict[str, TableSink] = {}
        self._closers: list[Callable[[], None]] = []

    def open(self, table: str, columns: Sequence[str], **options: Any) -> TableSink:
        """The sink of `table`; a table has one column layout per run."""
        sink = self._sinks.get(table)
        if sink is None:
            sink = TableSink(self.conn, table, columns, **options)
            self._sinks[table] = sink
        elif sink.columns != tuple(columns):
            raise ValueError(f"{table} opened with two column layouts")
        return sink

    def on_close(self, action: Callable[[], None]) -> None:
        """Run `action` after the last rows are written (to drop helper tables)."""
        self._closers.append(action)

    def close(self) -> dict[str, int]:
        """Flush everything; rows written per table."""
        for sink in self._sinks.values():
            sink.finish()
        for action in self._closers:
            action()
        return {name: sink.written for name, sink in self._sinks.items()}
