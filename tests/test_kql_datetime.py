"""Datetime and timespan semantics: now/ago pinned to the caller's clock, bins, calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.kql import NOW, Kql, database


@pytest.fixture(scope="module")
def kql() -> Kql:
    return Kql(database())


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_now_and_ago_use_the_given_clock(kql: Kql) -> None:
    assert kql.value("print now()") == NOW.replace(tzinfo=UTC)
    assert kql.value("print ago(1d)") == at(2024, 5, 31)
    assert kql.value("print ago(90m)") == at(2024, 5, 31, 22, 30)
    assert kql.value("print now(-2h)") == at(2024, 5, 31, 22)
    assert kql.column("Events | where Timestamp > ago(1d) | project ProcessId") == [100, 200, 500]
    assert kql.column(
        "Events | where Timestamp between (ago(2d) .. ago(1d)) | project ProcessId"
    ) == [300]
    assert kql.column(
        "Events | where Timestamp between (datetime(2024-05-30) .. 1d) | project ProcessId"
    ) == [300]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("bin(datetime(2024-05-31 10:47:12), 1h)", at(2024, 5, 31, 10)),
        ("bin(datetime(2024-05-31 10:47:12), 15m)", at(2024, 5, 31, 10, 45)),
        ("bin(datetime(2024-05-31 10:47:12), 1d)", at(2024, 5, 31)),
        # KQL aligns bins on 0001-01-01, a Monday: 7-day bins start on Mondays.
        ("bin(datetime(2024-05-31 10:47:12), 7d)", at(2024, 5, 27)),
        (
            "bin_at(datetime(2024-05-31 10:47:12), 1d, datetime(2024-01-01 06:00))",
            at(2024, 5, 31, 6),
        ),
        ("floor(datetime(2024-05-31 10:47:12), 1h)", at(2024, 5, 31, 10)),
        ("startofday(datetime(2024-05-31 10:47:12))", at(2024, 5, 31)),
        # Weeks start on Sunday.
        ("startofweek(datetime(2024-05-31 10:47:12))", at(2024, 5, 26)),
        ("startofweek(datetime(2024-05-26 00:00:01))", at(2024, 5, 26)),
        ("startofmonth(datetime(2024-05-31 10:47:12))", at(2024, 5, 1)),
        ("startofyear(datetime(2024-05-31 10:47:12))", at(2024, 1, 1)),
        ("startofday(datetime(2024-05-31 10:47:12), -1)", at(2024, 5, 30)),
        ("endofday(datetime(2024-05-31 10:47:12))", at(2024, 5, 31, 23, 59, 59, 999999)),
        ("endofmonth(datetime(2024-02-10))", at(2024, 2, 29, 23, 59, 59, 999999)),
        ("datetime_add('month', 1, datetime(2024-01-31))", at(2024, 2, 29)),
        ("datetime_add('hour', -3, datetime(2024-01-01))", at(2023, 12, 31, 21)),
        ("datetime(2024-01-01) + 1d", at(2024, 1, 2)),
        ("datetime(2024-01-01) - 30m", at(2023, 12, 31, 23, 30)),
        ('todatetime("2024-03-04T05:06:07Z")', at(2024, 3, 4, 5, 6, 7)),
        ('todatetime("2024-03-04 05:06:07.5")', at(2024, 3, 4, 5, 6, 7, 500000)),
        ("unixtime_seconds_todatetime(1700000000)", at(2023, 11, 14, 22, 13, 20)),
        ("unixtime_milliseconds_todatetime(1700000000123)", at(2023, 11, 14, 22, 13, 20, 123000)),
        ("make_datetime(2024, 2, 3, 4, 5, 6)", at(2024, 2, 3, 4, 5, 6)),
    ],
)
def test_datetime_functions(kql: Kql, expr: str, expected: datetime) -> None:
    assert kql.value(f"print r = {expr}") == expected


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("datetime_diff('year', datetime(2017-01-01), datetime(2000-12-31))", 17),
        ("datetime_diff('month', datetime(2017-07-31), datetime(2017-05-31))", 2),
        ("datetime_diff('day', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))", 29),
        ("datetime_diff('hour', datetime(2017-10-31 01:00), datetime(2017-10-30 23:59))", 2),
        (
            "datetime_diff('minute', datetime(2017-10-30 23:05:01), datetime(2017-10-30 23:00:59))",
            5,
        ),
        (
            "datetime_diff('second', datetime(2017-10-30 23:00:10.100),"
            " datetime(2017-10-30 23:00:00.900))",
            10,
        ),
        ("datetime_diff('week', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))", 5),
        ("datetime_diff('day', datetime(2024-01-01), datetime(2024-01-03))", -2),
        ("getyear(datetime(2024-05-31))", 2024),
        ("getmonth(datetime(2024-05-31))", 5),
        ("dayofmonth(datetime(2024-05-31))", 31),
        ("dayofyear(datetime(2024-02-01))", 32),
        ("hourofday(datetime(2024-05-31 13:00))", 13),
        ("datetime_part('minute', datetime(2024-05-31 13:42))", 42),
        (
            'format_datetime(datetime(2024-05-31 13:04:05.123), "yyyy-MM-dd HH:mm:ss.fff")',
            "2024-05-31 13:04:05.123",
        ),
        ('format_datetime(datetime(2024-05-31 13:04:05), "M/d/yy h:mm tt")', "5/31/24 1:04 PM"),
    ],
)
def test_calendar_values(kql: Kql, expr: str, expected: object) -> None:
    assert kql.value(f"print r = {expr}") == expected


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("datetime(2024-01-02) - datetime(2024-01-01)", timedelta(days=1)),
        ("1d + 2h", timedelta(days=1, hours=2)),
        ("2 * 90m", timedelta(hours=3)),
        ("1h / 2", timedelta(minutes=30)),
        ("-1d", timedelta(days=-1)),
        ("dayofweek(datetime(2024-05-31))", timedelta(days=5)),
        ("bin(100m, 1h)", timedelta(hours=1)),
        ('totimespan("01:30:00")', timedelta(hours=1, minutes=30)),
        ('totimespan("1.02:00:00")', timedelta(days=1, hours=2)),
        ("timespan(2d)", timedelta(days=2)),
        ("time(00:00:05)", timedelta(seconds=5)),
        ("make_timespan(1, 30)", timedelta(hours=1, minutes=30)),
    ],
)
def test_timespans(kql: Kql, expr: str, expected: timedelta) -> None:
    assert kql.value(f"print r = {expr}") == expected


def test_timespan_ratio_and_comparisons(kql: Kql) -> None:
    assert kql.value("print 1d / 1h") == 24.0
    assert kql.value("print (datetime(2024-01-01 01:00) - datetime(2024-01-01)) < 2h") is True
    rows = kql.rows(
        "Events | extend Age = now() - Timestamp | where Age < 1d | project ProcessId, Age"
    )
    assert rows == [
        (100, timedelta(hours=14)),
        (200, timedelta(hours=12, minutes=30)),
        (500, timedelta(seconds=1)),
    ]


def test_datetime_compared_with_text(kql: Kql) -> None:
    assert kql.column('Events | where Timestamp < "2024-05-30" | project ProcessId') == [400]


def test_summarize_by_bin_keeps_the_column_name(kql: Kql) -> None:
    result = kql.result(
        "Events | summarize n = count() by bin(Timestamp, 1d) | sort by Timestamp asc"
    )
    assert result.columns == (("Timestamp", "datetime"), ("n", "long"))
    assert result.rows == [(at(2024, 5, 25), 1), (at(2024, 5, 30), 1), (at(2024, 5, 31), 3)]
