"""summarize: aggregates, Kusto's automatic column names, multi-column aggregates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mdekit.kql import KqlSemanticError
from tests.kql import EVENTS, Kql, database


@pytest.fixture(scope="module")
def kql() -> Kql:
    return Kql(database())


def test_automatic_aggregate_names(kql: Kql) -> None:
    names = kql.names(
        "Events | summarize count(), dcount(DeviceName), make_set(FileName), make_list(FileName),"
        " sum(ProcessId), avg(Score), min(Timestamp), max(Port), countif(Port == 445),"
        " any(FileName), take_any(FileName), dcountif(DeviceId, Port > 0), stdev(Score),"
        " percentile(ProcessId, 50), round(avg(Score), 1), count() * 2 by DeviceId"
    )
    assert names == [
        "DeviceId", "count_", "dcount_DeviceName", "set_FileName", "list_FileName",
        "sum_ProcessId", "avg_Score", "min_Timestamp", "max_Port", "countif_", "any_FileName",
        "FileName", "dcountif_DeviceId", "stdev_Score", "percentile_ProcessId_50", "avg_Score1",
        "Column1",
    ]  # fmt: skip


def test_aggregate_values_and_types(kql: Kql) -> None:
    result = kql.result(
        "Events | summarize n = count(), d = dcount(DeviceName), s = sum(ProcessId),"
        " a = avg(Score), lo = min(Timestamp), hi = max(Port), c = countif(Port == 445),"
        " sp = sumif(ProcessId, IsAdmin), mn = minif(Score, IsAdmin)"
    )
    assert result.columns == (
        ("n", "long"), ("d", "long"), ("s", "long"), ("a", "real"), ("lo", "datetime"),
        ("hi", "int"), ("c", "long"), ("sp", "long"), ("mn", "real"),
    )  # fmt: skip
    assert result.rows == [(5, 3, 1500, 1.75, datetime(2024, 5, 25, tzinfo=UTC), 445, 2, 400, 1.5)]


def test_summarize_over_no_rows(kql: Kql) -> None:
    assert kql.rows("Events | where ProcessId < 0 | summarize count(), make_set(FileName)") == [
        (0, [])
    ]
    assert kql.rows("Events | where ProcessId < 0 | summarize count() by DeviceId") == []


def test_make_set_make_list_and_limits(kql: Kql) -> None:
    rows = dict(kql.rows("Events | summarize s = make_set(FileName) by DeviceId"))  # type: ignore[arg-type]
    assert sorted(rows["d2"]) == ["PowerShell.EXE", "cmd.exe"]
    assert sorted(rows["d1"]) == ["cmd.exe", "powershell.exe"]
    tags = kql.value("Events | summarize make_set(Tags)")
    assert sorted(tags) == ["t1", "t2", "t3"]  # type: ignore[arg-type]
    assert sorted(kql.value("Events | summarize make_list(DeviceId)")) == [
        "d1",
        "d1",
        "d2",
        "d2",
        "d3",
    ]  # type: ignore[arg-type]
    assert len(kql.value("Events | summarize make_set(ProcessId, 2)")) == 2  # type: ignore[arg-type]
    assert sorted(kql.value("Events | summarize make_set_if(DeviceId, Port == 445)")) == [
        "d1",
        "d2",
    ]  # type: ignore[arg-type]
    bag = kql.value("Events | summarize make_bag(parse_json(AdditionalFields))")
    assert isinstance(bag, dict)
    # The same key in several bags takes one of its values.
    assert sorted(bag) == ["a", "b", "nested"]
    assert bag["b"] == "x"
    assert bag["a"] in (1, 2, 3)


def test_arg_max_with_star_keeps_all_columns_from_one_row(kql: Kql) -> None:
    result = kql.result(
        "Events | summarize arg_max(Timestamp, *) by DeviceId | sort by DeviceId asc"
    )
    expected_names = ["DeviceId"] + [n for n, _ in EVENTS["Events"] if n != "DeviceId"]
    assert [n for n, _ in result.columns] == expected_names
    assert [(r[0], r[5]) for r in result.rows] == [("d1", 200), ("d2", 500), ("d3", 400)]
    result = kql.result("Events | summarize arg_min(Score, FileName, ProcessId) by DeviceName")
    assert [n for n, _ in result.columns] == ["DeviceName", "Score", "FileName", "ProcessId"]
    assert sorted(result.rows) == [  # type: ignore[type-var]
        ("host1", 1.5, "cmd.exe", 100),
        ("host2", 3.0, "cmd.exe", 500),
        ("host3", 0.5, "certutil.exe", 400),
    ]


def test_tuple_assignment_and_deprecated_argmax(kql: Kql) -> None:
    result = kql.result(
        "Events | summarize (First, Pid) = arg_min(Timestamp, ProcessId) by DeviceId"
        " | sort by Pid asc"
    )
    assert [n for n, _ in result.columns] == ["DeviceId", "First", "Pid"]
    assert [r[2] for r in result.rows] == [100, 300, 400]
    names = kql.names("Events | summarize argmax(Timestamp, ProcessId)")
    assert names == ["max_Timestamp", "max_ProcessId"]


def test_take_any_with_several_columns(kql: Kql) -> None:
    names = kql.names("Events | summarize take_any(FileName, ProcessId) by DeviceId")
    assert names == ["DeviceId", "FileName", "ProcessId"]
    rows = kql.rows("Events | where DeviceId == 'd3' | summarize take_any(FileName, ProcessId)")
    assert rows == [("certutil.exe", 400)]


def test_percentiles_and_by_expressions(kql: Kql) -> None:
    result = kql.result("Events | summarize percentiles(ProcessId, 50, 90)")
    assert [n for n, _ in result.columns] == ["percentile_ProcessId_50", "percentile_ProcessId_90"]
    assert result.rows == [(300, 500)]
    names = kql.names("Events | summarize count() by tolower(FileName), Dev = DeviceId")
    assert names == ["Column1", "Dev", "count_"]


def test_summarize_by_only_is_distinct(kql: Kql) -> None:
    assert sorted(kql.column("Events | summarize by DeviceId")) == ["d1", "d2", "d3"]  # type: ignore[type-var]


def test_count_and_dcount_on_empty_table() -> None:
    kql = Kql(database(rows={}))
    assert kql.rows("Events | summarize count(), dcount(DeviceId)") == [(0, 0)]


def test_columns_outside_aggregates_are_refused(kql: Kql) -> None:
    with pytest.raises(KqlSemanticError, match="outside an aggregation function"):
        kql.rows("Events | summarize n = count(), f = FileName by DeviceId")
    assert kql.value("Events | summarize n = count() + 1") == 6


def test_sorting_by_a_constant_keeps_the_rows(kql: Kql) -> None:
    assert len(kql.rows("Events | sort by 1 | project ProcessId")) == 5
    assert kql.column("Events | sort by 'x', ProcessId asc | project ProcessId")[0] == 100


def test_covariance_aggregates(kql: Kql) -> None:
    row = kql.rows(
        "Events | summarize covariance(ProcessId, Score), covariancep(ProcessId, Score),"
        " variancepif(ProcessId, IsAdmin)"
    )[0]
    assert [round(v, 6) for v in row] == [50.0, 37.5, 10000.0]  # type: ignore[call-overload]


def test_hll_and_tdigest_sketches_are_exact(kql: Kql) -> None:
    assert kql.value("Events | summarize h = hll(DeviceId) | project dcount_hll(h)") == 3
    merged = (
        "Events | summarize h = hll(DeviceId) by FileName"
        " | summarize m = hll_merge(h) | project dcount_hll(m)"
    )
    assert kql.value(merged) == 3
    row = kql.rows(
        "Events | summarize t = tdigest(ProcessId)"
        " | project percentile_tdigest(t, 50), rank_tdigest(t, 300), percentrank_tdigest(t, 300)"
    )[0]
    assert row == (300.0, 3, 60.0)
