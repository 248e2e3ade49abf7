"""Series functions with several results (`extend (a, b, c) = series_…(x)`), the reductions
to one number, FIR filtering, and the table of every series function."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import types as T
from mdekit.kql.errors import KqlSemanticError, unsupported
from mdekit.kql.fn_series import (
    _BINARY,
    _FIT_PARTS,
    _STATS,
    _UNARY,
    _ZEROED,
    _elementwise,
    _fill,
    _json,
    _percentiles,
    decompose,
    let,
    numbers,
    outlier_scores,
    series_fill_const,
    series_outliers,
    template,
)
from mdekit.kql.relation import Typed
from mdekit.kql.syntax import Call

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator, Handler

MultiHandler = Callable[["ExprTranslator", Call], list[Typed]]

_STAT_TYPES = {"min_idx": T.LONG, "max_idx": T.LONG}


def series_stats(tr: ExprTranslator, node: Call) -> list[Typed]:
    args = tr.args(node, 1, 2)
    missing = numbers(args[1]) if len(args) > 1 else exp.Null()
    cleaned = "list_transform(X, lambda _e: CASE WHEN _e = M THEN NULL ELSE _e END)"
    out: list[Typed] = []
    for part, formula in _STATS.items():
        sql = template(let(cleaned, "_x", formula), X=numbers(args[0]), M=missing)
        kind = _STAT_TYPES.get(part, T.REAL)
        if kind == T.LONG:
            sql = exp.Cast(this=sql, to=exp.DataType.build("BIGINT"))
        out.append(Typed(sql, kind))
    return out


def series_fit_line(tr: ExprTranslator, node: Call) -> list[Typed]:
    (series,) = tr.args(node, 1)
    out: list[Typed] = []
    for part, formula in _FIT_PARTS.items():
        sql = template(let(_ZEROED, "_y", formula), X=numbers(series))
        out.append(_json(sql) if part == "line_fit" else Typed(sql, T.REAL))
    return out


def _decompose_options(args: list[Typed], first: int) -> tuple[int, str]:
    consts = [a.const for a in args[first:]] + [None, None]
    period = consts[0] if isinstance(consts[0], int) and not isinstance(consts[0], bool) else -1
    trend = consts[1] if isinstance(consts[1], str) else "avg"
    if trend not in ("avg", "linefit", "none"):
        raise KqlSemanticError(f"Unknown trend kind '{trend}': use avg, linefit or none.")
    return period, trend


def series_decompose(tr: ExprTranslator, node: Call) -> list[Typed]:
    args = tr.args(node, 1, 5)
    period, trend = _decompose_options(args, 1)
    return [
        _json(template(let(_ZEROED, "_y", decompose(part, period, trend)), X=numbers(args[0])))
        for part in ("baseline", "seasonal", "trend", "residual")
    ]


def series_decompose_anomalies(tr: ExprTranslator, node: Call) -> list[Typed]:
    args = tr.args(node, 1, 7)
    threshold = args[1].const if len(args) > 1 else 1.5
    if not isinstance(threshold, int | float):
        threshold = 1.5
    period, trend = _decompose_options(args, 2)
    method = args[5].const if len(args) > 5 else "ctukey"
    low, high = _percentiles(method, None, None)
    scores = let(decompose("residual", period, trend), "_r", outlier_scores("_r", low, high))
    flags = let(
        scores,
        "_c",
        f"list_transform(_c, lambda _e: CASE WHEN _e > {threshold} THEN 1"
        f" WHEN _e < -{threshold} THEN -1 ELSE 0 END)",
    )
    x = numbers(args[0])
    return [
        _json(template(let(_ZEROED, "_y", flags), X=x)),
        _json(template(let(_ZEROED, "_y", scores), X=x)),
        _json(template(let(_ZEROED, "_y", decompose("baseline", period, trend)), X=x)),
    ]


MULTI_VALUED: dict[str, tuple[tuple[str, ...], MultiHandler]] = {
    "series_stats": (tuple(_STATS), series_stats),
    "series_fit_line": (tuple(_FIT_PARTS), series_fit_line),
    "series_decompose": (("baseline", "seasonal", "trend", "residual"), series_decompose),
    "series_decompose_anomalies": (("ad_flag", "ad_score", "baseline"), series_decompose_anomalies),
}


def _as_bag(name: str) -> Handler:
    """series_stats_dynamic / series_fit_line_dynamic: the results as one property bag."""

    def handler(tr: ExprTranslator, node: Call) -> Typed:
        parts, multi = MULTI_VALUED[name]
        pairs: list[exp.Expression] = []
        for part, value in zip(parts, multi(tr, node), strict=True):
            pairs += [exp.Literal.string(part), value.sql]
        return Typed(exp.Anonymous(this="json_object", expressions=pairs), T.DYNAMIC)

    return handler


def _only_in_tuples(name: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        raise KqlSemanticError(
            f"{name}() returns several values: assign them with (a, b, …) = {name}(…)."
        )

    return handler


# ---------------------------------------------------------------- reductions and filters


def _reduction(formula: str, arity: int) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, arity)
        text = let("X", "_x", let("Y", "_y", formula) if arity == 2 else formula)
        values = [numbers(a) for a in args] + [exp.Null()]
        return Typed(template(text, X=values[0], Y=values[1]), T.REAL)

    return handler


_DOT = (
    "list_sum(list_transform(range(least(len(_x), len(_y))), lambda _i: _x[_i + 1] * _y[_i + 1]))"
)
_NORM = "sqrt(list_sum(list_transform({v}, lambda _e: _e * _e)))"
_PEARSON = let(
    "[list_avg(_x), list_avg(_y)]",
    "_m",
    "list_sum(list_transform(range(least(len(_x), len(_y))), lambda _i: (_x[_i + 1] - _m[1])"
    " * (_y[_i + 1] - _m[2]))) / NULLIF(sqrt(list_sum(list_transform(_x, lambda _e:"
    " power(_e - _m[1], 2))) * list_sum(list_transform(_y, lambda _e: power(_e - _m[2], 2)))), 0)",
)


def series_fir(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 4)
    weights = args[1].const
    if not isinstance(weights, list) or not all(isinstance(w, int | float) for w in weights):
        raise KqlSemanticError("series_fir(): the filter must be a constant array of numbers.")
    normalize = args[2].const if len(args) > 2 else True
    center = bool(args[3].const) if len(args) > 3 else False
    total = sum(float(w) for w in weights)
    divisor = total if normalize is not False and total else 1.0
    shift = (len(weights) - 1) // 2 if center else 0
    terms = " + ".join(
        f"{float(w)!r} * coalesce(CASE WHEN _i + {shift - j} >= 0"
        f" THEN _x[_i + {shift - j} + 1] END, 0.0)"
        for j, w in enumerate(weights)
    )
    body = f"({terms or '0.0'}) / {divisor!r}"
    text = let("X", "_x", f"list_transform(range(len(_x)), lambda _i: {body})")
    return _json(template(text, X=numbers(args[0])))


def _unsupported(name: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        raise unsupported(f"{name}()")

    return handler


SERIES_FUNCTIONS: dict[str, Handler] = {
    **{name: _elementwise(f, 2) for name, f in _BINARY.items()},
    **{name: _elementwise(f, 1) for name, f in _UNARY.items()},
    **{name: _only_in_tuples(name) for name in MULTI_VALUED},
    "series_fill_const": series_fill_const, "series_fill_forward": _fill("forward"),
    "series_fill_backward": _fill("backward"), "series_fill_linear": _fill("linear"),
    "series_outliers": series_outliers, "series_fir": series_fir,
    "series_stats_dynamic": _as_bag("series_stats"),
    "series_fit_line_dynamic": _as_bag("series_fit_line"),
    "series_sum": _reduction("list_sum(_x)", 1),
    "series_magnitude": _reduction(_NORM.format(v="_x"), 1),
    "series_dot_product": _reduction(_DOT, 2),
    "series_cosine_similarity": _reduction(
        f"{_DOT} / NULLIF({_NORM.format(v='_x')} * {_NORM.format(v='_y')}, 0)", 2
    ),
    "series_pearson_correlation": _reduction(_PEARSON, 2),
    **{
        name: _unsupported(name)
        for name in (
            "series_iir", "series_fit_2lines", "series_fit_2lines_dynamic", "series_fit_poly",
            "series_periods_detect", "series_periods_validate", "series_seasonal",
            "series_decompose_forecast", "series_fft", "series_ifft", "series_product",
        )
    },
}  # fmt: skip
