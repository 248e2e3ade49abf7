"""Dynamic values: parse_json, member access, arrays, bags, mv-expand, comparisons."""

from __future__ import annotations

import pytest

from tests.kql import Kql, database


@pytest.fixture(scope="module")
def kql() -> Kql:
    return Kql(database())


def test_parse_json_member_access_and_comparison(kql: Kql) -> None:
    assert kql.column(
        "Events | extend A = parse_json(AdditionalFields) | where A.a == 2 | project ProcessId"
    ) == [200]
    assert kql.column(
        'Events | where parse_json(AdditionalFields).nested.k == "v" | project ProcessId'
    ) == [500]
    rows = kql.rows(
        "Events | project ProcessId, b = tostring(parse_json(AdditionalFields).b), "
        "a = toint(parse_json(AdditionalFields)['a']) | where ProcessId < 400"
    )
    assert rows == [(100, "x", 1), (200, "", 2), (300, "", None)]


def test_parse_json_of_text_that_is_not_json_is_a_string(kql: Kql) -> None:
    assert kql.value('print parse_json("not json")') == "not json"
    assert kql.value('print parse_json("[1, 2]")[1]') == 2
    assert kql.value('print parse_json(\'{"a": {"b": [10, 20]}}\').a.b[-1]') == 20
    assert kql.value("print gettype(parse_json('{}'))") == "dictionary"
    assert kql.value("print gettype(parse_json('[1]'))") == "array"


def test_dynamic_column_naming(kql: Kql) -> None:
    names = kql.names(
        "Events | project parse_json(AdditionalFields).a, tostring(parse_json(AdditionalFields).b),"
        " Tags[0]"
    )
    # A member of a dynamic value is named after the path (Kusto's own naming rule).
    assert names == ["AdditionalFields_a", "AdditionalFields_b", "Tags_0"]
    assert kql.names("Events | extend A = parse_json(AdditionalFields) | project A.nested.k") == [
        "A_nested_k"
    ]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("array_length(dynamic([1, 2, 3]))", 3),
        ("array_length(dynamic({}))", None),
        ('array_index_of(dynamic(["a", "b"]), "b")', 1),
        ('array_index_of(dynamic(["a", "b"]), "z")', -1),
        ("array_concat(dynamic([1]), dynamic([2, 3]))", [1, 2, 3]),
        ("array_slice(dynamic([1, 2, 3, 4]), 1, 2)", [2, 3]),
        ("array_reverse(dynamic([1, 2]))", [2, 1]),
        ("array_sort_asc(dynamic([3, 1, 2]))", [1, 2, 3]),
        ("array_sum(dynamic([1, 2.5]))", 3.5),
        ("pack_array(1, 'a', true)", [1, "a", True]),
        ("pack_array(datetime(2024-01-01))", ["2024-01-01T00:00:00Z"]),
        ("bag_pack('k', 1, 'j', 'v')", {"k": 1, "j": "v"}),
        ("pack('k', dynamic([1]))", {"k": [1]}),
        ("bag_keys(dynamic({'x': 1, 'y': 2}))", ["x", "y"]),
        ("bag_has_key(dynamic({'x': 1}), 'x')", True),
        ("bag_merge(dynamic({'a': 1}), dynamic({'a': 2, 'b': 3}))", {"a": 1, "b": 3}),
        ("bag_remove_keys(dynamic({'a': 1, 'b': 2}), dynamic(['a']))", {"b": 2}),
        ("set_has_element(dynamic(['a', 'b']), 'b')", True),
        ("zip(dynamic([1, 2]), dynamic(['a', 'b']))", [[1, "a"], [2, "b"]]),
        ('extract_json(\'$.a.b\', \'{"a": {"b": "c"}}\')', "c"),
        ("extractjson('$.a', '{\"a\": 5}', typeof(long))", 5),
        ('extract_json("$[\'a b\']", \'{"a b": "x"}\')', "x"),
        ("todynamic('{\"a\": 1}').a", 1),
        ("dynamic(null)", None),
        ("isnull(parse_json('{}').missing)", True),
        ("isempty(parse_json('{}').missing)", True),
        ('tolong(parse_json(\'{"n": "42"}\').n)', 42),
        ("parse_json('{\"n\": 3}').n + 1", 4.0),
    ],
)
def test_dynamic_functions(kql: Kql, expr: str, expected: object) -> None:
    assert kql.value(f"print r = {expr}") == expected


def test_set_functions_ignore_order(kql: Kql) -> None:
    assert sorted(kql.value("print set_difference(dynamic([1, 2, 3]), dynamic([2]))")) == [1, 3]  # type: ignore[arg-type]
    assert sorted(kql.value("print set_union(dynamic([1, 2]), dynamic([2, 3]))")) == [1, 2, 3]  # type: ignore[arg-type]
    assert kql.value("print set_intersect(dynamic([1, 2, 3]), dynamic([3, 2, 9]))") in (
        [2, 3],
        [3, 2],
    )


def test_mv_expand_arrays_nulls_and_empty(kql: Kql) -> None:
    # Tags: ["t1","t2"], ["t2"], [], null, ["t3","t1"]: an empty array gives no row,
    # a null gives one row with null.
    rows = kql.rows("Events | mv-expand Tags | project ProcessId, Tags")
    assert rows == [
        (100, "t1"),
        (100, "t2"),
        (200, "t2"),
        (400, None),
        (500, "t3"),
        (500, "t1"),
    ]
    schema = kql.schema("Events | mv-expand Tag = Tags to typeof(string) | project Tag")
    assert schema == [("Tag", "string")]


def test_mv_expand_index_limit_and_parallel_columns(kql: Kql) -> None:
    rows = kql.rows(
        "print a = dynamic([1, 2, 3]), b = dynamic(['x']) | mv-expand with_itemindex = i a, b"
    )
    assert rows == [(1, "x", 0), (2, None, 1), (3, None, 2)]
    assert kql.rows("print a = dynamic([1, 2, 3]) | mv-expand a limit 2") == [(1,), (2,)]


def test_mv_expand_bags(kql: Kql) -> None:
    rows = kql.rows("print b = dynamic({'k1': 1, 'k2': 'v'}) | mv-expand b")
    assert rows == [({"k1": 1},), ({"k2": "v"},)]
    rows = kql.rows("print b = dynamic({'k1': 1}) | mv-expand kind = array b")
    assert rows == [(["k1", 1],)]


def test_dynamic_in_list_and_has(kql: Kql) -> None:
    assert kql.column('Events | where Tags has "t3" | project ProcessId') == [500]
    assert kql.column('Events | mv-expand Tags | where Tags in ("t1") | project ProcessId') == [
        100,
        500,
    ]


def test_dynamic_equality_is_structural_text(kql: Kql) -> None:
    assert kql.value("print dynamic([1, 2]) == dynamic([1,2])") is True
    assert kql.value("print dynamic({'a': 1}) == dynamic({'a': 2})") is False
