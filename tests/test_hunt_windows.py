"""Windowed hunting: the textual window rewrite, and answers beyond the 100,000-row cap
coming back complete, in order and without duplicates when windows are halved."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from mdekit.catalog.hunting_schema import HUNTING_TABLES
from mdekit.export.hunting import HuntRows, WindowTooDense, hunt_in_windows, plan_windows
from mdekit.kql import create_tables, run
from mdekit.kql.windows import WindowError, restrict_to_window, timed_references

START = datetime(2026, 11, 1, tzinfo=UTC)
END = START + timedelta(days=1)


def test_every_timed_table_reference_is_wrapped_and_nothing_else_changes() -> None:
    query = (
        "let recent = DeviceNetworkEvents | where RemotePort == 443;\n"
        "// DeviceFileEvents in a comment stays as it is\n"
        "DeviceProcessEvents\n"
        "| join kind=inner (recent) on DeviceId\n"
        "| union ['DeviceFileEvents']"
    )
    rewritten = restrict_to_window(query, HUNTING_TABLES, START, END)
    condition = (
        "where Timestamp >= datetime(2026-11-01T00:00:00.0000000Z) and "
        "Timestamp < datetime(2026-11-02T00:00:00.0000000Z))"
    )
    assert rewritten.count(condition) == 3
    assert "(DeviceNetworkEvents | " + condition in rewritten
    assert "(['DeviceFileEvents'] | " + condition in rewritten
    assert "// DeviceFileEvents in a comment stays as it is" in rewritten
    assert "join kind=inner (recent) on DeviceId" in rewritten


def test_let_names_and_tables_without_timestamp_are_left_alone() -> None:
    query = (
        "let DeviceEvents = datatable(x:int)[1]; "
        "DeviceEvents | join DeviceInfo on $left.x == $right.DeviceId"
    )
    assert [name for _, _, name in timed_references(query, HUNTING_TABLES)] == ["DeviceInfo"]
    with pytest.raises(WindowError, match="no table with a Timestamp"):
        restrict_to_window("DeviceTvmSoftwareInventory | take 1", HUNTING_TABLES, START, END)


@pytest.mark.parametrize(
    "query",
    ["union Device* | take 1", "search 'evil.exe'", "find where FileName == 'x'"],
)
def test_tables_named_by_pattern_cannot_be_windowed(query: str) -> None:
    with pytest.raises(WindowError, match="pattern"):
        restrict_to_window(query, HUNTING_TABLES, START, END)


@pytest.fixture(scope="module")
def events() -> duckdb.DuckDBPyConnection:
    """25,000 process events, one every 3.456 s over the day, with a sequence number."""
    conn = duckdb.connect()
    create_tables(conn, HUNTING_TABLES)
    conn.execute(
        'INSERT INTO "DeviceProcessEvents" ("Timestamp", "DeviceId", "ReportId") '
        "SELECT TIMESTAMP '2026-11-01 00:00:00' + to_microseconds(i * 3456000), 'dev', i "
        "FROM range(25000) AS t(i)"
    )
    return conn


def _runner(conn: duckdb.DuckDBPyConnection, cap: int, calls: list[tuple[datetime, datetime]]):
    def run_query(text: str, window: tuple[datetime, datetime]) -> HuntRows:
        calls.append(window)
        result = run(conn.cursor(), text, HUNTING_TABLES, max_rows=cap)
        api = result.to_api()
        columns = [(c["Name"], c["Type"]) for c in api["Schema"]]  # type: ignore[attr-defined]
        return HuntRows(columns, api["Results"])  # type: ignore[arg-type]

    return run_query


def test_windows_reaching_the_cap_are_halved_until_every_row_comes_back_once(
    events: duckdb.DuckDBPyConnection,
) -> None:
    calls: list[tuple[datetime, datetime]] = []
    answers = list(
        hunt_in_windows(
            _runner(events, 4000, calls),
            "DeviceProcessEvents | project ReportId, Timestamp | order by Timestamp asc",
            HUNTING_TABLES,
            START,
            END,
            cap=4000,
        )
    )
    ids = [row["ReportId"] for answer in answers for row in answer.rows]
    assert ids == list(range(25000))  # complete, in order, no duplicates
    assert all(len(answer.rows) < 4000 for answer in answers)
    assert len(calls) > len(answers)  # some windows were split and run again
    assert answers[0].columns == [("ReportId", "Int64"), ("Timestamp", "DateTime")]


def test_fixed_windows_are_run_oldest_first(events: duckdb.DuckDBPyConnection) -> None:
    calls: list[tuple[datetime, datetime]] = []
    list(
        hunt_in_windows(
            _runner(events, 100_000, calls),
            "DeviceProcessEvents | count",
            HUNTING_TABLES,
            START,
            END,
            window=timedelta(hours=6),
        )
    )
    assert calls == [
        (START + timedelta(hours=6 * i), START + timedelta(hours=6 * (i + 1))) for i in range(4)
    ]


def test_a_second_that_holds_more_than_the_cap_is_reported(
    events: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(WindowTooDense, match="one second cannot be split"):
        list(
            hunt_in_windows(
                _runner(events, 1, []),
                "DeviceProcessEvents | project ReportId",
                HUNTING_TABLES,
                START,
                END,
                cap=1,
            )
        )


def test_plans_cover_the_range_exactly() -> None:
    windows = plan_windows(START, START + timedelta(hours=5), timedelta(hours=2))
    assert windows[0][0] == START
    assert windows[-1][1] == START + timedelta(hours=5)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(windows))
    with pytest.raises(ValueError, match="after its start"):
        plan_windows(END, START, None)
