"""Typical hunting queries give the same rows as their hand-written SQL twins."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from mdekit.kql import run
from tests.kql import workload


@pytest.fixture(scope="module")
def conn() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    workload.fill(connection, 20_000)
    return connection


def plain(value: object) -> str:
    """Text of a value; KQL datetimes are UTC-aware, DuckDB's are naive."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return str(value)


def normalise(rows: list[tuple[object, ...]]) -> list[tuple[str, ...]]:
    return sorted(tuple(plain(v) for v in row) for row in rows)


@pytest.mark.parametrize(("name", "kql", "sql"), workload.CASES, ids=[c[0] for c in workload.CASES])
def test_kql_matches_hand_written_sql(
    conn: duckdb.DuckDBPyConnection, name: str, kql: str, sql: str
) -> None:
    result = run(conn, kql, workload.TABLES, now=workload.NOW)
    expected = conn.execute(sql).fetchall()
    assert len(result.rows) == len(expected) > 0
    assert normalise(result.rows) == normalise(expected)


def test_wide_table_reads_are_narrowed_to_the_columns_used() -> None:
    from mdekit.kql import compile_query

    sql = compile_query(
        'DeviceProcessEvents | where FileName == "certutil.exe" | top 100 by ReportId desc'
        " | project ReportId, DeviceName",
        workload.TABLES,
        now=workload.NOW,
    ).sql
    assert 'SELECT "DeviceName", "ReportId" FROM "DeviceProcessEvents"' in sql
    # A let used twice is one shared subtree: both readers still get what they need.
    shared = compile_query(
        "let P = DeviceProcessEvents | where FileName == 'cmd.exe';"
        " P | project DeviceId | join (P | project DeviceId, ReportId) on DeviceId | count",
        workload.TABLES,
        now=workload.NOW,
    ).sql
    conn = duckdb.connect()
    workload.fill(conn, 100)
    assert conn.execute(shared).fetchall()[0][0] > 0
