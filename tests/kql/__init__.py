"""Small tables and helpers shared by the KQL engine tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import duckdb

from mdekit.kql import create_tables, run
from mdekit.kql.runtime import Result

NOW = datetime(2024, 6, 1, 0, 0, 0)

EVENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Events": (
        ("Timestamp", "datetime"),
        ("DeviceId", "string"),
        ("DeviceName", "string"),
        ("FileName", "string"),
        ("ProcessCommandLine", "string"),
        ("ProcessId", "long"),
        ("Port", "int"),
        ("Score", "real"),
        ("IsAdmin", "bool"),
        ("AdditionalFields", "string"),
        ("Tags", "dynamic"),
    ),
    "Devices": (
        ("DeviceId", "string"),
        ("OSPlatform", "string"),
        ("Timestamp", "datetime"),
    ),
}

EVENT_ROWS: list[tuple[object, ...]] = [
    (datetime(2024, 5, 31, 10, 0), "d1", "host1", "cmd.exe", "cmd.exe /c whoami", 100, 445,
     1.5, True, '{"a":1,"b":"x"}', '["t1","t2"]'),
    (datetime(2024, 5, 31, 11, 30), "d1", "host1", "powershell.exe",
     "powershell -enc SQBFAFgA", 200, 443, 2.0, False, '{"a":2}', '["t2"]'),
    (datetime(2024, 5, 30, 9, 0), "d2", "host2", "PowerShell.EXE", "PowerShell.exe -NoProfile",
     300, 80, None, True, "not json", "[]"),
    (datetime(2024, 5, 25, 0, 0), "d3", "host3", "certutil.exe",
     "certutil -urlcache -f http://x", 400, None, 0.5, False, "", None),
    (datetime(2024, 5, 31, 23, 59, 59), "d2", "host2", "cmd.exe", "cmd /c echo hello", 500, 445,
     3.0, False, '{"a":3,"nested":{"k":"v"}}', '["t3","t1"]'),
]  # fmt: skip

DEVICE_ROWS: list[tuple[object, ...]] = [
    ("d1", "Windows10", datetime(2024, 5, 31)),
    ("d2", "Windows11", datetime(2024, 5, 31)),
    ("d2", "Windows11", datetime(2024, 5, 30)),
    ("d4", "Linux", datetime(2024, 5, 31)),
]


def database(
    tables: Mapping[str, Sequence[tuple[str, str]]] = EVENTS,
    rows: Mapping[str, Sequence[tuple[object, ...]]] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with `tables` created and filled with `rows`."""
    conn = duckdb.connect()
    create_tables(conn, tables)
    data = rows if rows is not None else {"Events": EVENT_ROWS, "Devices": DEVICE_ROWS}
    for table, table_rows in data.items():
        if table_rows:
            marks = ", ".join("?" for _ in table_rows[0])
            conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', list(table_rows))
    return conn


class Kql:
    """Runs queries against one database and returns plain results for assertions."""

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        tables: Mapping[str, Sequence[tuple[str, str]]] = EVENTS,
    ) -> None:
        self.conn = conn
        self.tables = tables

    def result(self, text: str) -> Result:
        return run(self.conn, text, self.tables, now=NOW)

    def rows(self, text: str) -> list[tuple[object, ...]]:
        return self.result(text).rows

    def column(self, text: str) -> list[object]:
        return [row[0] for row in self.rows(text)]

    def value(self, text: str) -> object:
        rows = self.rows(text)
        assert len(rows) == 1, rows
        assert len(rows[0]) == 1, rows[0]
        return rows[0][0]

    def names(self, text: str) -> list[str]:
        return [name for name, _ in self.result(text).columns]

    def schema(self, text: str) -> list[tuple[str, str]]:
        return list(self.result(text).columns)
