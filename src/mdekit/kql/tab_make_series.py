"""make-series and top-nested: operators that aggregate at several levels at once.

make-series works in numeric axis units (microseconds for datetimes and timespans): rows are
binned from `from` (or the first bin with data) up to `to` (exclusive), every group gets
every bin, absent bins take the default (0 unless `default=` says otherwise), and the
aggregates and the axis come back as dynamic arrays ordered by bin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import Env, RowScope
from mdekit.kql.errors import unsupported
from mdekit.kql.naming import UniqueNames, result_name
from mdekit.kql.relation import Column, Relation, SqlNames, Typed
from mdekit.kql.scalar import ExprTranslator
from mdekit.kql.syntax import Assign, Expr, OrderKey
from mdekit.kql.syntax_ops import MakeSeries, Operator, TopNested

if TYPE_CHECKING:
    from mdekit.kql.compiler import Compiler


def _units(value: Typed) -> exp.Expression:
    if value.type == T.DATETIME:
        return S.fn("epoch_us", value.sql)
    return C.coerce(value, T.REAL) if value.type not in T.NUMERIC | {T.TIMESPAN} else value.sql


def _from_units(units: exp.Expression, kind: str) -> exp.Expression:
    if kind == T.DATETIME:
        return C.to_json(Typed(S.fn("make_timestamp", S.cast(units, "BIGINT")), T.DATETIME))
    if kind == T.TIMESPAN:
        return C.to_json(Typed(S.cast(units, "BIGINT"), T.TIMESPAN))
    return S.fn("to_json", units)


def make_series(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, MakeSeries)
    ctx = cp.ctx
    scope = RowScope.of(rel)
    plain = ExprTranslator(ctx, env, scope, "make-series")
    grouped = ExprTranslator(ctx, env, scope, "make-series", aggregate=True)
    axis = plain.expr(op.axis)
    axis_units = _units(axis)
    step = plain.expr(op.step)
    step_units = step.sql if step.type in T.NUMERIC | {T.TIMESPAN} else C.coerce(step, T.REAL)
    base = S.subquery(rel.query, ctx.alias())

    def bound(node: Expr | None, fn: str) -> exp.Expression:
        if node is not None:
            return _units(plain.expr(node))
        edge = (
            exp.Select()
            .select(S.fn(fn, axis_units), copy=False)
            .from_(S.subquery(rel.query, ctx.alias()), copy=False)
        )
        value = S.scalar_subquery(edge)
        binned = S.binop("*", S.fn("floor", S.binop("/", value, step_units)), step_units)
        return binned if fn == "min" else S.binop("+", binned, step_units)

    start, end = bound(op.start, "min"), bound(op.end, "max")
    names = UniqueNames()
    keys: list[tuple[str, Typed]] = []
    for item in op.by:
        target = item.expr if isinstance(item, Assign) else item
        label = (
            item.names[0] if isinstance(item, Assign) else result_name(target, None) or "Column1"
        )
        keys.append((names.add(label), plain.expr(target)))
    aggregates: list[tuple[str, Typed, exp.Expression]] = []
    for item, default in op.aggregates:
        target = item.expr if isinstance(item, Assign) else item
        label = (
            item.names[0] if isinstance(item, Assign) else result_name(target, None) or "Column1"
        )
        value = grouped.expr(target)
        fill = (
            plain.expr(default).sql
            if default is not None
            else (S.number(0) if value.type in T.NUMERIC else S.null())
        )
        aggregates.append((names.add(label), value, fill))
    axis_name = names.add(result_name(op.axis, None) or "Column1")
    bin_index = S.fn("floor", S.binop("/", S.binop("-", axis_units, start), step_units))
    key_cols = [f"_k{i}" for i in range(len(keys))]
    agg_query = (
        exp.Select()
        .select(
            *(
                S.alias(k.sql, S.ident(n), quoted=True)
                for n, (_, k) in zip(key_cols, keys, strict=True)
            ),
            S.alias(bin_index, S.ident("_bin"), quoted=True),
            *(
                S.alias(v.sql, S.ident(f"_v{i}"), quoted=True)
                for i, (_, v, _) in enumerate(aggregates)
            ),
            copy=False,
        )
        .from_(base, copy=False)
        .where(S.and_(S.binop(">=", axis_units, start), S.binop("<", axis_units, end)), copy=False)
    )
    agg_query = agg_query.group_by(
        *(exp.Literal.number(i + 1) for i in range(len(keys) + 1)), copy=False
    )
    if keys:
        groups: exp.Expression = (
            exp.Select()
            .select(
                *(
                    S.alias(k.sql, S.ident(n), quoted=True)
                    for n, (_, k) in zip(key_cols, keys, strict=True)
                ),
                copy=False,
            )
            .from_(S.subquery(rel.query, ctx.alias()), copy=False)
            .distinct(copy=False)
        )
    else:
        groups = exp.Select().select(S.alias(S.number(1), S.ident("_one"), quoted=True), copy=False)
    count = S.cast(S.fn("ceil", S.binop("/", S.binop("-", end, start), step_units)), "BIGINT")
    grid = exp.Select().select(
        S.alias(S.fn("unnest", S.fn("range", count)), S.ident("_bin"), quoted=True), copy=False
    )
    on = [S.binop("=", S.col("_bin", "_grid"), S.col("_bin", "_agg"))]
    on += [exp.NullSafeEQ(this=S.col(k, "_groups"), expression=S.col(k, "_agg")) for k in key_cols]
    filled = (
        exp.Select()
        .select(
            *(S.col(k, "_groups") for k in key_cols),
            S.col("_bin", "_grid"),
            *(
                S.alias(S.col(f"_v{i}", "_agg"), S.ident(f"_v{i}"), quoted=True)
                for i in range(len(aggregates))
            ),
            copy=False,
        )
        .from_(S.subquery(groups, "_groups"), copy=False)
        .join(S.subquery(grid, "_grid"), join_type="CROSS", copy=False)
        .join(S.subquery(agg_query, "_agg"), on=S.and_(*on), join_type="LEFT", copy=False)
    )
    order = exp.Order(expressions=[exp.Ordered(this=S.col("_bin"))])

    def series(value: exp.Expression) -> exp.Expression:
        listed = (
            exp.WithinGroup(this=S.fn("list", value), expression=order)
            if False
            else S.fn("list", exp.Order(this=value, expressions=[exp.Ordered(this=S.col("_bin"))]))
        )
        return S.coalesce(S.fn("to_json", listed), S.cast(S.string("[]"), "JSON"))

    sql_names = SqlNames()
    columns: list[Column] = []
    projections: list[exp.Expression] = []
    outputs: list[tuple[str, str, exp.Expression]] = [
        (name, value.type, S.col(k)) for (name, value), k in zip(keys, key_cols, strict=True)
    ]
    for i, (name, _, fill) in enumerate(aggregates):
        outputs.append((name, T.DYNAMIC, series(S.coalesce(S.col(f"_v{i}"), fill))))
    axis_value = _from_units(
        S.binop("+", start, S.binop("*", S.col("_bin"), step_units)), axis.type
    )
    outputs.append((axis_name, T.DYNAMIC, series(axis_value)))
    for name, kind, sql in outputs:
        sql_name = sql_names.pick(name)
        columns.append(Column(name, kind, sql_name))
        projections.append(S.alias(sql, S.ident(sql_name), quoted=True))
    query = (
        exp.Select()
        .select(*projections, copy=False)
        .from_(S.subquery(filled, ctx.alias()), copy=False)
    )
    if key_cols:
        query = query.group_by(*(S.col(k) for k in key_cols), copy=False)
    return Relation(query, tuple(columns))


def top_nested(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    """Each level keeps the top N values of its column within the previous level's groups."""
    assert isinstance(op, TopNested)
    ctx = cp.ctx
    scope = RowScope.of(rel)
    plain = ExprTranslator(ctx, env, scope, "top-nested")
    grouped = ExprTranslator(ctx, env, scope, "top-nested", aggregate=True)
    names = UniqueNames()
    levels: list[tuple[str, Typed, str, Typed, OrderKey, Typed | None]] = []
    for count, of, key, others in op.levels:
        if others:
            raise unsupported("top-nested with others")
        target = of.expr if isinstance(of, Assign) else of
        label = of.names[0] if isinstance(of, Assign) else result_name(target, None) or "Column1"
        agg_expr: Expr = key.expr
        agg_label = agg_expr.names[0] if isinstance(agg_expr, Assign) else f"aggregated_{label}"
        agg_target = agg_expr.expr if isinstance(agg_expr, Assign) else agg_expr
        limit = plain.expr(count) if count is not None else None
        levels.append(
            (
                names.add(label),
                plain.expr(target),
                names.add(agg_label),
                grouped.expr(agg_target),
                key,
                limit,
            )
        )
    source = S.subquery(rel.query, ctx.alias())
    level_queries: list[exp.Expression] = []
    for depth, (_, _, _, aggregate, key, limit) in enumerate(levels):
        keys = [lv[1].sql for lv in levels[: depth + 1]]
        select_list = [S.alias(k, S.ident(f"_k{i}"), quoted=True) for i, k in enumerate(keys)]
        select_list.append(S.alias(aggregate.sql, S.ident("_a"), quoted=True))
        query = exp.Select().select(*select_list, copy=False).from_(source.copy(), copy=False)
        query = query.group_by(*(exp.Literal.number(i + 1) for i in range(len(keys))), copy=False)
        if depth > 0:
            previous = level_queries[-1]
            match = S.and_(
                *(
                    exp.NullSafeEQ(
                        this=S.col(f"_k{i}", "_prev"), expression=S.col(f"_k{i}", "_cur")
                    )
                    for i in range(depth)
                )
            )
            query = (
                exp.Select()
                .select(
                    *(S.col(f"_k{i}", "_cur") for i in range(depth + 1)),
                    S.col("_a", "_cur"),
                    copy=False,
                )
                .from_(S.subquery(query, "_cur"), copy=False)
                .where(
                    exp.Exists(
                        this=exp.Select()
                        .select(S.number(1), copy=False)
                        .from_(S.subquery(previous, "_prev"), copy=False)
                        .where(match, copy=False)
                    ),
                    copy=False,
                )
            )
        if limit is not None:
            rank = exp.Window(
                this=S.fn("row_number"),
                partition_by=[S.col(f"_k{i}") for i in range(depth)] or None,
                order=exp.Order(
                    expressions=[exp.Ordered(this=S.col("_a"), desc=key.desc is not False)]
                ),
            )
            query = (
                exp.Select()
                .select(exp.Star(), copy=False)
                .from_(S.subquery(query, ctx.alias()), copy=False)
                .qualify(S.binop("<=", rank, limit.sql), copy=False)
            )
        level_queries.append(query)
    final = exp.Select().from_(S.subquery(level_queries[-1], "_l0"), copy=False)
    for depth in range(len(levels) - 1):
        alias = f"_l{depth + 1}"
        match = S.and_(
            *(
                exp.NullSafeEQ(this=S.col(f"_k{i}", "_l0"), expression=S.col(f"_k{i}", alias))
                for i in range(depth + 1)
            )
        )
        final = final.join(
            S.subquery(level_queries[depth], alias), on=match, join_type="INNER", copy=False
        )
    sql_names = SqlNames()
    columns: list[Column] = []
    projections: list[exp.Expression] = []
    for depth, (label, value, agg_label, aggregate, _, _) in enumerate(levels):
        agg_source = "_l0" if depth == len(levels) - 1 else f"_l{depth + 1}"
        for name, kind, ref in (
            (label, value.type, S.col(f"_k{depth}", "_l0")),
            (agg_label, aggregate.type, S.col("_a", agg_source)),
        ):
            sql_name = sql_names.pick(name)
            columns.append(Column(name, kind, sql_name))
            projections.append(S.alias(ref, S.ident(sql_name), quoted=True))
    return Relation(final.select(*projections, copy=False), tuple(columns))
