"""Tabular operators: projection naming, sorting, limits, parse, let, functions, sources."""

from __future__ import annotations

import pytest

from mdekit.kql import KqlSemanticError
from tests.kql import Kql, database


@pytest.fixture(scope="module")
def kql() -> Kql:
    return Kql(database())


def test_where_project_and_column_order(kql: Kql) -> None:
    result = kql.result(
        'Events | where FileName == "cmd.exe" | project DeviceName, Pid = ProcessId, Port'
    )
    assert result.columns == (("DeviceName", "string"), ("Pid", "long"), ("Port", "int"))
    assert result.rows == [("host1", 100, 445), ("host2", 500, 445)]


def test_extend_appends_replaces_and_sees_earlier_items(kql: Kql) -> None:
    names = kql.names("Events | extend x = 1, y = x + 1, FileName = toupper(FileName)")
    assert names[:4] == ["Timestamp", "DeviceId", "DeviceName", "FileName"]
    assert names[-2:] == ["x", "y"]
    rows = kql.rows(
        "Events | extend x = 1, y = x + 1, FileName = toupper(FileName)"
        " | project FileName, y | take 1"
    )
    assert rows == [("CMD.EXE", 2)]


def test_automatic_column_names(kql: Kql) -> None:
    assert kql.names("Events | project tolower(FileName), strlen(FileName), ProcessId * 2") == [
        "Column1",
        "strlen_FileName",
        "Column2",
    ]
    # A conversion keeps the name of its argument; in extend it replaces the column.
    assert kql.schema("Events | extend tostring(ProcessId) | project ProcessId") == [
        ("ProcessId", "string")
    ]
    # Two unnamed columns with the same derived name: the second gets a suffix.
    assert kql.names("Events | project tostring(Port), tolong(Port)") == ["Port", "Port1"]


def test_duplicate_declarations_are_errors(kql: Kql) -> None:
    with pytest.raises(KqlSemanticError, match="already declared"):
        kql.rows("Events | project A = 1, A = 2")
    with pytest.raises(KqlSemanticError, match="already declared"):
        kql.rows("Events | project FileName, FileName = 1")


def test_project_away_keep_rename_reorder(kql: Kql) -> None:
    assert kql.names(
        "Events | project-away Timestamp, Device*, Process*, Tags, AdditionalFields"
    ) == [
        "FileName",
        "Port",
        "Score",
        "IsAdmin",
    ]
    assert kql.names("Events | project-keep File*, Port") == ["FileName", "Port"]
    assert kql.names("Devices | project-rename Os = OSPlatform") == ["DeviceId", "Os", "Timestamp"]
    assert kql.names("Devices | project-reorder Timestamp, OSPlatform") == [
        "Timestamp",
        "OSPlatform",
        "DeviceId",
    ]
    assert kql.names("Events | project-reorder Process* asc | take 0")[:2] == [
        "ProcessCommandLine",
        "ProcessId",
    ]
    with pytest.raises(KqlSemanticError, match="Failed to resolve scalar expression named 'Nope'"):
        kql.rows("Events | project-away Nope")


def test_sort_defaults_to_descending_with_nulls_last(kql: Kql) -> None:
    assert kql.column("Events | sort by Score | project ProcessId") == [500, 200, 100, 400, 300]
    assert kql.column("Events | sort by Score asc | project ProcessId") == [300, 400, 100, 200, 500]
    assert kql.column("Events | order by Score asc nulls last | project ProcessId") == [
        400,
        100,
        200,
        500,
        300,
    ]
    assert kql.column("Events | sort by DeviceId asc, ProcessId desc | project ProcessId") == [
        200,
        100,
        500,
        300,
        400,
    ]


def test_top_take_limit_and_sample(kql: Kql) -> None:
    assert kql.column("Events | top 2 by ProcessId | project ProcessId") == [500, 400]
    assert kql.column("Events | top 2 by ProcessId asc | project ProcessId") == [100, 200]
    assert len(kql.rows("Events | take 3")) == 3
    assert len(kql.rows("Events | limit 1")) == 1
    assert len(kql.rows("Events | sample 2")) == 2


def test_distinct_and_count(kql: Kql) -> None:
    assert sorted(kql.column("Events | distinct DeviceId")) == ["d1", "d2", "d3"]  # type: ignore[type-var]
    assert len(kql.rows("Events | distinct DeviceId, DeviceName")) == 3
    assert kql.rows("Events | count") == [(5,)]
    assert kql.names("Events | count") == ["Count"]
    assert len(kql.rows("Devices | distinct *")) == 4


def test_serialize_prev_next_row_number(kql: Kql) -> None:
    rows = kql.rows(
        "Events | sort by ProcessId asc | serialize n = row_number(), "
        "before = prev(ProcessId), after = next(ProcessId, 1, -1)"
        " | project ProcessId, n, before, after"
    )
    assert rows == [
        (100, 1, None, 200),
        (200, 2, 100, 300),
        (300, 3, 200, 400),
        (400, 4, 300, 500),
        (500, 5, 400, -1),
    ]


def test_parse_operator(kql: Kql) -> None:
    rows = kql.rows(
        'print s = "user=alice id=42 tail" | parse s with "user=" User " id=" Id:long " " Rest'
    )
    assert rows == [("user=alice id=42 tail", "alice", 42, "tail")]
    rows = kql.rows('print s = "no match here" | parse s with "user=" User " id=" Id:long *')
    assert rows == [("no match here", "", None)]
    rows = kql.rows(
        r'print s = "xa1b22" | parse kind=regex s with ".*?a" First:long "b" Second:long'
    )
    assert rows == [("xa1b22", 1, 22)]
    assert kql.rows('print s = "x" | parse-where s with "y" Rest') == []


def test_let_scalars_tabulars_functions_and_materialize(kql: Kql) -> None:
    assert kql.column("let n = 2; let t = Events | top n by ProcessId; t | project ProcessId") == [
        500,
        400,
    ]
    assert kql.column(
        "let twice = (x:long) { x * 2 }; Events | where ProcessId < 200 | project twice(ProcessId)"
    ) == [200]
    assert kql.column(
        "let recent = (T:(Timestamp:datetime), d:timespan) { T | where Timestamp > ago(d) }; "
        "recent(Events, 1d) | project ProcessId"
    ) == [100, 200, 500]
    joined = kql.column(
        "let m = materialize(Events | where DeviceId == 'd2'); "
        "m | join kind=inner (m | project DeviceId, P2 = ProcessId) on DeviceId | project P2"
    )
    assert sorted(joined) == [300, 300, 500, 500]  # type: ignore[type-var]
    assert "MATERIALIZED" in kql.result("let m = materialize(Events); m | union m").sql
    assert kql.value("let t = toscalar(Events | summarize max(ProcessId)); print t") == 500
    assert kql.column(
        "let f = (T:(*)) { T | where Port == 445 }; Events | invoke f() | project ProcessId"
    ) == [100, 500]


def test_lets_inside_scalar_function_bodies_see_the_row(kql: Kql) -> None:
    query = "let f = (x:long) { let y = x * 2; y + ProcessId }; Events | project f(1) | take 2"
    assert kql.column(query) == [102, 202]
    query = 'let g = () { let s = strcat(FileName, "!"); s }; Events | project g() | take 1'
    assert kql.column(query) == ["cmd.exe!"]


def test_sources_datatable_print_range(kql: Kql) -> None:
    assert kql.rows("datatable(a:long, b:string)[1, 'x', 2, 'y'] | where a > 1") == [(2, "y")]
    assert kql.schema("datatable(a:long, b:string)[]") == [("a", "long"), ("b", "string")]
    assert kql.rows("print 1, x = 'a'") == [(1, "a")]
    assert kql.names("print 1, x = 'a'") == ["print_0", "x"]
    assert kql.column("range i from 1 to 7 step 3") == [1, 4, 7]
    assert len(kql.rows("range t from datetime(2024-01-01) to datetime(2024-01-02) step 6h")) == 5


def test_range_of_reals_and_computed_bounds(kql: Kql) -> None:
    assert kql.column("range r from 0.5 to 2.0 step 0.5") == [0.5, 1.0, 1.5, 2.0]
    assert kql.column("range r from 2.0 to 0.5 step -0.5") == [2.0, 1.5, 1.0, 0.5]
    assert kql.column("range i from 5 to 1 step -2") == [5, 3, 1]
    query = "let n = toscalar(print 2.0); range r from 1.0 to n step 0.25"
    assert kql.column(query) == [1.0, 1.25, 1.5, 1.75, 2.0]
    assert kql.column("let n = toscalar(print 3); range i from 1 to n step 1") == [1, 2, 3]


def test_a_huge_range_streams_instead_of_filling_memory(kql: Kql) -> None:
    # Three billion values as one list would need tens of GB; streamed, `take` stops early.
    assert kql.column("range i from 1 to 3000000000 step 1 | take 3") == [1, 2, 3]


def test_render_and_hints_are_accepted(kql: Kql) -> None:
    assert len(kql.rows("Events | summarize count() by DeviceId | render columnchart")) == 3
    assert len(kql.rows("Events | summarize hint.shufflekey = DeviceId count() by DeviceId")) == 3


def test_search_and_getschema(kql: Kql) -> None:
    rows = kql.rows('search in (Events) "whoami" | project $table, ProcessId')
    assert rows == [("Events", 100)]
    rows = kql.rows('search in (Events) FileName:"certutil.exe" | project ProcessId')
    assert rows == [(400,)]
    schema = kql.rows("Devices | getschema")
    assert schema == [
        ("DeviceId", 0, "System.String", "string"),
        ("OSPlatform", 1, "System.String", "string"),
        ("Timestamp", 2, "System.DateTime", "datetime"),
    ]


def test_find_projects_common_and_predicate_columns_and_packs_the_rest(kql: Kql) -> None:
    result = kql.result('find in (Events, Devices) where DeviceId == "d4" or ProcessId == 100')
    # Devices has no ProcessId: the predicate cannot run there, so that table is skipped.
    assert [name for name, _ in result.columns] == [
        "source_", "Timestamp", "DeviceId", "ProcessId", "pack_",
    ]  # fmt: skip
    (row,) = result.rows
    assert row[0] == "Events"
    assert row[2:4] == ("d1", 100)
    assert row[4]["FileName"] == "cmd.exe"
    assert "ProcessId" not in row[4]
    rows = kql.rows('find where DeviceId == "d2" | project source_, DeviceId')
    assert sorted(rows) == [("Devices", "d2")] * 2 + [("Events", "d2")] * 2
    result = kql.result(
        'find withsource=T in (Ev*) where FileName =~ "CMD.exe" project ProcessId, Missing:long'
    )
    assert result.columns == (("T", "string"), ("ProcessId", "long"), ("Missing", "long"))
    assert sorted(result.rows) == [("Events", 100, None), ("Events", 500, None)]
    rows = kql.rows('find in (Devices) where DeviceId == "d1" project DeviceId, pack_all()')
    assert rows == [
        ("Devices", "d1", {"OSPlatform": "Windows10", "Timestamp": "2024-05-31T00:00:00Z"})
    ]
    with pytest.raises(KqlSemanticError):
        kql.rows("find in (Devices) where ProcessId == 1")


def test_partition_runs_the_subquery_per_key(kql: Kql) -> None:
    rows = kql.rows(
        "Events | partition by DeviceId (top 1 by Timestamp desc | project DeviceId, ProcessId)"
    )
    assert sorted(rows) == [("d1", 200), ("d2", 500), ("d3", 400)]
    rows = kql.rows("Events | partition hint.strategy=native by DeviceId (summarize count())")
    assert sorted(rows) == [(1,), (2,), (2,)]
    # The null Port is a partition of its own.
    assert kql.value("Events | partition by Port (take 1) | count") == 4
    rows = kql.rows(
        "Events | partition by DeviceId { Devices | where DeviceId == toscalar(DeviceId) | count }"
    )
    assert sorted(rows) == [(0,), (1,), (2,)]
    with pytest.raises(KqlSemanticError, match="Nope"):
        kql.rows("Events | partition by Nope (take 1)")


def test_evaluate_ipv4_lookup_matches_addresses_to_ranges(kql: Kql) -> None:
    data = (
        'let IPs = datatable(IP:string)["10.0.0.5", "192.168.1.7", "8.8.8.8", "x"];'
        " let Ranges = datatable(Network:string, Name:string)"
        '["10.0.0.0/8", "ten", "192.168.1.0/24", "home", "8.8.8.8", "dns"];'
    )
    rows = kql.rows(data + " IPs | evaluate ipv4_lookup(Ranges, IP, Network)")
    assert sorted(rows) == [
        ("10.0.0.5", "10.0.0.0/8", "ten"),
        ("192.168.1.7", "192.168.1.0/24", "home"),
        ("8.8.8.8", "8.8.8.8", "dns"),
    ]
    rows = kql.rows(
        data + " IPs | evaluate ipv4_lookup(Ranges, IP, Network, return_unmatched = true)"
    )
    assert len(rows) == 4
    rows = kql.rows(data + " IPs | evaluate ipv4_lookup(Ranges, IP, Network, true) | count")
    assert rows == [(4,)]


def test_star_operators_test_every_string_column(kql: Kql) -> None:
    assert kql.value('Events | where * has "whoami" | count') == 1
    assert kql.value('Events | where * =~ "CMD.EXE" | count') == 2
    assert kql.value('Events | where * !has "cmd" | count') == 3


def test_let_view_is_a_function_without_parameters(kql: Kql) -> None:
    assert kql.value("let T = view () { Events | take 1 }; T | count") == 1
    assert kql.value("let view = 1; print view") == 1


def test_semantic_errors_are_worded_like_the_service(kql: Kql) -> None:
    with pytest.raises(KqlSemanticError) as info:
        kql.rows("Events | where Nope == 1")
    assert (
        info.value.message == "'where' operator: Failed to resolve scalar expression named 'Nope'"
    )
    with pytest.raises(KqlSemanticError) as info:
        kql.rows("NoSuchTable | take 1")
    assert info.value.message == "Failed to resolve table or column expression named 'NoSuchTable'"
    with pytest.raises(KqlSemanticError) as info:
        kql.rows("Events | extend x = nosuchfn(1)")
    assert info.value.message == "Unknown function: 'nosuchfn'."
    with pytest.raises(KqlSemanticError, match="network"):
        kql.rows("externaldata(a:string)['https://example.com/x.csv'] with (format='csv')")
