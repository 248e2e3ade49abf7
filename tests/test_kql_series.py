"""Series functions over make-series arrays: element-wise maths, fills, statistics, line
fits, FIR filters, outliers, decomposition and multi-valued assignments."""

from __future__ import annotations

import pytest

from mdekit.kql import KqlSemanticError
from tests.kql import Kql, database


@pytest.fixture(scope="module")
def kql() -> Kql:
    return Kql(database())


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("series_add(dynamic([1, 2, 3]), dynamic([10, 20, 30]))", [11, 22, 33]),
        ("series_subtract(5, dynamic([1, 2]))", [4, 3]),
        ("series_multiply(dynamic([1, 2]), 3)", [3, 6]),
        ("series_divide(dynamic([1, 2]), dynamic([0, 4]))", [None, 0.5]),
        ("series_greater(dynamic([1, 5, 3]), 2)", [False, True, True]),
        ("series_abs(dynamic([-1, 2]))", [1, 2]),
        ("series_fill_const(dynamic([1, null, 3]), 0)", [1, 0, 3]),
        ("series_fill_forward(dynamic([null, 1, null, null, 4, null]))", [1, 1, 1, 1, 4, 4]),
        ("series_fill_backward(dynamic([null, 1, null, null, 4, null]))", [1, 1, 4, 4, 4, 4]),
        ("series_fill_linear(dynamic([null, 1, null, null, 4, null]))", [1, 1, 2, 3, 4, 4]),
        ("series_fill_forward(dynamic([1, -1, 3]), -1)", [1, 1, 3]),
        ("series_sum(dynamic([1, 2, 3]))", 6),
        ("series_magnitude(dynamic([3, 4]))", 5),
        ("series_dot_product(dynamic([1, 2]), dynamic([3, 4]))", 11),
        ("series_pearson_correlation(dynamic([1, 2, 3]), dynamic([2, 4, 6]))", 1),
        ("series_fir(dynamic([1, 2, 3, 4, 5]), dynamic([1, -1]), false)", [1, 1, 1, 1, 1]),
        ("series_fir(dynamic([1, 2, 3, 4, 5]), dynamic([1, 1, 1]), false, true)", [3, 6, 9, 12, 9]),
        (
            "series_fit_line_dynamic(dynamic([1, 3, 5, 7]))",
            {
                "rsquare": 1,
                "slope": 2,
                "variance": 5,
                "rvariance": 0,
                "interception": 1,
                "line_fit": [1, 3, 5, 7],
            },
        ),
    ],
)
def test_series_functions(kql: Kql, expr: str, expected: object) -> None:
    assert kql.value(f"print r = {expr}") == expected


def test_series_stats_names_its_columns_after_function_and_argument(kql: Kql) -> None:
    result = kql.result("print x = dynamic([1, 2, 3, null, 10]) | extend series_stats(x)")
    assert [name for name, _ in result.columns][1:4] == [
        "series_stats_x_min", "series_stats_x_min_idx", "series_stats_x_max",
    ]  # fmt: skip
    assert result.rows[0][1:5] == (1.0, 0, 10.0, 4)
    assert result.columns[2] == ("series_stats_x_min_idx", "long")


def test_series_outliers_scores_a_spike(kql: Kql) -> None:
    scores = kql.value("print series_outliers(dynamic([1, 2, 3, 2, 1, 2, 3, 2, 50, 2]))")
    assert isinstance(scores, list)
    assert [i for i, s in enumerate(scores) if s > 1.5] == [8]


def test_decompose_anomalies_over_make_series(kql: Kql) -> None:
    query = (
        "range i from 0 to 47 step 1"
        " | extend Timestamp = datetime(2024-05-01) + i * 1h, n = iff(i == 30, 40, 1 + i % 2)"
        " | make-series Total = sum(n) default = 0 on Timestamp step 1h"
        " | extend (anomalies, score, baseline) = series_decompose_anomalies(Total, 1.5, 2)"
        " | mv-expand anomalies to typeof(long), Timestamp to typeof(datetime)"
        " | where anomalies != 0 | project Timestamp, anomalies"
    )
    rows = kql.rows(query)
    assert [(row[0].hour, row[1]) for row in rows] == [(6, 1)]  # type: ignore[union-attr]
    (b, s, t, r) = kql.rows(
        "print x = dynamic([1, 2, 1, 2, 1, 2]) | project (b, s, t, r) = series_decompose(x, 2)"
    )[0]
    assert (b, s, t, r) == ([1, 2, 1, 2, 1, 2], [-0.5, 0.5] * 3, [1.5] * 6, [0] * 6)


def test_multi_valued_functions_need_a_tuple_outside_extend(kql: Kql) -> None:
    with pytest.raises(KqlSemanticError, match="several values"):
        kql.rows("print x = dynamic([1, 2]) | where array_length(series_stats(x)) > 0")
