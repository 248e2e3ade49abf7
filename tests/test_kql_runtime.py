"""run(), results shaped like the Advanced Hunting API, table creation, hooks and plugins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from mdekit.catalog.hunting_schema import HUNTING_TABLES
from mdekit.kql import (
    FILE_PROFILE_COLUMNS,
    KqlRuntimeError,
    KqlSemanticError,
    api_type_name,
    compile_query,
    create_file_profile_table,
    create_tables,
    json_value,
    run,
)
from tests.kql import EVENTS, NOW, Kql, database


@pytest.fixture(scope="module")
def kql() -> Kql:
    return Kql(database())


def test_compile_query_gives_sql_and_static_schema() -> None:
    compiled = compile_query(
        "Events | where FileName =~ 'cmd.exe' | summarize n = count() by DeviceId", EVENTS, now=NOW
    )
    assert compiled.columns == (("DeviceId", "string"), ("n", "long"))
    assert "GROUP BY" in compiled.sql
    assert compiled.sql.startswith("SELECT")


def test_ago_is_a_constant_in_the_sql() -> None:
    compiled = compile_query("Events | where Timestamp > ago(1d)", EVENTS, now=NOW)
    assert "2024-05-31 00:00:00" in compiled.sql


@pytest.mark.parametrize(
    ("kql_type", "name"),
    [
        ("string", "String"), ("long", "Int64"), ("int", "Int32"), ("real", "Double"),
        ("bool", "Boolean"), ("datetime", "DateTime"), ("timespan", "TimeSpan"),
        ("dynamic", "Object"), ("guid", "Guid"), ("boolean", "Boolean"),
    ],
)  # fmt: skip
def test_api_type_names(kql_type: str, name: str) -> None:
    assert api_type_name(kql_type) == name


def test_api_answer_shape(kql: Kql) -> None:
    result = kql.result(
        "Events | where ProcessId == 100 | project Timestamp, ProcessId, Port, Score, IsAdmin,"
        " Tags, Age = now() - Timestamp, Name = FileName"
    )
    answer = result.to_api()
    assert answer["Schema"] == [
        {"Name": "Timestamp", "Type": "DateTime"},
        {"Name": "ProcessId", "Type": "Int64"},
        {"Name": "Port", "Type": "Int32"},
        {"Name": "Score", "Type": "Double"},
        {"Name": "IsAdmin", "Type": "Boolean"},
        {"Name": "Tags", "Type": "Object"},
        {"Name": "Age", "Type": "TimeSpan"},
        {"Name": "Name", "Type": "String"},
    ]
    assert answer["Results"] == [
        {
            "Timestamp": "2024-05-31T10:00:00.0000000Z",
            "ProcessId": 100,
            "Port": 445,
            "Score": 1.5,
            "IsAdmin": True,
            "Tags": ["t1", "t2"],
            "Age": "14:00:00",
            "Name": "cmd.exe",
        }
    ]


def test_json_values() -> None:
    assert json_value(datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC), "datetime") == (
        "2024-01-02T03:04:05.1234560Z"
    )
    assert json_value(timedelta(days=1, seconds=1, microseconds=5), "timespan") == (
        "1.00:00:01.0000050"
    )
    assert json_value(float("nan"), "real") == "NaN"
    assert json_value(None, "string") is None


def test_strings_are_never_null_in_results(kql: Kql) -> None:
    assert kql.rows("print s = tostring(dynamic(null)), t = '' ") == [("", "")]


def test_max_rows_and_records(kql: Kql) -> None:
    result = run(kql.conn, "Events | project ProcessId", EVENTS, now=NOW, max_rows=2)
    assert result.rows == [(100,), (200,)]
    assert result.records() == [{"ProcessId": 100}, {"ProcessId": 200}]


def test_create_tables_for_every_hunting_table() -> None:
    conn = duckdb.connect()
    create_tables(conn, HUNTING_TABLES)
    listed = {
        row[0]
        for row in conn.execute("select table_name from information_schema.tables").fetchall()
    }
    assert set(HUNTING_TABLES) <= listed
    columns = conn.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = 'DeviceProcessEvents' order by ordinal_position"
    ).fetchall()
    assert columns[0] == ("Timestamp", "TIMESTAMP")
    assert len(columns) == len(HUNTING_TABLES["DeviceProcessEvents"])
    assert run(conn, "DeviceProcessEvents | take 10", HUNTING_TABLES, now=NOW).rows == []


def test_hunting_schema_is_complete_and_typed() -> None:
    for table in (
        "DeviceProcessEvents", "DeviceNetworkEvents", "DeviceFileEvents", "DeviceRegistryEvents",
        "DeviceLogonEvents", "DeviceImageLoadEvents", "DeviceEvents", "DeviceInfo",
        "DeviceNetworkInfo", "DeviceFileCertificateInfo", "AlertInfo", "AlertEvidence",
        "DeviceTvmSoftwareInventory", "DeviceTvmSoftwareVulnerabilities", "EmailEvents",
        "IdentityLogonEvents", "CloudAppEvents", "UrlClickEvents", "AADSignInEventsBeta",
        "EntraIdSignInEvents", "DeviceBaselineComplianceProfiles",
    ):  # fmt: skip
        assert table in HUNTING_TABLES
    counts = {
        t: len(HUNTING_TABLES[t])
        for t in ("DeviceProcessEvents", "DeviceEvents", "DeviceInfo", "AlertInfo")
    }
    assert counts == {
        "DeviceProcessEvents": 66,
        "DeviceEvents": 64,
        "DeviceInfo": 40,
        "AlertInfo": 8,
    }
    assert dict(HUNTING_TABLES["DeviceNetworkEvents"])["RemotePort"] == "int"
    assert dict(HUNTING_TABLES["DeviceProcessEvents"])["InitiatingProcessId"] == "long"


def test_file_profile_without_a_hook_adds_empty_columns(kql: Kql) -> None:
    result = kql.result("Events | project SHA1 = FileName | take 1 | invoke FileProfile()")
    assert [n for n, _ in result.columns] == ["SHA1"] + [
        n for n, _ in FILE_PROFILE_COLUMNS if n != "SHA1"
    ]
    assert result.rows[0][1:4] == ("", "", None)


def test_file_profile_hook_joins_file_facts() -> None:
    tables = {"Files": (("SHA1", "string"), ("FileName", "string"))}
    conn = database(tables, {"Files": [("AA11", "a.exe"), ("bb22", "b.exe")]})
    hook = create_file_profile_table(conn, "Profiles")
    conn.execute(
        "insert into Profiles (SHA1, GlobalPrevalence, Signer, IsExecutable, ProfileAvailability)"
        " values ('aa11', 12, 'Contoso', true, 'Available')"
    )
    result = run(
        conn,
        'Files | invoke FileProfile("SHA1", 1000)'
        " | project FileName, GlobalPrevalence, Signer, ProfileAvailability",
        tables,
        now=NOW,
        file_profile=hook,
    )
    assert sorted(result.rows, key=repr) == [
        ("a.exe", 12, "Contoso", "Available"),
        ("b.exe", None, "", ""),
    ]


def test_bag_unpack_and_pivot_look_at_the_data(kql: Kql) -> None:
    result = kql.result(
        "Events | where ProcessId < 300 | project ProcessId, Bag = parse_json(AdditionalFields)"
        " | evaluate bag_unpack(Bag)"
    )
    assert result.columns == (("ProcessId", "long"), ("a", "long"), ("b", "string"))
    assert result.rows == [(100, 1, "x"), (200, 2, "")]
    result = kql.result("Events | project DeviceId, FileName | evaluate pivot(FileName)")
    assert [n for n, _ in result.columns] == [
        "DeviceId", "PowerShell.EXE", "certutil.exe", "cmd.exe", "powershell.exe",
    ]  # fmt: skip
    assert sorted(result.rows) == [("d1", 0, 0, 1, 1), ("d2", 1, 0, 1, 0), ("d3", 0, 1, 0, 0)]  # type: ignore[type-var]
    with pytest.raises(KqlSemanticError, match="output schema"):
        compile_query("Events | evaluate pivot(FileName)", EVENTS, now=NOW)


def test_make_series_top_nested_and_mv_apply(kql: Kql) -> None:
    rows = kql.rows(
        "Events | make-series n = count() default = 0 on Timestamp"
        " from datetime(2024-05-29) to datetime(2024-06-01) step 1d by DeviceId"
        " | sort by DeviceId asc"
    )
    axis = ["2024-05-29T00:00:00Z", "2024-05-30T00:00:00Z", "2024-05-31T00:00:00Z"]
    assert rows == [("d1", [0, 0, 2], axis), ("d2", [0, 1, 1], axis), ("d3", [0, 0, 0], axis)]
    rows = kql.rows(
        "Events | top-nested 1 of DeviceId by c = count(),"
        " top-nested 1 of FileName by max(ProcessId)"
    )
    assert rows == [("d2", 2, "cmd.exe", 500)] or rows == [("d1", 2, "powershell.exe", 200)]
    rows = kql.rows(
        "Events | where isnotnull(Tags)"
        " | mv-apply t = Tags to typeof(string) on (where t != 't2' | take 1)"
        " | project ProcessId, t"
    )
    assert sorted(rows, key=repr) == [(100, "t1"), (500, "t3")]


def test_runtime_errors_are_kql_errors(kql: Kql) -> None:
    with pytest.raises(KqlRuntimeError, match="Query execution failed"):
        kql.rows('Events | where FileName matches regex "(unclosed"')


def test_a_table_is_checked_when_a_query_names_it() -> None:
    from mdekit.kql.compiler import compile_query

    tables = {"Good": [("A", "string")], "Bad": [("B", "no such type")]}
    assert compile_query("Good | project A", tables).columns == (("A", "string"),)
    with pytest.raises(ValueError, match="table Bad: column B has unknown type"):
        compile_query("Bad | project B", tables)
