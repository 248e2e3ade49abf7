"""Series functions: element-wise arithmetic, fills, statistics, line fits, outliers and
decomposition of the dynamic numeric arrays that `make-series` produces.

All of it is DuckDB list SQL. The SQL is written as text templates (parsed once by
sqlglot) in which `X`, `Y`, … stand for the argument expressions; an argument is bound
once through a one-element `list_transform` so it is not computed again per element.

Approximations (documented in docs/kql.md): seasonality `-1` (auto-detect) means none;
`test_points` is ignored; the anomaly score is the distance past the percentile fence in
units of the inter-percentile range (1 when that range is 0).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import types as T
from mdekit.kql.errors import KqlSemanticError
from mdekit.kql.fn_dynamic import items
from mdekit.kql.relation import Typed
from mdekit.kql.syntax import Call

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator, Handler


@lru_cache(maxsize=256)
def _parsed(text: str) -> exp.Expression:
    parsed = sqlglot.parse_one(text, read="duckdb")
    assert isinstance(parsed, exp.Expression)
    return parsed


def template(text: str, **args: exp.Expression) -> exp.Expression:
    """The SQL of `text` with the column names in `args` replaced by their expressions."""

    def put(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name in args:
            return args[node.name].copy()
        return node

    return _parsed(text).copy().transform(put, copy=False)


def let(value: str, name: str, body: str) -> str:
    """`body` with `name` bound to `value`, computed once."""
    return f"list_extract(list_transform([{value}], lambda {name}: {body}), 1)"


def numbers(value: Typed) -> exp.Expression:
    """A dynamic array as DOUBLE[] (non-numbers become NULL); a scalar stays a scalar."""
    if value.type != T.DYNAMIC:
        return C.coerce(value, T.REAL)
    return template("list_transform(X, lambda _e: TRY_CAST(_e AS DOUBLE))", X=items(value))


def _json(sql: exp.Expression) -> Typed:
    return Typed(exp.Anonymous(this="to_json", expressions=[sql]), T.DYNAMIC)


# ---------------------------------------------------------------- element-wise

_BINARY = {
    "series_add": "_a + _b", "series_subtract": "_a - _b", "series_multiply": "_a * _b",
    "series_divide": "_a / NULLIF(_b, 0)", "series_pow": "power(_a, _b)",
    "series_greater": "_a > _b", "series_greater_equals": "_a >= _b", "series_less": "_a < _b",
    "series_less_equals": "_a <= _b", "series_equals": "_a = _b", "series_not_equals": "_a <> _b",
}  # fmt: skip
_UNARY = {
    "series_abs": "abs(_a)", "series_acos": "acos(_a)", "series_asin": "asin(_a)",
    "series_atan": "atan(_a)", "series_cos": "cos(_a)", "series_sin": "sin(_a)",
    "series_tan": "tan(_a)", "series_ceiling": "ceil(_a)", "series_floor": "floor(_a)",
    "series_exp": "exp(_a)", "series_log": "ln(_a)", "series_sign": "sign(_a)",
}  # fmt: skip


def _elementwise(formula: str, arity: int) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, arity)
        series = [a for a in args if a.type == T.DYNAMIC]
        if not series:
            raise KqlSemanticError(f"{node.name}(): expects a dynamic array argument.")
        picks = [
            f"{name}[_i + 1]" if a.type == T.DYNAMIC else name
            for name, a in zip(("_x", "_y"), args, strict=False)
        ]
        first = "_x" if args[0].type == T.DYNAMIC else "_y"
        body = formula.replace("_a", f"({picks[0]})")
        if arity == 2:
            body = body.replace("_b", f"({picks[1]})")
        text = let(
            "X", "_x", let("Y", "_y", f"list_transform(range(len({first})), lambda _i: {body})")
        )
        values = [numbers(a) for a in args] + [exp.Null()] * (2 - arity)
        return _json(template(text, X=values[0], Y=values[1]))

    return handler


def series_fill_const(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 3)
    fill = numbers(args[1]) if len(args) > 1 else exp.Literal.number(0)
    missing = numbers(args[2]) if len(args) > 2 else exp.Null()
    text = "list_transform(X, lambda _e: CASE WHEN _e IS NULL OR _e = M THEN F ELSE _e END)"
    return _json(template(text, X=numbers(args[0]), F=fill, M=missing))


def _fill(direction: str) -> Handler:
    """series_fill_forward / _backward / _linear (edges take the nearest value)."""

    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, 1, 4)
        missing = numbers(args[1]) if len(args) > 1 else exp.Null()
        known = "list_filter(range(len(_x)), lambda _j: _x[_j + 1] IS NOT NULL)"
        before = "list_max(list_filter(_k, lambda _j: _j <= _i))"
        after = "list_min(list_filter(_k, lambda _j: _j >= _i))"
        if direction == "forward":
            pick = f"coalesce(_x[{before} + 1], _x[{after} + 1])"
        elif direction == "backward":
            pick = f"coalesce(_x[{after} + 1], _x[{before} + 1])"
        else:
            pick = let(
                f"[{before}, {after}]",
                "_p",
                "CASE WHEN _p[1] IS NULL OR _p[2] IS NULL"
                " THEN coalesce(_x[_p[1] + 1], _x[_p[2] + 1])"
                " WHEN _p[1] = _p[2] THEN _x[_p[1] + 1]"
                " ELSE _x[_p[1] + 1] + (_x[_p[2] + 1] - _x[_p[1] + 1]) * (_i - _p[1])"
                " / (_p[2] - _p[1]) END",
            )
        cleaned = "list_transform(X, lambda _e: CASE WHEN _e = M THEN NULL ELSE _e END)"
        text = let(
            cleaned, "_x", let(known, "_k", f"list_transform(range(len(_x)), lambda _i: {pick})")
        )
        return _json(template(text, X=numbers(args[0]), M=missing))

    return handler


# ---------------------------------------------------------------- statistics and fits

_SLOPE = (
    "CASE WHEN len(_y) > 1 THEN list_sum(list_transform(range(len(_y)),"
    " lambda _i: (_i - (len(_y) - 1) / 2.0) * _y[_i + 1])) / list_sum(list_transform("
    "range(len(_y)), lambda _i: power(_i - (len(_y) - 1) / 2.0, 2))) ELSE 0.0 END"
)
# _p = [slope, interception] of the least-squares line through (index, value).
_FIT = let(_SLOPE, "_m", "[_m, list_avg(_y) - _m * (len(_y) - 1) / 2.0]")
_LINE = let(_FIT, "_p", "list_transform(range(len(_y)), lambda _i: _p[2] + _p[1] * _i)")
_ZEROED = "list_transform(X, lambda _e: coalesce(_e, 0.0))"
_VARIANCE = "list_avg(list_transform(_y, lambda _e: power(_e - list_avg(_y), 2)))"
_RVARIANCE = (
    "list_avg(list_transform(range(len(_y)), lambda _i: power(_y[_i + 1] - _l[_i + 1], 2)))"
)

_STATS = {
    "min": "list_min(_x)", "min_idx": "list_position(_x, list_min(_x)) - 1",
    "max": "list_max(_x)", "max_idx": "list_position(_x, list_max(_x)) - 1",
    "avg": "list_avg(_x)", "stdev": "list_aggregate(_x, 'stddev_samp')",
    "variance": "list_aggregate(_x, 'var_samp')",
}  # fmt: skip
_FIT_PARTS = {
    "rsquare": let(
        _LINE, "_l", f"CASE WHEN {_VARIANCE} > 0 THEN 1 - {_RVARIANCE} / {_VARIANCE} ELSE 1.0 END"
    ),
    "slope": let(_FIT, "_p", "_p[1]"),
    "variance": _VARIANCE,
    "rvariance": let(_LINE, "_l", _RVARIANCE),
    "interception": let(_FIT, "_p", "_p[2]"),
    "line_fit": _LINE,
}


def _trend(kind: str) -> str:
    if kind == "linefit":
        return _LINE
    if kind == "none":
        return "list_transform(_y, lambda _e: 0.0)"
    return let("list_avg(_y)", "_a", "list_transform(_y, lambda _e: _a)")


def _seasonal(period: int) -> str:
    """Mean of the detrended values at the same phase; zeros without a period."""
    if period <= 1:
        return "list_transform(_y, lambda _e: 0.0)"
    same_phase = f"list_filter(range(len(_y)), lambda _j: _j % {period} = _i % {period})"
    return let(
        "list_transform(range(len(_y)), lambda _i: _y[_i + 1] - _t[_i + 1])",
        "_d",
        f"list_transform(range(len(_y)), lambda _i: list_avg(list_transform({same_phase},"
        " lambda _j: _d[_j + 1])))",
    )


def decompose(part: str, period: int, trend: str) -> str:
    """Text for one component of series_decompose over `_y` (bound by the caller)."""
    parts = {
        "baseline": "list_transform(range(len(_y)), lambda _i: _t[_i + 1] + _s[_i + 1])",
        "seasonal": "_s",
        "trend": "_t",
        "residual": (
            "list_transform(range(len(_y)), lambda _i: _y[_i + 1] - _t[_i + 1] - _s[_i + 1])"
        ),
    }
    return let(_trend(trend), "_t", let(_seasonal(period), "_s", parts[part]))


def outlier_scores(series: str, low: float, high: float) -> str:
    """Tukey-fence scores of the values of `series` (0 inside the fences and for nulls)."""
    fences = (
        f"[list_aggregate({series}, 'quantile_cont', {low}),"
        f" list_aggregate({series}, 'quantile_cont', {high})]"
    )
    width = "(CASE WHEN _q[2] - _q[1] > 0 THEN _q[2] - _q[1] ELSE 1.0 END)"
    score = (
        f"CASE WHEN _e IS NULL THEN 0.0 WHEN _e > _q[2] THEN (_e - _q[2]) / {width}"
        f" WHEN _e < _q[1] THEN (_e - _q[1]) / {width} ELSE 0.0 END"
    )
    return let(fences, "_q", f"list_transform({series}, lambda _e: {score})")


def _percentiles(kind: object, low: object, high: object) -> tuple[float, float]:
    if kind == "tukey":
        return 0.25, 0.75
    lo = float(low) / 100 if isinstance(low, int | float) else 0.1
    hi = float(high) / 100 if isinstance(high, int | float) else 0.9
    return lo, hi


def series_outliers(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 5)
    consts = [a.const for a in args[1:]] + [None] * 4
    low, high = _percentiles(consts[0] or "ctukey", consts[2], consts[3])
    missing = numbers(args[2]) if len(args) > 2 and args[2].const is not None else exp.Null()
    cleaned = "list_transform(X, lambda _e: CASE WHEN _e = M THEN NULL ELSE _e END)"
    text = let(cleaned, "_r", outlier_scores("_r", low, high))
    return _json(template(text, X=numbers(args[0]), M=missing))
