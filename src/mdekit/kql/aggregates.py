"""Aggregation functions used in summarize: count, dcount, make_set, sum, avg, percentile, ….

Each handler gets a translator for the rows being aggregated and returns one SQL aggregate.
Aggregates that produce several columns (`arg_max(Timestamp, *)`, `take_any(a, b)`,
`percentiles(x, 50, 95)`) are expanded by the summarize operator itself. `dcount` is exact
here (KQL's is an estimate); `make_set` flattens dynamic arrays and ignores nulls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.errors import KqlSemanticError, unsupported
from mdekit.kql.relation import Typed
from mdekit.kql.scalar import check_arity
from mdekit.kql.syntax import Call

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator, Handler


def filtered(aggregate: exp.Expression, condition: exp.Expression | None) -> exp.Expression:
    if condition is None:
        return aggregate
    return exp.Filter(this=aggregate, expression=exp.Where(this=condition))


def _condition(tr: ExprTranslator, node: Call, index: int) -> exp.Expression | None:
    if index < len(node.args):
        return tr.predicate(node.args[index])
    return None


def count(tr: ExprTranslator, node: Call) -> Typed:
    check_arity(node, 0, 1)
    if not node.args:
        return Typed(S.fn("count_star"), T.LONG)
    value = tr.expr(node.args[0])
    return Typed(S.fn("count", value.sql), T.LONG)


def countif(tr: ExprTranslator, node: Call) -> Typed:
    check_arity(node, 1, 1)
    return Typed(filtered(S.fn("count_star"), tr.predicate(node.args[0])), T.LONG)


def dcount(conditional: bool) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        check_arity(node, 2 if conditional else 1, 3 if conditional else 2)
        value = tr.expr(node.args[0])
        distinct = exp.Count(this=exp.Distinct(expressions=[value.sql]))
        return Typed(filtered(distinct, _condition(tr, node, 1) if conditional else None), T.LONG)

    return handler


def _simple(fn_name: str, *, conditional: bool = False, result: str | None = None) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        check_arity(node, 2 if conditional else 1, 2 if conditional else 1)
        value = tr.expr(node.args[0])
        sql = value.sql
        kind = result or value.type
        if value.type == T.DYNAMIC:
            sql, kind = C.from_dynamic(value, T.REAL), result or T.REAL
        elif value.type == T.BOOL and fn_name in ("sum", "avg"):
            sql = S.cast(sql, "BIGINT")
        if fn_name == "sum" and kind == T.INT:
            kind = T.LONG
        condition = _condition(tr, node, 1) if conditional else None
        aggregate = S.fn(fn_name, sql)
        if fn_name == "sum" and kind in (T.LONG, T.TIMESPAN):
            aggregate = S.cast(aggregate, "BIGINT")
        if condition is not None:
            aggregate = filtered(S.fn(fn_name, sql), condition)
            if fn_name == "sum" and kind in (T.LONG, T.TIMESPAN):
                aggregate = S.cast(aggregate, "BIGINT")
        return Typed(aggregate, kind)

    return handler


def _covariance(fn_name: str, conditional: bool) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        check_arity(node, 3 if conditional else 2, 3 if conditional else 2)
        x, y = (C.coerce(tr.expr(a), T.REAL) for a in node.args[:2])
        condition = _condition(tr, node, 2) if conditional else None
        return Typed(filtered(S.fn(fn_name, x, y), condition), T.REAL)

    return handler


def element_sql(value: Typed) -> exp.Expression:
    """How a value is stored as an element of a dynamic array built by an aggregate."""
    if value.type in (T.DATETIME, T.TIMESPAN, T.GUID):
        return C.to_string(value)
    return value.sql


def _max_size(tr: ExprTranslator, node: Call, index: int) -> int | None:
    if index < len(node.args):
        size = tr.expr(node.args[index])
        if not isinstance(size.const, int):
            raise KqlSemanticError(f"{node.name}(): the maximum size must be a constant number.")
        return size.const
    return None


def make_collection(
    *, distinct: bool, conditional: bool = False, keep_nulls: bool = False
) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        least = 2 if conditional else 1
        check_arity(node, least, least + 1)
        value = tr.expr(node.args[0])
        condition = _condition(tr, node, 1) if conditional else None
        size = _max_size(tr, node, least)
        element = element_sql(value)
        nonnull = exp.Not(this=exp.Is(this=S.paren(element), expression=exp.Null()))
        if not keep_nulls:
            condition = nonnull if condition is None else S.and_(condition, nonnull)
        if value.type == T.DYNAMIC and distinct:
            # make_set of arrays collects their elements.
            is_array = S.binop("=", S.fn("json_type", element), S.string("ARRAY"))
            parts = S.case(
                [(is_array, S.cast(element, "JSON[]"))], exp.Array(expressions=[element])
            )
            collected: exp.Expression = S.fn(
                "list_distinct", S.fn("flatten", filtered(S.fn("list", parts), condition))
            )
        elif distinct:
            collected = filtered(S.fn("list", exp.Distinct(expressions=[element])), condition)
        else:
            collected = filtered(S.fn("list", element), condition)
        if size is not None:
            collected = S.fn("list_slice", collected, S.number(1), S.number(size))
        return Typed(
            S.coalesce(S.fn("to_json", collected), S.cast(S.string("[]"), "JSON")), T.DYNAMIC
        )

    return handler


def sketch(*, distinct: bool, conditional: bool = False, merge: bool = False) -> Handler:
    """hll()/tdigest() keep the values themselves (distinct ones for hll), so the estimates
    made from them (dcount_hll, percentile_tdigest) are exact; *_merge unions them."""

    def handler(tr: ExprTranslator, node: Call) -> Typed:
        least = 2 if conditional else 1
        check_arity(node, least, least + 1)
        value = tr.expr(node.args[0])
        condition = _condition(tr, node, 1) if conditional else None
        element = element_sql(value) if not merge else as_list(value)
        nonnull = exp.Not(this=exp.Is(this=S.paren(element), expression=exp.Null()))
        condition = nonnull if condition is None else S.and_(condition, nonnull)
        if merge:
            collected = S.fn("flatten", filtered(S.fn("list", element), condition))
            if distinct:
                collected = S.fn("list_distinct", collected)
        elif distinct:
            collected = filtered(S.fn("list", exp.Distinct(expressions=[element])), condition)
        else:
            collected = filtered(S.fn("list", element), condition)
        return Typed(
            S.coalesce(S.fn("to_json", collected), S.cast(S.string("[]"), "JSON")), T.DYNAMIC
        )

    return handler


def as_list(value: Typed) -> exp.Expression:
    sql = value.sql if value.type == T.DYNAMIC else S.cast(C.to_string(value), "JSON")
    is_array = S.binop("=", S.fn("json_type", sql), S.string("ARRAY"))
    return S.case([(is_array, S.cast(sql, "JSON[]"))], S.cast(S.null(), "JSON[]"))


def make_bag(conditional: bool) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        least = 2 if conditional else 1
        check_arity(node, least, least + 1)
        value = tr.expr(node.args[0])
        condition = _condition(tr, node, 1) if conditional else None
        is_bag = S.binop("=", S.fn("json_type", value.sql), S.string("OBJECT"))
        condition = is_bag if condition is None else S.and_(condition, is_bag)
        bags = filtered(S.fn("list", value.sql), condition)
        merge = exp.Lambda(
            this=S.fn("json_merge_patch", exp.column("a"), exp.column("b")),
            expressions=[exp.to_identifier("a"), exp.to_identifier("b")],
        )
        merged = S.fn(
            "list_reduce", S.fn("list_prepend", S.cast(S.string("{}"), "JSON"), bags), merge
        )
        return Typed(S.coalesce(merged, S.cast(S.string("{}"), "JSON")), T.DYNAMIC)

    return handler


def take_any(conditional: bool) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        check_arity(node, 2 if conditional else 1, 2 if conditional else 1)
        value = tr.expr(node.args[0])
        condition = _condition(tr, node, 1) if conditional else None
        return Typed(filtered(S.fn("any_value", value.sql), condition), value.type)

    return handler


def percentile(tr: ExprTranslator, node: Call) -> Typed:
    check_arity(node, 2, 2)
    value, rank = tr.expr(node.args[0]), tr.expr(node.args[1])
    if not isinstance(rank.const, int | float):
        raise KqlSemanticError("percentile(): the percentile must be a constant number.")
    return percentile_value(value, float(rank.const))


def percentile_value(value: Typed, rank: float) -> Typed:
    """KQL picks an actual value at the rank (no interpolation): a discrete quantile."""
    sql = value.sql if value.type != T.DYNAMIC else C.from_dynamic(value, T.REAL)
    kind = value.type if value.type != T.DYNAMIC else T.REAL
    return Typed(S.fn("quantile_disc", sql, S.number(rank / 100.0)), kind)


def percentiles_array(tr: ExprTranslator, node: Call) -> Typed:
    check_arity(node, 2, 100)
    value = tr.expr(node.args[0])
    ranks = [tr.expr(a).const for a in node.args[1:]]
    flat: list[float] = []
    for rank in ranks:
        flat += [float(r) for r in rank] if isinstance(rank, list) else [float(rank)]  # type: ignore[arg-type]
    picks = [percentile_value(value, r).sql for r in flat]
    return Typed(S.fn("to_json", exp.Array(expressions=picks)), T.DYNAMIC)


def _unsupported(name: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        raise unsupported(f"The aggregate {name}()")

    return handler


AGGREGATES: dict[str, Handler] = {
    "count": count, "cnt": count, "countif": countif, "dcount": dcount(False),
    "dcountif": dcount(True), "count_distinct": dcount(False), "count_distinctif": dcount(True),
    "sum": _simple("sum"), "sumif": _simple("sum", conditional=True),
    "avg": _simple("avg", result=T.REAL), "avgif": _simple("avg", conditional=True, result=T.REAL),
    "min": _simple("min"), "max": _simple("max"), "minif": _simple("min", conditional=True),
    "maxif": _simple("max", conditional=True),
    "stdev": _simple("stddev_samp", result=T.REAL), "stdevp": _simple("stddev_pop", result=T.REAL),
    "stdevif": _simple("stddev_samp", conditional=True, result=T.REAL),
    "variance": _simple("var_samp", result=T.REAL), "variancep": _simple("var_pop", result=T.REAL),
    "varianceif": _simple("var_samp", conditional=True, result=T.REAL),
    "variancepif": _simple("var_pop", conditional=True, result=T.REAL),
    "covariance": _covariance("covar_samp", False), "covariancep": _covariance("covar_pop", False),
    "covarianceif": _covariance("covar_samp", True),
    "covariancepif": _covariance("covar_pop", True),
    "binary_all_and": _simple("bit_and"), "binary_all_or": _simple("bit_or"),
    "binary_all_xor": _simple("bit_xor"),
    "make_set": make_collection(distinct=True), "makeset": make_collection(distinct=True),
    "make_set_if": make_collection(distinct=True, conditional=True),
    "make_list": make_collection(distinct=False), "makelist": make_collection(distinct=False),
    "make_list_if": make_collection(distinct=False, conditional=True),
    "make_list_with_nulls": make_collection(distinct=False, keep_nulls=True),
    "make_bag": make_bag(False), "make_bag_if": make_bag(True), "make_dictionary": make_bag(False),
    "take_any": take_any(False), "any": take_any(False), "take_anyif": take_any(True),
    "anyif": take_any(True), "percentile": percentile, "percentiles_array": percentiles_array,
    "hll": sketch(distinct=True), "hll_if": sketch(distinct=True, conditional=True),
    "hll_merge": sketch(distinct=True, merge=True), "tdigest": sketch(distinct=False),
    "tdigest_merge": sketch(distinct=False, merge=True),
    "merge_tdigest": sketch(distinct=False, merge=True),
    "percentilew": _unsupported("percentilew"),
    "percentilesw": _unsupported("percentilesw"),
    "percentilesw_array": _unsupported("percentilesw_array"),
    # Multi-column aggregates are expanded by summarize; listed so they are known names.
    "arg_max": _unsupported("arg_max"), "arg_min": _unsupported("arg_min"),
    "argmax": _unsupported("argmax"), "argmin": _unsupported("argmin"),
    "percentiles": _unsupported("percentiles"),
}  # fmt: skip
