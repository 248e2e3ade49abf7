"""join kinds (innerunique by default), lookup, and union by column name."""

from __future__ import annotations

import pytest

from mdekit.kql import KqlSemanticError
from tests.kql import Kql, database

TABLES = {
    "L": (("k", "string"), ("v", "long")),
    "R": (("k", "string"), ("w", "string")),
    "Other": (("k", "string"), ("v", "string"), ("extra", "bool")),
}
ROWS = {
    "L": [("a", 1), ("a", 2), ("b", 3), ("c", 4)],
    "R": [("a", "x"), ("a", "y"), ("b", "z"), ("d", "q")],
    "Other": [("o", "text", True)],
}


@pytest.fixture(scope="module")
def kql() -> Kql:
    return Kql(database(TABLES, ROWS), TABLES)


def sorted_rows(kql: Kql, text: str) -> list[tuple[object, ...]]:
    return sorted(kql.rows(text), key=repr)


def test_default_join_is_innerunique(kql: Kql) -> None:
    # The left side keeps one row per key: "a" appears once, matched with both right rows.
    rows = kql.rows("L | join R on k | project k, w | sort by w asc")
    assert rows == [("a", "x"), ("a", "y"), ("b", "z")]


def test_inner_join_keeps_every_pair_and_renames_collisions(kql: Kql) -> None:
    result = kql.result("L | join kind=inner R on k")
    assert [n for n, _ in result.columns] == ["k", "v", "k1", "w"]
    assert sorted(result.rows, key=repr) == [
        ("a", 1, "a", "x"), ("a", 1, "a", "y"), ("a", 2, "a", "x"), ("a", 2, "a", "y"),
        ("b", 3, "b", "z"),
    ]  # fmt: skip


def test_outer_joins(kql: Kql) -> None:
    assert sorted_rows(kql, "L | where v != 2 | join kind=leftouter R on k | project v, w") == [
        (1, "x"), (1, "y"), (3, "z"), (4, ""),
    ]  # fmt: skip
    assert sorted_rows(kql, "L | where v != 2 | join kind=rightouter R on k | project v, w") == [
        (1, "x"), (1, "y"), (3, "z"), (None, "q"),
    ]  # fmt: skip
    rows = sorted_rows(kql, "L | where v != 2 | join kind=fullouter R on k | project k, k1")
    assert rows == [("", "d"), ("a", "a"), ("a", "a"), ("b", "b"), ("c", "")]


def test_semi_and_anti_joins(kql: Kql) -> None:
    assert kql.names("L | join kind=leftsemi R on k") == ["k", "v"]
    assert sorted_rows(kql, "L | join kind=leftsemi R on k") == [("a", 1), ("a", 2), ("b", 3)]
    assert sorted_rows(kql, "L | join kind=leftanti R on k") == [("c", 4)]
    assert kql.names("L | join kind=rightsemi R on k") == ["k", "w"]
    assert sorted_rows(kql, "L | join kind=rightsemi R on k") == [
        ("a", "x"),
        ("a", "y"),
        ("b", "z"),
    ]
    assert sorted_rows(kql, "L | join kind=rightanti R on k") == [("d", "q")]
    assert sorted_rows(kql, "L | join kind=anti R on k") == [("c", 4)]


def test_left_right_conditions(kql: Kql) -> None:
    rows = sorted_rows(
        kql,
        "L | join kind=inner (R | project key = k, w) on $left.k == $right.key | project v, w",
    )
    assert rows == [(1, "x"), (1, "y"), (2, "x"), (2, "y"), (3, "z")]
    rows = sorted_rows(
        kql,
        "L | join kind=inner (R | extend v = 1) on $left.k == $right.k, v | project k, w",
    )
    assert rows == [("a", "x"), ("a", "y")]


def test_join_errors(kql: Kql) -> None:
    with pytest.raises(KqlSemanticError, match="must exist on both sides"):
        kql.rows("L | join R on v")
    with pytest.raises(KqlSemanticError, match="join condition"):
        kql.rows("L | join R on v > 1")


def test_lookup_drops_the_right_key(kql: Kql) -> None:
    result = kql.result("L | lookup (R | summarize w = max(w) by k) on k")
    assert [n for n, _ in result.columns] == ["k", "v", "w"]
    assert sorted(result.rows, key=repr) == [
        ("a", 1, "y"),
        ("a", 2, "y"),
        ("b", 3, "z"),
        ("c", 4, ""),
    ]
    assert sorted_rows(kql, "L | lookup kind=inner R on k | project v") == [
        (1,),
        (1,),
        (2,),
        (2,),
        (3,),
    ]


def test_union_matches_columns_by_name(kql: Kql) -> None:
    result = kql.result("union L, R")
    assert result.columns == (("k", "string"), ("v", "long"), ("w", "string"))
    assert len(result.rows) == 8
    result = kql.result("L | union (R | take 1)")
    assert len(result.rows) == 5
    result = kql.result("union withsource=Table L, R | where k == 'b'")
    assert result.columns[0] == ("Table", "string")
    assert sorted(result.rows, key=repr) == [("L", "b", 3, ""), ("R", "b", None, "z")]


def test_union_with_the_same_name_in_two_types(kql: Kql) -> None:
    names = kql.names("union L, Other")
    assert names == ["k", "v_long", "v_string", "extra"]
    assert kql.names("union kind=inner L, R") == ["k"]


def test_union_wildcards_and_fuzzy(kql: Kql) -> None:
    assert len(kql.rows("union L*, R")) == 8
    assert len(kql.rows("union isfuzzy=true L, Missing")) == 4
    with pytest.raises(KqlSemanticError, match="Missing"):
        kql.rows("union L, Missing")
